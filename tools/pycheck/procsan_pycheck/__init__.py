"""procsan's checker for Python sources: the multiprocessing pitfalls found in the AST.

The procsan driver (tools/procsan/PythonCheck.cpp) runs this package with a Python interpreter,
so that the parser is CPython's own `ast` of the version the user runs. It prints one JSON
document on stdout (cli.py); the driver filters the findings by the run's checks, renders them
like the C analyzer's and adds them to the JSON and SARIF reports.

Modules: files.py finds the files, model.py follows names to what they mean (imports, start
methods, local functions and classes), rules.py holds the rules, suppress.py the noqa comments.
"""

# Rule ids and their summaries: the first sentence of docs/rules/<id>.md. The driver keeps the
# same table (tools/procsan/PythonCheck.cpp); test/python/list-rules.test compares them.
RULES = {
    "mp-unguarded-spawn":
        "A process pool, process, or manager is started while the main module is imported, "
        "outside the `if __name__ == \"__main__\":` guard, under a start method that re-imports it.",
    "mp-unpicklable-task":
        "An object that cannot be pickled is passed where multiprocessing pickles it: a task, its "
        "arguments, a queue or a pipe, or a process target under spawn or forkserver.",
}

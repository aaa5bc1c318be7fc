"""procsan's checker for Python sources: the multiprocessing pitfalls found in the AST.

The procsan driver (tools/procsan/PythonCheck.cpp) runs this package with a Python interpreter,
so that the parser is CPython's own `ast` of the version the user runs. It prints one JSON
document on stdout (cli.py); the driver filters the findings by the run's checks, renders them
like the C analyzer's and adds them to the JSON and SARIF reports.

Modules: files.py finds the files, project.py indexes the run's modules and summarizes what
each binds, for the names one imports from another, model.py follows names to what they mean
(imports, start methods, local functions and classes), rules.py holds the rules about single calls, lifetimes.py
those about what happens to an object once made (pools, shared memory, processes and their
queues), children.py what runs in child processes (shared Values written there),
processes.py what becomes of a Process and the threads started before it, childwork.py what a
child leaves behind, payload.py what every task of a pool carries, suppress.py the noqa comments.
"""

# Rule ids and their summaries: the first sentence of docs/rules/<id>.md. The driver keeps the
# same table (tools/procsan/PythonCheck.cpp); test/python/list-rules.test compares them.
RULES = {
    "mp-unguarded-spawn":
        "A process pool, process, or manager is started while the main module is imported, "
        "outside the `if __name__ == \"__main__\":` guard, under a start method that re-imports it.",
    "mp-fork-with-threads":
        "Reports a fork made while other threads were running, whose child went on without "
        "exec.",
    "mp-join-before-drain":
        "Reports a parent waiting for a child to exit while the child is blocked writing into a "
        "pipe only the parent reads.",
    "mp-leaked-ipc-name":
        "Flags shm_open, sem_open or mq_open with O_CREAT whose name is never unlinked, so the "
        "object outlives the program.",
    "mp-pool-not-joined":
        "A process pool or executor is neither used as a context manager nor closed and joined "
        "on every path, or its `with` block ends while results it still owes are pending.",
    "mp-unpicklable-task":
        "An object that cannot be pickled is passed where multiprocessing pickles it: a task, its "
        "arguments, a queue or a pipe, or a process target under spawn or forkserver.",
    "mp-repeated-task-payload":
        "The same large object is pickled and sent to the workers again with every task, where "
        "a pool initializer or shared memory would send it once.",
    "mp-unchecked-child-status":
        "Flags a wait whose status is discarded or never examined, so a crashed child goes "
        "unnoticed.",
    "mp-unsynchronized-shared-write":
        "Flags a write to shared memory that another live process also uses, made without a "
        "process-shared lock and not atomic.",
}

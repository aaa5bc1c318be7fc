import os
lit_config.load_config(config, os.path.join(os.path.dirname(os.path.dirname(__file__)), "lit.cfg.py"))
config.name = "procsan-python"
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.procsan_obj_root, "test", "python")
config.substitutions.insert(0, ("%inputs", os.path.join(os.path.dirname(__file__), "Inputs")))
# The checker runs in the interpreter given with --param procsan_python (ctest runs the suite
# once per CPython found: test/CMakeLists.txt), Debian's by default.
python = lit_config.params.get("procsan_python", config.python)
config.substitutions.insert(0, ("%check", "%procsan check --python=" + python))
config.substitutions.insert(0, ("%pycheck-dir", os.path.join(config.procsan_src_root, "tools", "pycheck")))

import os
lit_config.load_config(config, os.path.join(os.path.dirname(os.path.dirname(__file__)), "lit.cfg.py"))
config.name = "procsan-runtime"
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.procsan_obj_root, "test", "runtime")
config.substitutions.insert(0, ("%inputs", os.path.join(os.path.dirname(__file__), "Inputs")))

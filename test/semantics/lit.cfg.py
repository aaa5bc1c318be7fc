import os
lit_config.load_config(config, os.path.join(os.path.dirname(os.path.dirname(__file__)), "lit.cfg.py"))
config.name = "procsan-semantics"
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.procsan_obj_root, "test", "semantics")
inputs = os.path.join(os.path.dirname(__file__), "Inputs")
config.substitutions.insert(0, ("%inputs", inputs))
# %threeways PROGRAM ARGS: the program behaves the same bare, preloaded and under procsan run.
config.substitutions.insert(0, ("%threeways", "%s %s --procsan %s --rt %s" % (
    config.python, os.path.join(inputs, "threeways.py"), config.procsan_bin,
    config.procsan_runtime)))
# Options go before the program: %threeways --allow-findings %t
if os.geteuid() == 0:
    config.available_features.add("root")  # chown to another user for the setuid test

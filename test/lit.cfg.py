# lit configuration shared by the analyzer, runtime and cli suites.
import os
import lit.formats
import lit.util

site = lit_config.params.get("procsan_site_config")
if not site:
    lit_config.fatal("run the suites through ctest (procsan_site_config is not set)")
lit_config.load_config(config, site)

config.name = "procsan"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".cpp", ".py", ".test"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.local.cfg"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.procsan_obj_root, "test")

config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, os.environ.get("PATH", "")])
for var in ["HOME", "TMPDIR", "LANG"]:
    if var in os.environ:
        config.environment[var] = os.environ[var]

config.substitutions.append(("%procsan-tidy-plugin", config.tidy_plugin))
config.substitutions.append(("%clang-tidy", os.path.join(config.llvm_tools_dir, "clang-tidy")))
config.substitutions.append(("%procsan-build", config.procsan_obj_root))
config.substitutions.append(("%procsan_dir", os.path.dirname(config.procsan_bin)))
config.substitutions.append(("%procsan", config.procsan_bin))
config.substitutions.append(("%rtlib", config.procsan_runtime))
config.substitutions.append(("%llvmlib", config.procsan_llvm_library))
config.substitutions.append(("%cxx", config.cxx + " -g -O0"))
config.substitutions.append(("%cc", config.cc + " -g -O0"))
# --param procsan_python=PATH runs the Python tests with another interpreter (ctest runs the
# runtime suite's Python tests once per CPython found; see test/CMakeLists.txt).
config.substitutions.append(("%python", lit_config.params.get("procsan_python", config.python)))

# A pid_max small enough that a test can go around it (Debian's default 32768 is; hosts with
# millions are not): the tests of pid reuse need it.
try:
    with open("/proc/sys/kernel/pid_max") as f:
        if int(f.read()) <= 65536:
            config.available_features.add("small-pid-max")
except (OSError, ValueError):
    pass

if config.have_analyzer:
    config.available_features.add("analyzer")
    # Stacks are symbolized with LLVM's symbolizer, which only the full build links.
    config.available_features.add("symbolizer")

if config.sarif_multitool and os.access(config.sarif_multitool, os.X_OK):
    config.available_features.add("sarif-multitool")
    config.substitutions.append(("%sarif-multitool", config.sarif_multitool))
    config.environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1"
if config.apply_replacements and not config.apply_replacements.endswith("NOTFOUND"):
    config.substitutions.append(("%clang-apply-replacements", config.apply_replacements))
    config.available_features.add("clang-apply-replacements")

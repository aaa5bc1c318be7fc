import os
lit_config.load_config(config, os.path.join(os.path.dirname(os.path.dirname(__file__)), "lit.cfg.py"))
config.name = "procsan-runtime"
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.procsan_obj_root, "test", "runtime")
config.substitutions.insert(0, ("%inputs", os.path.join(os.path.dirname(__file__), "Inputs")))

# Tests that fill a file system mount a small tmpfs in a mount namespace of their own (root with
# CAP_SYS_ADMIN, as in CI here); elsewhere they are unsupported.
def _can_mount_tmpfs():
    import shutil
    import subprocess
    if not shutil.which("unshare"):
        return False
    try:
        return subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k none /mnt"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False

if _can_mount_tmpfs():
    config.available_features.add("mount-namespace")

# Tests that make two processes share a pid run in a pid namespace of their own, where they may set
# the last pid handed out (/proc/sys/kernel/ns_last_pid): root with CAP_SYS_ADMIN, as in CI here.
def _can_set_last_pid():
    import shutil
    import subprocess
    if not shutil.which("unshare"):
        return False
    try:
        return subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", "sh", "-c",
                               "echo 100 > /proc/sys/kernel/ns_last_pid"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False

if _can_set_last_pid():
    config.available_features.add("pid-namespace")

# A CPython whose frames procsan cannot read (3.7: no layout for it), for the report that says so.
import glob
_old_pythons = sorted(glob.glob("/root/.pyenv/versions/3.7*/bin/python3.7") +
                      glob.glob("/usr/bin/python3.7") + glob.glob("/usr/local/bin/python3.7"))
if _old_pythons:
    config.available_features.add("python-unreadable")
    config.substitutions.append(("%unreadable_python", _old_pythons[0]))

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

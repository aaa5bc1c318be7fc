"""expect_status.py N|sig:NAME COMMAND...: runs COMMAND and fails unless it ends that way."""
import signal
import subprocess
import sys

want, cmd = sys.argv[1], sys.argv[2:]
rc = subprocess.call(cmd)
if want.startswith("sig:"):
    expected = -getattr(signal, want[4:])
else:
    expected = int(want)
if rc != expected:
    sys.exit(f"expect_status: {cmd[0]} ended with {rc}, expected {expected}")

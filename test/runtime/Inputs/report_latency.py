"""report_latency.py TIMEOUT COMMAND...: runs COMMAND (a procsan run with --hang-timeout=TIMEOUT)
and fails unless its first hang report line arrives within TIMEOUT + a generous bound."""
import subprocess
import sys
import time

timeout = float(sys.argv[1])
start = time.monotonic()
proc = subprocess.Popen(sys.argv[2:], stderr=subprocess.PIPE, text=True)
first = None
for line in proc.stderr:
    if first is None and "procsan: error:" in line:
        first = time.monotonic() - start
proc.wait()
if first is None:
    sys.exit("report_latency: no hang report")
# DESIGN promises timeout + 0.5 s; the bound here leaves room for a busy CI machine.
if first > timeout + 5.0:
    sys.exit(f"report_latency: report after {first:.2f} s (timeout {timeout} s)")
print(f"hang report after {first:.2f} s")

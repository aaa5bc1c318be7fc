"""check_last_reaped.py REPORT.json: the process that started last has its exit code and its
reaper (a traced process, not procsan) in the report."""
import json
import sys

procs = json.load(open(sys.argv[1]))["processes"]
last = max(procs, key=lambda p: p["start_us"])
code = (last.get("exit") or {}).get("code")
reaper = last.get("reaped_by")
print(f"last child exit {code}, " + ("reaped by its parent" if reaper == last["ppid"] else
                                     f"reaped by {reaper}"))

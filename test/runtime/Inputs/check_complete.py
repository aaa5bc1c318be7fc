"""check_complete.py REPORT.json: nothing was lost from a run's record. Every process but the
root has its exit and who reaped it, and no process dropped an event. Prints the totals."""
import json
import sys

report = json.load(open(sys.argv[1]))
procs = report["processes"]
root = min(procs, key=lambda p: p["start_us"])
no_exit = [p["pid"] for p in procs if p is not root and p.get("exit") is None]
no_reaper = [p["pid"] for p in procs if p is not root and not p.get("reaped_by")]
dropped = sum(p.get("events_dropped", 0) for p in procs)
if no_exit or no_reaper or dropped:
    sys.exit(f"check_complete: {len(no_exit)} without exit, {len(no_reaper)} without reaper, "
             f"{dropped} events dropped")
print(f"processes={len(procs)} complete dropped=0 findings={len(report['findings'])}")

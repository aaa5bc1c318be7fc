"""list_shared_pids.py REPORT.json: the processes of a run that had the same pid, one line each in
the report's order: pid, which of them it was, its parent, its exit and its reaper (with which
process of a shared pid each reference means). Then the totals."""
import json
import sys

procs = json.load(open(sys.argv[1]))["processes"]
counts = {}
for p in procs:
    counts[p["pid"]] = counts.get(p["pid"], 0) + 1


def ref(p, key):
    value = p.get(key)
    k = p.get(key + "_incarnation")
    return f"{value}" if k is None else f"{value}#{k}"


for p in procs:
    if counts[p["pid"]] < 2:
        continue
    exit = p.get("exit")
    how = "none" if exit is None else "code=%s" % exit["code"] if "code" in exit else exit["signal"]
    print(f"shared pid={p['pid']}#{p.get('incarnation')} ppid={ref(p, 'ppid')} exit={how} "
          f"reaped_by={ref(p, 'reaped_by')}")
root = min(procs, key=lambda p: p["start_us"])
unknown = sum(1 for p in procs if p is not root and (p.get("exit") is None or not p.get("reaped_by")))
print(f"processes={len(procs)} pids={len(counts)} without_exit_or_reaper={unknown}")

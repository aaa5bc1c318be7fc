"""check_losses.py REPORT.json STDERR: the events a run could not record are counted and reported,
never dropped silently: the JSON report's events_dropped add up to the number procsan's warning
on stderr gives, and there is no warning when nothing was dropped. Prints the totals."""
import json
import re
import sys

report = json.load(open(sys.argv[1]))
err = open(sys.argv[2]).read()
dropped = sum(p.get("events_dropped", 0) for p in report["processes"])
losing = sum(1 for p in report["processes"] if p.get("events_dropped", 0))
m = re.search(r"warning: (\d+) events? of (\d+) process(?:es)? (?:\(pid [0-9, .]+\) )?"
              r"could not be recorded", err)
if dropped and not m:
    sys.exit(f"check_losses: {dropped} events dropped but no warning on stderr")
if m and (int(m.group(1)), int(m.group(2))) != (dropped, losing):
    sys.exit(f"check_losses: warning says {m.group(1)} of {m.group(2)}, report {dropped} of {losing}")
if not dropped and m:
    sys.exit("check_losses: a warning but nothing dropped in the report")
print(f"processes={len(report['processes'])} findings={len(report['findings'])} "
      f"dropped={dropped} reported=yes")

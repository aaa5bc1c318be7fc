"""python_stacks.py REPORT.json: the Python frames of every event of every finding of a procsan run
JSON report, one event a line: "RULE: WHAT | FILE:LINE FUNCTION < FILE:LINE FUNCTION ..."
(file names without their directories, innermost frame first), or "RULE: WHAT | (NOTE)"."""
import json
import os
import sys

doc = json.load(open(sys.argv[1]))
for f in doc["findings"]:
    for e in f["events"]:
        frames = ["%s:%d %s" % (os.path.basename(p["file"]), p["line"], p["function"])
                  for p in e.get("python_stack", [])]
        tail = " < ".join(frames) if frames else "(%s)" % e.get("python_note", "no Python frames")
        print("%s: %s | %s" % (f["rule"], e["what"], tail))

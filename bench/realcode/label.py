#!/usr/bin/env python3
"""Set the label of findings in bench/realcode/labels/<project>.json (triage helper).

usage: bench/realcode/label.py PROJECT FILE:LINE[:RULE] TP|FP|unsure "one-sentence reason"
       bench/realcode/label.py PROJECT --todo      # list the findings still to label

FILE is relative to the project root. Entries are created by `run.py --add-todo`; this only
changes the label and reason of the entries at FILE:LINE (of RULE, when given).
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    project = sys.argv[1]
    path = os.path.join(HERE, "labels", project + ".json")
    with open(path) as f:
        doc = json.load(f)
    if sys.argv[2] == "--todo":
        for l in doc["findings"]:
            if l.get("label") not in ("TP", "FP", "unsure"):
                print("%s:%d:%s  %s\n    | %s" % (l["file"], l["line"], l["rule"], l["message"],
                                                l.get("text", "")))
        return 0
    if len(sys.argv) != 5 or sys.argv[3] not in ("TP", "FP", "unsure"):
        sys.exit(__doc__)
    parts = sys.argv[2].split(":")
    file, line = parts[0], int(parts[1])
    rule = parts[2] if len(parts) > 2 else None
    hit = [l for l in doc["findings"]
           if l["file"] == file and l["line"] == line and (rule is None or l["rule"] == rule)]
    if not hit:
        sys.exit("label.py: no finding at %s" % sys.argv[2])
    for l in hit:
        l["label"], l["reason"] = sys.argv[3], sys.argv[4]
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("labelled %d finding(s)" % len(hit))
    return 0


if __name__ == "__main__":
    sys.exit(main())

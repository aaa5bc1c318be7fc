"""python_native_frames.py REPORT.json: for every event with Python frames of a procsan run JSON
report made with --native-frames, the Python functions grouped by the native frame of the eval
loop call that runs them, innermost first: "calls: f g | h | <module>" (names without their
class), or "BAD: why" when a frame is not matched, not with an interpreter frame, or out of order."""
import json
import sys

doc = json.load(open(sys.argv[1]))
for f in doc["findings"]:
    for e in f["events"]:
        py = e.get("python_stack", [])
        if not py:
            continue
        stack = e["stack"]
        groups, last, bad = [], -1, None
        for p in py:
            k = p.get("native_frame", -1)
            if k < 0 or k >= len(stack):
                bad = "%s has no native frame" % p["function"]
                break
            if not stack[k].get("interpreter"):
                bad = "frame #%d of %s is not the interpreter's" % (k, p["function"])
                break
            if k < last:
                bad = "native frames out of order at %s" % p["function"]
                break
            if k != last:
                groups.append([])
                last = k
            groups[-1].append(p["function"].rsplit(".", 1)[-1])
        print("BAD: " + bad if bad else "calls: " + " | ".join(" ".join(g) for g in groups))

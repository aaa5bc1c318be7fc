"""run_merge_summary.py A.json B.json AB.json BA.json: what the inputs (two run reports) and
their merges in both orders hold."""
import json
import sys

a, b, ab, ba = (json.load(open(f)) for f in sys.argv[1:])
print("inputs: %d findings" % (len(a["findings"]) + len(b["findings"])))
print("merged: %d runs, findings %s" % (len(ab["runs"]), " ".join(f["rule"] for f in ab["findings"])))
print("same findings whatever the order" if ab["findings"] == ba["findings"] else "order matters")

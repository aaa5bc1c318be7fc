"""sarif_runtime.py FILE.sarif: prints the parts of a runtime SARIF log that GitHub code scanning
relies on, one fact a line."""
import json
import os
import sys

log = json.load(open(sys.argv[1]))
run = log["runs"][0]
rules = run["tool"]["driver"]["rules"]
print("version:", log["version"])
print("rules described:", "yes" if rules and all(
    r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["text"]
    for r in rules) else "no")
print("results:", len(run["results"]))
for res in run["results"]:
    rule = rules[res["ruleIndex"]]["id"]
    loc = res["locations"][0]["physicalLocation"]
    region = loc.get("region", {})
    print("result %s level %s at %s:%d" % (
        res["ruleId"] if rule == res["ruleId"] else "RULE-INDEX-MISMATCH", res["level"],
        os.path.basename(loc["artifactLocation"]["uri"]), region.get("startLine", 0)))
    for rel in res.get("relatedLocations", []):
        rl = rel["physicalLocation"]
        print("  related %s:%d %s" % (os.path.basename(rl["artifactLocation"]["uri"]),
                                      rl.get("region", {}).get("startLine", 0),
                                      rel["message"]["text"]))
    for st in res.get("stacks", []):
        funcs = [f["location"].get("logicalLocations", [{}])[0].get("fullyQualifiedName", "?")
                 for f in st["frames"]]
        print("  stack:", " > ".join(funcs[:3]))
    print("  fingerprint:", "yes" if res.get("partialFingerprints") else "no")
inv = run["invocations"][0]
print("exit code:", inv.get("exitCode"))

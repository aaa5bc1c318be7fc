"""Prints the parts of a SARIF log that GitHub code scanning relies on, one fact a line."""
import json
import sys

log = json.load(open(sys.argv[1]))
run = log["runs"][0]
rules = run["tool"]["driver"]["rules"]
print("rules:", " ".join(r["id"] for r in rules))
print("rule help: %s, helpUri: %s" % (
    "yes" if all(r["help"]["text"] and r["shortDescription"]["text"] and
                 r["fullDescription"]["text"] for r in rules) else "no",
    "yes" if all("helpUri" in r for r in rules) else "no"))
for res in run["results"]:
    loc = res["locations"][0]["physicalLocation"]
    uri = loc["artifactLocation"]["uri"]
    region = loc["region"]
    print("result %s at %s:%d:%d related %d fingerprint %s fix %s" % (
        res["ruleId"], uri, region["startLine"], region.get("startColumn", 0),
        len(res.get("relatedLocations", [])),
        "yes" if res.get("partialFingerprints") else "no",
        "yes" if res.get("fixes") else "no"))
for inv in run.get("invocations", []):
    for n in inv.get("toolExecutionNotifications", []):
        print("notification:", n["message"]["text"])

"""sarif_results.py LOG.sarif: the results of a SARIF log, one per line (rule, locations,
related locations, fingerprints), for comparing two logs of the same findings."""
import json
import sys

log = json.load(open(sys.argv[1]))
for r in log["runs"][0]["results"]:
    print(json.dumps([r["ruleId"], r.get("level"), r["message"], r["locations"],
                      r.get("relatedLocations"), r.get("partialFingerprints")], sort_keys=True))

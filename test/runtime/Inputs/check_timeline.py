"""check_timeline.py FILE.json: checks that a procsan timeline is well-formed Chrome trace event
JSON (what Perfetto's importer relies on) and prints one fact a line for FileCheck.

Checked: valid JSON with a traceEvents list; every event has ph, pid and (except process
metadata) tid; every process and thread that has events is named by metadata; timestamps are
numbers, non-negative and never decrease along one thread; every B has its E on the same thread
(properly nested); X slices have a non-negative dur; every flow start (s) has exactly one finish
(f) with the same id and cat, not earlier than it.
"""
import collections
import json
import sys

errors = []


def fail(msg):
    errors.append(msg)


doc = json.load(open(sys.argv[1]))
events = doc["traceEvents"] if isinstance(doc, dict) else doc
if not isinstance(events, list):
    sys.exit("traceEvents is not a list")

process_names, thread_names = {}, {}
last_ts = {}
stacks = collections.defaultdict(list)
flows = collections.defaultdict(lambda: {"s": [], "f": []})
counts = collections.Counter()
used_threads, used_pids = set(), set()
for i, e in enumerate(events):
    ph = e.get("ph")
    if ph is None or "pid" not in e:
        fail(f"event {i} lacks ph or pid: {e}")
        continue
    pid = e["pid"]
    if ph == "M":
        if e.get("name") == "process_name":
            process_names[pid] = e["args"]["name"]
        elif e.get("name") == "thread_name":
            thread_names[(pid, e["tid"])] = e["args"]["name"]
        continue
    if "tid" not in e or not isinstance(e.get("ts"), (int, float)) or e["ts"] < 0:
        fail(f"event {i} lacks tid or a valid ts: {e}")
        continue
    key = (pid, e["tid"])
    used_threads.add(key)
    used_pids.add(pid)
    if e["ts"] < last_ts.get(key, 0):
        fail(f"event {i}: time goes back on thread {key}: {e['ts']} < {last_ts[key]}")
    last_ts[key] = e["ts"]
    counts[(ph, e.get("cat", ""))] += 1
    if ph == "B":
        stacks[key].append(e)
    elif ph == "E":
        if not stacks[key]:
            fail(f"event {i}: E without B on thread {key}")
        else:
            stacks[key].pop()
    elif ph == "X":
        if not isinstance(e.get("dur"), (int, float)) or e["dur"] < 0:
            fail(f"event {i}: X without a valid dur")
    elif ph in ("s", "f"):
        flows[(e.get("cat"), e["id"])][ph].append(e)
for key, open_ in stacks.items():
    for b in open_:
        fail(f"B '{b.get('name')}' on thread {key} never ends")
for (cat, fid), f in flows.items():
    if len(f["s"]) != 1 or len(f["f"]) != 1:
        fail(f"flow {fid} ({cat}): {len(f['s'])} starts, {len(f['f'])} finishes")
    elif f["f"][0]["ts"] < f["s"][0]["ts"]:
        fail(f"flow {fid} ends before it starts")
for pid in used_pids:
    if pid not in process_names:
        fail(f"process {pid} has events but no process_name")
for key in used_threads:
    if key not in thread_names:
        fail(f"thread {key} has events but no thread_name")

for e in errors:
    print("ERROR:", e)
print("well-formed:", "yes" if not errors else "no")
print("processes:", len(process_names))
names = [e["name"] for e in events if e.get("ph") == "i"]
for what in ("fork", "exit", "reaped", "exec"):
    print(f"{what} instants:", sum(1 for n in names if n.startswith(what)))
slices = collections.Counter(e["name"] for e in events if e.get("ph") == "B")
for name in sorted(slices):
    print(f"slice {name}: {slices[name]}")
flow_names = collections.Counter(f["s"][0]["name"] for f in flows.values() if f["s"])
for name in sorted(flow_names):
    print(f"flow {name}: {flow_names[name]}")
sys.exit(1 if errors else 0)

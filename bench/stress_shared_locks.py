#!/usr/bin/env python3
"""Lock-tracing stress at full size (issue 9): PROCS processes (default 500) each take and release
one process-shared lock OPS times (default 10,000), a pthread mutex and then a shared semaphore,
bare and under `procsan run`. Reports the wall times, whether every update happened under the
lock, and what the trace holds: records stored (per kind), events the logs could not hold as the
logs' headers count them, and as procsan reported them (JSON report and the stderr warning).
Lost events must be zero or counted and reported: the script fails otherwise.

usage: bench/stress_shared_locks.py [--procs N] [--ops N] [--procsan PATH]
"""
import argparse
import collections
import glob
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
HEADER, RECORD = 4096, 512
KINDS = {1: "process-start", 2: "argv", 3: "fork", 4: "wait", 7: "module", 8: "exit", 14: "lock-block",
         15: "lock-order", 16: "sem-init"}


def read_logs(session):
    """Per-kind record counts and the dropped counters of every log in a kept session."""
    kinds, dropped, logs = collections.Counter(), 0, 0
    for path in glob.glob(os.path.join(session, "p*.log")):
        with open(path, "rb") as fh:
            head = fh.read(HEADER)
            if len(head) < 56 or struct.unpack_from("<I", head, 0)[0] != 0x4E535350:
                continue
            logs += 1
            capacity = struct.unpack_from("<I", head, 12)[0]
            next_index, lost = struct.unpack_from("<QQ", head, 40)
            dropped += lost
            for i in range(min(next_index, capacity)):
                fh.seek(HEADER + i * RECORD)
                kind = struct.unpack("<H", fh.read(2))[0]
                kinds[KINDS.get(kind, str(kind))] += 1
    return logs, kinds, dropped


def run(procsan, program, procs, ops, lock):
    start = time.perf_counter()
    bare = subprocess.run([program, str(procs), str(ops), lock], capture_output=True, text=True)
    bare_s = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "report.json")
        start = time.perf_counter()
        traced = subprocess.run([procsan, "run", "--keep-session", "--format=json",
                                 "--output=" + report, "--", program, str(procs), str(ops), lock],
                                capture_output=True, text=True)
        traced_s = time.perf_counter() - start
        kept = re.search(r"trace kept in (\S+)", traced.stderr)
        session = kept.group(1) if kept else None
        logs, kinds, dropped = read_logs(session) if session else (0, {}, 0)
        if session:
            shutil.rmtree(session, ignore_errors=True)
        doc = json.load(open(report))
    reported = sum(p.get("events_dropped", 0) for p in doc["processes"])
    warned = re.search(r"warning: (\d+) events? of \d+ process", traced.stderr)
    print(f"{lock}: {procs} processes x {ops} ops")
    print(f"  bare:    {bare_s:.2f}s  {bare.stdout.strip()}")
    print(f"  procsan: {traced_s:.2f}s  {traced.stdout.strip()}  ratio {traced_s / bare_s:.2f}x")
    print(f"  trace: {logs} logs, records {dict(kinds)}")
    print(f"  events lost: {dropped} (log headers), {reported} (JSON report), "
          f"{warned.group(1) if warned else 0} (stderr warning); findings: {len(doc['findings'])}")
    ok = (bare.returncode == 0 and traced.returncode == 0 and dropped == reported and
          (int(warned.group(1)) if warned else 0) == reported)
    if not ok:
        print("  FAILED: " + traced.stderr[-2000:])
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--procs", type=int, default=500)
    ap.add_argument("--ops", type=int, default=10000)
    ap.add_argument("--procsan", default=os.path.join(TOP, "build", "bin", "procsan"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        program = os.path.join(tmp, "shared_lock_stress")
        subprocess.run([shutil.which("cc") or "gcc", "-O2", "-o", program,
                        os.path.join(HERE, "runtime", "shared_lock_stress.c"), "-pthread"],
                       check=True)
        ok = all([run(args.procsan, program, args.procs, args.ops, lock)
                  for lock in ("mutex", "sem")])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

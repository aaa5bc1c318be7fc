#!/usr/bin/env python3
"""Runtime overhead of `procsan run` against the bare program (and `strace -f`, when installed),
measured in the same run and reported as ratios (DESIGN.md §5: real workloads <= 1.05x,
worst-case IPC microbenchmarks <= 1.5x where strace -f is >= 7x).

usage: bench/runtime_overhead.py [--repeat N] [--procsan PATH]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)


def best_of(n, cmd):
    best = None
    for _ in range(n):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--procsan", default=os.path.join(TOP, "build", "bin", "procsan"))
    opts = ap.parse_args()
    work = tempfile.mkdtemp(prefix="procsan-bench-")
    try:
        storm = os.path.join(work, "fork_storm")
        subprocess.run(["cc", "-O2", os.path.join(HERE, "runtime", "fork_storm.c"), "-o", storm],
                       check=True)
        cases = [
            ("fork/wait storm (2000 forks)", "worst case", [storm, "2000"]),
            ("Pool.map, 2 workers, 400 items", "real workload",
             [sys.executable, os.path.join(HERE, "runtime", "pool_map.py"), "400"]),
        ]
        strace = shutil.which("strace")
        print(f"{'benchmark':34} {'bare':>8} {'procsan':>9} {'ratio':>7}"
              + (f" {'strace -f':>10} {'ratio':>7}" if strace else ""))
        for name, kind, cmd in cases:
            bare = best_of(opts.repeat, cmd)
            traced = best_of(opts.repeat, [opts.procsan, "run", "--"] + cmd)
            line = f"{name:34} {bare:8.3f} {traced:9.3f} {traced / bare:6.2f}x"
            if strace:
                st = best_of(opts.repeat, [strace, "-f", "-o", "/dev/null"] + cmd)
                line += f" {st:10.3f} {st / bare:6.2f}x"
            print(line + f"   ({kind})")
        if not strace:
            print("(strace not installed: apt-get install strace for the comparison)")
        # Uncontended process-shared mutex: the program measures itself (ns per lock+unlock).
        sm = os.path.join(work, "shared_mutex")
        subprocess.run(["cc", "-O2", os.path.join(HERE, "runtime", "shared_mutex.c"), "-o", sm,
                        "-pthread"], check=True)

        def per_pair(cmd):
            runs = [float(subprocess.run(cmd, capture_output=True, text=True, check=True)
                          .stdout.split()[-1]) for _ in range(opts.repeat)]
            return min(runs)
        bare_ns = per_pair([sm])
        traced_ns = per_pair([opts.procsan, "run", "--", sm])
        print(f"uncontended shared mutex lock+unlock: bare {bare_ns:.1f} ns, procsan "
              f"{traced_ns:.1f} ns: +{traced_ns - bare_ns:.1f} ns (budget 50 ns)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

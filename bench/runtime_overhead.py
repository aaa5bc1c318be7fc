#!/usr/bin/env python3
"""Runtime overhead of `procsan run` against the bare program and `strace -f -o /dev/null`, in one
run, as ratios (DESIGN.md §5: real workloads <= 1.05x, worst-case IPC microbenchmarks <= 1.5x
where strace -f is >= 7x).

Each case runs bare, under procsan and under strace in turn, --repeat times (the three modes
alternate, so a change in the machine's load hits them alike); the table gives the median wall
time and the median CPU time of the whole tree (user + system of every process that was waited
for: the program, its children, procsan's monitor or strace). The machine's load average is
printed with the table: numbers from a busy machine are only rough.

usage: bench/runtime_overhead.py [--repeat N] [--procsan PATH] [--only SUBSTRING] [--no-strace]
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
RT = os.path.join(HERE, "runtime")


def compile_c(work, name, extra=()):
    out = os.path.join(work, name)
    subprocess.run(["cc", "-O2", os.path.join(RT, name + ".c"), "-o", out, *extra], check=True)
    return out


def cases(work):
    py = sys.executable
    return [
        ("process-shared semaphore ping-pong (20k)", "worst case",
         [compile_c(work, "sem_pingpong", ["-pthread"]), "20000"]),
        ("shared-mutex contention, 4 procs x 1M", "worst case",
         [compile_c(work, "shared_lock_stress", ["-pthread"]), "4", "1000000", "mutex"]),
        ("pipe ping-pong (20k)", "worst case", [compile_c(work, "pipe_pingpong"), "20000"]),
        ("fork+exit+wait storm (2000)", "worst case", [compile_c(work, "fork_storm"), "2000"]),
        # Issue #7 lists it with the IPC microbenchmarks (DESIGN.md §5: <= 1.5x); Pool.map is the
        # real workload (<= 1.05x).
        ("threading.Lock-heavy Python (4 x 200k)", "worst case",
         [py, os.path.join(RT, "threading_lock.py"), "200000"]),
        ("multiprocessing.Semaphore ping-pong (20k)", "worst case",
         [py, os.path.join(RT, "mp_lock_pingpong.py"), "20000"]),
        ("Pool.map, 2 workers, 400 ms-tasks", "real workload",
         [py, os.path.join(RT, "pool_map.py"), "400"]),
    ]


def measure(cmd):
    """Wall seconds and CPU seconds (user + system of the whole waited-for tree) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if r.returncode != 0:
        raise SystemExit(f"benchmark failed (status {r.returncode}): {' '.join(cmd)}")
    return wall, cpu


def uncontended_mutex(work, procsan, repeat):
    sm = compile_c(work, "shared_mutex", ["-pthread"])

    def per_pair(cmd):
        return float(subprocess.run(cmd, capture_output=True, text=True, check=True)
                     .stdout.split()[-1])
    bare, traced = [], []
    for _ in range(repeat):
        bare.append(per_pair([sm]))
        traced.append(per_pair([procsan, "run", "--", sm]))
    return statistics.median(bare), statistics.median(traced)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--procsan", default=os.path.join(TOP, "build", "bin", "procsan"))
    ap.add_argument("--only", default="", help="run the cases whose name contains this")
    ap.add_argument("--no-strace", action="store_true")
    opts = ap.parse_args()
    strace = None if opts.no_strace else shutil.which("strace")
    work = tempfile.mkdtemp(prefix="procsan-bench-")
    try:
        modes = [("bare", [])]
        modes.append(("procsan", [opts.procsan, "run", "--"]))
        if strace:
            modes.append(("strace", [strace, "-f", "-o", "/dev/null"]))
        load = os.getloadavg()
        print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on "
              f"{os.cpu_count()} CPUs; median of {opts.repeat} alternating runs\n")
        head = "| benchmark | kind | bare wall s | bare CPU s | procsan wall | procsan CPU |"
        rule = "|---|---|---:|---:|---:|---:|"
        if strace:
            head += " strace wall | strace CPU |"
            rule += "---:|---:|"
        print(head)
        print(rule)
        for name, kind, cmd in cases(work):
            if opts.only and opts.only not in name:
                continue
            walls = {m: [] for m, _ in modes}
            cpus = {m: [] for m, _ in modes}
            for _ in range(opts.repeat):
                for mode, prefix in modes:
                    wall, cpu = measure(prefix + cmd)
                    walls[mode].append(wall)
                    cpus[mode].append(cpu)
            med = {m: (statistics.median(walls[m]), statistics.median(cpus[m])) for m, _ in modes}
            bw, bc = med["bare"]
            line = f"| {name} | {kind} | {bw:.3f} | {bc:.3f} |"
            for mode, _ in modes[1:]:
                w, c = med[mode]
                line += f" {w / bw:.2f}x | {c / bc:.2f}x |" if bc > 0 else f" {w / bw:.2f}x | - |"
            print(line, flush=True)
        if not strace and not opts.no_strace:
            print("\n(strace not installed: apt-get install strace for the comparison)")
        if not opts.only or "mutex" in opts.only:
            bare_ns, traced_ns = uncontended_mutex(work, opts.procsan, opts.repeat)
            print(f"\nuncontended process-shared mutex lock+unlock: bare {bare_ns:.1f} ns, procsan "
                  f"{traced_ns:.1f} ns: +{traced_ns - bare_ns:.1f} ns (budget 50 ns)")
        load = os.getloadavg()
        print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

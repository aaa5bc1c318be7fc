#!/usr/bin/env python3
"""Soak benchmark for issue 20 (nothing lost on long runs): long-lived processes under `procsan
run`, bare and traced, checking that no event is dropped, that every process has its exit and its
reaper in the JSON report, and that memory stays flat over time.

  forks: a parent forks and reaps --children children one by one (checking every status) and
         takes a process-shared mutex --locks times (bench/runtime/soak_fork_lock.c). Reports
         the wall-time ratio traced/bare, the parent's resident memory over time (it prints it)
         and the monitor's (sampled here), and the spill the trace took on disk.
  nginx: Debian's nginx prefork (master + 4 workers, as bench/nginx_prefork.py) under ApacheBench
         load for --minutes, traced: requests/s of each minute, dropped events, memory of the
         master and the monitor over time.

usage: bench/soak.py [--procsan PATH] [--phases forks,nginx] [--children N] [--locks N]
                     [--minutes M]
The defaults are the issue's (100,000 children, 10 million locks, 10 minutes of nginx).
Numbers are ratios against the bare run of the same invocation (machines here are noisy).
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import nginx_prefork  # noqa: E402  (its config and helpers)


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class Sampler:
    """Samples the resident memory of some pids every `every` seconds in a thread."""

    def __init__(self, pids_fn, every=1.0):
        self.pids_fn, self.every, self.samples = pids_fn, every, []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.t0 = time.monotonic()
        self.thread.start()

    def run(self):
        while not self.stop.wait(self.every):
            row = {name: rss_kib(pid) for name, pid in self.pids_fn().items() if pid}
            self.samples.append((round(time.monotonic() - self.t0, 1), row))

    def finish(self):
        self.stop.set()
        self.thread.join()
        return self.samples


def flatness(series):
    """first, last and max of a list of numbers, and whether the last is within 20% of the
    first sample taken after the warm-up (a tenth of the run)."""
    vals = [v for v in series if v is not None]
    if len(vals) < 2:
        return {"samples": len(vals)}
    base = vals[max(0, len(vals) // 10)]
    return {"first": vals[0], "after_warmup": base, "last": vals[-1], "max": max(vals),
            "flat": vals[-1] <= base * 1.2 + 256}


def report_facts(path):
    with open(path) as f:
        doc = json.load(f)
    procs = doc["processes"]
    root = min(procs, key=lambda p: p["start_us"])
    return {
        "processes": len(procs),
        "no_exit": sum(1 for p in procs if p is not root and p.get("exit") is None),
        "no_reaper": sum(1 for p in procs if p is not root and not p.get("reaped_by")),
        "events_dropped": sum(p.get("events_dropped", 0) for p in procs),
        "findings": len(doc["findings"]),
    }


def children_of(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def phase_forks(opts, work):
    exe = os.path.join(work, "soak_fork_lock")
    subprocess.run(["cc", "-O2", "-pthread", os.path.join(HERE, "runtime", "soak_fork_lock.c"),
                    "-o", exe], check=True)
    out = {}
    for traced in (False, True):
        report = os.path.join(work, "forks.json")
        cmd = [exe, str(opts.children), str(opts.locks), str(max(1, opts.children // 20))]
        if traced:
            cmd = [opts.procsan, "run", "--keep-session", "--format=json", "--output", report,
                   "--"] + cmd
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # The program is the monitor's child while it runs; after it, the monitor builds the
        # report (sampled as "report").
        sampler = Sampler(lambda: ({"monitor": proc.pid} if children_of(proc.pid) else
                                   {"report": proc.pid}) if traced else {}, every=0.25)
        stdout, stderr = proc.communicate()
        wall = time.monotonic() - t0
        samples = sampler.finish()
        rss = [int(m.group(1)) for m in re.finditer(r"rss_kib=(\d+)", stdout)]
        row = {"wall_s": round(wall, 1), "status": proc.returncode,
               "result": (re.findall(r"^done .*$", stdout, re.M) or ["(no result)"])[0],
               "parent_rss_kib": flatness(rss)}
        if traced:
            row["monitor_rss_kib"] = flatness([s[1].get("monitor") for s in samples])
            # Over time while the program runs (ten points), and the peak building the report.
            running = [(s[0], s[1]["monitor"]) for s in samples if s[1].get("monitor")]
            step = max(1, len(running) // 10)
            row["monitor_rss_kib_over_time"] = running[::step] + running[-1:]
            row["report_peak_rss_kib"] = max([s[1]["report"] for s in samples
                                              if s[1].get("report")] or [None], key=lambda v: v or 0)
            row.update(report_facts(report))
            m = re.search(r"trace kept in (\S+)", stderr)
            if m:
                spill = sum(os.path.getsize(os.path.join(m.group(1), n))
                            for n in os.listdir(m.group(1)) if n.endswith(".spill"))
                row["spill_mib"] = round(spill / 2**20, 1)
                shutil.rmtree(m.group(1), ignore_errors=True)
            row["stderr_tail"] = stderr.strip().splitlines()[-3:]
        out["traced" if traced else "bare"] = row
    out["wall_ratio_traced_over_bare"] = round(out["traced"]["wall_s"] / out["bare"]["wall_s"], 2)
    return out


def phase_nginx(opts, work):
    if not nginx_prefork.ensure_tools():
        return {"skipped": "nginx or ab missing"}
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    ab = shutil.which("ab") or "/usr/bin/ab"
    d = tempfile.mkdtemp(prefix="nginx-soak-", dir=work)
    os.chmod(d, 0o755)
    os.makedirs(os.path.join(d, "www"))
    with open(os.path.join(d, "www", "index.html"), "w") as f:
        f.write("x" * 612)
    port = nginx_prefork.free_port()
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as f:
        f.write(nginx_prefork.CONFIG.format(dir=d, port=port))
    report = os.path.join(d, "procsan.json")
    cmd = [opts.procsan, "run", "--format=json", "--output", report, "--",
           nginx, "-e", os.path.join(d, "error.log"), "-p", d, "-c", conf]
    err = open(os.path.join(d, "stderr.log"), "w")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    if not nginx_prefork.wait_listening(port, proc):
        proc.kill()
        return {"error": "nginx did not start"}

    def pids():
        master = (children_of(proc.pid) or [None])[0]
        return {"monitor": proc.pid, "master": master}
    sampler = Sampler(pids, every=5.0)
    minutes = []
    for _ in range(opts.minutes):
        r = subprocess.run([ab, "-q", "-t", "60", "-n", "100000000", "-c", "16",
                            f"http://127.0.0.1:{port}/index.html"],
                           capture_output=True, text=True).stdout
        m = re.search(r"Requests per second:\s+([0-9.]+)", r)
        failed = re.search(r"Failed requests:\s+(\d+)", r)
        minutes.append({"rps": float(m.group(1)) if m else None,
                        "failed": int(failed.group(1)) if failed else None})
    samples = sampler.finish()
    with open(os.path.join(d, "nginx.pid")) as f:
        os.kill(int(f.read().strip()), signal.SIGQUIT)
    status = proc.wait(timeout=120)
    err.close()
    out = {"status": status, "minutes": minutes,
           "monitor_rss_kib": flatness([s[1].get("monitor") for s in samples]),
           "master_rss_kib": flatness([s[1].get("master") for s in samples])}
    out.update(report_facts(report))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--procsan", default=os.path.join(TOP, "build", "bin", "procsan"))
    ap.add_argument("--phases", default="forks,nginx")
    ap.add_argument("--children", type=int, default=100000)
    ap.add_argument("--locks", type=int, default=10000000)
    ap.add_argument("--minutes", type=int, default=10)
    ap.add_argument("--json", default="", help="also write the results here")
    opts = ap.parse_args()
    work = tempfile.mkdtemp(prefix="procsan-soak-")
    os.chmod(work, 0o755)
    results = {}
    try:
        for phase in opts.phases.split(","):
            print(f"{time.strftime('%H:%M:%S')} {phase} ...", flush=True)
            results[phase] = {"forks": phase_forks, "nginx": phase_nginx}[phase](opts, work)
            print(json.dumps(results[phase], indent=1), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump(results, f, indent=1)
    ok = all(r.get("events_dropped", 0) == 0 and r.get("no_exit", 0) == 0
             for r in [results.get("nginx", {}), results.get("forks", {}).get("traced", {})])
    print("zero dropped events, every process complete:", "yes" if ok else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Real-code benchmark for the runtime (`procsan run`, issue 16).

usage: bench/realcode/runtime/run.py [--root DIR] [--procsan PATH] [--suites a,b,...]
                                     [--out DIR] [--reuse DIR] [--server-runs N] [--list]

Runs real multiprocessing test suites and real forking servers under load, each bare and then
under `procsan run --format=json --output=FILE` (default options otherwise: hang timeout 5 s,
kill on hang), and prints per suite:
  - tests passed/failed/errored/skipped bare and under procsan, whether every test's outcome is
    the same (and which differ), exit statuses, wall-time ratio (servers: throughput ratio);
  - procsan's findings per rule, matched against labels.json (TP / FP / expected, keyed by suite,
    rule and the message with pids, numbers, addresses and random names taken out), precision
    = (TP + expected) / all findings per rule and overall, and the unlabelled findings.

The trees are expected under --root (default /work/realcode-rt); README.md says how to fetch
and install them. Nothing here fetches or builds a project. Results (outcomes, findings, logs)
go to --out (default ROOT/results/<time>); --reuse DIR prints a saved run again (after the
labels changed) without running anything.
"""
import argparse
import collections
import datetime
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
UTREC = os.path.join(HERE, "ut_record.py")
PYENV = os.path.expanduser("~/.pyenv/versions/3.11.7/bin/python3")
DEBIAN_PY = "/usr/bin/python3"
PYTEST = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:timeout"]  # the run has a timeout; pytest-timeout would take SIGALRM (pebble tests it)

# Each suite: how to run it. kind "unittest" runs ut_record.py over modules; "pytest" runs
# pytest with --junitxml; "nginx" and "postgres" are servers under load.
SUITES = [
    {"name": "cpython-concurrent-futures", "kind": "unittest", "python": PYENV,
     "dir": "cpython-test", "pythonpath": ["cpython-test"],
     "modules": ["test.test_concurrent_futures"], "timeout": 1200,
     "what": "CPython 3.11 test_concurrent_futures (Debian libpython3.11-testsuite 3.11.2), "
             "pyenv python 3.11.7"},
    {"name": "cpython-mp-fork", "kind": "unittest", "python": PYENV,
     "dir": "cpython-test", "pythonpath": ["cpython-test"],
     "modules": ["test.test_multiprocessing_fork"], "timeout": 1500,
     "what": "CPython 3.11 test_multiprocessing_fork (_test_multiprocessing.py, fork start "
             "method), pyenv python 3.11.7"},
    {"name": "cpython-mp-spawn", "kind": "unittest", "python": PYENV,
     "dir": "cpython-test", "pythonpath": ["cpython-test"],
     "modules": ["test.test_multiprocessing_spawn"], "timeout": 1500,
     "what": "CPython 3.11 test_multiprocessing_spawn (spawn start method: every child is a "
             "fresh exec of python), pyenv python 3.11.7"},
    {"name": "multiprocess-fork", "kind": "unittest", "python": PYENV,
     "dir": "multiprocess/py3.11", "pythonpath": ["multiprocess/py3.11", "dill"],
     "modules": ["multiprocess.tests.test_multiprocessing_fork.test_processes",
                 "multiprocess.tests.test_multiprocessing_fork.test_manager",
                 "multiprocess.tests.test_multiprocessing_fork.test_misc"],
     "timeout": 1200,
     "what": "uqfoundation/multiprocess (dill-based clone): its copy of CPython's suite, fork, "
             "processes + manager types + misc, pyenv python 3.11.7, dill from source"},
    {"name": "loky", "kind": "pytest", "python": DEBIAN_PY, "dir": "loky", "pythonpath": ["loky"],
     "args": ["tests/test_reusable_executor.py", "tests/test_synchronize.py",
              "tests/test_worker_timeout.py", "tests/test_resource_tracker.py"],
     "timeout": 1200,
     "what": "joblib/loky tests (reusable executor, synchronize, worker timeout, resource "
             "tracker), Debian python 3.11.2 + pytest 7.2 + cloudpickle 2.2"},
    {"name": "pebble", "kind": "pytest", "python": DEBIAN_PY, "dir": "pebble",
     "pythonpath": ["pebble"], "args": ["test"], "timeout": 1200,
     "what": "noxdafox/pebble full test suite, Debian python 3.11.2 + pytest 7.2"},
    {"name": "billiard", "kind": "pytest", "python": DEBIAN_PY, "dir": "billiard",
     "pythonpath": ["billiard"], "args": ["t/unit"], "timeout": 600,
     "what": "celery/billiard unit tests, Debian python 3.11.2 + pytest 7.2"},
    {"name": "nginx-prefork", "kind": "nginx", "timeout": 300,
     "what": "Debian nginx-light 1.22.1, master + 4 workers, ab -n 20000 -c 16, SIGQUIT stop"},
    {"name": "postgresql-pgbench", "kind": "postgres", "timeout": 300,
     "what": "Debian PostgreSQL 15, postmaster forking a backend per connection; pgbench "
             "-C (new connection per transaction) select-only, then TPC-B-like; fast shutdown"},
]


# ---------------------------------------------------------------------------------------------
# Running

def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass


def run_cmd(cmd, cwd, env, timeout, log_prefix):
    t0 = time.monotonic()
    with open(log_prefix + ".stdout", "w") as out, open(log_prefix + ".stderr", "w") as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            status = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            proc.wait()
            status = "timeout"
    wall = time.monotonic() - t0
    if isinstance(status, int) and status < 0:
        status = "signal %d" % -status
    return status, wall


def traced_cmd(procsan, report, cmd):
    return [procsan, "run", "--format=json", "--output", report, "--"] + cmd


def read_findings(report):
    try:
        with open(report) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        return None, {"error": "no report: %s" % e}
    info = {"processes": len(doc.get("processes", [])),
            "report_exit_status": doc.get("exit_status"), "version": doc.get("version")}
    return doc.get("findings", []), info


def unittest_outcomes(path):
    res = {}
    try:
        with open(path) as f:
            for line in f:
                try:
                    d = json.loads(line)
                except ValueError:
                    continue
                res[d["test"]] = d["outcome"]
    except OSError:
        pass
    return res


def junit_outcomes(path):
    res = {}
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return res
    rank = {"pass": 0, "skip": 1, "xfail": 1, "fail": 2, "error": 3}
    for tc in root.iter("testcase"):
        name = "%s::%s" % (tc.get("classname"), tc.get("name"))
        outcome = "pass"
        for child in tc:
            if child.tag == "failure":
                o = "fail"
            elif child.tag == "error":
                o = "error"
            elif child.tag == "skipped":
                o = "xfail" if (child.get("type") or "").endswith("xfail") else "skip"
            else:
                continue
            if rank[o] > rank[outcome]:
                outcome = o
        if rank.get(res.get(name, "pass"), 0) > rank[outcome]:
            outcome = res[name]
        res[name] = outcome
    return res


def run_python_suite(s, mode, opts, sdir):
    root = opts.root
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    pp = [os.path.join(root, p) for p in s.get("pythonpath", [])]
    if pp:
        env["PYTHONPATH"] = os.pathsep.join(pp)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    cwd = os.path.join(root, s["dir"])
    prefix = os.path.join(sdir, mode)
    if s["kind"] == "unittest":
        outfile = prefix + ".outcomes.jsonl"
        cmd = [s["python"], UTREC, "--out", outfile] + s["modules"]
    else:
        outfile = prefix + ".junit.xml"
        env["PYTHONPATH"] = os.pathsep.join(pp + [HERE])
        env["PROCSAN_BENCH_TIMES"] = prefix + ".times.jsonl"
        cmd = [s["python"]] + PYTEST + ["-p", "pytest_times", "--junitxml=" + outfile] + s["args"]
    report = prefix + ".procsan.json"
    if mode == "procsan":
        cmd = traced_cmd(opts.procsan, report, cmd)
    status, wall = run_cmd(cmd, cwd, env, s["timeout"], prefix)
    outcomes = (unittest_outcomes if s["kind"] == "unittest" else junit_outcomes)(outfile)
    r = {"status": status, "wall": wall, "outcomes": outcomes, "cmd": cmd,
         "times": test_times(outfile if s["kind"] == "unittest" else prefix + ".times.jsonl")}
    if mode == "procsan":
        r["findings"], r["report"] = read_findings(report)
        attach_tests(r["findings"], r["times"], report)
    return r


def test_times(path):
    """[test, start_us, end_us] per test, from ut_record.py's outcomes or pytest_times.py."""
    start, end = {}, {}
    try:
        with open(path) as f:
            for line in f:
                try:
                    d = json.loads(line)
                except ValueError:
                    continue
                if d.get("start_us"):
                    start[d["test"]] = d["start_us"]
                if d.get("end_us"):
                    end[d["test"]] = d["end_us"]
    except OSError:
        pass
    return sorted([t, start[t], end.get(t)] for t in start)


def attach_tests(findings, times, report):
    """Names, in each finding's "test", the test that was running when the newest process of
    the finding started (the forked child, the worker that died...)."""
    if not findings or not times:
        return
    try:
        with open(report) as f:
            procs = {p["pid"]: p for p in json.load(f).get("processes", [])}
    except (OSError, ValueError):
        return
    times = sorted(times, key=lambda x: x[1])
    for fd in findings:
        starts = [procs[p].get("start_us") or 0 for p in fd.get("processes", []) if p in procs]
        if not starts:
            continue
        t = max(starts)
        running = [x[0] for x in times if x[1] <= t and (x[2] is None or t <= x[2])]
        if not running:
            before = [x for x in times if x[1] <= t]
            running = [before[-1][0] + " (after)"] if before else []
        fd["test"] = running[-1] if running else None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_nginx(s, mode, opts, sdir):
    sys.path.insert(0, os.path.join(TOP, "bench"))
    import nginx_prefork
    nopts = argparse.Namespace(requests=20000, concurrency=16)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    ab = shutil.which("ab") or "/usr/bin/ab"
    work = tempfile.mkdtemp(prefix="nginx-" + mode + "-", dir=sdir)
    os.chmod(work, 0o755)
    runs = []
    for _ in range(opts.server_runs):
        t0 = time.monotonic()
        runs.append(nginx_prefork.one_run(nginx, ab, opts.procsan, mode == "procsan", nopts, work))
        runs[-1]["wall"] = time.monotonic() - t0
    ok = sum((r.get("complete") or 0) - (r.get("failed") or 0) - (r.get("non2xx") or 0)
             for r in runs)
    bad = sum(nopts.requests - (r.get("complete") or 0) + (r.get("failed") or 0)
              + (r.get("non2xx") or 0) for r in runs)
    r = {"status": [x.get("status") for x in runs][0] if runs else None,
         "statuses": [x.get("status") for x in runs],
         "wall": sum(x["wall"] for x in runs),
         "throughput": statistics.median([x.get("rps") or 0 for x in runs]),
         "throughput_unit": "req/s",
         "outcomes": {"requests ok": ok, "requests lost or failed": bad},
         "errors": [x["error"] for x in runs if "error" in x]}
    if mode == "procsan":
        r["findings"] = [f for x in runs for f in (x.get("findings") or [])]
        r["report"] = {"processes": sum(x.get("processes") or 0 for x in runs)}
        r["stderr"] = runs[0].get("stderr", "")[-4000:] if runs else ""
    return r


PGBIN = "/usr/lib/postgresql/15/bin"


def pg_phase(args, port):
    cmd = ["pgbench", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-n"] + args + [
        "postgres"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    out = p.stdout + p.stderr

    def num(rx, conv=int):
        m = re.search(rx, out)
        return conv(m.group(1)) if m else None
    return {"args": args, "status": p.returncode,
            "processed": num(r"number of transactions actually processed: (\d+)"),
            "failed": num(r"number of failed transactions: (\d+)") or 0,
            "tps": num(r"tps = ([0-9.]+)", float), "tail": out[-600:]}


def one_postgres(opts, traced, work):
    d = tempfile.mkdtemp(prefix="pg-", dir=work)
    os.chmod(d, 0o755)
    shutil.chown(d, "postgres", "postgres")
    data = os.path.join(d, "data")
    user = ["runuser", "-u", "postgres", "--"]
    subprocess.run(user + [os.path.join(PGBIN, "initdb"), "-D", data, "-A", "trust", "-U",
                           "postgres", "--no-sync", "-E", "UTF8"],
                   check=True, capture_output=True, timeout=120)
    port = free_port()
    cmd = [os.path.join(PGBIN, "postgres"), "-D", data, "-k", d, "-p", str(port),
           "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=40",
           "-c", "shared_buffers=32MB", "-c", "logging_collector=off"]
    report = os.path.join(d, "procsan.json")
    if traced:
        cmd = traced_cmd(opts.procsan, report, cmd)
    err = open(os.path.join(d, "stderr.log"), "w")
    t0 = time.monotonic()
    proc = subprocess.Popen(user + cmd, stdout=subprocess.DEVNULL, stderr=err,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    r = {"traced": traced}
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]
                              ).returncode == 0:
                break
            if proc.poll() is not None:
                break
            time.sleep(0.2)
        else:
            r["error"] = "postgres did not start"
        if "error" not in r and proc.poll() is None:
            init = subprocess.run(["pgbench", "-h", "127.0.0.1", "-p", str(port), "-U",
                                   "postgres", "-i", "-s", "2", "-q", "postgres"],
                                  capture_output=True, text=True, timeout=180)
            r["init_status"] = init.returncode
            r["phases"] = [pg_phase(["-C", "-S", "-c", "4", "-j", "2", "-T", "15"], port),
                           pg_phase(["-c", "4", "-j", "2", "-T", "15"], port)]
        elif "error" not in r:
            r["error"] = "postgres exited early"
    finally:
        try:
            with open(os.path.join(data, "postmaster.pid")) as f:
                os.kill(int(f.readline().strip()), signal.SIGINT)  # fast shutdown
        except (OSError, ValueError):
            kill_group(proc)
        try:
            r["status"] = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            proc.wait()
            r["status"] = "timeout"
        err.close()
    r["wall"] = time.monotonic() - t0
    if traced:
        r["findings"], r["report"] = read_findings(report)
    with open(os.path.join(d, "stderr.log")) as f:
        r["stderr"] = f.read()[-4000:]
    return r


def run_postgres(s, mode, opts, sdir):
    work = tempfile.mkdtemp(prefix="pg-" + mode + "-", dir=sdir)
    os.chmod(work, 0o755)
    runs = [one_postgres(opts, mode == "procsan", work) for _ in range(opts.server_runs)]
    outcomes = collections.Counter()
    for x in runs:
        for i, ph in enumerate(x.get("phases", [])):
            tag = "phase%d %s" % (i + 1, " ".join(ph["args"][:2]))
            outcomes[tag + " pgbench exit %s" % ph["status"]] += 1
            outcomes[tag + " failed transactions"] += ph["failed"]
    r = {"status": runs[0].get("status"), "statuses": [x.get("status") for x in runs],
         "wall": sum(x["wall"] for x in runs),
         "throughput": statistics.median(
             [sum(ph.get("tps") or 0 for ph in x.get("phases", [])) for x in runs]),
         "throughput_unit": "tps (sum of both phases)",
         "tps": [[ph.get("tps") for ph in x.get("phases", [])] for x in runs],
         "outcomes": dict(outcomes),
         "errors": [x["error"] for x in runs if "error" in x]}
    if mode == "procsan":
        r["findings"] = [f for x in runs for f in (x.get("findings") or [])]
        r["report"] = [x.get("report") for x in runs]
    r["stderr"] = runs[0].get("stderr", "") if runs else ""
    return r


RUNNERS = {"unittest": run_python_suite, "pytest": run_python_suite, "nginx": run_nginx,
           "postgres": run_postgres}


# ---------------------------------------------------------------------------------------------
# Labels

RANDOM_NAME = re.compile(r"\b(?=[A-Za-z_]*\d)(?=\d*[A-Za-z_])[A-Za-z0-9_]{6,}\b")


def normalize(msg):
    """The message without what changes from run to run: addresses, pids, counts, times, random
    names of semaphores and temporary files."""
    m = re.sub(r"0x[0-9a-fA-F]+", "0x#", msg)
    m = re.sub(r"'/([A-Za-z]+)[-_.][^'\s]*'", r"'/\1-*'", m)  # /mp-XXXX, /loky-PID-XXXX
    m = re.sub(r"/tmp/[^\s,;:)'\"]+", "/tmp/*", m)
    m = re.sub(r"(?<![\w.])/[^\s,;:()'\"]*/([^\s,;:()'\"/]+)", r"\1", m)  # paths: basename
    m = RANDOM_NAME.sub("~", m)
    m = re.sub(r"\d+(\.\d+)?", "#", m)
    return " ".join(m.split())


def load_labels():
    path = os.path.join(HERE, "labels.json")
    try:
        with open(path) as f:
            return json.load(f).get("labels", [])
    except (OSError, ValueError) as e:
        print("cannot read %s: %s" % (path, e))
        return []


def match_label(labels, suite, finding):
    """The label of a finding: labels that also name the test (a regex over the finding's
    "test", the test that was running) come first, then by normalized message, then by the
    regex 'match' over the normalized message."""
    rule = finding.get("rule")
    norm = normalize(finding.get("message", ""))
    test = finding.get("test") or ""
    for lab in labels:
        if lab.get("suite") not in (suite, "*") or lab.get("rule") != rule or "test" not in lab:
            continue
        if not re.search(lab["test"], test):
            continue
        if ("message" in lab and normalize(lab["message"]) == norm) or (
                "match" in lab and re.search(lab["match"], norm)) or (
                "message" not in lab and "match" not in lab):
            return lab
    labels = [lab for lab in labels if "test" not in lab]
    for lab in labels:
        if lab.get("suite") not in (suite, "*") or lab.get("rule") != rule:
            continue
        if "message" in lab and normalize(lab["message"]) == norm:
            return lab
    for lab in labels:
        if lab.get("suite") not in (suite, "*") or lab.get("rule") != rule:
            continue
        if "match" in lab and re.search(lab["match"], norm):
            return lab
    return None


# ---------------------------------------------------------------------------------------------
# Printing

def counts(outcomes):
    c = collections.Counter(outcomes.values())
    return "%d pass %d fail %d error %d skip" % (
        c["pass"] + c["xpass"], c["fail"], c["error"], c["skip"] + c["xfail"])


def show(results, labels):
    overall = collections.defaultdict(collections.Counter)
    unlabelled = []
    table = []
    for name, res in results["suites"].items():
        bare, traced = res.get("bare"), res.get("procsan")
        s = next((x for x in SUITES if x["name"] == name), {"kind": "?"})
        print("\n=== %s" % name)
        print("    %s" % s.get("what", ""))
        if not bare or not traced:
            print("    (incomplete: %s)" % ", ".join(k for k in ("bare", "procsan") if res.get(k)))
            continue
        if s["kind"] in ("nginx", "postgres"):
            same = bare["outcomes"] == traced["outcomes"]
            print("    bare:    %s; %s %.0f; exit %s" % (bare["outcomes"], bare["throughput_unit"],
                                                         bare["throughput"], bare["statuses"]))
            print("    procsan: %s; %s %.0f; exit %s" % (traced["outcomes"],
                                                         traced["throughput_unit"],
                                                         traced["throughput"],
                                                         traced["statuses"]))
            ratio = bare["throughput"] / traced["throughput"] if traced["throughput"] else None
            ratio_txt = "throughput bare/procsan %.2fx" % ratio if ratio else "no throughput"
            for e in bare.get("errors", []) + traced.get("errors", []):
                print("    error: %s" % e)
            if ratio is None:
                ratio_txt = "n/a"
            same_status = bare["statuses"] == traced["statuses"]
        else:
            bo, to = bare["outcomes"], traced["outcomes"]
            diff = sorted(t for t in set(bo) | set(to) if bo.get(t) != to.get(t))
            same = not diff and bool(bo)
            print("    bare:    %s; exit %s; %.0f s" % (counts(bo), bare["status"], bare["wall"]))
            print("    procsan: %s; exit %s; %.0f s" % (counts(to), traced["status"],
                                                      traced["wall"]))
            for t in diff[:30]:
                print("      differs: %s: bare %s, procsan %s" % (t, bo.get(t, "not run"),
                                                                   to.get(t, "not run")))
            if len(diff) > 30:
                print("      ... %d more differ" % (len(diff) - 30))
            ratio = traced["wall"] / bare["wall"] if bare["wall"] else None
            ratio_txt = "wall procsan/bare %.2fx" % ratio if ratio else "n/a"
            same_status = bare["status"] == traced["status"]
        print("    outcomes identical: %s; exit status identical: %s; %s" % (
            "yes" if same else "NO", "yes" if same_status else "NO", ratio_txt))
        findings = traced.get("findings")
        if findings is None:
            print("    no procsan report: %s" % traced.get("report"))
            findings = []
        per_rule = collections.defaultdict(collections.Counter)
        for f in findings:
            lab = match_label(labels, name, f)
            verdict = lab["label"] if lab else "unlabelled"
            per_rule[f.get("rule")][verdict] += 1
            overall[f.get("rule")][verdict] += 1
            if not lab:
                unlabelled.append((name, f))
        print("    findings: %d" % len(findings))
        for rule, c in sorted(per_rule.items()):
            print("      %-26s %3d  TP %d  expected %d  FP %d  unlabelled %d" % (
                rule, sum(c.values()), c["TP"], c["expected"], c["FP"], c["unlabelled"]))
        tot = collections.Counter()
        for c in per_rule.values():
            tot.update(c)
        table.append((name, same, same_status, ratio_txt, len(findings), tot))
    print("\n=== summary (procsan %s, %s)" % (results.get("procsan_version", "?"),
                                            results.get("procsan_commit", "?")))
    print("%-28s %-10s %-8s %-28s %s" % ("suite", "outcomes", "exit", "cost", "findings"))
    for name, same, same_status, ratio_txt, n, tot in table:
        print("%-28s %-10s %-8s %-28s %d (TP %d, expected %d, FP %d, unlabelled %d)" % (
            name, "same" if same else "DIFFER", "same" if same_status else "DIFFER", ratio_txt,
            n, tot["TP"], tot["expected"], tot["FP"], tot["unlabelled"]))
    print("\n=== precision per rule = (TP + expected) / all findings")
    grand = collections.Counter()
    for rule, c in sorted(overall.items()):
        n = sum(c.values())
        grand.update(c)
        print("  %-26s %4d  TP %3d  expected %3d  FP %3d  unlabelled %3d  precision %s" % (
            rule, n, c["TP"], c["expected"], c["FP"], c["unlabelled"],
            "%.0f%%" % (100.0 * (c["TP"] + c["expected"]) / n) if n else "n/a"))
    n = sum(grand.values())
    print("  %-26s %4d  TP %3d  expected %3d  FP %3d  unlabelled %3d  precision %s" % (
        "overall", n, grand["TP"], grand["expected"], grand["FP"], grand["unlabelled"],
        "%.0f%%" % (100.0 * (grand["TP"] + grand["expected"]) / n) if n else "n/a"))
    if unlabelled:
        print("\n=== unlabelled findings (suite, rule, normalized message)")
        seen = collections.Counter((s, f.get("rule"), normalize(f.get("message", "")))
                                   for s, f in unlabelled)
        for (s, rule, norm), k in sorted(seen.items()):
            print("  %s [%s] x%d: %s" % (s, rule, k, norm[:400]))


# ---------------------------------------------------------------------------------------------

def procsan_version(procsan):
    try:
        return subprocess.run([procsan, "--version"], capture_output=True, text=True,
                              timeout=20).stdout.strip()
    except OSError:
        return "?"


def reattach(results, out):
    """Names the running test of findings saved without one (from the files kept in out)."""
    for name, res in results["suites"].items():
        t = res.get("procsan") or {}
        fs = t.get("findings") or []
        if not fs or all("test" in f for f in fs):
            continue
        for base in [out] + results.get("merged_from", []):
            d = os.path.join(base, name)
            if not os.path.exists(os.path.join(d, "procsan.procsan.json")):
                continue
            for times_file in ("procsan.outcomes.jsonl", "procsan.times.jsonl"):
                times = test_times(os.path.join(d, times_file))
                if times:
                    attach_tests(fs, times, os.path.join(d, "procsan.procsan.json"))
                    break
            break


def procsan_commit(procsan):
    """The last commit of procsan's source tree (named by the build directory's CMakeCache.txt)
    made before the binary was built, with the build time and '+changes' when the tree had
    uncommitted changes then (the binary may hold work in progress)."""
    exe = os.path.realpath(procsan)
    build = os.path.dirname(os.path.dirname(exe))
    src = TOP
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith("CMAKE_HOME_DIRECTORY:"):
                    src = line.split("=", 1)[1].strip()
    except OSError:
        pass
    try:
        built = datetime.datetime.fromtimestamp(os.path.getmtime(exe))
        commit = subprocess.run(["git", "-C", src, "log", "-1", "--format=%h",
                                 "--before=" + built.isoformat()],
                                capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", src, "status", "--porcelain", "--untracked-files=no",
                                "--", "runtime", "tools"],
                               capture_output=True, text=True).stdout.strip()
        return "%s%s (binary built %s)" % (commit or "?", "+changes" if dirty else "",
                                           built.strftime("%Y-%m-%d %H:%M"))
    except OSError:
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default="/work/realcode-rt")
    ap.add_argument("--procsan", default=os.path.join(TOP, "build", "bin", "procsan"))
    ap.add_argument("--suites", default="")
    ap.add_argument("--modes", default="bare,procsan")
    ap.add_argument("--out", default="")
    ap.add_argument("--reuse", default="", help="print a saved results directory again")
    ap.add_argument("--merge", default="", help="start from this saved results.json and "
                    "replace only what runs now")
    ap.add_argument("--server-runs", type=int, default=1)
    ap.add_argument("--list", action="store_true")
    opts = ap.parse_args()
    # A shell without job control starts background commands with SIGINT and SIGQUIT ignored,
    # and children inherit that: tests that send themselves SIGINT (KeyboardInterrupt) would fail.
    for sig in (signal.SIGINT, signal.SIGQUIT):
        if signal.getsignal(sig) == signal.SIG_IGN:
            signal.signal(sig, signal.default_int_handler if sig == signal.SIGINT
                          else signal.SIG_DFL)
    if opts.list:
        for s in SUITES:
            print("%-28s %s" % (s["name"], s["what"]))
        return 0
    labels = load_labels()
    if opts.reuse:
        with open(os.path.join(opts.reuse, "results.json")) as f:
            results = json.load(f)
        reattach(results, opts.reuse)
        show(results, labels)
        return 0
    wanted = [s for s in SUITES if not opts.suites or s["name"] in opts.suites.split(",")]
    out = opts.out or os.path.join(opts.root, "results",
                                   datetime.datetime.now().strftime("%Y%m%d-%H%M%S"))
    os.makedirs(out, exist_ok=True)
    os.chmod(out, 0o755)
    results = {"suites": {}}
    if opts.merge:
        with open(opts.merge) as f:
            results = json.load(f)
        # where the suites not run now keep their logs and reports
        results["merged_from"] = [os.path.dirname(os.path.abspath(opts.merge))] + \
            results.get("merged_from", [])
    results["procsan"] = opts.procsan
    results["procsan_version"] = procsan_version(opts.procsan)
    results["procsan_commit"] = procsan_commit(opts.procsan)
    for s in wanted:
        sdir = os.path.join(out, s["name"])
        os.makedirs(sdir, exist_ok=True)
        os.chmod(sdir, 0o755)
        res = results["suites"].setdefault(s["name"], {})
        for mode in opts.modes.split(","):
            print("%s %s %s ..." % (time.strftime("%H:%M:%S"), s["name"], mode), flush=True)
            res[mode] = RUNNERS[s["kind"]](s, mode, opts, sdir)
            res[mode]["when"] = time.strftime("%Y-%m-%d %H:%M:%S")
            with open(os.path.join(out, "results.json"), "w") as f:
                json.dump(results, f, indent=1)
    show(results, labels)
    print("\nresults in %s" % out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

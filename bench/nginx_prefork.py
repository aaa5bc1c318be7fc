#!/usr/bin/env python3
"""A real prefork server under `procsan run`: Debian's nginx (master + 4 workers, loopback only,
config in a temporary directory) driven by ApacheBench, stopped with SIGQUIT to the master.
Runs bare and traced alternately and reports requests/s (median of each), the overhead ratio,
lost or failed requests, exit statuses and procsan's findings (DESIGN.md §5 and §6).

usage: bench/nginx_prefork.py [--procsan PATH] [--runs N] [--requests N] [--concurrency N]
Installs nginx-light and apache2-utils with apt-get when missing (as root); never builds them.
"""
import argparse
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

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)

CONFIG = """\
worker_processes 4;
master_process on;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{ root {dir}/www; }}
    }}
}}
"""


def ensure_tools():
    missing = [pkg for tool, pkg in (("nginx", "nginx-light"), ("ab", "apache2-utils"))
               if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool)]
    if not missing:
        return True
    if os.geteuid() != 0:
        print(f"missing: {' '.join(missing)} (apt-get install them, or run as root)")
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + missing,
                   env=env, check=True)
    return True


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def one_run(nginx, ab, procsan, traced, opts, work):
    d = tempfile.mkdtemp(prefix="nginx-", dir=work)
    os.chmod(d, 0o755)  # workers run as an unprivileged user when started by root
    os.makedirs(os.path.join(d, "www"))
    with open(os.path.join(d, "www", "index.html"), "w") as f:
        f.write("x" * 612)
    port = free_port()
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as f:
        f.write(CONFIG.format(dir=d, port=port))
    cmd = [nginx, "-e", os.path.join(d, "error.log"), "-p", d, "-c", conf]
    report = os.path.join(d, "procsan.json")
    if traced:
        cmd = [procsan, "run", "--format=json", "--output", report, "--"] + cmd
    err = open(os.path.join(d, "stderr.log"), "w")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    result = {"traced": traced, "dir": d}
    try:
        if not wait_listening(port, proc):
            result["error"] = "nginx did not start"
            return result
        out = subprocess.run([ab, "-q", "-n", str(opts.requests), "-c", str(opts.concurrency),
                              f"http://127.0.0.1:{port}/index.html"],
                             capture_output=True, text=True).stdout

        def field(name, conv=float):
            m = re.search(name + r":\s+([0-9.]+)", out)
            return conv(m.group(1)) if m else None
        result["rps"] = field("Requests per second")
        result["complete"] = field("Complete requests", int)
        result["failed"] = field("Failed requests", int)
        non2xx = re.search(r"Non-2xx responses:\s+(\d+)", out)
        result["non2xx"] = int(non2xx.group(1)) if non2xx else 0
    finally:
        # Stop the way an operator would: SIGQUIT to the master (graceful shutdown).
        try:
            with open(os.path.join(d, "nginx.pid")) as f:
                os.kill(int(f.read().strip()), signal.SIGQUIT)
        except (OSError, ValueError):
            proc.send_signal(signal.SIGQUIT)
        try:
            result["status"] = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            result["status"] = "timeout"
        err.close()
    if traced:
        try:
            with open(report) as f:
                doc = json.load(f)
            result["findings"] = doc.get("findings", [])
            result["processes"] = len(doc.get("processes", []))
        except (OSError, ValueError):
            result["findings"] = None
    with open(os.path.join(d, "stderr.log")) as f:
        result["stderr"] = f.read()
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--procsan", default=os.path.join(TOP, "build", "bin", "procsan"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--requests", type=int, default=20000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--keep", action="store_true", help="keep the temporary directories")
    opts = ap.parse_args()
    if not ensure_tools():
        return 2
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    ab = shutil.which("ab") or "/usr/sbin/ab"
    work = tempfile.mkdtemp(prefix="procsan-nginx-")
    os.chmod(work, 0o755)
    results = []
    try:
        for i in range(opts.runs):
            for traced in ((False, True) if i % 2 == 0 else (True, False)):
                r = one_run(nginx, ab, opts.procsan, traced, opts, work)
                results.append(r)
                tag = "procsan" if traced else "bare"
                print(f"run {i + 1} {tag:8} {r.get('rps') or 0:9.0f} req/s  complete "
                      f"{r.get('complete')} failed {r.get('failed')} non-2xx {r.get('non2xx')} "
                      f"exit {r.get('status')}" + (f"  {r['error']}" if "error" in r else "")
                      + (f"  findings {len(r['findings'])}" if r.get("findings") is not None
                         else ""))
        bare = [r["rps"] for r in results if not r["traced"] and r.get("rps")]
        traced = [r["rps"] for r in results if r["traced"] and r.get("rps")]
        lost = sum(opts.requests - (r.get("complete") or 0) + (r.get("failed") or 0)
                   + (r.get("non2xx") or 0) for r in results)
        if bare and traced:
            mb, mt = statistics.median(bare), statistics.median(traced)
            print(f"median requests/s: bare {mb:.0f}, procsan {mt:.0f}: overhead {mb / mt:.3f}x "
                  f"(budget 1.05x); lost or failed requests over all runs: {lost}")
        findings = [f for r in results if r["traced"] for f in (r.get("findings") or [])]
        print(f"procsan findings over {len(traced)} traced runs: {len(findings)}")
        for f in findings:
            print(f"  [{f.get('rule')}] {f.get('message')}")
        for r in results:
            if r["traced"] and r["stderr"].strip():
                print("procsan stderr of one run:\n" + r["stderr"])
                break
    finally:
        if not opts.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

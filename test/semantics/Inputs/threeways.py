#!/usr/bin/env python3
"""Runs one program bare, with the runtime preloaded (inactive, then active with a session
directory of its own) and under `procsan run`, and fails unless its stdout, its stderr and its
exit status are the same every time. Prints the bare run's stdout and status for FileCheck,
then what procsan itself said on stderr, each line prefixed with "procsan-said: ".

usage: threeways.py --procsan BIN --rt LIB [--allow-findings] [--timeout S] -- PROGRAM ARGS...
"""
import argparse
import difflib
import os
import shutil
import signal
import subprocess
import sys
import tempfile


def run(cmd, env, timeout):
    try:
        p = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, b"", b"timed out\n"
    return p.returncode, p.stdout, p.stderr


def describe(status):
    if status is None:
        return "timeout"
    if status < 0:
        return "signal " + signal.Signals(-status).name
    return "exit " + str(status)


def procsan_lines(stderr):
    """Splits procsan run's stderr into the program's lines and procsan's own."""
    own, program = [], []
    for line in stderr.decode(errors="replace").splitlines(keepends=True):
        (own if line.startswith("procsan") or line.startswith("  ") and own else program).append(line)
    return "".join(program).encode(), own


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--procsan", required=True)
    ap.add_argument("--rt", required=True)
    ap.add_argument("--allow-findings", action="store_true")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("program", nargs=argparse.REMAINDER)
    opts = ap.parse_args()
    prog = opts.program[1:] if opts.program[:1] == ["--"] else opts.program
    base = dict(os.environ)
    for var in ("LD_PRELOAD", "PROCSAN_SESSION", "PROCSAN_OPTIONS"):
        base.pop(var, None)

    status, out, err = run(prog, base, opts.timeout)
    ok = True
    session = tempfile.mkdtemp(prefix="procsan-semantics-")
    try:
        modes = [
            ("LD_PRELOAD", prog, dict(base, LD_PRELOAD=opts.rt)),
            ("LD_PRELOAD+session", prog, dict(base, LD_PRELOAD=opts.rt, PROCSAN_SESSION=session)),
            ("procsan run", [opts.procsan, "run", "--hang-timeout", "30", "--"] + prog, base),
        ]
        said = []
        for name, cmd, env in modes:
            s, o, e = run(cmd, env, opts.timeout)
            if name == "procsan run":
                e, said = procsan_lines(e)
            for what, got, want in (("status", describe(s), describe(status)), ("stdout", o, out),
                                    ("stderr", e, err)):
                if got != want:
                    ok = False
                    sys.stdout.write(f"MISMATCH under {name}: {what}\n")
                    if isinstance(got, bytes):
                        got, want = got.decode(errors="replace"), want.decode(errors="replace")
                    sys.stdout.writelines(difflib.unified_diff(
                        want.splitlines(keepends=True), got.splitlines(keepends=True), "bare", name))
                    sys.stdout.write("\n")
    finally:
        shutil.rmtree(session, ignore_errors=True)
    sys.stdout.write(out.decode(errors="replace"))
    sys.stdout.write(f"status: {describe(status)}\n")
    for line in said:
        sys.stdout.write("procsan-said: " + line)
    if any(l.startswith("procsan: ") and " finding" in l for l in said) and not opts.allow_findings:
        ok = False
        sys.stdout.write("UNEXPECTED FINDINGS\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

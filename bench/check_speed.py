#!/usr/bin/env python3
"""Time `procsan check` against `clang -fsyntax-only` on the same translation units.

usage: bench/check_speed.py [-p BUILD_DIR | --corpus N] [--procsan PATH] [--repeat N]
                            [--filter REGEX] [--cache]

Both run one file at a time (-j 1) over every entry of BUILD_DIR/compile_commands.json, or of a
generated code base of N forking-server TUs plus the project's examples (--corpus; the default
when neither is given is --corpus 60). Prints the best-of-N times and their ratio; the budget (DESIGN.md §5)
is procsan <= 1.3x clang -fsyntax-only. Ratios, not seconds, are comparable across machines.

--cache times `procsan check --cache-dir` instead: a cold run into an empty cache directory, then
a warm run over the unchanged files (the default corpus is then 200 TUs), each with -p and every
file (cross-file summaries on) and -j 1; the budget is warm <= 10% of cold.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)


def syntax_only_command(entry, clang):
    args = entry.get("arguments") or shlex.split(entry["command"])
    out = [clang]
    skip = False
    for a in args[1:]:
        if skip:
            skip = False
            continue
        if a in ("-c", "-MD", "-MMD"):
            continue
        if a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        out.append(a)
    return out + ["-fsyntax-only", "-Wno-everything"]


def best_of(n, fn):
    best = None
    for _ in range(n):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def time_cache(opts, chosen):
    """Cold and warm `procsan check --cache-dir` runs; best of --repeat pairs, each pair with a
    new cache directory."""
    def run(cache):
        start = time.perf_counter()
        subprocess.run([opts.procsan, "check", "-p", opts.build, "-j", "1", "--quiet",
                        "--cache-dir=" + cache] + [p for p, _ in chosen],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - start

    cold = warm = None
    for _ in range(opts.repeat):
        cache = tempfile.mkdtemp(prefix="procsan-cache-")
        c, w = run(cache), run(cache)
        shutil.rmtree(cache, ignore_errors=True)
        cold = c if cold is None else min(cold, c)
        warm = w if warm is None else min(warm, w)
    print(f"translation units:       {len(chosen)}")
    print(f"procsan check, cold:     {cold:.2f} s (empty --cache-dir, best of {opts.repeat})")
    print(f"procsan check, warm:     {warm:.3f} s (nothing changed, best of {opts.repeat})")
    print(f"ratio warm / cold:       {warm / cold:.3f} (budget 0.10)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-p", dest="build", default="")
    ap.add_argument("--corpus", type=int, default=None)
    ap.add_argument("--procsan", default=os.path.join(TOP, "build", "bin", "procsan"))
    ap.add_argument("--clang", default="/usr/lib/llvm-19/bin/clang")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--filter", default="")
    ap.add_argument("--cache", action="store_true")
    opts = ap.parse_args()
    if opts.corpus is None:
        opts.corpus = 200 if opts.cache else 60
    corpus_dir = None
    if not opts.build:
        corpus_dir = tempfile.mkdtemp(prefix="procsan-corpus-")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), corpus_dir,
                        str(opts.corpus)], check=True)
        opts.build = corpus_dir

    with open(os.path.join(opts.build, "compile_commands.json")) as fh:
        entries = json.load(fh)
    seen, chosen = set(), []
    for e in entries:
        path = os.path.normpath(os.path.join(e["directory"], e["file"]))
        if path in seen or (opts.filter and not re.search(opts.filter, path)):
            continue
        seen.add(path)
        chosen.append((path, e))
    if not chosen:
        sys.exit("check_speed: no translation units selected")

    def run_clang():
        for _, e in chosen:
            subprocess.run(syntax_only_command(e, opts.clang), cwd=e["directory"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def run_procsan(checks):
        subprocess.run([opts.procsan, "check", "-p", opts.build, "-j", "1", "--quiet",
                        "--checks=" + checks] + [p for p, _ in chosen],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    if opts.cache:
        time_cache(opts, chosen)
        if corpus_dir:
            shutil.rmtree(corpus_dir, ignore_errors=True)
        return

    t_clang = best_of(opts.repeat, run_clang)
    # The same front end with no check enabled: what parsing alone costs inside procsan.
    t_parse = best_of(opts.repeat, lambda: run_procsan("-*"))
    t_procsan = best_of(opts.repeat, lambda: run_procsan("mp-*"))
    print(f"translation units:       {len(chosen)}")
    print(f"clang -fsyntax-only:     {t_clang:.2f} s (best of {opts.repeat})")
    print(f"procsan, no checks:      {t_parse:.2f} s (best of {opts.repeat})")
    print(f"procsan check:           {t_procsan:.2f} s (best of {opts.repeat})")
    print(f"ratio procsan / clang:   {t_procsan / t_clang:.2f}x (budget 1.30x, goal 1.10x)")
    print(f"ratio checks / parsing:  {t_procsan / t_parse:.2f}x (cost of the analyses alone)")
    if corpus_dir:
        shutil.rmtree(corpus_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

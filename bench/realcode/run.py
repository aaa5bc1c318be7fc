#!/usr/bin/env python3
"""Real-code precision benchmark for `procsan check` (issue 15).

usage: bench/realcode/run.py [--root DIR] [--procsan PATH] [--projects a,b,...] [-j N]
                             [--out results.json] [--baseline old.json]
                             [--raw-dir DIR] [--reuse-raw] [--add-todo] [--show new,fp,gone,all]

For each project of bench/realcode/projects.json whose source tree (with its compile
database) is found under --root (default /work/realcode), runs

    procsan check -p ROOT/<dir>/<db> --format=json [--files-regex=...] -j N

matches every finding against bench/realcode/labels/<project>.json and prints, per rule and
overall: findings, TP, FP, unsure, unlabelled (new), labelled-but-gone, and precision
(TP / (TP + FP); unsure and unlabelled findings are left out of it and listed).

A label is keyed by (file relative to the project root, rule, hash of the flagged source
line's text); among labels with the same key the one with the same message and then the
nearest line wins, so labels survive line shifts and edits elsewhere in a file.

This script only analyzes trees that already exist; it never fetches or builds a project
(see README.md for how the trees and their compile databases are made).
"""
import argparse
import datetime
import hashlib
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
VALID = ("TP", "FP", "unsure")


def line_text(path, line):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for i, t in enumerate(f, 1):
                if i == line:
                    return t.strip()
    except OSError:
        pass
    return ""


def text_hash(text):
    return hashlib.sha1(" ".join(text.split()).encode()).hexdigest()[:12]


def ere_escape(s):
    return re.sub(r"([.\[\]\\^$*+?(){}|])", r"\\\1", s)


# The manifest and labels of a benchmark directory: this one, or another that reuses this
# script's pieces (python/run.py).
def load_manifest(here=HERE):
    with open(os.path.join(here, "projects.json")) as f:
        return json.load(f)["projects"]


def load_labels(name, here=HERE):
    p = os.path.join(here, "labels", name + ".json")
    if not os.path.exists(p):
        return {"project": name, "findings": []}
    with open(p) as f:
        return json.load(f)


def save_labels(name, doc, here=HERE):
    os.makedirs(os.path.join(here, "labels"), exist_ok=True)
    doc["findings"].sort(key=lambda l: (l["file"], l["line"], l["rule"]))
    with open(os.path.join(here, "labels", name + ".json"), "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")


def procsan_version(procsan):
    try:
        out = subprocess.run([procsan, "--version"], capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except Exception:
        return "?"


def procsan_commit(procsan):
    """The commit procsan was built from: the source tree named by its build directory's
    CMakeCache.txt (a .procsan-commit file there, for an exported tree, or git; '-dirty' when
    the work tree has changes)."""
    build = os.path.dirname(os.path.dirname(os.path.realpath(procsan)))
    src = None
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith("CMAKE_HOME_DIRECTORY:"):
                    src = line.split("=", 1)[1].strip()
    except OSError:
        return "?"
    if not src:
        return "?"
    marker = os.path.join(src, ".procsan-commit")
    if os.path.exists(marker):
        with open(marker) as f:
            return f.read().strip()[:12]
    try:
        return subprocess.run(["git", "-C", src, "describe", "--always", "--dirty", "--abbrev=12"],
                              capture_output=True, text=True).stdout.strip() or "?"
    except Exception:
        return "?"


def run_procsan(args, proj, src):
    db = os.path.join(src, proj.get("db_dir", "."))
    cmd = [args.procsan, "check", "-p", db, "--format=json", "-j", str(args.jobs),
           "--quiet", "--no-color"]
    if args.checks:
        cmd.append("--checks=" + args.checks)
    if args.cache_dir:
        cmd.append("--cache-dir=" + os.path.join(args.cache_dir, proj["name"]))
    # "files": a list of paths relative to the project root, or "files_regex": an extended
    # regular expression over those relative paths; neither: every file of the database.
    root = "^" + ere_escape(os.path.realpath(src)) + "/("
    files = proj.get("files")
    if isinstance(files, list):
        cmd.append("--files-regex=" + root + "|".join(ere_escape(f) for f in files) + ")$")
    elif proj.get("files_regex"):
        cmd.append("--files-regex=" + root + proj["files_regex"] + ")$")
    t0 = time.time()
    # Run from the tree's root: procsan names a file the database gives relative to its entry's
    # directory as if it were relative to procsan's own working directory; normalize() undoes it.
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=src)
    dt = time.time() - t0
    if p.returncode not in (0, 1, 2) or not p.stdout.strip():
        sys.stderr.write("run.py: %s: procsan exited %d\n%s\n" % (proj["name"], p.returncode,
                                                                 p.stderr[-3000:]))
        return None
    doc = json.loads(p.stdout)
    doc["_seconds"] = round(dt, 1)
    doc["_exit"] = p.returncode
    doc["_stderr_tail"] = p.stderr[-2000:]
    return doc


def db_dirs(src, proj):
    try:
        with open(os.path.join(src, proj.get("db_dir", "."), "compile_commands.json")) as f:
            return sorted({e.get("directory", src) for e in json.load(f)})
    except (OSError, ValueError):
        return []


def resolver(src, proj):
    """Maps a reported path to the real file (see run_procsan on relative database entries)."""
    root = os.path.realpath(src)
    dirs = db_dirs(src, proj)
    cache = {}

    def resolve(path):
        if not path:
            return ""
        if path not in cache:
            real = os.path.realpath(os.path.join(root, path))
            if not os.path.exists(real):
                rel = os.path.relpath(real, root)
                for d in dirs:
                    c = os.path.realpath(os.path.join(d, rel))
                    if os.path.exists(c):
                        real = c
                        break
            cache[path] = real
        return cache[path]
    return resolve


def normalize(doc, src, proj):
    """procsan JSON -> list of findings keyed relative to the project root."""
    root = os.path.realpath(src)
    resolve = resolver(src, proj)
    out = []
    for f in doc.get("findings", []):
        loc = f["location"]
        path = resolve(loc.get("file", ""))
        rel = os.path.relpath(path, root) if path.startswith(root + "/") else path
        text = line_text(path, loc.get("line", 0))
        out.append({
            "file": rel,
            "line": loc.get("line", 0),
            "rule": f["rule"],
            "message": f["message"],
            "text": text,
            "hash": text_hash(text),
            "notes": ["%s:%s: %s" % (os.path.relpath(resolve(n["location"]["file"]), root)
                                     if n["location"].get("file") else "?",
                                     n["location"].get("line", 0), n["message"])
                      for n in f.get("notes", [])],
        })
    # The same finding reported for a header from several TUs is one finding.
    seen, uniq = set(), []
    for f in out:
        k = (f["file"], f["line"], f["rule"], f["message"])
        if k not in seen:
            seen.add(k)
            uniq.append(f)
    return uniq


def match(findings, labels):
    """Pairs each finding with at most one label; returns (pairs, unlabelled, gone)."""
    free = list(range(len(labels)))
    pairs, unlabelled = [], []
    # Exact (file, rule, hash, message) first, then (file, rule, hash); nearest line wins.
    order = sorted(range(len(findings)), key=lambda i: (findings[i]["file"], findings[i]["line"]))
    result = [None] * len(findings)
    for strict in (True, False):
        for i in order:
            if result[i] is not None:
                continue
            f = findings[i]
            best, bestd = None, None
            for j in free:
                l = labels[j]
                if l["file"] != f["file"] or l["rule"] != f["rule"] or l["hash"] != f["hash"]:
                    continue
                if strict and l.get("message") != f["message"]:
                    continue
                d = abs(l["line"] - f["line"])
                if best is None or d < bestd:
                    best, bestd = j, d
            if best is not None:
                result[i] = best
                free.remove(best)
    for i, j in enumerate(result):
        if j is None:
            unlabelled.append(findings[i])
        else:
            pairs.append((findings[i], labels[j]))
    gone = [labels[j] for j in free]
    return pairs, unlabelled, gone


def blank():
    return {"findings": 0, "TP": 0, "FP": 0, "unsure": 0, "new": 0, "gone": 0}


def precision(r):
    n = r["TP"] + r["FP"]
    return r["TP"] / n if n else None


def fmt_prec(p):
    return "-" if p is None else "%.0f%%" % (100 * p)


def table(rows, title):
    lines = ["%-32s %8s %4s %4s %6s %4s %5s %9s" % (title, "findings", "TP", "FP", "unsure",
                                                    "new", "gone", "precision")]
    for k in sorted(rows, key=lambda k: (k == "TOTAL", k)):
        r = rows[k]
        lines.append("%-32s %8d %4d %4d %6d %4d %5d %9s" % (
            k, r["findings"], r["TP"], r["FP"], r["unsure"], r["new"], r["gone"],
            fmt_prec(precision(r))))
    return "\n".join(lines)


def markdown(rows):
    lines = ["| rule | findings | TP | FP | unsure | precision |", "|---|---:|---:|---:|---:|---:|"]
    for k in sorted(rows, key=lambda k: (k == "TOTAL", k)):
        r = rows[k]
        name = "**all rules**" if k == "TOTAL" else "`%s`" % k
        lines.append("| %s | %d | %d | %d | %d | %s |" % (name, r["findings"], r["TP"], r["FP"],
                                                         r["unsure"], fmt_prec(precision(r))))
    return "\n".join(lines)


def fkey(p, f):
    return "%s|%s|%s|%s|%s" % (p, f["file"], f["rule"], f["hash"], f["message"])


def print_changes(baseline, results, per_rule):
    """What changed since an earlier --out file: findings gone and new, the per-rule table."""
    with open(baseline) as f:
        base = json.load(f)
    print("\nchanges since %s (procsan %s, %s):" % (baseline, base.get("procsan_commit"),
                                                 base.get("date")))
    old = {fkey(p, f): f for p, d in base["projects"].items() for f in d["findings"]}
    new = {fkey(p, f): f for p, d in results["projects"].items() for f in d["findings"]}
    compared = set(results["projects"]) & set(base["projects"])
    for k in sorted(set(old) - set(new)):
        if k.split("|")[0] in compared:
            f = old[k]
            print("  - %s %s:%d [%s] %s (was %s)" % (k.split("|")[0], f["file"], f["line"],
                                                   f["rule"], f["message"], f["label"]))
    for k in sorted(set(new) - set(old)):
        if k.split("|")[0] in compared:
            f = new[k]
            print("  + %s %s:%d [%s] %s (%s)" % (k.split("|")[0], f["file"], f["line"],
                                               f["rule"], f["message"], f["label"] or "NEW"))
    print("\n%-32s %14s %14s %18s" % ("rule", "findings", "TP/FP", "precision"))
    rules = sorted(set(base["per_rule"]) | set(per_rule), key=lambda k: (k == "TOTAL", k))
    for k in rules:
        a, b = base["per_rule"].get(k, blank()), per_rule.get(k, blank())
        print("%-32s %6d -> %-5d %5s -> %-6s %7s -> %-7s" % (
            k, a["findings"], b["findings"], "%d/%d" % (a["TP"], a["FP"]),
            "%d/%d" % (b["TP"], b["FP"]), fmt_prec(precision(a)), fmt_prec(precision(b))))


def write_results(path, results):
    with open(path, "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default="/work/realcode",
                    help="directory holding the projects' source trees (default /work/realcode)")
    ap.add_argument("--procsan", default=os.path.join(TOP, "build", "bin", "procsan"))
    ap.add_argument("--procsan-commit", help="record this as procsan's commit (default: found "
                    "from the build directory's CMakeCache.txt)")
    ap.add_argument("--projects", help="comma-separated subset of the manifest's projects")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--checks", help="passed to procsan check (e.g. 'mp-*' for the rules that "
                    "are off by default too); default: procsan's default set")
    ap.add_argument("--cache-dir", help="procsan's --cache-dir, one subdirectory per project "
                    "(re-runs of an unchanged build reuse the results)")
    ap.add_argument("--out", help="write the results (every finding with its label) to this JSON")
    ap.add_argument("--baseline", help="an earlier --out file: show what changed since")
    ap.add_argument("--raw-dir", help="keep procsan's JSON per project here")
    ap.add_argument("--reuse-raw", action="store_true",
                    help="read procsan's JSON from --raw-dir instead of running procsan")
    ap.add_argument("--add-todo", action="store_true",
                    help="append unlabelled findings to the labels files as label 'todo' "
                         "(for triage; 'todo' counts as unlabelled)")
    ap.add_argument("--show", default="new,gone",
                    help="which findings to list: new, gone, fp, tp, unsure, all (default new,gone)")
    ap.add_argument("--markdown", action="store_true", help="also print the table as markdown")
    args = ap.parse_args()

    projects = load_manifest()
    if args.projects:
        want = set(args.projects.split(","))
        unknown = want - {p["name"] for p in projects}
        if unknown:
            ap.error("unknown projects: " + ",".join(sorted(unknown)))
        projects = [p for p in projects if p["name"] in want]
    show = set(args.show.split(",")) if args.show else set()
    if "all" in show:
        show = {"new", "gone", "fp", "tp", "unsure"}

    per_rule, per_project = {}, {}
    results = {"procsan": args.procsan, "procsan_version": procsan_version(args.procsan),
               "procsan_commit": args.procsan_commit or procsan_commit(args.procsan),
               "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               "checks": args.checks or "default",
               "projects": {}}
    missing = []
    for proj in projects:
        name = proj["name"]
        src = os.path.join(args.root, proj.get("dir", name))
        db = os.path.join(src, proj.get("db_dir", "."), "compile_commands.json")
        if not os.path.exists(db):
            missing.append(name)
            continue
        raw_path = os.path.join(args.raw_dir, name + ".json") if args.raw_dir else None
        if args.reuse_raw and raw_path and os.path.exists(raw_path):
            with open(raw_path) as f:
                doc = json.load(f)
        else:
            sys.stderr.write("run.py: %s ...\n" % name)
            doc = run_procsan(args, proj, src)
            if doc is None:
                missing.append(name + " (procsan failed)")
                continue
            if raw_path:
                os.makedirs(args.raw_dir, exist_ok=True)
                with open(raw_path, "w") as f:
                    json.dump(doc, f, indent=1)
        findings = normalize(doc, src, proj)
        labdoc = load_labels(name)
        labels = [l for l in labdoc["findings"] if l.get("label") in VALID]
        todo = [l for l in labdoc["findings"] if l.get("label") not in VALID]
        pairs, unlabelled, gone = match(findings, labels)
        # 'todo' entries that still match are kept, not duplicated.
        _, still_new, stale_todo = match(unlabelled, todo)
        if args.add_todo:
            kept = [l for l in labdoc["findings"] if l.get("label") in VALID]
            kept += [l for l in todo if l not in stale_todo]
            _, fresh, _ = match(unlabelled, [l for l in todo if l not in stale_todo])
            for f in fresh:
                kept.append({"file": f["file"], "line": f["line"], "rule": f["rule"],
                             "hash": f["hash"], "text": f["text"], "message": f["message"],
                             "label": "todo", "reason": ""})
            labdoc["findings"] = kept
            save_labels(name, labdoc)
        not_analyzed = [x["file"] for x in doc.get("files", []) if not x.get("analyzed", True)]
        pr = blank()
        entries = []
        for f, l in pairs:
            r = per_rule.setdefault(f["rule"], blank())
            for t in (r, pr):
                t["findings"] += 1
                t[l["label"]] += 1
            entries.append(dict(f, label=l["label"], reason=l.get("reason", "")))
        for f in unlabelled:
            r = per_rule.setdefault(f["rule"], blank())
            for t in (r, pr):
                t["findings"] += 1
                t["new"] += 1
            entries.append(dict(f, label=None))
        for l in gone:
            r = per_rule.setdefault(l["rule"], blank())
            for t in (r, pr):
                t["gone"] += 1
        per_project[name] = pr
        results["projects"][name] = {
            "files_analyzed": sum(1 for x in doc.get("files", []) if x.get("analyzed", True)),
            "files_not_analyzed": not_analyzed,
            "seconds": doc.get("_seconds"),
            "findings": entries,
            "gone": gone,
        }
        for f in sorted(entries, key=lambda e: (e["file"], e["line"])):
            kind = {"TP": "tp", "FP": "fp", "unsure": "unsure", None: "new"}[f["label"]]
            if kind in show:
                print("%-6s %s %s:%d: %s [%s]" % (f["label"] or "NEW", name, f["file"], f["line"],
                                                f["message"], f["rule"]))
                if kind == "new":
                    print("         | " + f["text"])
                    for n in f["notes"]:
                        print("         note: " + n)
        if "gone" in show:
            for l in gone:
                print("GONE   %s %s:%d: (%s, was %s) %s" % (name, l["file"], l["line"], l["rule"],
                                                          l["label"], l.get("text", "")))
        if not_analyzed:
            print("note: %s: %d files not analyzed: %s" % (name, len(not_analyzed),
                                                          " ".join(not_analyzed[:5])))

    total = blank()
    for r in per_rule.values():
        for k in total:
            total[k] += r[k]
    per_rule["TOTAL"] = total
    ptotal = dict(total)
    per_project["TOTAL"] = ptotal
    results["per_rule"] = per_rule
    results["per_project"] = per_project
    print()
    print("procsan: %s (%s)" % (results["procsan_version"], results["procsan_commit"]))
    print(table(per_project, "project"))
    print()
    print(table(per_rule, "rule"))
    if args.markdown:
        print()
        print(markdown(per_rule))
    if missing:
        print("\nnot run (no tree or compile database under %s): %s" % (args.root,
                                                                    ", ".join(missing)))

    if args.baseline:
        print_changes(args.baseline, results, per_rule)
    if args.out:
        write_results(args.out, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Real-code precision benchmark of procsan's Python checker (issue 18).

usage: bench/realcode/python/run.py [--root DIR] [--procsan PATH] [--projects a,b,...]
                                    [--checks GLOBS] [-j N] [--out results.json]
                                    [--baseline old.json] [--raw-dir DIR] [--reuse-raw]
                                    [--add-todo] [--show new,gone,fp,tp,unsure,all] [--markdown]

For each project of bench/realcode/python/projects.json whose source tree is found under --root
(default /work/realcode-py, one directory per project name), lists the *.py files of the
project's 'paths' (default: the whole tree) minus its 'exclude' prefixes (and hidden
directories and virtualenvs, as procsan's own directory walk skips them), runs

    procsan check FILES... --checks='mp-*' --format=json -j 1

from the tree's root, matches every finding against labels/<project>.json and prints, per
project and per rule: findings, TP, FP, unsure, unlabelled (new), labelled-but-gone, and
precision = TP / (TP + FP) (unsure and unlabelled findings are left out of it).

Labels are keyed as in the C benchmark (../run.py, whose matching code this script uses): file
relative to the project root, rule, and a hash of the flagged line's whitespace-normalized
text; the message and then the nearest line break ties, so labels survive line shifts.

This script never fetches a project: see README.md for how the trees are made.
"""
import argparse
import datetime
import importlib.util
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
VALID = ("TP", "FP", "unsure")

_spec = importlib.util.spec_from_file_location("realcode_c_run",
                                               os.path.join(os.path.dirname(HERE), "run.py"))
C = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(C)


def load_manifest():
    return C.load_manifest(HERE)


def load_labels(name):
    return C.load_labels(name, HERE)


def save_labels(name, doc):
    C.save_labels(name, doc, HERE)


def list_files(src, proj):
    """The project's *.py files, relative to its root, sorted."""
    excl = [e.rstrip("/") for e in proj.get("exclude", [])]

    def excluded(rel):
        return any(rel == e or rel.startswith(e + "/") for e in excl)

    out = set()
    for top in proj.get("paths", ["."]):
        start = os.path.normpath(os.path.join(src, top))
        if os.path.isfile(start):
            rel = os.path.relpath(start, src)
            if not excluded(rel):
                out.add(rel)
            continue
        for dp, dn, fn in os.walk(start):
            reldir = os.path.relpath(dp, src)
            keep = []
            for d in sorted(dn):
                rd = os.path.normpath(os.path.join(reldir, d))
                if d.startswith(".") or excluded(rd) or \
                        os.path.exists(os.path.join(dp, d, "pyvenv.cfg")):
                    continue
                keep.append(d)
            dn[:] = keep
            for f in fn:
                rel = os.path.normpath(os.path.join(reldir, f))
                if f.endswith(".py") and not excluded(rel):
                    out.add(rel)
    return sorted(out)


def run_procsan(args, proj, src, files):
    cmd = [args.procsan, "check"] + files + ["--format=json", "-j", str(args.jobs),
                                             "--quiet", "--no-color", "--checks=" + args.checks]
    if args.python:
        cmd.append("--python=" + args.python)
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=src)
    dt = time.time() - t0
    # Exit 2 = some file did not parse (new syntax, Python 2 code): those are listed as not
    # analyzed, the rest is reported.
    if p.returncode not in (0, 1, 2) or not p.stdout.strip():
        sys.stderr.write("run.py: %s: procsan exited %d\n%s\n" % (proj["name"], p.returncode,
                                                                 p.stderr[-3000:]))
        return None
    doc = json.loads(p.stdout)
    doc["_seconds"] = round(dt, 1)
    doc["_exit"] = p.returncode
    return doc


def rel_to(src, path):
    root = os.path.realpath(src)
    real = os.path.realpath(os.path.join(root, path))
    return os.path.relpath(real, root) if real.startswith(root + "/") else path


def normalize(doc, src):
    out, seen = [], set()
    for f in doc.get("findings", []):
        loc = f["location"]
        rel = rel_to(src, loc.get("file", ""))
        text = C.line_text(os.path.join(src, rel), loc.get("line", 0))
        k = (rel, loc.get("line", 0), f["rule"], f["message"])
        if k in seen:
            continue
        seen.add(k)
        out.append({
            "file": rel,
            "line": loc.get("line", 0),
            "rule": f["rule"],
            "message": f["message"],
            "text": text,
            "hash": C.text_hash(text),
            "notes": ["%s:%s: %s" % (rel_to(src, n["location"]["file"])
                                     if n["location"].get("file") else "?",
                                     n["location"].get("line", 0), n["message"])
                      for n in f.get("notes", [])],
        })
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default="/work/realcode-py",
                    help="directory holding the projects' trees (default /work/realcode-py)")
    ap.add_argument("--procsan", default=os.path.join(TOP, "build", "bin", "procsan"))
    ap.add_argument("--procsan-commit", help="record this as procsan's commit")
    ap.add_argument("--python", help="passed to procsan as --python (the grammar checked)")
    ap.add_argument("--projects", help="comma-separated subset of the manifest's projects")
    ap.add_argument("-j", "--jobs", type=int, default=1)
    ap.add_argument("--checks", default="mp-*",
                    help="passed to procsan check (default 'mp-*': every rule, also the ones "
                         "off by default)")
    ap.add_argument("--out", help="write the results (every finding with its label) here")
    ap.add_argument("--baseline", help="an earlier --out file: show what changed since")
    ap.add_argument("--raw-dir", help="keep procsan's JSON per project here")
    ap.add_argument("--reuse-raw", action="store_true",
                    help="read procsan's JSON from --raw-dir instead of running procsan")
    ap.add_argument("--add-todo", action="store_true",
                    help="append unlabelled findings to the labels files with label 'todo'")
    ap.add_argument("--show", default="new,gone",
                    help="which findings to list: new, gone, fp, tp, unsure, all")
    ap.add_argument("--markdown", action="store_true", help="also print the tables as markdown")
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
    results = {"procsan": args.procsan, "procsan_version": C.procsan_version(args.procsan),
               "procsan_commit": args.procsan_commit or C.procsan_commit(args.procsan),
               "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               "checks": args.checks, "projects": {}}
    missing = []
    for proj in projects:
        name = proj["name"]
        src = os.path.join(args.root, name)
        if not os.path.isdir(src):
            missing.append(name)
            continue
        raw_path = os.path.join(args.raw_dir, name + ".json") if args.raw_dir else None
        if args.reuse_raw and raw_path and os.path.exists(raw_path):
            with open(raw_path) as f:
                doc = json.load(f)
        else:
            files = list_files(src, proj)
            if not files:
                missing.append(name + " (no .py files)")
                continue
            sys.stderr.write("run.py: %s (%d files) ...\n" % (name, len(files)))
            doc = run_procsan(args, proj, src, files)
            if doc is None:
                missing.append(name + " (procsan failed)")
                continue
            if raw_path:
                os.makedirs(args.raw_dir, exist_ok=True)
                with open(raw_path, "w") as f:
                    json.dump(doc, f, indent=1)
        findings = normalize(doc, src)
        labdoc = load_labels(name)
        labels = [l for l in labdoc["findings"] if l.get("label") in VALID]
        todo = [l for l in labdoc["findings"] if l.get("label") not in VALID]
        pairs, unlabelled, gone = C.match(findings, labels)
        if args.add_todo:
            _, fresh, stale = C.match(unlabelled, todo)
            kept = labels + [l for l in todo if l not in stale]
            for f in fresh:
                kept.append({"file": f["file"], "line": f["line"], "rule": f["rule"],
                             "hash": f["hash"], "text": f["text"], "message": f["message"],
                             "label": "todo", "reason": ""})
            labdoc["findings"] = kept
            save_labels(name, labdoc)
        not_analyzed = [x["file"] for x in doc.get("files", []) if not x.get("analyzed", True)]
        pr = C.blank()
        entries = []
        for f, l in pairs:
            r = per_rule.setdefault(f["rule"], C.blank())
            for t in (r, pr):
                t["findings"] += 1
                t[l["label"]] += 1
            entries.append(dict(f, label=l["label"], reason=l.get("reason", "")))
        for f in unlabelled:
            r = per_rule.setdefault(f["rule"], C.blank())
            for t in (r, pr):
                t["findings"] += 1
                t["new"] += 1
            entries.append(dict(f, label=None))
        for l in gone:
            r = per_rule.setdefault(l["rule"], C.blank())
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
                elif f.get("reason"):
                    print("         reason: " + f["reason"])
        if "gone" in show:
            for l in gone:
                print("GONE   %s %s:%d: (%s, was %s) %s" % (name, l["file"], l["line"], l["rule"],
                                                          l["label"], l.get("text", "")))

    total = C.blank()
    for r in per_rule.values():
        for k in total:
            total[k] += r[k]
    per_rule["TOTAL"] = total
    per_project["TOTAL"] = dict(total)
    results["per_rule"] = per_rule
    results["per_project"] = per_project
    print()
    print("procsan: %s (%s), checks %s" % (results["procsan_version"],
                                          results["procsan_commit"], args.checks))
    print(C.table(per_project, "project"))
    print()
    print(C.table(per_rule, "rule"))
    if args.markdown:
        print()
        print(C.markdown(per_rule))
        print()
        lines = ["| project | files analyzed (not parsed) | findings | TP | FP | unsure | precision |",
                 "|---|---:|---:|---:|---:|---:|---:|"]
        for k in sorted(per_project, key=lambda k: (k == "TOTAL", k)):
            r = per_project[k]
            if k == "TOTAL":
                fa = sum(d["files_analyzed"] for d in results["projects"].values())
                fn = sum(len(d["files_not_analyzed"]) for d in results["projects"].values())
            else:
                fa = results["projects"][k]["files_analyzed"]
                fn = len(results["projects"][k]["files_not_analyzed"])
            lines.append("| %s | %d (%d) | %d | %d | %d | %d | %s |" % (
                "**all**" if k == "TOTAL" else k, fa, fn, r["findings"], r["TP"], r["FP"],
                r["unsure"], C.fmt_prec(C.precision(r))))
        print("\n".join(lines))
    if missing:
        print("\nnot run (no tree under %s): %s" % (args.root, ", ".join(missing)))

    if args.baseline:
        C.print_changes(args.baseline, results, per_rule)
    if args.out:
        C.write_results(args.out, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""gen_man.py PROCSAN README OUTDIR: writes procsan.1, procsan-check.1 and procsan-run.1 from
what the docs already say: each command's --help (its options, as its parser accepts them) and
the README's section on that half of the tool (what it does, examples)."""
import re
import subprocess
import sys

procsan, readme, outdir = sys.argv[1:4]
version = subprocess.run([procsan, "--version"], capture_output=True, text=True).stdout.split()
version = version[-1] if version else ""
text = open(readme, encoding="utf-8").read()


def section(title):
    m = re.search(r"^## " + re.escape(title) + r"\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    return m.group(1).strip() if m else ""


def roff_escape(s):
    s = s.replace("\\", "\\\\").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", s, flags=re.M)


def markdown_to_roff(md):
    """Paragraphs, bullet lists and code blocks; inline markup reduced to plain text."""
    out, in_code = [], False
    for line in md.splitlines():
        if line.startswith("```"):
            out.append(".EE" if in_code else ".EX")
            in_code = not in_code
            continue
        if in_code:
            out.append(roff_escape(line))
            continue
        line = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", line)  # links: their text
        line = line.replace("**", "").replace("`", "")
        if not line.strip():
            out.append(".PP")
        elif re.match(r"^\s*[-*] ", line):
            out.append(".IP \\(bu 2")
            out.append(roff_escape(re.sub(r"^\s*[-*] ", "", line)))
        else:
            out.append(roff_escape(line.strip()))
    if in_code:
        out.append(".EE")
    return "\n".join(out)


def help_of(*args):
    r = subprocess.run([procsan, *args, "--help"], capture_output=True, text=True)
    return (r.stdout or r.stderr).rstrip()


def page(name, summary, synopsis, description, options, see_also):
    return "\n".join([
        f'.TH {name.upper()} 1 "" "procsan {version}" "procsan manual"',
        ".SH NAME", f"{roff_escape(name)} \\- {roff_escape(summary)}",
        ".SH SYNOPSIS", ".nf", roff_escape(synopsis), ".fi",
        ".SH DESCRIPTION", description,
        ".SH OPTIONS", ".EX", roff_escape(options), ".EE",
        ".SH EXIT STATUS",
        roff_escape("0: nothing found; 1: findings (procsan run: the program's own status, or "
                    "--exitcode=N); 2: a usage or input error; 124: procsan run ended a hung tree."),
        ".SH SEE ALSO", see_also,
        ".PP", roff_escape("Every rule: procsan explain RULE, or share/procsan/rules/RULE.md "
                           "next to the installed binary."), ""])


pages = {
    "procsan": page("procsan", "find the bugs of multiprocess programs",
                    "procsan COMMAND [OPTIONS]",
                    markdown_to_roff(text.split("## ", 1)[0].split("\n", 1)[1]),
                    help_of(), "procsan-check(1), procsan-run(1)"),
    "procsan-check": page("procsan-check", "analyze C and C++ sources for multiprocess bugs",
                          "procsan check [FILES...] [-p BUILD_DIR] [OPTIONS] [-- COMPILER_ARGS]",
                          markdown_to_roff(section("Using the analyzer")), help_of("check"),
                          "procsan(1), procsan-run(1), clang-tidy(1)"),
    "procsan-run": page("procsan-run", "run a program and watch its whole process tree",
                        "procsan run [OPTIONS] -- PROGRAM [ARGS...]",
                        markdown_to_roff(section("Using the runtime")), help_of("run"),
                        "procsan(1), procsan-check(1)"),
}
for name, body in pages.items():
    with open(f"{outdir}/{name}.1", "w", encoding="utf-8") as f:
        f.write(body)

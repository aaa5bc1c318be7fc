"""Runs the pre-commit hook that the user guide's three lines add, as pre-commit would: the
hook's entry and args from .pre-commit-hooks.yaml, on the files of a commit that its `types`
select (pre-commit's `python` type: *.py), with procsan from this build.
usage: precommit_python.py USER_GUIDE HOOKS_YAML PROCSAN_DIR WORKDIR FILES..."""
import os
import re
import shlex
import subprocess
import sys

import yaml

guide, hooks_file, procsan_dir, workdir = sys.argv[1:5]
files = sys.argv[5:]
text = open(guide).read()
block = re.search(r"<!-- pre-commit-begin -->\n```yaml\n(.*?)```\n<!-- pre-commit-end -->", text,
                  re.S).group(1)
lines = [l for l in block.splitlines() if l.strip()]
print("snippet lines: %d" % len(lines))
repos = yaml.safe_load(block)
ids = [h["id"] for r in repos for h in r["hooks"]]
hooks = {h["id"]: h for h in yaml.safe_load(open(hooks_file))}
for hook_id in ids:
    hook = hooks[hook_id]
    print("hook: %s, types: %s, language: %s" % (hook_id, hook.get("types"), hook["language"]))
    assert "python" in hook.get("types", []) or "python" in hook.get("types_or", [])
    chosen = [f for f in files if f.endswith((".py", ".pyi"))]
    entry = shlex.split(hook["entry"])
    entry[0] = os.path.join(procsan_dir, entry[0])
    argv = entry + hook.get("args", []) + chosen
    r = subprocess.run(argv, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    print("ran: %s" % " ".join(["procsan"] + argv[1:]))
    print(r.stdout, end="")
    print("status: %d" % r.returncode)

"""run_workflow.py GUIDE PROJECT WORK PROCSAN_DIR: runs the `run:` commands of the GitHub Actions workflow in
the user guide (between <!-- workflow-begin --> and <!-- workflow-end -->) the way Actions would:
the `check` job once per matrix shard, each in its own copy of PROJECT, then the `report` job in
another copy with every shard's artifact. `procsan` is the one in PROCSAN_DIR: the lines that
install the .deb are not run (apt-get cannot run here), and each is printed as "install: ...".
Prints each command with its exit status; exits 1 when a command fails (status other than 0)."""
import glob
import os
import re
import shutil
import subprocess
import sys

guide, project, work, procsan_dir = sys.argv[1:5]
os.environ["PATH"] = procsan_dir + os.pathsep + os.environ.get("PATH", "")
text = open(guide).read()
block = text.split("<!-- workflow-begin -->", 1)[1].split("<!-- workflow-end -->", 1)[0]
jobs, job, shards = {}, None, []
for line in block.splitlines():
    m = re.match(r"^  ([A-Za-z_-]+):\s*$", line)
    if m:
        job = m.group(1)
        jobs[job] = []
        continue
    m = re.match(r"^\s+shard: \[([0-9, ]+)\]", line)
    if m:
        shards = [s.strip() for s in m.group(1).split(",")]
    m = re.match(r"^\s+- (run|uses): (.*)$", line)
    if m and job:
        jobs[job].append((m.group(1), m.group(2)))

failed = False


def run_steps(steps, cwd, shard=None):
    global failed
    for kind, cmd in steps:
        if shard is not None:
            cmd = cmd.replace("${{ matrix.shard }}", shard)
        if kind == "uses":
            if cmd.startswith("actions/upload-artifact"):
                for f in glob.glob(os.path.join(cwd, "shard-*.json")):
                    shutil.copy(f, os.path.join(work, "artifacts"))
            elif cmd.startswith("actions/download-artifact"):
                for f in glob.glob(os.path.join(work, "artifacts", "*.json")):
                    shutil.copy(f, cwd)
            continue
        if "apt-get install" in cmd:
            debs = re.findall(r"\./\S+\.deb", cmd)
            print("install:", " ".join(debs) or "(no .deb)")
            continue
        r = subprocess.run(["bash", "-c", "set -e; " + cmd], cwd=cwd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        print("run (%s): %s -> %d" % ("shard " + shard if shard else "report", cmd, r.returncode))
        if r.returncode != 0:
            failed = True
            sys.stderr.write(r.stderr)


os.makedirs(os.path.join(work, "artifacts"), exist_ok=True)
# Every job checks the repository out at the same place, as Actions does on its runners (the
# reports name files by absolute path); what a job leaves is kept as WORK/<job> afterwards.
ws = os.path.join(work, "workspace")
for name, shard in [("shard" + s, s) for s in shards] + [("report", None)]:
    shutil.copytree(project, ws)
    run_steps(jobs.get("check" if shard else "report", []), ws, shard)
    os.rename(ws, os.path.join(work, name))
print("jobs:", " ".join(sorted(jobs)), "shards:", len(shards))
sys.exit(1 if failed else 0)

"""with_session.py STDERR_FILE COMMAND...: runs COMMAND with every argument "SESSION" replaced by
the directory `procsan run --keep-session` named in STDERR_FILE; exits with COMMAND's status."""
import re
import subprocess
import sys

text = open(sys.argv[1], errors="replace").read()
m = re.search(r"^procsan run: trace kept in (.+)$", text, re.M)
if not m:
    sys.exit("with_session: no kept session named in " + sys.argv[1])
cmd = [m.group(1) if a == "SESSION" else a for a in sys.argv[2:]]
sys.exit(subprocess.call(cmd))

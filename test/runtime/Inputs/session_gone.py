"""session_gone.py OUTPUT: OUTPUT has a line "session=PATH"; fails if PATH still exists."""
import os
import sys

paths = [l.strip()[len("session="):] for l in open(sys.argv[1]) if l.startswith("session=")]
if not paths:
    sys.exit("session_gone: no session= line in " + sys.argv[1])
for p in paths:
    if os.path.lexists(p):
        sys.exit("session_gone: " + p + " is still there")

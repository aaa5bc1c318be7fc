"""none_alive.py PIDFILE: fails if any pid listed in PIDFILE is still a live process."""
import os
import sys

pids = [int(line) for line in open(sys.argv[1]) if line.strip()]
if len(pids) < 3:
    sys.exit(f"none_alive: expected 3 pids, got {pids}")
alive = []
for pid in pids:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
        if state != "Z":
            alive.append(pid)
    except FileNotFoundError:
        pass
if alive:
    sys.exit(f"none_alive: still running after --on-hang=kill: {alive}")

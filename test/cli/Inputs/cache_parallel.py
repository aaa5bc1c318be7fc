"""cache_parallel.py N PROCSAN ARGS...: runs N `PROCSAN ARGS...` at once (they share a
--cache-dir) and checks that their standard outputs are all the same; prints it once."""
import subprocess
import sys

n, cmd = int(sys.argv[1]), sys.argv[2:]
procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(n)]
outs = [p.communicate() for p in procs]
for p, (out, err) in zip(procs, outs):
    if p.returncode not in (0, 1) or b"procsan check: warning:" in err:
        sys.exit("cache_parallel: a run failed (%d): %s" % (p.returncode, err.decode()))
if any(out != outs[0][0] for out, _ in outs):
    sys.exit("cache_parallel: the runs printed different reports")
sys.stdout.write(outs[0][0].decode())

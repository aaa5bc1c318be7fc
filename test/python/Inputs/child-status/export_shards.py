# The children write the script's product, one file per shard; the join is the script's last
# act, but a pipeline that runs it next reads those files on the strength of its exit status 0.
# Reported.
import sys
from multiprocessing import Process

import numpy as np


def export_shard(i, out_dir):
    rows = np.arange(i * 1000, (i + 1) * 1000)
    np.save("%s/shard-%03d.npy" % (out_dir, i), rows)
    print("shard", i, "written")


if __name__ == "__main__":
    out_dir = sys.argv[1]
    workers = []
    for i in range(4):
        w = Process(target=export_shard, args=(i, out_dir))
        w.start()
        workers.append(w)
    for w in workers:
        # CHECK: export_shards.py:[[@LINE+1]]:9: warning: Process joined and its exitcode never examined
        w.join()

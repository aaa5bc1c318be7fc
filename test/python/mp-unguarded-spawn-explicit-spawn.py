# RUN: not %check --checks=-mp-pool-not-joined %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# Start methods chosen explicitly: spawn and forkserver contexts, and set_start_method("spawn").
import multiprocessing as mp
from multiprocessing import get_context

ctx = get_context("forkserver")


def work(x):
    return x


# CHECK: mp-unguarded-spawn-explicit-spawn.py:[[@LINE+2]]:8: warning: Pool created while the module is imported, outside 'if __name__ == "__main__":'; under the 'forkserver' start method, each child process
# CHECK: mp-unguarded-spawn-explicit-spawn.py:6:7: note: the 'forkserver' start method is chosen here
pool = ctx.Pool(2)

# CHECK: mp-unguarded-spawn-explicit-spawn.py:[[@LINE+1]]:1: warning: Process started while the module is imported, outside 'if __name__ == "__main__":'; under the 'spawn' start method
mp.get_context("spawn").Process(target=work, args=(1,)).start()

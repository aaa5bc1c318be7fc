# RUN: not %check --checks=-mp-pool-not-joined %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# A script that starts processes at module level, in every spelling the names take.
import multiprocessing as mp
from multiprocessing import Pool, Process, Manager
from concurrent.futures import ProcessPoolExecutor
import concurrent.futures as cf


def work(x):
    return x * x


# CHECK: mp-unguarded-spawn.py:[[@LINE+1]]:8: warning: Pool created while the module is imported, outside 'if __name__ == "__main__":'; when the start method is spawn or forkserver (the default on macOS and Windows, and on Linux from Python 3.14), each child process imports the main module and runs this line again [mp-unguarded-spawn]
pool = Pool(4)

# CHECK: mp-unguarded-spawn.py:[[@LINE+1]]:6: warning: Pool created while the module is imported
with mp.Pool() as p:
    p.map(work, range(4))

p = Process(target=work, args=(1,))
# CHECK: mp-unguarded-spawn.py:[[@LINE+1]]:1: warning: Process started while the module is imported
p.start()
p.join()

# CHECK: mp-unguarded-spawn.py:[[@LINE+1]]:11: warning: Manager started while the module is imported
manager = Manager()

with ProcessPoolExecutor() as ex:
    # CHECK: mp-unguarded-spawn.py:[[@LINE+1]]:5: warning: ProcessPoolExecutor.submit called while the module is imported
    ex.submit(work, 2)

executor = cf.ProcessPoolExecutor(2)
# CHECK: mp-unguarded-spawn.py:[[@LINE+1]]:11: warning: ProcessPoolExecutor.map called while the module is imported
results = executor.map(work, range(3))


class Worker(mp.Process):
    def run(self):
        pass


# CHECK: mp-unguarded-spawn.py:[[@LINE+1]]:1: warning: Process 'Worker' started while the module is imported
Worker().start()

# RUN: %check --checks=-mp-pool-not-joined %s 2>&1 | FileCheck %s --allow-empty --implicit-check-not=warning:
# Look-alikes of every shape in mp-unguarded-spawn.py that start nothing at import.
import multiprocessing as mp
from multiprocessing import Pool, Process
from multiprocessing.pool import ThreadPool
from multiprocessing.dummy import Pool as DummyPool
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def work(x):
    return x * x


def main():
    with Pool() as pool:  # only when main() runs, and it runs under the guard
        pool.map(work, range(4))


# Threads behind the same API: nothing is imported again.
threads = ThreadPool(4)
dummy = DummyPool(2)
with ThreadPoolExecutor() as tex:
    tex.submit(work, 1)

# Made, not started: a Process object and an executor that never receives work here.
proc = Process(target=work, args=(1,))
executor = ProcessPoolExecutor()


class Runner:
    def go(self):
        with Pool() as pool:  # a method nobody calls at import
            return pool.map(work, [1])


if __name__ == "__main__":
    main()
    proc.start()
    executor.submit(work, 3)
    mp.Manager()

if __name__ != "__main__":
    pass
else:
    Pool(2)

if "__main__" == __name__ and True:
    Pool(3)

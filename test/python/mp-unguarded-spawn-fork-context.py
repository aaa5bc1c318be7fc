# RUN: %check %s 2>&1 | FileCheck %s --allow-empty --implicit-check-not=warning:
# A fork context and a ProcessPoolExecutor given one: silent. (Only where fork is chosen: with
# nothing chosen, Python 3.14 on Linux uses forkserver.)
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

fork = multiprocessing.get_context("fork")


def work(x):
    return x


with fork.Pool(2) as pool:
    pool.map(work, [1, 2])

with ProcessPoolExecutor(mp_context=fork) as ex:
    ex.submit(work, 1)

fork.Process(target=work, args=(1,)).start()

# RUN: not %check --checks=mp-pool-not-joined %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# Pools and executors that nothing ends, or that only the normal path ends.
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor as Executor
from multiprocessing import Pool


def work(x):
    return x


def forgotten(data):
    # CHECK: mp-pool-not-joined.py:[[@LINE+1]]:12: warning: Pool 'pool' is neither used as a context manager nor closed and joined; its worker processes are left running [mp-pool-not-joined]
    pool = Pool(4)
    return pool.map(work, data)


def happy_path_only(data):
    ctx = mp.get_context("forkserver")
    # CHECK: mp-pool-not-joined.py:[[@LINE+2]]:12: warning: Pool 'pool' is closed and joined only on some paths: an exception or an early exit before line 25 leaves its worker processes running; use 'with', or end it in 'finally' [mp-pool-not-joined]
    # CHECK: mp-pool-not-joined.py:25:5: note: it is ended here, on the normal path only
    pool = ctx.Pool()
    out = pool.map(work, data)
    pool.close()
    pool.join()
    return out


def early_return(data):
    # CHECK: mp-pool-not-joined.py:[[@LINE+1]]:12: warning: Pool 'pool' is closed and joined only on some paths
    pool = Pool()
    if not data:
        return []
    pool.close()
    pool.join()


def closed_only(data):
    # CHECK: mp-pool-not-joined.py:[[@LINE+3]]:12: warning: Pool 'pool' is closed but never joined
    # CHECK: mp-pool-not-joined.py:[[@LINE+3]]:15: note: this result may still be pending when the function returns
    # CHECK: mp-pool-not-joined.py:[[@LINE+3]]:5: note: it is closed here
    pool = mp.Pool()
    pending = pool.map_async(work, data)
    pool.close()
    return len(data)


def one_shot(data):
    # CHECK: mp-pool-not-joined.py:[[@LINE+1]]:12: warning: Pool made only to call 'map' on it is never closed and joined
    return mp.Pool(2).map(work, data)


def executor(data):
    # CHECK: mp-pool-not-joined.py:[[@LINE+1]]:10: warning: ProcessPoolExecutor 'ex' is neither used as a context manager nor shut down
    ex = Executor(max_workers=2)
    return [f.result() for f in [ex.submit(work, d) for d in data]]


if __name__ == "__main__":
    # CHECK: mp-pool-not-joined.py:[[@LINE+1]]:17: warning: Pool 'main_pool' is neither used
    main_pool = Pool()
    print(main_pool.map(work, range(3)))
    # The program goes on making processes: the exit handler does not end the pool yet.
    worker = mp.Process(target=work, args=(1,))
    worker.start()
    worker.join()

# RUN: not %check --checks=mp-unpicklable-task %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# A name the try binds one way and its handler another is either: unknown. pathos imports
# `multiprocess` (dill pickles lambdas) and falls back to multiprocessing.
try:
    import multiprocess as mp
except ImportError:
    import multiprocessing as mp

# A look-alike: the handler does not bind the name again.
try:
    import multiprocessing as mp2
except ImportError:
    raise SystemExit("this program needs multiprocessing")


def run(items):
    with mp.Pool() as pool:
        pool.map(lambda x: x + 1, items)
    with mp2.Pool() as pool:
        # CHECK: mp-unpicklable-task-try-import.py:[[@LINE+1]]:18: warning: a lambda cannot be pickled; Pool.map pickles its function for the workers [mp-unpicklable-task]
        pool.map(lambda x: x + 1, items)

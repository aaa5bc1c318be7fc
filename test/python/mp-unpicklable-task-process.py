# RUN: not %check %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# A Process's target and arguments are pickled for the child under spawn and forkserver, and
# when nothing chooses the start method (the default is one of them on macOS, Windows, and on
# Linux from Python 3.14).
import multiprocessing as mp
import threading


def work(x):
    return x


def main():
    spawn = mp.get_context("spawn")
    # CHECK: mp-unpicklable-task-process.py:[[@LINE+2]]:30: warning: a lambda cannot be pickled; the Process's target is pickled for the child under the 'spawn' start method
    # CHECK: mp-unpicklable-task-process.py:14:13: note: the 'spawn' start method is chosen here
    p = spawn.Process(target=lambda: work(1))
    p.start()
    lock = threading.Lock()
    # CHECK: mp-unpicklable-task-process.py:[[@LINE+1]]:39: warning: a threading.Lock cannot be pickled; the Process's arguments are pickled for the child when the start method is spawn or forkserver (the default on macOS and Windows, and on Linux from Python 3.14)
    q = mp.Process(target=work, args=(lock,))
    q.start()
    # A multiprocessing.Lock is meant to go this way: by inheritance, in the args.
    r = spawn.Process(target=work, args=(mp.Lock(),))
    r.start()
    # CHECK: mp-unpicklable-task-process.py:[[@LINE+1]]:33: warning: a lambda cannot be pickled; the Pool's initializer is pickled for every worker when the start method is spawn or forkserver
    with mp.Pool(2, initializer=lambda: None) as pool:
        pool.map(work, [1])


if __name__ == "__main__":
    main()

# RUN: %procsan run --rules=mp-fork-with-threads -- %python %s 2>&1 | FileCheck %s
# A Python thread finishes and is joined, then the program forks a worker, twenty times over.
# join() returns before the OS thread has quite ended; a thread with no Python work left holds no
# lock the child could need: nothing to report. The close positive, a fork while a thread still
# runs, is mp-fork-with-threads-python.py.
import multiprocessing as mp
import threading


def work(box):
    box.append(sum(range(1000)))


if __name__ == "__main__":
    ctx = mp.get_context("fork")
    for i in range(20):
        box = []
        t = threading.Thread(target=work, args=(box,), name="helper-%d" % i)
        t.start()
        t.join()
        p = ctx.Process(target=print, args=("child", i, box[0]))
        p.start()
        p.join()
    print("done")

# CHECK: child 19 499500
# CHECK: done
# CHECK-NOT: mp-fork-with-threads

# RUN: not %check --checks=mp-unguarded-spawn %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# A benchmark script with no __main__ guard that keeps its Processes in a list and starts them in
# a loop over it: under spawn or forkserver every child re-imports the script and starts ten more.
# Threads kept the same way, and the same Processes under the guard, are not reported.
import multiprocessing
import random
import threading
import time

NUM_WORKERS = 10
SIZE = 100000


def fill(count, out):
    for _ in range(count):
        out.append(random.random())


# Threads in a list, started at import: no process is made.
threads = []
for _ in range(NUM_WORKERS):
    threads.append(threading.Thread(target=fill, args=(SIZE, [])))
for t in threads:
    t.start()
for t in threads:
    t.join()

start = time.time()
jobs = []
for i in range(NUM_WORKERS):
    process = multiprocessing.Process(target=fill, args=(SIZE, []))
    jobs.append(process)

for j in jobs:
    # CHECK: mp-unguarded-spawn-list.py:[[@LINE+1]]:5: warning: Process started while the module is imported, outside 'if __name__ == "__main__":'
    j.start()
for j in jobs:
    j.join()
print("processes time=", time.time() - start)

# The same Processes in a list literal.
first = multiprocessing.Process(target=fill, args=(SIZE, []))
second = multiprocessing.Process(target=fill, args=(SIZE, []))
pair = [first, second]
# CHECK: mp-unguarded-spawn-list.py:[[@LINE+1]]:2: warning: Process started while the module is imported
[p.start() for p in pair]
for p in pair:
    p.join()

# Started with insert() into a list, in a function the module calls at import.
def launch_all(n):
    queue_of_jobs = []
    for i in range(n):
        queue_of_jobs.insert(0, multiprocessing.Process(target=fill, args=(SIZE, [])))
    for job in queue_of_jobs:
        # CHECK: mp-unguarded-spawn-list.py:[[@LINE+1]]:9: warning: Process started while the module is imported
        job.start()
    return queue_of_jobs


# CHECK: mp-unguarded-spawn-list.py:[[@LINE+1]]:10: note: 'launch_all' is called here, while the module is imported
for w in launch_all(2):
    w.join()


def launch_guarded(n):
    workers = []
    for _ in range(n):
        workers.append(multiprocessing.Process(target=fill, args=(SIZE, [])))
    for w in workers:
        w.start()
    for w in workers:
        w.join()


if __name__ == "__main__":
    guarded = []
    for i in range(NUM_WORKERS):
        guarded.append(multiprocessing.Process(target=fill, args=(SIZE, [])))
    for g in guarded:
        g.start()
    for g in guarded:
        g.join()
    launch_guarded(4)

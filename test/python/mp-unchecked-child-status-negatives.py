# RUN: %check --checks=mp-unchecked-child-status %s 2>&1 | FileCheck %s --allow-empty --implicit-check-not=warning:
# Look-alikes of mp-unchecked-child-status.py: the exit code is looked at, the outcome comes back
# another way, or the parent ended the child itself.
import multiprocessing as mp
import sys
from multiprocessing import Pipe, Process, Queue


def work(*args):
    pass


def checked():
    p = Process(target=work)
    p.start()
    p.join()
    if p.exitcode != 0:
        raise RuntimeError("worker failed with %s" % p.exitcode)


def exit_with_it():
    p = Process(target=work)
    p.start()
    p.join()
    sys.exit(p.exitcode)


def all_checked(n):
    procs = [Process(target=work, args=(i,)) for i in range(n)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    failed = [p.name for p in procs if p.exitcode]
    return failed


def checked_in_loop(n):
    procs = []
    for i in range(n):
        p = Process(target=work, args=(i,))
        procs.append(p)
        p.start()
    for i, p in enumerate(procs):
        p.join()
        assert p.exitcode == 0, i


def result_by_queue():
    q = Queue()
    p = Process(target=work, args=(q,))
    p.start()
    result = q.get(timeout=60)  # a dead child is a timeout here
    p.join()
    return result


def result_by_pipe():
    parent_end, child_end = Pipe()
    p = Process(target=work, args=(child_end,))
    p.start()
    if not parent_end.poll(30):
        raise TimeoutError
    p.join()
    return parent_end.recv()


def result_by_event():
    done = mp.Event()
    p = Process(target=work, args=(done,))
    p.start()
    p.join()
    return done.is_set()


def terminated():
    heartbeat = Process(target=work, daemon=True)
    heartbeat.start()
    work()
    heartbeat.terminate()
    heartbeat.join()


def killed_in_finally():
    p = Process(target=work)
    p.start()
    try:
        work()
    finally:
        p.kill()
        p.join()


def polled():
    p = Process(target=work)
    p.start()
    p.join(5)  # the caller decides what a slow child means
    return p.is_alive()


def handed_on():
    p = Process(target=work)
    p.start()
    return p  # the caller joins it and may check it


def collected_elsewhere(registry):
    p = Process(target=work)
    p.start()
    registry.append(p)
    p.join()


def never_joined():
    Process(target=work, daemon=True).start()


if __name__ == "__main__":
    main = Process(target=work)
    main.start()
    main.join()
    sys.exit(main.exitcode)

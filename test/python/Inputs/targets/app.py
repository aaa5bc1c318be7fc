# What the default start method decides: run by targets.test, next to different settings.
import multiprocessing as mp
import threading

counter = mp.Value("i", 0)


def work(x):
    return x


def bump():
    counter.value += 1


def run(items):
    t = threading.Thread(target=work, args=(1,))
    t.start()
    p = mp.Process(target=work, args=(items,))
    p.start()
    p.join()
    t.join()
    if p.exitcode:
        raise SystemExit(p.exitcode)


def run_bumpers():
    ps = [mp.Process(target=bump) for _ in range(4)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    if any(p.exitcode for p in ps):
        raise SystemExit(1)


pool = mp.Pool(2)

import multiprocessing

from pkg.state import hits
from pkg.work import count, count_locked, make_block


def leak():
    shm = make_block(100)
    shm.buf[0] = 1
    shm.close()


def fine():
    shm = make_block(100)
    try:
        shm.buf[0] = 1
    finally:
        shm.close()
        shm.unlink()


def main():
    ps = [multiprocessing.Process(target=count, args=(hits,)) for _ in range(4)]
    qs = [multiprocessing.Process(target=count_locked, args=(hits,)) for _ in range(4)]
    for p in ps + qs:
        p.start()
    for p in ps + qs:
        p.join()


if __name__ == "__main__":
    main()

"""Two processes pass a turn back and forth argv[1] times through two multiprocessing
Semaphore(0)s: nearly every acquire() waits for the other process, and each wait is recorded
with its native and Python stacks (the runtime's most frequent Python-frame capture)."""
import multiprocessing as mp
import sys


def player(mine, theirs, rounds, first):
    for _ in range(rounds):
        if first:
            theirs.release()
            mine.acquire()
        else:
            mine.acquire()
            theirs.release()


if __name__ == "__main__":
    mp.set_start_method("fork")
    rounds = int(sys.argv[1])
    a, b = mp.Semaphore(0), mp.Semaphore(0)
    other = mp.Process(target=player, args=(b, a, rounds, False))
    other.start()
    player(a, b, rounds, True)
    other.join()

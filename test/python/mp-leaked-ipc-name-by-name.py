# RUN: %check %s 2>&1 | FileCheck %s --allow-empty --implicit-check-not=warning:
# The block's name travels to a child, which attaches and unlinks it: the creator is silent.
from multiprocessing import Process
from multiprocessing.shared_memory import SharedMemory


def child(name):
    shm = SharedMemory(name=name)
    shm.close()
    shm.unlink()


def main():
    shm = SharedMemory(create=True, size=64)
    p = Process(target=child, args=(shm.name,))
    p.start()
    p.join()
    shm.close()


if __name__ == "__main__":
    main()

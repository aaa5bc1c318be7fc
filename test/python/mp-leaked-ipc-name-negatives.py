# RUN: %check %s 2>&1 | FileCheck %s --allow-empty --implicit-check-not=warning:
# Look-alikes of mp-leaked-ipc-name.py: unlinked somewhere, attached only, or someone else's.
from multiprocessing.managers import SharedMemoryManager
from multiprocessing.shared_memory import ShareableList, SharedMemory


def in_finally(size):
    shm = SharedMemory(create=True, size=size)
    try:
        shm.buf[0] = 1
    finally:
        shm.close()
        shm.unlink()


def release(block):
    block.close()
    block.unlink()


def by_helper():
    shm = SharedMemory(create=True, size=64)
    release(shm)


def attach(name):
    shm = SharedMemory(name=name)  # not created here: its creator unlinks it
    shm.close()


def managed():
    with SharedMemoryManager() as smm:
        shm = smm.SharedMemory(size=64)  # the manager unlinks it at shutdown
        return bytes(shm.buf[:4])


def returned(size):
    shm = SharedMemory(create=True, size=size)
    return shm  # the caller owns it


class Holder:
    def __init__(self):
        self.shm = SharedMemory(create=True, size=64)  # the object owns it


def listed():
    items = ShareableList([1, 2])
    try:
        return items[0]
    finally:
        items.shm.close()
        items.shm.unlink()


def unknown_flag(flag):
    shm = SharedMemory(create=flag, size=8)  # may attach: not judged
    shm.close()

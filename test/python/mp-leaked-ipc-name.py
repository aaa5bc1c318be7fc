# RUN: not %check %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# SharedMemory(create=True) makes a name in /dev/shm that only unlink() removes.
import multiprocessing.shared_memory
from multiprocessing import shared_memory as sm
from multiprocessing.shared_memory import ShareableList, SharedMemory


def fill(size):
    # CHECK: mp-leaked-ipc-name.py:[[@LINE+1]]:11: warning: SharedMemory 'shm' is created and never unlinked; the block stays in /dev/shm after every process has exited [mp-leaked-ipc-name]
    shm = SharedMemory(create=True, size=size)
    shm.buf[:size] = bytes(size)
    shm.close()


def in_with(size):
    # CHECK: mp-leaked-ipc-name.py:[[@LINE+2]]:10: warning: SharedMemory 'block' is created and never unlinked
    # CHECK: mp-leaked-ipc-name.py:[[@LINE+1]]:5: note: leaving 'with' closes the block; it does not unlink it
    with sm.SharedMemory(None, True, size) as block:
        block.buf[0] = 1


def only_closes(seg):
    seg.close()


def through_helper():
    # CHECK: mp-leaked-ipc-name.py:[[@LINE+1]]:11: warning: SharedMemory 'shm' is created and never unlinked
    shm = multiprocessing.shared_memory.SharedMemory(create=True, size=64)
    only_closes(shm)


def listed():
    # CHECK: mp-leaked-ipc-name.py:[[@LINE+1]]:13: warning: ShareableList 'items' is created and never unlinked
    items = ShareableList([1, 2, 3])
    items.shm.close()

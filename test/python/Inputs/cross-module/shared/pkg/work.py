from multiprocessing import shared_memory


def count(v):
    v.value += 1


def count_locked(v):
    with v.get_lock():
        v.value += 1


def make_block(n):
    return shared_memory.SharedMemory(create=True, size=n)

import multiprocessing

from .ctx import FORK


def count():
    print("counting")


def start():
    p = multiprocessing.Process(target=count)
    p.start()
    return p


def start_fork():
    p = FORK.Process(target=count)
    p.start()
    return p


def setup():
    # Defines, starts nothing.
    def later():
        multiprocessing.Process(target=count).start()
    return later


def make_pool():
    return multiprocessing.get_context("spawn").Pool(2)

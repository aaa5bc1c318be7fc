import multiprocessing

from . import tasks
from .ctx import FORK, SPAWN
from .tasks import adder, square, work
from pkg import closure


def run(items):
    with multiprocessing.Pool() as pool:
        pool.map(work, items)
        pool.map(tasks.work, items)
        pool.map(closure, items)
        pool.map(square, items)
        pool.map(adder, items)


def start():
    # Under fork the target is inherited, not pickled.
    FORK.Process(target=work).start()
    SPAWN.Process(target=work).start()
    SPAWN.Process(target=square).start()

import multiprocessing

FORK = multiprocessing.get_context("fork")
SPAWN = multiprocessing.get_context("spawn")

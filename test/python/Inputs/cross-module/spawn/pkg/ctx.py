import multiprocessing as mp

FORK = mp.get_context("fork")

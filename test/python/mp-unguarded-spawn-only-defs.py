# RUN: %check %s 2>&1 | FileCheck %s --allow-empty --implicit-check-not=warning:
# A library module: it only defines functions and classes that use pools. Importing it starts
# nothing, whoever imports it.
from multiprocessing import Pool, get_context


def parallel_map(fn, items, processes=None):
    with Pool(processes) as pool:
        return pool.map(fn, items)


class Batch:
    ctx = get_context("spawn")

    def run(self, fn, items):
        with self.ctx.Pool() as pool:
            return pool.map(fn, items)

# RUN: %check --checks=-mp-pool-not-joined %s 2>&1 | FileCheck %s --allow-empty --implicit-check-not=warning:
# The fork start method, chosen before: the children do not import the main module again.
import multiprocessing as mp

mp.set_start_method("fork")


def work(x):
    return x


pool = mp.Pool(2)
p = mp.Process(target=work, args=(1,))
p.start()

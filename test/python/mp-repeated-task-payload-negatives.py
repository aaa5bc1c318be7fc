# RUN: %check --checks=mp-repeated-task-payload %s 2>&1 | FileCheck %s --allow-empty --implicit-check-not=warning:
# Look-alikes of mp-repeated-task-payload.py: what every task carries is small or unknown, changes
# from task to task, or is sent once per worker.
import functools
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool, shared_memory

import numpy as np
import pandas as pd

THRESHOLD = 0.5


def score(frame, user):
    return frame, user


def init(frame):
    global shared_frame
    shared_frame = frame


def small_things(users, scale):
    options = {"mode": "fast", "retries": 3}
    columns = [c.upper() for c in ("a", "b", "c")]
    with Pool() as pool:
        pool.starmap(score, [(options, u) for u in users])
        pool.starmap(score, [(THRESHOLD, u) for u in users])
        pool.starmap(score, [(scale, u) for u in users])  # a parameter: size unknown
        pool.map(functools.partial(score, columns), users)


def varying(paths):
    frames = [pd.read_csv(p) for p in paths]
    with Pool() as pool:
        # each task gets its own frame
        pool.starmap(score, [(frame, i) for i, frame in enumerate(frames)])


def once_per_worker(path, users):
    ratings = pd.read_csv(path)
    with Pool(initializer=init, initargs=(ratings,)) as pool:
        pool.map(functools.partial(score, None), users)


def chunked_on_purpose(path, users):
    ratings = pd.read_csv(path)
    with Pool(4) as pool:
        pool.starmap(score, [(ratings, u) for u in users], chunksize=len(users) // 4)


def shared_by_name(path, users):
    data = np.load(path)
    shm = shared_memory.SharedMemory(create=True, size=data.nbytes)
    try:
        with ProcessPoolExecutor() as ex:
            for u in users:
                ex.submit(score, shm.name, u)
    finally:
        shm.close()
        shm.unlink()


def single_task(path):
    table = np.load(path)
    with ProcessPoolExecutor() as ex:
        return ex.submit(score, table, 0).result()  # one task, sent once


def rebound_each_time(paths):
    with ProcessPoolExecutor() as ex:
        for p in paths:
            table = np.load(p)
            ex.submit(score, table, p)

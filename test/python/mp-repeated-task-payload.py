# RUN: not %check --checks=mp-repeated-task-payload %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# A large object every task carries: pickled, sent and unpickled again for each task.
import functools
import itertools
import pickle
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool

import numpy as np
import pandas as pd


def score(frame, user):
    return frame[frame.user == user].rating.mean()


def lookup(index, word):
    return index.get(word)


def ratings_per_user(path, users):
    ratings = pd.read_csv(path).dropna()
    with Pool() as pool:
        # CHECK: mp-repeated-task-payload.py:[[@LINE+2]]:38: warning: 'ratings' (data loaded here) is pickled and sent to the workers again with every chunk of tasks (Pool.starmap sends about four chunks per worker, each pickled on its own); send it once per worker instead: Pool(initializer=..., initargs=(ratings,)) with a global set in the initializer, or multiprocessing.shared_memory for arrays [mp-repeated-task-payload]
        # CHECK: mp-repeated-task-payload.py:[[@LINE-3]]:5: note: 'ratings' is bound here
        return pool.starmap(score, [(ratings, u) for u in users])


def words_found(path, words):
    with open(path) as f:
        index = {w: i for i, w in enumerate(f.read().split())}
    with Pool(8) as pool:
        # CHECK: mp-repeated-task-payload.py:[[@LINE+1]]:57: warning: 'index' (a collection built here) is pickled and sent to the workers again with every task (Pool.imap sends each item as a task of its own)
        return list(pool.imap(functools.partial(lookup, index), words))


def embeddings(paths, queries):
    table = np.load(paths[0])
    with ProcessPoolExecutor() as ex:
        # CHECK: mp-repeated-task-payload.py:[[@LINE+1]]:38: warning: 'table' (data loaded here) is pickled and sent to the workers again with every submit call of the loop
        futures = [ex.submit(lookup, table, q) for q in queries]
        return [f.result() for f in futures]


def by_apply(path, keys):
    with open(path, "rb") as f:
        model = pickle.load(f)
    pool = Pool()
    results = []
    for k in keys:
        # CHECK: mp-repeated-task-payload.py:[[@LINE+1]]:50: warning: 'model' (data loaded here) is pickled and sent to the workers again with every apply_async call of the loop
        results.append(pool.apply_async(lookup, (model, k)))
    pool.close()
    pool.join()
    return [r.get() for r in results]


corpus = open("corpus.txt").read()


def repeated(words):
    with Pool() as pool:
        # CHECK: mp-repeated-task-payload.py:[[@LINE+1]]:58: warning: 'corpus' (the contents of a file) is pickled and sent to the workers again with every chunk of tasks (Pool.starmap sends
        return pool.starmap(lookup, zip(itertools.repeat(corpus), words))

# RUN: not %check --checks=mp-unchecked-child-status %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# A child whose only lasting effect is its own output (or nothing) has no result to lose: if it
# raises, Process._bootstrap prints the traceback, and nothing the parent goes on with is missing.
# Each silent function here sits next to a look-alike whose child leaves something behind (a
# file, a list or a queue the parent holds, a shared model), or whose parent then tests what
# happened: those are still reported.
import json
import logging
import os
import time
from multiprocessing import Process, Queue, current_process

import numpy as np

log = logging.getLogger(__name__)


def banner(title):
    print(title)
    if hasattr(os, "getppid"):
        print("parent pid: %d" % os.getppid())
    print("pid: %d" % os.getpid())


def tick(label, delay):
    banner("worker " + label)
    remaining = 3
    while remaining:
        time.sleep(delay)
        log.info("%s: %d to go", label, remaining)
        remaining -= 1


def demo_countdown():
    a = Process(target=tick, args=("A", 0.1))
    b = Process(target=tick, args=("B", 0.1))
    a.start()
    b.start()
    a.join()
    b.join()
    print("Done.")


def measure(n):
    # Computes into its own locals with library code, then only prints.
    data = np.random.rand(n)
    stats = {"mean": float(data.mean()), "max": float(data.max())}
    rows = []
    for k, v in sorted(stats.items()):
        rows.append("%s=%.3f" % (k, v))
    print(current_process().name, ", ".join(rows))


def demo_measure():
    p = Process(target=measure, args=(1000,))
    p.start()
    p.join()
    return "measured"


class Listener(Process):
    def __init__(self, inbox):
        super().__init__()
        self.inbox = inbox

    def run(self):
        while not self.inbox.empty():
            item = self.inbox.get()
            self.show(item)

    def show(self, item):
        print("%s took %r" % (self.name, item))


def demo_listener(items):
    inbox = Queue()
    for i in items:
        inbox.put(i)
    listener = Listener(inbox)
    listener.start()
    listener.join()


# -- look-alikes that leave something behind ------------------------------------------------


def fill(n, out):
    for _ in range(n):
        out.append(np.random.rand())


def benchmark_fill(n):
    out = []
    jobs = [Process(target=fill, args=(n, out)) for _ in range(4)]
    for j in jobs:
        j.start()
    for j in jobs:
        # CHECK: mp-unchecked-child-status-output-only.py:[[@LINE+1]]:9: warning: Process joined and its exitcode never examined
        j.join()
    print("filled", len(out))


def save_summary(path, n):
    data = np.random.rand(n)
    with open(path, "w") as f:
        json.dump({"mean": float(data.mean())}, f)
    print("wrote", path)


def export(path):
    p = Process(target=save_summary, args=(path, 1000))
    p.start()
    # CHECK: mp-unchecked-child-status-output-only.py:[[@LINE+1]]:5: warning: Process joined and its exitcode never examined
    p.join()
    return path


class Trainer(Process):
    def __init__(self, model, batches):
        super().__init__()
        self.model = model
        self.batches = batches

    def run(self):
        for batch in self.batches:
            loss = self.model.step(batch)
            print(self.name, loss)


def train(model, batches):
    t = Trainer(model, batches)
    t.start()
    # CHECK: mp-unchecked-child-status-output-only.py:[[@LINE+1]]:5: warning: Process joined and its exitcode never examined
    t.join()
    return model


def check_env():
    assert os.environ.get("HOME"), "no HOME"
    print("environment fine")


def test_env_in_child():
    p = Process(target=check_env)
    p.start()
    # CHECK: mp-unchecked-child-status-output-only.py:[[@LINE+1]]:5: warning: Process joined and its exitcode never examined
    p.join()


def test_banner_output(capfd):
    p = Process(target=banner, args=("hello",))
    p.start()
    # CHECK: mp-unchecked-child-status-output-only.py:[[@LINE+1]]:5: warning: Process joined and its exitcode never examined
    p.join()
    assert "hello" in capfd.readouterr().out

# The island script as a benchmark: after the joins the parent computes and prints the run time,
# as if every island had done its work. Reported.
import random
import time
from multiprocessing import Pipe, Process


def evolve(island, inbox, outbox, generations):
    population = [random.random() for _ in range(50)]
    for gen in range(generations):
        population.sort(reverse=True)
        outbox.send(population[:5])
        population[-5:] = inbox.recv()
        print("island %d gen %d best %.4f" % (island, gen, population[0]))


if __name__ == "__main__":
    n = 3
    start = time.perf_counter()
    pipes = [Pipe(False) for _ in range(n)]
    procs = [Process(target=evolve, args=(i, pipes[i][0], pipes[(i + 1) % n][1], 20))
             for i in range(n)]
    for p in procs:
        p.start()
    for p in procs:
        # CHECK: islands_timed.py:[[@LINE+1]]:9: warning: Process joined and its exitcode never examined
        p.join()
    elapsed = time.perf_counter() - start
    print("evolved %d islands in %.2f s" % (n, elapsed))

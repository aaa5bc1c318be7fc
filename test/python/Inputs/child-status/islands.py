# Island model: each process evolves its own population, sends migrants to the next island
# through a pipe and prints its own log; the script ends with the joins. A failed island prints
# its traceback and nothing after the join goes on as if it had succeeded: not reported.
import random
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
    pipes = [Pipe(False) for _ in range(n)]
    procs = [Process(target=evolve, args=(i, pipes[i][0], pipes[(i + 1) % n][1], 20))
             for i in range(n)]
    for p in procs:
        p.start()
    print("started %d islands" % n)
    for p in procs:
        p.join()
    print("all islands finished")

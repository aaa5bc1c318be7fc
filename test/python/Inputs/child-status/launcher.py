# A launcher: main(), called only from the guard, starts this node's role and joins it as its
# last act; the role prints its own progress. Not reported.
import argparse
import os

import torch.multiprocessing as mp


def run_server(rank, world_size):
    print("server %d of %d listening" % (rank, world_size))


def run_trainer(rank, world_size, lr):
    print("trainer %d of %d, lr %g" % (rank, world_size, lr))
    for epoch in range(3):
        print("epoch", epoch)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rank", type=int, required=True)
    parser.add_argument("--world-size", type=int, default=2)
    args = parser.parse_args()
    os.environ["MASTER_ADDR"] = "localhost"
    processes = []
    if args.rank == 0:
        p = mp.Process(target=run_server, args=(0, args.world_size))
    else:
        p = mp.Process(target=run_trainer, args=(args.rank, args.world_size, 0.01))
    p.start()
    processes.append(p)
    for p in processes:
        p.join()


if __name__ == "__main__":
    main()

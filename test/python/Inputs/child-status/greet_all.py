# The target comes from greet.py next to this script (`from greet import greet`, which is how a
# script imports its helpers: its directory is first on sys.path); it only sleeps and prints.
# Not reported.
from multiprocessing import Process

from greet import greet

if __name__ == "__main__":
    for i in range(4):
        p = Process(target=greet, args=("worker %d" % i, 0.1))
        p.start()
        p.join()
    print("greeted")

# The same, with the helper of greet.py that appends to a file: reported.
from multiprocessing import Process

from greet import greet_to_file

if __name__ == "__main__":
    for i in range(4):
        p = Process(target=greet_to_file, args=("worker %d" % i, "greetings.txt"))
        p.start()
        # CHECK: greet_file.py:[[@LINE+1]]:9: warning: Process joined and its exitcode never examined
        p.join()
    print("greeted")

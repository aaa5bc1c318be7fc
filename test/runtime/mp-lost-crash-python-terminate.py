# RUN: %procsan run -- %python %s 2>&1 | FileCheck %s
# terminate() and kill() are deliberate; a worker checked through exitcode is not lost either.
import multiprocessing as mp
import sys
import time


def sleeper():
    time.sleep(60)


def failing():
    sys.exit(4)


if __name__ == "__main__":
    mp.set_start_method("fork")
    a = mp.Process(target=sleeper)
    b = mp.Process(target=sleeper)
    a.start()
    b.start()
    time.sleep(0.2)
    a.terminate()
    b.kill()
    a.join()
    b.join()
    print("exitcodes", a.exitcode, b.exitcode, flush=True)

# CHECK: exitcodes -15 -9
# CHECK-NOT: mp-lost-crash

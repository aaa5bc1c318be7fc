# RUN: %procsan run --rules=mp-fork-with-threads --format=json --output=%t.json -- %python %s 2> %t.err
# RUN: FileCheck %s < %t.err
# RUN: %python %inputs/python_stacks.py %t.json | FileCheck --check-prefix=JSON %s
# The threads alive at a fork are named as threading names them (Thread(name=...), quoted, and
# "MainThread" when another thread forks), not by their OS name ("python3"). The names are read
# from the Thread objects at the fork, without running Python. A thread threading did not start
# (_thread.start_new_thread) keeps its OS name.
import _thread
import multiprocessing as mp
import threading

stop = threading.Event()


def upload():
    stop.wait()


def work():
    pass


def start_worker():
    p = mp.Process(target=work)
    p.start()
    p.join()


if __name__ == "__main__":
    mp.set_start_method("fork")
    t = threading.Thread(target=upload, name='uploader "eu" 2')
    t.start()
    raw = threading.Lock()
    raw.acquire()
    _thread.start_new_thread(raw.acquire, ())
    # The fork happens in this thread: the main thread is one of the others.
    forker = threading.Thread(target=start_worker, name="forker")
    forker.start()
    forker.join()
    stop.set()
    raw.release()
    t.join()

# CHECK: procsan: warning: process {{[0-9]+}} ({{.*}}python{{.*}}) forked process {{[0-9]+}} ({{.*}}) while 3 other threads were running
# /proc/self/task lists them in the order they started.
# CHECK-NEXT: fork in pid {{[0-9]+}}; other threads: {{[0-9]+}}:"MainThread" {{[0-9]+}}:"uploader \"eu\" 2" {{[0-9]+}}:{{[^" ]+$}}
# CHECK: File "{{.*}}mp-fork-with-threads-python-thread-names.py", line 25, in start_worker
# JSON: mp-fork-with-threads: fork in pid {{[0-9]+}}; other threads: {{.*}}:"uploader \"eu\" 2"{{.*}} | {{.*}}process.py:{{[0-9]+}} {{.*}}start < mp-fork-with-threads-python-thread-names.py:25 start_worker

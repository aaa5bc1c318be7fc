# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=2 -- %python %s 2> %t.err
# RUN: FileCheck %s < %t.err
# The child blocks in recv() before it ever recorded a stack of its own; the parent join()s it.
# The child is read as the CPython its parent is (a forked child runs the same interpreter):
# both waits show their lines in this file.
import multiprocessing as mp


def child(conn):
    conn.recv()


if __name__ == "__main__":
    mp.set_start_method("fork")
    reader, writer = mp.Pipe(duplex=False)
    p = mp.Process(target=child, args=(reader,))
    p.start()
    p.join()

# CHECK: [mp-deadlock]
# CHECK-DAG: File "{{.*}}mp-deadlock-python-forked-child-frames.py", line 10, in child
# CHECK-DAG: File "{{.*}}mp-deadlock-python-forked-child-frames.py", line 18, in <module>
# CHECK: procsan run: the tree is stuck; killing it

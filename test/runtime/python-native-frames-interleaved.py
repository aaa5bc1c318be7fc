# RUN: %procsan run --rules=mp-fork-with-threads --native-frames --format=json --output=%t.json -- %python %s 2> %t.err
# RUN: FileCheck %s < %t.err
# RUN: %python %inputs/python_native_frames.py %t.json | FileCheck --check-prefix=JSON %s
# --native-frames shows each Python frame after the native frame of the interpreter's eval loop
# call that runs it (_PyEval_EvalFrameDefault), as pystack does. A class call runs __init__ in a
# new eval loop call on every version; a Python-to-Python call does so up to 3.10 only (3.11+
# runs it in the caller's).
import os
import threading


class Forker:
    def __init__(self):
        self.pid = fork_now()


def fork_now():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    return pid


def inner():
    return Forker()


def outer():
    return inner()


if __name__ == "__main__":
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    os.waitpid(outer().pid, 0)
    stop.set()
    t.join()

# CHECK: fork in pid
# CHECK-NEXT: #0 0x
# CHECK-NOT: File "
# CHECK: File "{{.*}}python-native-frames-interleaved.py", line 18, in fork_now
# CHECK: File "{{.*}}python-native-frames-interleaved.py", line 14, in {{(Forker.)?}}__init__
# CHECK-NEXT: #{{[0-9]+}} 0x
# CHECK: File "{{.*}}python-native-frames-interleaved.py", line 25, in inner
# CHECK: File "{{.*}}python-native-frames-interleaved.py", line 36, in <module>
# CHECK-NEXT: #{{[0-9]+}} 0x
# CHECK-NOT: native frames:
# CHECK-NOT: File "

# JSON: calls: fork_now{{( \| | )}}__init__ | inner{{( \| | )}}outer{{( \| | )}}<module>{{$}}

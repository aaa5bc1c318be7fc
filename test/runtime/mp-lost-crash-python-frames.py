# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=2 --format=json --output=%t.json -- %python %s 2> %t.err
# RUN: FileCheck %s < %t.err
# RUN: %python %inputs/python_stacks.py %t.json | FileCheck --check-prefix=JSON %s
# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=2 --format=sarif --output=%t.sarif -- %python %s 2> /dev/null
# RUN: %python %inputs/sarif_runtime.py %t.sarif | FileCheck --check-prefix=SARIF %s
# RUN: %python -c "import json,sys; st=[s for r in json.load(open(sys.argv[1]))['runs'][0]['results'] for s in r.get('stacks',[]) if 'SIGSEGV' in s['message']['text']][0]; py=['.py' in f['location'].get('physicalLocation',{}).get('artifactLocation',{}).get('uri','') for f in st['frames']]; i=py.index(True); print('order:', 'native' if i > 0 else 'none', 'then python' if all(py[i:i+3]) else 'BAD', 'then native' if not py[-1] else 'BAD')" %t.sarif | FileCheck --check-prefix=ORDER %s
# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=2 --native-frames -- %python %s 2>&1 | FileCheck --check-prefix=NATIVE %s
# A Pool task crashes in native code (a NULL read through ctypes, as a buggy C extension would)
# and Pool.map waits forever. The report speaks Python: the task's line in this file, then the
# line of this file where the main process waits, with the interpreter's own C frames folded.
import ctypes
import multiprocessing as mp


def render_page(page):
    if page == 3:
        return ctypes.string_at(0)
    return "page %d" % page


def render_all(pool):
    return pool.map(render_page, range(5))


if __name__ == "__main__":
    mp.set_start_method("fork")
    with mp.Pool(2) as pool:
        print(render_all(pool))

# The worker's crash: the C frames above the interpreter (ctypes), then Python frames only.
# CHECK: procsan: error: the program has made no progress for {{[0-9.]+}} s since process [[DEAD:[0-9]+]] (a Pool worker of pid [[MAIN:[0-9]+]] started at {{.*}}mp-lost-crash-python-frames.py:27: {{.*}}) was killed by SIGSEGV: it is waiting for work the dead process would have done; it was in render_page (mp-lost-crash-python-frames.py:17); pid [[MAIN]] waits for it in {{(Pool.)?}}map at mp-lost-crash-python-frames.py:22, which never returns: a Pool does not notice that a worker died with its task [mp-lost-crash]
# CHECK-NEXT: process [[DEAD]] killed by SIGSEGV
# CHECK-NOT: File "
# CHECK: File "{{.*}}ctypes/__init__.py", line {{[0-9]+}}, in string_at
# CHECK-NEXT: File "{{.*}}mp-lost-crash-python-frames.py", line 17, in render_page
# CHECK-NEXT: File "{{.*}}multiprocessing/pool.py", line {{[0-9]+}}, in mapstar
# CHECK: native frames of the interpreter folded; --native-frames shows them
# The main process, blocked in Pool.map (read from outside while it is stopped).
# CHECK: pid [[MAIN]] thread [[MAIN]] ({{.*}}) blocked in
# CHECK-NOT: _PyEval_EvalFrameDefault
# CHECK: File "{{.*}}multiprocessing/pool.py", line {{[0-9]+}}, in {{(Pool.)?}}map
# CHECK-NEXT: File "{{.*}}mp-lost-crash-python-frames.py", line 22, in render_all
# CHECK-NEXT: File "{{.*}}mp-lost-crash-python-frames.py", line 28, in <module>
# CHECK: procsan run: the tree is stuck; killing it

# JSON: mp-lost-crash: process {{[0-9]+}} killed by SIGSEGV | __init__.py:{{[0-9]+}} string_at < mp-lost-crash-python-frames.py:17 render_page < pool.py:{{[0-9]+}} mapstar <
# JSON: blocked in {{.*}} | {{.*}}pool.py:{{[0-9]+}} {{(Pool.)?}}map < mp-lost-crash-python-frames.py:22 render_all < mp-lost-crash-python-frames.py:28 <module>

# SARIF: result mp-lost-crash level error at mp-lost-crash-python-frames.py:17
# The SARIF stack in the text's order: C frames above the interpreter, Python, the interpreter's.
# ORDER: order: native then python then native

# With --native-frames, each Python frame follows the native frame of the eval loop call that
# runs it, in the crash's stack and in the blocked thread's (read with ptrace).
# NATIVE: process {{[0-9]+}} killed by SIGSEGV
# NATIVE-NEXT: #0 0x
# NATIVE: File "{{.*}}mp-lost-crash-python-frames.py", line 17, in render_page
# NATIVE-NEXT: #{{[0-9]+}} 0x
# NATIVE: blocked in
# NATIVE: File "{{.*}}mp-lost-crash-python-frames.py", line 28, in <module>
# NATIVE-NEXT: #{{[0-9]+}} 0x
# NATIVE-NOT: native frames:

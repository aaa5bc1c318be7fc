"""threading.Lock-heavy Python: 4 threads take and release one Lock argv[1] times each (a
process-private lock: the runtime's fast path that records nothing)."""
import sys
import threading

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
lock = threading.Lock()
count = 0


def worker():
    global count
    for _ in range(N):
        with lock:
            count += 1


threads = [threading.Thread(target=worker) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert count == 4 * N

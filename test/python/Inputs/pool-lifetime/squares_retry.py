# The same, but a handler catches the exception and the program carries on: a failed map leaves
# the pool's workers running for the rest of it.
import multiprocessing


def square(x):
    return x * x


def run(inputs):
    # CHECK: squares_retry.py:[[@LINE+2]]:12: warning: Pool 'pool' is closed and joined only on some paths: an exception or an early exit before line 16 leaves its worker processes running; use 'with', or end it in 'finally' [mp-pool-not-joined]
    # CHECK: squares_retry.py:16:5: note: it is ended here, on the normal path only
    pool = multiprocessing.Pool(processes=4)
    outputs = pool.map(square, inputs)
    pool.close()
    pool.join()
    return outputs


if __name__ == "__main__":
    try:
        print(run(list(range(100))))
    except OSError as e:
        print("failed:", e)
    print("going on without the squares")

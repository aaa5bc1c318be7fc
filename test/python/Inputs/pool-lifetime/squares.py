# Under the guard: map, then close() and join() without 'finally'. If map raises, nobody catches
# it: the script ends and the exit handler terminates the pool. Silent.
import multiprocessing


def square(x):
    return x * x


if __name__ == "__main__":
    inputs = list(range(100))
    pool = multiprocessing.Pool(processes=4)
    outputs = pool.map(square, inputs)
    pool.close()
    pool.join()
    print("Pool:", outputs)

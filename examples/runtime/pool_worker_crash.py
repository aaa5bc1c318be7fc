"""A Pool worker crashes in native code while it holds a task; Pool.map waits forever for it."""
import ctypes
import multiprocessing as mp


def render(page):
    if page == 3:
        ctypes.string_at(0)  # a bug in an extension module: SIGSEGV
    return f"rendered page {page}"


if __name__ == "__main__":
    mp.set_start_method("fork")
    with mp.Pool(2) as pool:
        for line in pool.map(render, range(1, 5)):  # never returns: page 3 died with its worker
            print(line, flush=True)
    print("report complete", flush=True)

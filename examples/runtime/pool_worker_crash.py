"""A multiprocessing worker crashes in native code; the parent joins it and carries on."""
import ctypes
import multiprocessing as mp


def render(page):
    if page == 3:
        ctypes.string_at(0)  # a bug in an extension module: SIGSEGV
    print(f"rendered page {page}", flush=True)


if __name__ == "__main__":
    mp.set_start_method("fork")
    workers = [mp.Process(target=render, args=(page,)) for page in range(1, 5)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()  # exitcode never checked
    print("report complete", flush=True)

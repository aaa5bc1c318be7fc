# On the entry path, but a task may still be pending at the end: the exit handler terminates the
# pool, and the task is thrown away. Reported.
from multiprocessing import Pool


def save(report):
    with open("report.txt", "w") as f:
        f.write(report)


def main():
    # CHECK: fire_and_forget.py:[[@LINE+1]]:12: warning: Pool 'pool' is neither used as a context manager nor closed and joined
    pool = Pool(2)
    pool.apply_async(save, ("done",))
    print("saved in the background")


if __name__ == "__main__":
    main()

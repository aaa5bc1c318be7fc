# RUN: not %check %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# The pool is made in a function, but the function is called at module level: the child's import
# of the main module calls it again.
import multiprocessing


def work(x):
    return x + 1


def run_all(items):
    # CHECK: mp-unguarded-spawn-called.py:[[@LINE+1]]:10: warning: Pool created while the module is imported
    with multiprocessing.Pool() as pool:
        return pool.map(work, items)


def main():
    print(run_all([1, 2, 3]))


# CHECK: mp-unguarded-spawn-called.py:[[@LINE+4]]:1: note: 'main' is called here, while the module is imported
# CHECK: mp-unguarded-spawn-called.py:[[@LINE-4]]:11: note: 'run_all' is called here, while the module is imported
# A look-alike that is fine: the same call under the guard (reported once, above, for the call
# at module level).
main()

if __name__ == "__main__":
    main()

# A script whose module level calls functions of its package that start processes.
from pkg import workers
from pkg.workers import make_pool, setup, start, start_fork

start()
start_fork()
setup()
pool = make_pool()
pool.close()
pool.join()

if __name__ == "__main__":
    workers.start()

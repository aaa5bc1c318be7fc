from multiprocessing import Pool

pool = Pool()
pool.terminate()

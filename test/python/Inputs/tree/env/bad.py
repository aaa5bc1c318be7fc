from multiprocessing import Pool
pool = Pool()

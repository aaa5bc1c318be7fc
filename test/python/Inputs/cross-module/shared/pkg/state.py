import multiprocessing

hits = multiprocessing.Value("i", 0)

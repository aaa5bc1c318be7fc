# RUN: not %check %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# A child that reports back one small message -- None when all went well, or the exception it
# caught (`except ... as e`: it pickles as its class and arguments, without the traceback) --
# cannot fill the pipe, so joining before get() cannot hang. The look-alike sends its result.
import multiprocessing as mp


def probe_device(queue):
    try:
        import ctypes

        ctypes.CDLL("libcuda.so")
        queue.put(None)
    except Exception as e:
        queue.put(e)


def test_probe_device():
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    p = ctx.Process(target=probe_device, args=(queue,))
    p.start()
    p.join()
    error = queue.get()
    if error is not None:
        raise error


def list_devices(queue):
    try:
        import ctypes

        queue.put([ctypes.CDLL("libcuda.so%d" % i) for i in range(64)])
    except OSError as e:
        queue.put(e)


def test_list_devices():
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    p = ctx.Process(target=list_devices, args=(queue,))
    p.start()
    # CHECK: mp-join-before-drain-exception.py:[[@LINE+1]]:5: warning: Process joined before the Queue it fills is drained
    p.join()
    devices = queue.get()
    if isinstance(devices, Exception):
        raise devices

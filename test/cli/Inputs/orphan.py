# The parent ends while its child still runs and never waits for it (mp-unreaped-child).
import os
import time

if os.fork() == 0:
    time.sleep(0.2)
    os._exit(0)

# Helpers imported by greet_all.py and greet_file.py, next to them.
import time


def greet(name, delay):
    time.sleep(delay)
    print("hello from %s" % name)


def greet_to_file(name, path):
    with open(path, "a") as f:
        f.write("hello from %s\n" % name)

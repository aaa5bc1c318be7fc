# Task functions for pkg/main.py: what pickle can find by name and what it cannot.

work = lambda x: x + 1


def make_worker(n):
    def inner(x):
        return x + n
    return inner


closure = make_worker(3)


def square(x):
    return x * x


def make_adder(n):
    # A look-alike of make_worker that returns a module-level function: picklable.
    return square


adder = make_adder(2)

# A class name rebound to a class that derives from classes made from its old value (a
# metaclass demo): the bases, followed by name, form a cycle, which must not stop the analysis
# of the file.
import multiprocessing


class A:
    pass


class B(A):
    pass


class C(A):
    pass


class A(B, C):
    pass


def main():
    a, b, c = A(), B(), C()
    return a, b, c


pool = multiprocessing.Pool(2)
main()

# A test function whose checks run in a child: the guard runs it by hand, a test runner would
# collect it. It ends with the join, but the test passes whatever the child's assertions said.
# Reported.
import json
from multiprocessing import Process


def roundtrip(record):
    assert json.loads(json.dumps(record)) == record
    print("roundtrip fine")


def test_roundtrip():
    p = Process(target=roundtrip, args=({"answer": 42},))
    p.start()
    # CHECK: selftest.py:[[@LINE+1]]:5: warning: Process joined and its exitcode never examined
    p.join()


if __name__ == "__main__":
    test_roundtrip()

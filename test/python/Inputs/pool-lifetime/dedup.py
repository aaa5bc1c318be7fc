# A command-line script: main() is the only thing the __main__ guard runs, its Pool is never
# ended, and nothing follows its last use. When main() returns the process ends, and
# multiprocessing's exit handler terminates the pool: silent.
import argparse
import hashlib
import sys
from multiprocessing import Pool


def digest(line):
    return hashlib.sha1(line).hexdigest(), line


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("path")
    args = parser.parse_args()
    seen = set()
    with open(args.path, "rb") as lines:
        pool = Pool(args.workers)
        for key, line in pool.imap_unordered(digest, lines, 1000):
            if key not in seen:
                seen.add(key)
                sys.stdout.buffer.write(line)
    print("%d unique lines" % len(seen), file=sys.stderr)


if __name__ == "__main__":
    main()

# The same script, but after the pool's last use the program goes on serving: the exit handler
# that would end the pool does not come, and its workers idle for as long as the server runs.
import hashlib
import sys
from http.server import HTTPServer, SimpleHTTPRequestHandler
from multiprocessing import Pool


def digest(line):
    return hashlib.sha1(line).hexdigest()


def build_index(path):
    # CHECK: dedup_then_serve.py:[[@LINE+1]]:12: warning: Pool 'pool' is neither used as a context manager nor closed and joined; its worker processes are left running [mp-pool-not-joined]
    pool = Pool(4)
    with open(path, "rb") as lines:
        return set(pool.imap_unordered(digest, lines, 1000))


def main():
    index = build_index(sys.argv[1])
    print(len(index))
    HTTPServer(("", 8000), SimpleHTTPRequestHandler).serve_forever()


if __name__ == "__main__":
    main()

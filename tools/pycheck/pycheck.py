"""Entry point of procsan's Python checker: `python3 pycheck.py [--jobs N] PATHS...`.

The procsan driver runs it as `python3 -E -s -B .../share/procsan/python/pycheck.py`; the package
next to this file does the work (procsan_pycheck/__init__.py says how).
"""
import sys

if sys.version_info < (3, 8):
    sys.stderr.write("procsan's Python checker needs Python 3.8 or newer, not %d.%d (pass "
                     "--python=PATH to procsan check)\n" % sys.version_info[:2])
    sys.exit(3)

from procsan_pycheck.cli import main  # noqa: E402  (after the version test)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

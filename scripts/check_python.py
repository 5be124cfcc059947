"""Is this Python one the course supports? Prints one line and exits 1 if not (used by `make`).

The course supports Python 3.11 to 3.13: TensorFlow 2.21, which the course pins, publishes wheels
for those and no others (no wheels for 3.14 yet), so on 3.14 `pip install` would fail deep inside
its resolver. Written so that any Python can run it, old or new (hence no f-strings).
"""

# ruff: noqa: UP031

import sys

OLDEST, NEWEST = (3, 11), (3, 13)
found = "%d.%d" % sys.version_info[:2]
how = (
    "install Python 3.13 (python.org, `uv python install 3.13`, pyenv, or conda: see the README) "
    "and run: PYTHON=python3.13 make lab"
)
if tuple(sys.version_info[:2]) > NEWEST:
    print(
        "Python %s found (%s): TensorFlow 2.21 has no wheels for Python %s yet, so the course "
        "needs Python 3.11-3.13; %s" % (found, sys.executable, found, how)
    )
    sys.exit(1)
if tuple(sys.version_info[:2]) < OLDEST:
    print(
        "Python %s found (%s): the course needs Python 3.11-3.13; %s" % (found, sys.executable, how)
    )
    sys.exit(1)

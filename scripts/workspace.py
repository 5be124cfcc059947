"""The learner's working copies: `make lab` opens the notebooks in `work/`, not in `notebooks/`.

    python3 scripts/workspace.py          # copy new or updated notebooks into work/, then say what

Running a notebook in JupyterLab saves its outputs, and an exercise answer changes a cell: in the
tracked `notebooks/` that would show in `git status` and block a later `git pull`. So a learner
works in `work/` (ignored by git), which holds only the notebooks (no test or lint files beside
them), and `notebooks/` stays as the course ships it. The lesson code other notebooks load
(`gan_helpers.lessons.load`) is always read from `notebooks/`.

Each time it runs (every `make lab`), for each course notebook:

* not in `work/` yet: copied;
* in `work/`, and the course has a new version: if your copy differs from the version it was
  copied from only by outputs (you ran it, you did not edit it), it is replaced by the new
  version; if you edited it, it is kept, and the new version is written beside it as
  `work/updated/<name>.ipynb`, with one line saying so;
* otherwise left alone.

What each copy was made from is recorded in `work/.copied.json`. Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from strip_outputs import strip  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RECORD = ".copied.json"


def fingerprint(path: Path) -> str:
    """A hash of a notebook without what running it adds (outputs, counts, widget state)."""
    try:
        nb = strip(json.loads(path.read_text(encoding="utf-8")))
    except ValueError:
        return "unreadable"
    return hashlib.sha256(json.dumps(nb, sort_keys=True).encode()).hexdigest()[:16]


def sync(course: Path, work: Path) -> list[str]:
    """Bring ``work`` up to date with the notebooks of ``course``; returns what was done."""
    work.mkdir(parents=True, exist_ok=True)
    record_path = work / RECORD
    record = json.loads(record_path.read_text()) if record_path.exists() else {}
    said = []
    for source in sorted(course.glob("[0-9][0-9]_*.ipynb")):
        copy, new = work / source.name, fingerprint(source)
        if not copy.exists():
            shutil.copy2(source, copy)
            said.append(f"copied {source.name}")
        elif record.get(source.name) == new:
            continue
        elif fingerprint(copy) == record.get(source.name):
            shutil.copy2(source, copy)
            said.append(f"updated {source.name} (the course changed it; you had only run it)")
        else:
            aside = work / "updated" / source.name
            aside.parent.mkdir(exist_ok=True)
            shutil.copy2(source, aside)
            said.append(
                f"kept your edited {source.name}; the course's new version is updated/{source.name}"
            )
        record[source.name] = new
    record_path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    return said


def main() -> None:
    for line in sync(ROOT / "notebooks", ROOT / "work"):
        print(f"work/: {line}")


if __name__ == "__main__":
    main()

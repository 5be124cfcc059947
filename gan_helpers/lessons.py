"""One source for lesson code: load the cells a notebook tags ``lesson``.

The course's rule: the code a lesson teaches (networks, losses, the training step) is written once,
in the notebook that teaches it, in code cells carrying the tag ``lesson`` (JupyterLab: the
property inspector, "Cell Tags"). Those cells hold imports, constants and ``def``s only: no
training, no data loading, nothing slow. Whatever else needs that code loads it from there::

    dcgan = lessons.load("04_dcgan_mnist")   # runs 04's lesson cells, returns their names
    G = dcgan.make_generator()

A later notebook reuses an earlier one's networks this way (as d2l.ai's ``#@save`` cells do), and
the benchmarks and unit tests exercise exactly the code a student reads. Nothing is copied, so
nothing can drift.
"""

from __future__ import annotations

import json
import linecache
import re
import types
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
TAG = "lesson"

_LOADED: dict[tuple[str, float], types.ModuleType] = {}
_LOAD_CALL = re.compile(r"""lessons\.load\(\s*["'](\d\d_[\w-]+?)(?:\.ipynb)?["']""")


def notebook_path(name: str) -> Path:
    """``notebooks/<name>.ipynb`` (``name`` with or without ``.ipynb``), or a clear error."""
    path = NOTEBOOKS / (name if name.endswith(".ipynb") else f"{name}.ipynb")
    if not path.is_file():
        found = ", ".join(sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")))
        raise FileNotFoundError(f"no notebook {path.name} in {NOTEBOOKS}; there are: {found}")
    return path


def lesson_source(name: str) -> str:
    """The code of the notebook's ``lesson`` cells, in order, joined into one script."""
    cells = json.loads(notebook_path(name).read_text(encoding="utf-8"))["cells"]
    chunks = [
        "".join(c["source"])
        for c in cells
        if c["cell_type"] == "code" and TAG in c.get("metadata", {}).get("tags", [])
    ]
    if not chunks:
        raise ValueError(
            f"{name} has no code cell tagged {TAG!r}: tag the cells that define its lesson code"
        )
    return "\n\n".join(chunks) + "\n"


def loads(name: str) -> list[str]:
    """The notebooks whose lesson cells ``name``'s lesson cells load, in order of first use.

    Read from the source (``lessons.load("01_vanilla_gan_mnist")`` calls), nothing is run: the
    course site's "builds on" column and the key of an executed notebook come from it.
    """
    found = _LOAD_CALL.findall(lesson_source(name)) if _has_lessons(name) else []
    return list(dict.fromkeys(found))


def requires(name: str) -> list[str]:
    """Every notebook the lesson code of ``name`` depends on: what it loads, what they load, ..."""
    seen: list[str] = []
    todo = loads(name)
    while todo:
        other = todo.pop(0)
        if other not in seen:
            seen.append(other)
            todo += loads(other)
    return seen


def _has_lessons(name: str) -> bool:
    cells = json.loads(notebook_path(name).read_text(encoding="utf-8"))["cells"]
    return any(TAG in c.get("metadata", {}).get("tags", []) for c in cells)


def load(name: str) -> types.ModuleType:
    """Run the notebook's ``lesson`` cells in a fresh module and return it (cached per version).

    Magics and shell lines (``%...``, ``!...``) are not allowed in lesson cells: they are plain
    Python, so that a script can run them too.
    """
    path = notebook_path(name)
    key = (str(path), path.stat().st_mtime)
    if key not in _LOADED:
        source = lesson_source(name)
        module = types.ModuleType(f"lesson_{path.stem}", f"The lesson cells of {path.name}")
        filename = f"<lesson cells of {path.name}>"
        # Register the source, so that tracebacks show the lines and AutoGraph (which reads a
        # function's source to turn its Python loops into graph loops) can convert it.
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        module.__file__ = filename
        exec(compile(source, filename, "exec"), module.__dict__)  # noqa: S102
        _LOADED[key] = module
    return _LOADED[key]

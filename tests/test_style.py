"""One style for the package, the tests, the benchmarks and the notebooks: ruff, and short cells.

Configured in pyproject.toml (``[tool.ruff]``: lines of at most 100 characters). ``make lint``
applies the formatter and the fixable lint rules; this test fails when something is left.
"""

import io
import json
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_CELL_LINES = 25  # a cell a student reads in one glance (code cells of the notebooks)


def _ruff(*args):
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
    )


@pytest.mark.parametrize("args", [("check", "."), ("format", "--check", ".")])
def test_ruff_is_clean(args):
    result = _ruff(*args)
    assert result.returncode == 0, (
        f"`ruff {' '.join(args)}` found problems (run `make lint`):\n{result.stdout}{result.stderr}"
    )


def test_notebook_code_cells_are_short():
    long_cells = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        for i, cell in enumerate(cells):
            n = len("".join(cell["source"]).splitlines())
            if n > MAX_CELL_LINES:
                long_cells.append(f"{path.name}, code cell {i}: {n} lines")
    assert not long_cells, f"code cells over {MAX_CELL_LINES} lines (split them):\n" + "\n".join(
        long_cells
    )


def _end_of_line_comments(source: str) -> list[str]:
    """Lines of ``source`` with code and then a comment (pragmas like ``# noqa`` excepted)."""
    lines = source.splitlines()
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    return [
        lines[t.start[0] - 1].strip()
        for t in tokens
        if t.type == tokenize.COMMENT
        and lines[t.start[0] - 1][: t.start[1]].strip()
        and not t.string.startswith(("# noqa", "# type:", "# fmt:"))
    ]


def test_notebook_comments_stand_above_their_code():
    """A comment at the end of a line makes it long: in Presentation Mode it runs off-screen."""
    found = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        for i, cell in enumerate(cells):
            found += [
                f"{path.name}, code cell {i}: {line}"
                for line in _end_of_line_comments("".join(cell["source"]))
            ]
    assert not found, "move these comments onto their own line above the code:\n" + "\n".join(found)

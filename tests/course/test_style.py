"""One style for the package, the tests, the benchmarks and the notebooks: ruff, and short cells.

Configured in pyproject.toml (``[tool.ruff]``: lines of at most 100 characters). ``make lint``
applies the formatter and the fixable lint rules; this test fails when something is left.
"""

import ast
import io
import json
import os
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_CELL_LINES = 25  # a cell a student reads in one glance (code cells of the notebooks)


def _ruff(*args):
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
    )


@pytest.mark.skipif(
    bool(os.environ.get("GAN_COURSE_RUNTIME")),
    reason="a hosted runtime's environment has no ruff: style is checked by make test",
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


def _code_cells(path: Path):
    cells = json.loads(path.read_text())["cells"]
    return [(i, c) for i, c in enumerate(cells) if c["cell_type"] == "code"]


def _tree(cell) -> ast.Module | None:
    try:
        return ast.parse("".join(cell["source"]))
    except SyntaxError:
        return None


def test_every_assert_in_a_notebook_states_its_claim():
    """An assert's message is the sentence that stopped being true when it fails."""
    bare = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for i, cell in _code_cells(path):
            tree = _tree(cell)
            bare += [
                f"{path.name}, cell {i}, line {node.lineno}"
                for node in ast.walk(tree or ast.Module(body=[], type_ignores=[]))
                if isinstance(node, ast.Assert) and node.msg is None
            ]
    assert not bare, f"{len(bare)} asserts without a message (write the claim):\n" + "\n".join(bare)


def is_check_cell(cell) -> bool:
    """A cell that only checks: every statement an assert (or an np.testing assertion)."""
    tree = _tree(cell)
    if tree is None or not tree.body:
        return False

    def checks(node):
        if isinstance(node, ast.Assert):
            return True
        call = node.value if isinstance(node, ast.Expr) else None
        return isinstance(call, ast.Call) and "assert" in ast.unparse(call.func)

    return all(checks(node) for node in tree.body)


def test_check_cells_are_folded_and_left_out_of_the_decks():
    """The lesson in front: a cell that only checks is folded in JupyterLab, absent from slides."""
    wrong = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for i, cell in _code_cells(path):
            meta = cell.get("metadata", {})
            folded = meta.get("jupyter", {}).get("source_hidden", False)
            skipped = meta.get("slideshow", {}).get("slide_type") == "skip"
            if is_check_cell(cell) and not folded:
                wrong.append(f"{path.name}, cell {i}: checks only, so fold it (source_hidden)")
            if folded and not skipped:
                wrong.append(f"{path.name}, cell {i}: folded, so leave it out of the decks (skip)")
    assert not wrong, "\n".join(wrong)


WINDOW = 6  # lines: a block this long that stands twice is copied code


def _blocks(lines: list[str]) -> set[tuple[str, ...]]:
    """Every run of WINDOW consecutive code lines (stripped; blank lines, comments and imports
    left out, since two files may well import the same things)."""
    code = [
        line.strip()
        for line in lines
        if line.strip() and not line.strip().startswith(("#", "import ", "from "))
    ]
    return {tuple(code[i : i + WINDOW]) for i in range(len(code) - WINDOW + 1)}


def test_no_notebook_code_stands_again_in_the_package_benchmarks_or_tests():
    """The notebook is the source of lesson code: other code loads it (gan_helpers.lessons)."""
    notebook_blocks = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for i, cell in _code_cells(path):
            for block in _blocks("".join(cell["source"]).splitlines()):
                notebook_blocks.setdefault(block, f"{path.name}, cell {i}")
    copies = []
    for folder in ("gan_helpers", "benchmarks", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for block in _blocks(path.read_text(encoding="utf-8").splitlines()) & set(
                notebook_blocks
            ):
                copies.append(f"{path.relative_to(ROOT)} repeats {notebook_blocks[block]}")
    assert not copies, "notebook code copied (load it with lessons.load):\n" + "\n".join(
        sorted(set(copies))
    )

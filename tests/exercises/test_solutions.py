"""Every exercise is wired the same way: a stub that says "not attempted yet", a check in
``gan_helpers.exercises``, a reference solution and a note in ``solutions/``, and an instructor's
copy (``make solutions``) in which the check passes. The table of answers
(``tests/exercises/answers/nbNN.py``, run by ``test_wrong_answers.py``) adds the wrong answers each
check must reject."""

from __future__ import annotations

import nbformat
import pytest

from course import executed, solutions
from gan_helpers import exercises, lessons

NOTEBOOKS = [p for p in executed.course_notebooks() if not p.name.startswith("00")]


def _exercises(path):
    return solutions.exercise_cells(nbformat.read(path, as_version=4))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_ends_with_two_to_four_exercises(path):
    cells = _exercises(path)
    assert 2 <= len(cells) <= 4, f"{path.name} has {len(cells)} exercises (2-4 wanted)"
    nb = nbformat.read(path, as_version=4)
    headings = [c.source for c in nb.cells if c.source.startswith("## ")]
    last = nb.cells.index(cells[-1])
    assert any("Exercises" in h for h in headings[-2:]), (
        "the exercises form the notebook's last section"
    )
    assert all(c.cell_type == "markdown" for c in nb.cells[last + 1 :]), "nothing runs after them"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stubs_say_not_attempted_and_solutions_pass(path):
    module = solutions.solutions_module(path)
    for cell in _exercises(path):
        name = cell.metadata["exercise"]
        lines = cell.source.rstrip().splitlines()
        assert lines[-1] == f"exercises.check_{name}({name})", f"{name}: last line is the check"
        check = getattr(exercises, f"check_{name}")
        assert check.exercise == name
        # the stub may use the notebook's constants (e.g. GP_WEIGHT): run it among its lesson code
        namespace = {**vars(lessons.load(path.stem)), "exercises": exercises}
        exec("\n".join(lines[:-1]), namespace)
        stub = check(namespace[name], quiet=True)
        assert stub.status == exercises.NOT_ATTEMPTED, f"{name}: the stub gives {stub}"
        verdict = check(getattr(module, name), quiet=True)
        assert verdict.passed, f"{name}: the reference solution gives {verdict}"
        assert len(module.NOTES[name]) > 40, f"{name}: the instructor's note is missing"


def test_instructor_copies_replace_every_stub(tmp_path):
    written = solutions.build(tmp_path)
    assert len(written) == len(NOTEBOOKS)
    for path in written:
        nb = nbformat.read(path, as_version=4)
        for cell in solutions.exercise_cells(nb):
            assert "NotImplementedError" not in cell.source and "= None" not in cell.source
    notes = (tmp_path / "NOTES.md").read_text()
    assert notes.count("- **") == sum(len(_exercises(p)) for p in NOTEBOOKS)

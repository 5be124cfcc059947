"""The exercises as nbgrader assignments (`make grading`, course/grading.py), graded end to end.

One notebook (07, the quickest that has exercises) is released and autograded twice, locally and
offline, in the quick profile: with the reference answers it scores full marks, as it comes (the
stubs) it scores zero. The other notebooks are released only (that needs no run).
"""

import os

import nbformat
import pytest

from course import executed, grading

pytest.importorskip("nbgrader", reason="nbgrader is pinned in requirements.txt (make install)")


def test_every_notebook_with_exercises_is_released_with_one_graded_cell_each(tmp_path):
    released = grading.build(tmp_path)
    with_exercises = [p for p in executed.course_notebooks() if not p.name.startswith("00")]
    assert [p.name for p in released] == [p.name for p in with_exercises]
    for path in released:
        nb = nbformat.read(path, as_version=4)
        exercises = [c for c in nb.cells if "exercise" in c.metadata]
        graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
        assert len(graded) == len(exercises) >= 2, path.name
        assert all("assert" not in c.source for c in graded), "the tests are hidden from students"


def test_reference_answers_score_full_marks_and_stubs_zero(tmp_path, monkeypatch):
    monkeypatch.setenv("GAN_HELPERS_QUICK", "1")
    notebook = next(p for p in executed.course_notebooks() if p.name.startswith("07"))
    (released,) = grading.build(tmp_path, [notebook])
    score, total = grading.grade(tmp_path, notebook, "stubs", nbformat.read(released, 4))
    assert total >= 2 and score == 0, f"the stubs scored {score} of {total}"
    score, total = grading.grade(
        tmp_path, notebook, "reference", grading.answered(notebook, released)
    )
    assert score == total, f"the reference answers scored {score} of {total}"
    assert os.path.exists(tmp_path / "gradebook.db"), "one SQLite gradebook, on the disk"

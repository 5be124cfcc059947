"""``make grading``: the exercises as nbgrader assignments, one per notebook, for grading.

    make grading       # build/grading/: an nbgrader course directory, release/ ready to hand out

Why nbgrader: it is the Jupyter project's own grading tool, the one JupyterHub deployments use (the
course's "class on one server" path, docs/lecturers.md), and it grades on the lecturer's machine,
offline: its gradebook is one SQLite file and ``nbgrader autograde`` runs each submission in a local
kernel. Its formgrader (JupyterLab) shows every submission. Otter-grader, the other widely used
tool, grades in Docker containers by default and brings pandas and Docker bindings along.

What is built, from the same sources as ``make solutions`` (the notebooks' exercise cells,
``gan_helpers.exercises`` and ``solutions/nbNN.py``):

* ``source/nbNN/NN_name.ipynb``: the student's notebook as it is, with one autograded cell after
  each exercise, worth ``POINTS`` (1 by default): it runs the exercise's own check quietly and
  asserts that it passed, so a grade is the verdict the student saw in the notebook. The assert
  is a hidden test: the released notebook shows an empty locked cell (a student's Run All never
  stops on it) and ``nbgrader autograde`` puts the test back. The exercise cells stay free.
* ``release/nbNN/``: what ``nbgrader generate_assignment`` makes of it, to hand out.
* ``nbgrader_config.py``: the course directory, and a generous cell timeout (a notebook trains).

Grading a submission: put it in ``submitted/<student>/nbNN/`` and run ``nbgrader autograde nbNN``
in ``build/grading`` (with ``GAN_HELPERS_QUICK=1`` for the quick profile), or ``grade()`` below.
A submission runs top to bottom, training included, as the student's notebook does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from course import executed, solutions

OUT = executed.ROOT / "build" / "grading"
COURSE_ID = "gan-course"
POINTS: dict[str, int] = {}
"""Points per exercise where not 1 (by exercise name)."""

CONFIG = f'''# nbgrader's configuration for the course (written by course/grading.py)
c = get_config()  # noqa: F821
c.CourseDirectory.root = "."
c.CourseDirectory.course_id = "{COURSE_ID}"
# a notebook trains: allow each cell up to 10 minutes (the full profile's longest run is ~4 min)
c.ExecutePreprocessor.timeout = 600
c.Execute.timeout = 600
'''


def assignment(notebook: Path) -> str:
    """The assignment of a notebook: ``nb05`` for ``05_wgan.ipynb``."""
    return f"nb{notebook.name[:2]}"


def grade_cell(name: str) -> nbformat.NotebookNode:
    """The autograded cell after exercise ``name``: its check, quiet, must pass."""
    cell = nbformat.v4.new_code_cell(
        f"# graded: exercise {name} ({POINTS.get(name, 1)} point), by its check above\n"
        "### BEGIN HIDDEN TESTS\n"
        f"assert exercises.check_{name}({name}, quiet=True).passed, (\n"
        f'    "{name} is not correct yet: run its cell above to see why"\n)\n'
        "### END HIDDEN TESTS"
    )
    cell.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": f"{name}_graded",
        "locked": True,
        "points": POINTS.get(name, 1),
        "schema_version": 3,
        "solution": False,
        "task": False,
    }
    cell.metadata["slideshow"] = {"slide_type": "skip"}
    return cell


def source_notebook(notebook: Path) -> tuple[nbformat.NotebookNode, list[str]]:
    """The student's notebook with an autograded cell after each exercise, and their names."""
    nb = nbformat.read(notebook, as_version=4)
    cells, names = [], []
    for cell in nb.cells:
        cells.append(cell)
        if cell.cell_type == "code" and "exercise" in cell.metadata:
            names.append(cell.metadata["exercise"])
            cells.append(grade_cell(names[-1]))
    nb.cells = cells
    return nb, names


def _nbgrader(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=out,
        capture_output=True,
        text=True,
        # nbgrader runs its database migrations with the `alembic` command of this environment
        env={
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        },
    )


def build(out: Path = OUT, notebooks: list[Path] | None = None) -> list[Path]:
    """The nbgrader course directory in ``out``; returns the released notebooks."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    released = []
    for notebook in notebooks or executed.course_notebooks():
        nb, names = source_notebook(notebook)
        if not names:
            continue
        name = assignment(notebook)
        source = out / "source" / name / notebook.name
        source.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, source)
        done = _nbgrader(out, "generate_assignment", name, "--force")
        if done.returncode:
            raise RuntimeError(
                f"nbgrader generate_assignment {name} failed:\n{done.stderr[-2000:]}"
            )
        released.append(out / "release" / name / notebook.name)
    return released


def answered(notebook: Path, released: Path) -> nbformat.NotebookNode:
    """The released notebook with every exercise answered by the reference solution."""
    nb = nbformat.read(released, as_version=4)
    module = solutions.solutions_module(notebook)
    for cell in solutions.exercise_cells(nb):
        name = cell.metadata["exercise"]
        check_line = cell.source.rstrip().splitlines()[-1]
        cell.source = solutions.solution_source(module, name) + "\n\n\n" + check_line
    return nb


def grade(out: Path, notebook: Path, student: str, submission: nbformat.NotebookNode) -> tuple:
    """Autograde ``submission`` of ``notebook`` for ``student``: (score, max score)."""
    from nbgrader.api import Gradebook

    name = assignment(notebook)
    folder = out / "submitted" / student / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    nbformat.write(submission, folder / notebook.name)
    done = _nbgrader(out, "autograde", name, "--student", student, "--force")
    if done.returncode:
        raise RuntimeError(f"nbgrader autograde failed:\n{done.stderr[-2000:]}")
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}", course_id=COURSE_ID) as gradebook:
        graded = gradebook.find_submission_notebook(notebook.stem, name, student)
        return graded.score, graded.max_score


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    released = build(args.out)
    print(f"grading: {len(released)} assignments released in {args.out}/release/")
    print(
        f"to grade: put submissions in {args.out}/submitted/<student>/nbNN/, then, in {args.out}:"
    )
    print("  nbgrader autograde nbNN     (GAN_HELPERS_QUICK=1 for the quick profile)")


if __name__ == "__main__":
    main()

"""``make solutions``: the instructor's copies of the notebooks, with the exercises solved.

    make solutions        # build/solutions/NN_*.ipynb and build/solutions/NOTES.md

A student's notebook ends with exercises: each is one code cell whose metadata names it
(``"exercise": "<name>"``), holding a stub above its last line, the check
``exercises.check_<name>(<name>)``. The reference solutions live in one place, ``solutions/nbNN.py``
(a function or a value named ``<name>``, and ``NOTES[<name>]``: what the exercise practises and
the typical mistakes). The instructor's copy replaces each stub by the solution's source, keeps
the check, and adds the note below it; ``NOTES.md`` collects every note in course order.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import textwrap
from pathlib import Path

import nbformat

from course import executed

OUT = executed.ROOT / "build" / "solutions"


def solutions_module(notebook: Path):
    """``solutions/nbNN.py`` for notebook NN."""
    return importlib.import_module(f"solutions.nb{notebook.name[:2]}")


def exercise_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and "exercise" in c.metadata]


def solution_source(module, name: str) -> str:
    """The reference answer as notebook code: a function's source, or ``name = value``."""
    answer = getattr(module, name)
    if callable(answer):
        return textwrap.dedent(inspect.getsource(answer)).rstrip()
    return f"{name} = {answer!r}"


def solved(notebook: Path) -> tuple[nbformat.NotebookNode, list[tuple[str, str]]]:
    """The notebook with each stub replaced by its solution, and (name, note) per exercise."""
    nb = nbformat.read(notebook, as_version=4)
    cells = exercise_cells(nb)
    if not cells:
        return nb, []
    module = solutions_module(notebook)
    notes = []
    new_cells = []
    for cell in nb.cells:
        new_cells.append(cell)
        if cell not in cells:
            continue
        name = cell.metadata["exercise"]
        check_line = cell.source.rstrip().splitlines()[-1]
        cell.source = solution_source(module, name) + "\n\n\n" + check_line
        note = module.NOTES[name]
        notes.append((name, note))
        new_cells.append(nbformat.v4.new_markdown_cell(f"**For the instructor** ({name}): {note}"))
    nb.cells = new_cells
    return nb, notes


def build(out: Path = OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written, lines = [], ["# Exercises: notes for the instructor", ""]
    for notebook in executed.course_notebooks():
        nb, notes = solved(notebook)
        if not notes:
            continue
        path = out / notebook.name
        nbformat.write(nb, path)
        written.append(path)
        lines += [f"## {notebook.stem}", ""]
        lines += [f"- **{name}**: {note}" for name, note in notes] + [""]
    (out / "NOTES.md").write_text("\n".join(lines), encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    written = build(args.out)
    print(f"solutions: {len(written)} notebooks and NOTES.md in {args.out}/")
    print("open them with: .venv/bin/jupyter lab " + str(args.out))


if __name__ == "__main__":
    main()

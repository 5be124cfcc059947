"""gan_helpers.lessons, directly: what ``load`` runs, what it caches, what ``loads`` and
``requires`` read, and the errors that say what to change. Synthetic notebooks in a temporary
folder, then the course's own."""

from __future__ import annotations

import json
import os
import traceback

import pytest

from gan_helpers import lessons


def notebook(folder, name, cells):
    """Write notebooks/<name>.ipynb with ``cells``: (source, tagged) pairs."""
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"tags": ["lesson"]} if tagged else {},
                "source": source,
                "outputs": [],
                "execution_count": None,
            }
            for source, tagged in cells
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = folder / f"{name}.ipynb"
    path.write_text(json.dumps(nb))
    return path


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setattr(lessons, "NOTEBOOKS", tmp_path)
    return tmp_path


def test_load_runs_the_lesson_cells_only_and_keeps_one_module_per_version(folder):
    path = notebook(
        folder,
        "01_a",
        [
            ("X = 1\n\ndef double(x):\n    return 2 * x\n", True),
            ("raise SystemExit('slow')", False),
        ],
    )
    module = lessons.load("01_a")
    assert module.X == 1 and module.double(4) == 8, "the tagged cell ran"
    assert lessons.load("01_a.ipynb") is module, "loaded once, with or without .ipynb"
    notebook(folder, "01_a", [("X = 2\n", True)])
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))
    assert lessons.load("01_a").X == 2, "an edited notebook is loaded again"


def test_a_traceback_shows_the_lesson_line(folder):
    notebook(folder, "01_b", [("def broken():\n    return 1 / 0  # the line\n", True)])
    module = lessons.load("01_b")
    with pytest.raises(ZeroDivisionError) as err:
        module.broken()
    text = "".join(traceback.format_exception(err.value))
    assert "lesson cells of 01_b.ipynb" in text and "# the line" in text, text


def test_errors_say_what_to_change(folder):
    notebook(folder, "01_c", [("X = 1\n", False)])
    with pytest.raises(ValueError, match="has no code cell tagged 'lesson'"):
        lessons.load("01_c")
    with pytest.raises(FileNotFoundError, match="no notebook 09_none.ipynb .* there are: 01_c"):
        lessons.load("09_none")


def test_loads_and_requires_read_the_sources_without_running_them(folder):
    load = "from gan_helpers import lessons\n"
    notebook(folder, "01_d", [("A = 1\n", True)])
    notebook(folder, "02_e", [(load + 'a = lessons.load("01_d")\n', True)])
    notebook(folder, "03_f", [(load + "b = lessons.load('02_e.ipynb')\nraise SystemExit\n", True)])
    notebook(folder, "04_g", [("Y = 1\n", False)])  # no lesson cells: loads nothing
    assert lessons.loads("03_f") == ["02_e"] and lessons.loads("01_d") == []
    assert lessons.requires("03_f") == ["02_e", "01_d"], "what it loads, and what they load"
    assert lessons.loads("04_g") == lessons.requires("04_g") == []


def test_the_courses_notebooks_build_on_what_they_load():
    assert lessons.requires("04_dcgan_mnist") == ["01_vanilla_gan_mnist"]
    assert set(lessons.requires("06_mode_collapse")) >= {"01_vanilla_gan_mnist", "05_wgan"}
    gan = lessons.load("01_vanilla_gan_mnist")
    assert callable(gan.discriminator_loss) and callable(gan.make_steps)

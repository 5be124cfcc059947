"""The one cell slicer of the browser tests (``notebook_page.cells_for_panel``), no browser needed:
for each panel it runs the notebook's own code the panel depends on, and skips the long
measurements it does not need."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from notebook_page import cells_for_panel

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def code(source, tags=()):
    return {"cell_type": "code", "source": source, "metadata": {"tags": list(tags)}}


def test_the_slicer_follows_names_back_from_the_panel_cell():
    cells = [
        {"cell_type": "markdown", "source": "# title", "metadata": {}},
        code("import numpy as np\nNOISE_DIM = 4"),  # 1: the first code cell, always
        code("from gan_helpers.labs import nb03_toy as toy\nSTEPS = 300"),  # 2
        code("def loss(p):\n    return np.log(p)", ["lesson"]),  # 3: a lesson cell, always
        code("sweep = [toy.train_toy_gan() for _ in range(99)]"),  # 4: slow and not needed
        code("def make_steps(G):\n    x = G.sample()\n    return loss(x)"),  # 5
        code("%matplotlib inline\nlesson = toy.Lesson(make_steps)\npost = toy.ToyConfig(STEPS)"),
        code("x = 1"),  # 7: binds x, but make_steps's x is its own
        code("panel = toy_panel.ToyPanel(lesson, post)\npanel"),  # 8
        code("panel.k.value = 10"),  # 9: after the panel
    ]
    assert cells_for_panel(cells, "ToyPanel(") == [1, 2, 3, 5, 6, 8]  # 6: a magic is fine


@pytest.mark.parametrize(
    "notebook, marker, needs, skips",
    [
        ("03_toy_gaussian_gan", "ToyPanel(", "def make_steps", "for k in K_VALUES"),
        ("06_mode_collapse", "ModePanel(", "def make_steps", "train_model(mixture, model"),
        ("07_dirac_gan", "DiracPanel(", "def make_dirac_gan", "train_d("),
        ("08_conditional_gan", "CganPanel(", "GENERATOR_PATH =", ".train("),
    ],
)
def test_each_panel_gets_its_lesson_and_skips_the_long_cells(notebook, marker, needs, skips):
    cells = json.loads((NOTEBOOKS / f"{notebook}.ipynb").read_text())["cells"]
    sources = ["".join(cells[i]["source"]) for i in cells_for_panel(cells, marker)]
    assert "gan_helpers.setup()" in sources[0] and marker in sources[-1]
    assert any(needs in s for s in sources), f"{notebook}: the panel needs {needs!r}"
    assert not any(skips in s for s in sources), f"{notebook}: {skips!r} is not needed"

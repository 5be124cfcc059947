"""The course on Colab and Kaggle: every notebook's first cell fetches it, and says what differs.

The first code cell of every notebook is the same: on Colab or Kaggle it clones the course's
repository (COURSE_REPO, or GAN_COURSE_REPO for a fork) next to the notebook, puts it first on
``sys.path`` and prints ``gan_helpers.runtime.report()``; anywhere else it does nothing. Here it
runs in a fresh Python as it would on Kaggle (``KAGGLE_KERNEL_RUN_TYPE`` set), cloning this
repository from the disk.
"""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest

from gan_helpers import lessons, runtime

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(lessons.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def first_code_cell(path: Path):
    nb = nbformat.read(path, as_version=4)
    return next(c for c in nb.cells if c.cell_type == "code")


FETCH = first_code_cell(NOTEBOOKS[0]).source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_starts_with_the_same_fetch_cell(path):
    cell = first_code_cell(path)
    assert cell.source == FETCH, f"{path.name}: its first code cell must be the fetch cell"
    assert "lesson" not in cell.metadata.get("tags", []), "plumbing, not lesson code"
    # folded in JupyterLab, a titled form on Colab, not on the slides
    assert cell.metadata.get("cellView") == "form" and FETCH.startswith("# @title ")
    assert cell.metadata["jupyter"]["source_hidden"] is True
    assert cell.metadata["slideshow"]["slide_type"] == "skip"


def test_the_fetch_cell_clones_the_repository_pyproject_names():
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
    assert f'"GAN_COURSE_REPO", "{urls["Repository"]}"' in FETCH


def _run_cell(tmp_path, **env):
    check = (
        "\nimport gan_helpers, os\n"
        "print('gan_helpers from', os.path.dirname(os.path.dirname(gan_helpers.__file__)))\n"
        "from gan_helpers import lessons\n"
        "print('NOISE_DIM', lessons.load('01_vanilla_gan_mnist').NOISE_DIM)\n"
    )
    environ = {k: v for k, v in os.environ.items() if k not in ("KAGGLE_KERNEL_RUN_TYPE",)}
    return subprocess.run(
        [sys.executable, "-c", FETCH + check],
        cwd=tmp_path,
        env={**environ, "TF_CPP_MIN_LOG_LEVEL": "2", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_on_kaggle_the_cell_clones_the_course_and_uses_it(tmp_path):
    done = _run_cell(tmp_path, KAGGLE_KERNEL_RUN_TYPE="Interactive", GAN_COURSE_REPO=str(ROOT))
    assert done.returncode == 0, done.stderr[-2000:]
    clone = tmp_path / "gan-course"
    assert (clone / "notebooks" / "01_vanilla_gan_mnist.ipynb").is_file()
    assert f"gan_helpers from {clone}" in done.stdout, "the clone comes first on sys.path"
    assert "NOISE_DIM 64" in done.stdout, "lessons.load reads the clone's notebooks"
    assert f"Python {runtime.python_version()} on Kaggle" in done.stdout, "what differs is said"
    # a second notebook on the same machine reuses the clone
    again = _run_cell(tmp_path, KAGGLE_KERNEL_RUN_TYPE="Interactive", GAN_COURSE_REPO="/nowhere")
    assert again.returncode == 0, again.stderr[-2000:]


def test_a_failed_clone_says_what_to_do(tmp_path):
    done = _run_cell(tmp_path, KAGGLE_KERNEL_RUN_TYPE="Interactive", GAN_COURSE_REPO="/nowhere")
    assert done.returncode == 1
    assert "could not clone /nowhere; on Kaggle, turn Internet on" in done.stderr
    assert "Traceback" not in done.stderr


def test_elsewhere_the_cell_does_nothing(tmp_path):
    done = _run_cell(tmp_path, GAN_COURSE_REPO="/nowhere")
    assert done.returncode == 0, done.stderr[-2000:]
    assert not (tmp_path / "gan-course").exists()
    assert "gan_helpers from" in done.stdout and "on Kaggle" not in done.stdout

"""A learner's working copies (`make lab` opens work/): updates arrive, edits are never lost."""

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import workspace  # noqa: E402

NAMES = ("00_start_here.ipynb", "07_dirac_gan.ipynb")


def _write(path: Path, nb: dict) -> None:
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


def _course(tmp_path) -> Path:
    course = tmp_path / "notebooks"
    course.mkdir()
    for name in NAMES:
        shutil.copy(ROOT / "notebooks" / name, course / name)
    (course / "conftest.py").write_text("# test plumbing, not for learners\n")
    return course


def test_copies_updates_and_keeps_what_the_learner_edited(tmp_path):
    course, work = _course(tmp_path), tmp_path / "work"
    assert workspace.sync(course, work) == [f"copied {n}" for n in NAMES]
    shown = sorted(p.name for p in work.glob("*") if not p.name.startswith("."))
    assert shown == sorted(NAMES), "notebooks only (JupyterLab hides the dot file of the record)"
    assert workspace.sync(course, work) == [], "nothing new: nothing done"
    # the learner runs 00 (outputs only) and answers in 07 (a cell changed)
    ran = json.loads((work / NAMES[0]).read_text())
    code = next(c for c in ran["cells"] if c["cell_type"] == "code")
    code["outputs"], code["execution_count"] = [{"output_type": "stream", "text": "x"}], 1
    _write(work / NAMES[0], ran)
    answered = json.loads((work / NAMES[1]).read_text())
    answered["cells"][-1]["source"] = ["my answer = 42"]
    _write(work / NAMES[1], answered)
    # the course changes both
    for name in NAMES:
        nb = json.loads((course / name).read_text())
        nb["cells"][0]["source"].append("\nA new sentence.")
        _write(course / name, nb)
    said = workspace.sync(course, work)
    assert said[0].startswith(f"updated {NAMES[0]}"), said
    assert "A new sentence." in (work / NAMES[0]).read_text(), "run only: replaced by the update"
    assert said[1].startswith(f"kept your edited {NAMES[1]}"), said
    assert "my answer = 42" in (work / NAMES[1]).read_text(), "an edited copy is never overwritten"
    assert "A new sentence." in (work / "updated" / NAMES[1]).read_text(), "the update is beside it"
    assert workspace.sync(course, work) == [], "said once"


def test_the_notebook_folder_holds_notebooks_only():
    """JupyterLab's file browser (dot files hidden) shows a learner notebooks and nothing else."""
    shown = [p.name for p in (ROOT / "notebooks").iterdir() if not p.name.startswith(".")]
    others = [name for name in shown if not name.endswith(".ipynb")]
    assert not others, f"notebooks/ should hold notebooks only; move {others} elsewhere"

"""Authors commit notebooks without outputs (`make edit` sets up the filter).

JupyterLab saves outputs, execution counts, widget state and language details into a notebook
it ran. With the clean filter of scripts/strip_outputs.py, git compares and stores the notebook
without them (after `git add`, which refreshes git's record of the file, `git status` is clean).
Learners work on copies in work/ instead (tests/course/test_workspace.py).
"""

import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "notebooks/07_dirac_gan.ipynb"


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _ran_in_jupyterlab(nb: dict) -> dict:
    """What saving a notebook after Run All adds to it."""
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            cell["execution_count"] = i
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["ran\n"]}]
            cell["metadata"]["execution"] = {"iopub.status.busy": "2026-12-07T10:00:00Z"}
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb["metadata"]["language_info"] = {"name": "python", "version": "3.11.7", "pygments_lexer": "x"}
    return nb


def test_outputs_of_a_run_do_not_show_in_git(tmp_path):
    repo = tmp_path / "course"
    (repo / "notebooks").mkdir(parents=True)
    (repo / "scripts").mkdir()
    for name in (NOTEBOOK, ".gitattributes", "scripts/strip_outputs.py", "Makefile"):
        shutil.copy(ROOT / name, repo / name)
    _git(repo, "init", "-q")
    subprocess.run(["make", "-s", "git-filter"], cwd=repo, check=True)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "course")
    path = repo / NOTEBOOK
    nb = _ran_in_jupyterlab(json.loads(path.read_text()))
    path.write_text(json.dumps(nb, indent=1) + "\n")
    assert _git(repo, "diff") == "", "git sees no difference in a run's outputs"
    _git(repo, "add", NOTEBOOK)
    assert _git(repo, "status", "--porcelain") == "", "nothing to commit"
    assert "ran" in path.read_text(), "the learner keeps the outputs in the file"
    nb["cells"][0]["source"].append("\nA sentence of the learner's own.")
    path.write_text(json.dumps(nb, indent=1) + "\n")
    assert _git(repo, "status", "--porcelain").strip() == f"M {NOTEBOOK}", "a real edit shows"
    _git(repo, "add", NOTEBOOK)
    stored = json.loads(_git(repo, "show", f":{NOTEBOOK}"))
    assert all(not c.get("outputs") for c in stored["cells"]), "git stores no outputs"
    assert "widgets" not in stored["metadata"]


def test_the_filter_leaves_every_committed_notebook_unchanged():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        text = path.read_bytes()
        done = subprocess.run(
            ["python3", str(ROOT / "scripts" / "strip_outputs.py")], input=text, capture_output=True
        )
        assert done.stdout == text, f"{path.name} is not stored as the filter would store it"

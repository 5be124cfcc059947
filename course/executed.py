"""Executed notebooks, run once under nbval and reused by the site and the slides.

``make test`` (quick profile) and ``make site`` (full profile by default) run every notebook under
nbval; ``notebooks/conftest.py`` records what each cell showed, exactly as JupyterLab would show
it, and writes ``build/executed/<profile>/<notebook>.ipynb``. That copy carries a **key**: a hash
of the notebook's code cells, of ``gan_helpers/``, of the profile and of the base seed (and of the
data source or hosted runtime, where a test run forces one). The site
reuses an executed notebook while its key matches, so editing a sentence in a markdown cell
retrains nothing; a notebook whose code (or ``gan_helpers``) changed runs again, under nbval, so
its asserts are checked on the way.

Each copy also records the kernel's measured cost: wall time, CPU time and peak memory (RSS), the
figures a lecturer needs to size a server (README, "A class on one server").
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXECUTED = ROOT / "build" / "executed"


def profile() -> str:
    """ "quick" or "full", from ``GAN_HELPERS_QUICK`` (the one switch the course documents)."""
    quick = os.environ.get("GAN_HELPERS_QUICK", "").strip().lower() in {"1", "true", "yes"}
    return "quick" if quick else "full"


def course_notebooks() -> list[Path]:
    """The numbered notebooks, in course order."""
    return sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def key(notebook: Path, profile_name: str) -> str:
    """What the outputs depend on: code cells, gan_helpers, profile, base seed, data, runtime."""
    h = hashlib.sha256()
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            h.update(cell.source.encode() + b"\0")
    for path in sorted((ROOT / "gan_helpers").glob("*.py")):
        h.update(path.name.encode() + path.read_bytes())
    seed = os.environ.get("GAN_HELPERS_SEED", "0").strip() or "0"
    h.update(f"{profile_name}|seed={seed}".encode())
    # the data source and the stack: a run on the fallback digits (make test-fallback) or on a
    # hosted runtime's versions (make test-runtime) is not the course's own run
    for name in ("GAN_HELPERS_DATA_SOURCE", "GAN_COURSE_RUNTIME"):
        if os.environ.get(name, "").strip():
            h.update(f"|{name}={os.environ[name].strip()}".encode())
    return h.hexdigest()[:16]


def cached_path(notebook: Path, profile_name: str) -> Path:
    return EXECUTED / profile_name / notebook.name


def outputs_from_messages(messages: list[dict]) -> list[dict]:
    """A cell's outputs from its kernel messages, as JupyterLab shows them at the end.

    Follows the notebook rules nbval skips: ``clear_output`` (with ``wait``: cleared at the next
    output) and ``update_display_data`` (a live plot redrawn in place keeps its last frame).
    """
    outputs: list[dict] = []
    by_display_id: dict[str, list[dict]] = {}
    pending_clear = False
    for msg in messages:
        kind, content = msg["msg_type"], msg["content"]
        if kind == "clear_output":
            if content.get("wait"):
                pending_clear = True
            else:
                outputs.clear()
            continue
        if kind == "update_display_data":
            for out in by_display_id.get(content.get("transient", {}).get("display_id"), []):
                out["data"], out["metadata"] = content["data"], content["metadata"]
            continue
        if kind not in {"stream", "display_data", "execute_result", "error"}:
            continue
        if pending_clear:
            outputs.clear()
            pending_clear = False
        out = nbformat.v4.output_from_msg(msg)
        if kind == "stream" and outputs and outputs[-1].get("name") == out["name"]:
            outputs[-1]["text"] += out["text"]
            continue
        display_id = content.get("transient", {}).get("display_id")
        if display_id:
            by_display_id.setdefault(display_id, []).append(out)
        outputs.append(out)
    return outputs


def write(notebook: Path, outputs: dict[int, list], passed: bool, cost: dict) -> Path:
    """Save ``notebook`` with each code cell's outputs (by code-cell index) and its key.

    Cells are numbered ``In [1]``, ``In [2]``, ... as a Run All numbers them (nbval runs each cell
    without storing it in the kernel's history, so the kernel's own count stays at 1)."""
    name = profile()
    nb = nbformat.read(notebook, as_version=4)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    for i, cell in enumerate(code_cells):
        cell.outputs = outputs.get(i, [])
        cell.execution_count = i + 1 if i in outputs else None
    nb.metadata["gan_course"] = {
        "key": key(notebook, name),
        "profile": name,
        "passed": passed,
        **cost,
    }
    path = cached_path(notebook, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def load(notebook: Path, profile_name: str) -> nbformat.NotebookNode | None:
    """The notebook as it stands, with the outputs of its last passing run; None if stale."""
    path = cached_path(notebook, profile_name)
    if not path.exists():
        return None
    done = nbformat.read(path, as_version=4)
    info = done.metadata.get("gan_course", {})
    if not info.get("passed") or info.get("key") != key(notebook, profile_name):
        return None
    nb = nbformat.read(notebook, as_version=4)
    ran = [c for c in done.cells if c.cell_type == "code"]
    for cell, old in zip((c for c in nb.cells if c.cell_type == "code"), ran):
        cell.outputs, cell.execution_count = old.outputs, old.execution_count
    nb.metadata["gan_course"] = info
    return nb


def cost_table(profile_name: str) -> dict[str, dict]:
    """Per notebook: the measured wall time, CPU time and peak RSS of its last passing run."""
    table = {}
    for path in sorted((EXECUTED / profile_name).glob("*.ipynb")):
        info = json.loads(path.read_text()).get("metadata", {}).get("gan_course", {})
        if info.get("passed"):
            table[path.stem] = info
    return table

"""Executed notebooks, run once under nbval and reused by the site and the slides.

``make test`` (quick profile) and ``make site`` (full profile by default) run every notebook under
nbval; the repository's ``conftest.py`` records what each cell showed, exactly as JupyterLab would
show it, and writes ``build/executed/<profile>/<notebook>.ipynb``. That copy carries a **key**: a
hash of the notebook's code cells, of the lesson code it loads from other notebooks, of the
gan_helpers modules all that code imports, of the profile and of the base seed (``key``). The site
reuses an executed notebook while its key matches, so editing a sentence in a markdown cell
retrains nothing; a notebook whose code (or ``gan_helpers``) changed runs again, under nbval, so
its asserts are checked on the way.

Each copy also records the kernel's measured cost: wall time, CPU time and peak memory (RSS), the
figures a lecturer needs to size a server (README, "A class on one server").
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
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


PACKAGE = ROOT / "gan_helpers"
RECORDER = ROOT / "conftest.py"  # nbval's hooks, which record the outputs
# Exercise checks do not change what a notebook shows when it runs: its exercise cells hold the
# stubs, whose verdict ("not attempted yet") the checks' shared machinery gives. So a check's
# wording can change without running any notebook again.
NOT_IN_KEY = ("exercises",)
_LOAD_CALL = re.compile(r"""lessons\.load\(\s*["'](\d\d_[\w-]+?)(?:\.ipynb)?["']""")


def _imported(source: str, package: str = "gan_helpers") -> set[str]:
    """The modules of ``package`` that a piece of Python imports, as dotted names."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == package}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == package:
                found.add(node.module)
                # `from gan_helpers import plotting` imports a module; a name is harmless here
                found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def _module_file(dotted: str) -> Path | None:
    parts = dotted.split(".")[1:]
    base = PACKAGE.joinpath(*parts) if parts else PACKAGE
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def modules_used(source: str) -> list[Path]:
    """The files of gan_helpers that running ``source`` imports, directly or through others
    (the package's ``__init__`` always), exercise checks left out (``NOT_IN_KEY``)."""
    todo, files = {"gan_helpers"} | _imported(source), set()
    while todo:
        dotted = todo.pop()
        parts = dotted.split(".")
        for i in range(1, len(parts) + 1):
            path = _module_file(".".join(parts[:i]))
            if path is None or path in files:
                continue
            if any(part in NOT_IN_KEY for part in path.relative_to(PACKAGE).with_suffix("").parts):
                continue
            files.add(path)
            todo |= _imported(path.read_text(encoding="utf-8"))
    return sorted(files)


def key(notebook: Path, profile_name: str) -> str:
    """What a notebook's outputs depend on: its code cells, the lesson code it loads (and what
    that loads), the gan_helpers modules all of that imports, the profile and the base seed, and
    the data source or hosted runtime where a test run forces one, and the recorder
    (``conftest.py``)."""
    from gan_helpers import lessons

    h = hashlib.sha256()
    nb = nbformat.read(notebook, as_version=4)
    code = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    for source in code:
        h.update(source.encode() + b"\0")
    loaded = list(dict.fromkeys(_LOAD_CALL.findall("\n".join(code))))
    for name in list(loaded):
        loaded += [other for other in lessons.requires(name) if other not in loaded]
    lesson_code = [lessons.lesson_source(name) for name in loaded]
    for name, source in zip(loaded, lesson_code):
        h.update(f"lesson {name}\0".encode() + source.encode())
    for path in modules_used("\n".join(code + lesson_code)):
        h.update(str(path.relative_to(PACKAGE)).encode() + path.read_bytes())
    # the recorder: what it keeps of each cell's outputs (a copy it made differently is stale)
    h.update(RECORDER.read_bytes() if RECORDER.exists() else b"")
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

"""Where the course runs: the hosted runtime (Colab, Kaggle) and how its versions differ from ours.

The course pins one stack, ``requirements.txt`` (what ``make lab`` installs), and is tested on the
versions that Google Colab and Kaggle publish too: ``runtimes.toml`` lists them, with their date
and source, and ``make test-runtime RUNTIME=colab`` runs every notebook on them. A learner may run
it anywhere else; ``report()`` says, in a few lines, which of the course's packages differ from the
pinned stack and whether those versions are a tested runtime's::

    from gan_helpers import runtime
    print(runtime.report())

Every notebook's first cell prints it on Colab and Kaggle, and notebook 00 prints it everywhere.
``check()`` stops with a message for versions the course cannot run on (Keras 2, TensorFlow
before 2.16, Python outside 3.11-3.13).
"""

from __future__ import annotations

import os
import platform
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "tensorflow",
    "keras",
    "tf-keras",
    "numpy",
    "scipy",
    "scikit-learn",
    "matplotlib",
    "ipywidgets",
)
"""The packages whose versions change what the notebooks measure or show."""
PYTHONS = ("3.11", "3.12", "3.13")
"""The Python versions the course supports (TensorFlow 2.21 has wheels for these only)."""


def hosted() -> str | None:
    """``"colab"`` or ``"kaggle"`` when this kernel runs on one of them, else ``None``."""
    if "google.colab" in sys.modules:
        return "colab"
    if "KAGGLE_KERNEL_RUN_TYPE" in os.environ:
        return "kaggle"
    return None


def python_version() -> str:
    """``"3.13"``: the running Python's major.minor version."""
    return ".".join(platform.python_version_tuple()[:2])


def installed(names=PACKAGES) -> dict[str, str | None]:
    """The installed version of each package (``None`` for one that is not installed)."""
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def pinned() -> dict[str, str]:
    """The course's pinned versions, from ``requirements.txt``: ``{"keras": "3.15.1", ...}``."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, pin = line.split("==")
            pins[name.strip().lower().replace("_", "-")] = pin.strip()
    return pins


def runtimes() -> dict[str, dict]:
    """The hosted runtimes the course is tested on (``runtimes.toml``), by key."""
    with (ROOT / "runtimes.toml").open("rb") as f:
        return tomllib.load(f)


def differences(wanted: dict[str, str], names=PACKAGES) -> dict[str, tuple[str | None, str]]:
    """``{package: (installed, wanted)}`` for each of ``names`` not at ``wanted``'s version."""
    have = installed(names)
    return {n: (have[n], wanted[n]) for n in names if n in wanted and have[n] != wanted[n]}


def matching_runtime() -> str | None:
    """The key of the tested runtime whose Python and package versions this kernel has, if any."""
    for key, entry in runtimes().items():
        if entry["python"] == python_version() and not differences(entry["packages"]):
            return key
    return None


def check() -> None:
    """Stop with a message on versions the course cannot run on; nothing otherwise."""
    keras_version = installed(["keras"])["keras"] or "none"
    if not keras_version.startswith("3."):
        raise RuntimeError(
            f"the course teaches Keras 3 and needs it: Keras {keras_version} is installed "
            "(pip install 'keras>=3', or `make lab` for the pinned stack)"
        )
    tf_version = installed(["tensorflow"])["tensorflow"] or "0"
    if tuple(int(p) for p in tf_version.split(".")[:2]) < (2, 16):
        raise RuntimeError(
            f"TensorFlow {tf_version} is older than 2.16, the first to work with Keras 3: "
            "upgrade it (pip install 'tensorflow>=2.16'), or use `make lab`"
        )
    if python_version() not in PYTHONS:
        raise RuntimeError(
            f"Python {python_version()} is not supported: the course runs on Python "
            f"{', '.join(PYTHONS)} (TensorFlow's wheels); see the README"
        )


def report() -> str:
    """A few lines: where the kernel runs, and how its versions differ from the pinned stack."""
    where = {"colab": "Google Colab", "kaggle": "Kaggle"}.get(hosted() or "", "")
    head = f"Python {python_version()}" + (f" on {where}" if where else "")
    changed = differences(pinned())
    if not changed:
        return f"{head}, with the course's pinned versions (requirements.txt)"
    lines = [f"{head}; these versions differ from the course's pinned ones (requirements.txt):"]
    lines += [
        f"  {n:13s} {have or 'missing':9s} pinned {want}" for n, (have, want) in changed.items()
    ]
    key = matching_runtime()
    if key:
        entry = runtimes()[key]
        lines.append(
            f"They are {entry['name']}'s versions of {entry['date']}; the course is tested on "
            "them (runtimes.toml)."
        )
    else:
        lines.append(
            "No tested stack has these versions (runtimes.toml): the notebooks should run, but a "
            "measured claim may not hold. `make lab` installs the pinned ones."
        )
    return "\n".join(lines)

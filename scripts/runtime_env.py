"""Build a virtual environment with a hosted runtime's versions (runtimes.toml), for its tests.

    python scripts/runtime_env.py colab          # builds .venv-colab if missing or stale
    python scripts/runtime_env.py kaggle --print-python

The environment gets the Python version the runtime uses, the runtime's packages at its versions,
the course's test tools at the versions of requirements.txt (nbval, pytest-xdist) and the course's
package itself (editable, no dependencies), all from the package registries. It is rebuilt only
when the runtime's entry or the test tools change (a stamp file inside it records what it holds),
and pip's download cache is reused, so a second build costs seconds.

The Python interpreter is found on the PATH (``python3.13``), among pyenv's versions, or in
``PYTHON`` (a path); without one the script stops with one line saying how to get it.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNTIMES = ROOT / "runtimes.toml"
# the course's test tools, at the versions requirements.txt pins
TEST_TOOLS = ("nbval", "pytest-xdist")


def runtimes() -> dict:
    """The runtimes of runtimes.toml, by key (``colab``, ``kaggle``)."""
    with RUNTIMES.open("rb") as f:
        return tomllib.load(f)


def pinned(names=TEST_TOOLS) -> list[str]:
    """``name==version`` from requirements.txt for each of ``names``."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return [f"{name}=={pins[name]}" for name in names]


def _version_of(python: str) -> str | None:
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def find_python(version: str) -> str:
    """An interpreter of ``version`` (e.g. "3.13"): $PYTHON, the PATH, pyenv, or a clear error."""
    candidates = [os.environ.get("PYTHON", "")]
    candidates += [shutil.which(f"python{version}") or ""]
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    found = glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}")
    candidates += sorted(found, key=lambda p: [int(x) for x in Path(p).parts[-3].split(".")[:3]])[
        ::-1
    ]
    candidates += [f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
    for python in filter(None, candidates):
        if _version_of(python) == version:
            return python
    sys.exit(
        f"runtime_env: this runtime needs Python {version} and none was found: install it "
        f"(pyenv install {version}, uv python install {version}, or your OS's python{version}) "
        f"or run with PYTHON=/path/to/python{version}"
    )


def requirements(key: str) -> list[str]:
    """What the environment of runtime ``key`` installs: its packages, then the test tools."""
    packages = runtimes()[key]["packages"]
    return [f"{name}=={version}" for name, version in packages.items()] + pinned()


def venv_dir(key: str) -> Path:
    return ROOT / f".venv-{key}"


def build(key: str, quiet: bool = True) -> Path:
    """Create or refresh ``.venv-<key>``; return its Python. Nothing happens if it is current."""
    table = runtimes()
    if key not in table:
        sys.exit(f"runtime_env: no runtime {key!r} in runtimes.toml; there are: {', '.join(table)}")
    entry = table[key]
    wanted = requirements(key)
    digest = hashlib.sha256(json.dumps([entry["python"], wanted]).encode()).hexdigest()[:16]
    venv = venv_dir(key)
    python = venv / "bin" / "python"
    stamp = venv / ".installed"
    if stamp.is_file() and stamp.read_text().strip() == digest and python.exists():
        return python
    interpreter = find_python(entry["python"])
    what = f"{entry['name']} ({entry['date']})"
    print(f"runtime_env: building {venv.name} for {what} with {interpreter}")
    if venv.exists():
        shutil.rmtree(venv)
    subprocess.run([interpreter, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check"]
    if quiet:
        pip.append("--quiet")
    subprocess.run([*pip, *wanted], check=True)
    subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True)
    stamp.write_text(digest + "\n")
    return python


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runtime", help="a runtime of runtimes.toml: " + ", ".join(runtimes()))
    parser.add_argument(
        "--print-python", action="store_true", help="print the environment's Python and stop"
    )
    args = parser.parse_args()
    python = build(args.runtime)
    if args.print_python:
        print(python)


if __name__ == "__main__":
    main()

"""The pip path (requirements.txt) and the conda path (environment.yml) install the same things.

conda cannot reach its channels from the CI machines, so instead of creating the environment we
check that environment.yml parses and pins the same packages at the same versions.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _pins(lines):
    pins = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if not line or line.startswith("-"):  # "-e ." and other pip options
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([0-9][^\s;]*)", line)
        assert m, f"unpinned or malformed requirement: {line!r} (pin every package with ==)"
        pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def test_environment_yml_matches_requirements():
    req = _pins((ROOT / "requirements.txt").read_text().splitlines())
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["name"] == "gan-course"
    deps = env["dependencies"]
    conda_python = [d for d in deps if isinstance(d, str) and d.startswith("python")]
    assert conda_python == ["python=3.11"], "conda should provide Python 3.11"
    assert "pip" in deps
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    assert "-e ." in pip_section, "the conda path must install gan_helpers too"
    assert _pins(pip_section) == req


def test_installed_versions_match_the_pins():
    """The environment running the tests is the one it claims to be: requirements.txt's, or in
    ``make test-runtime`` (GAN_COURSE_RUNTIME=colab) that runtime's versions in runtimes.toml."""
    from importlib.metadata import version

    from gan_helpers import runtime

    key = os.environ.get("GAN_COURSE_RUNTIME", "").strip()
    if key:
        entry = runtime.runtimes()[key]
        wrong = {n: (pin, version(n)) for n, pin in entry["packages"].items() if version(n) != pin}
        assert not wrong, (
            f"installed versions differ from runtimes.toml's {key} (listed, installed)"
        )
        assert runtime.python_version() == entry["python"], f"{key} runs Python {entry['python']}"
        assert runtime.matching_runtime() == key
        return
    req = _pins((ROOT / "requirements.txt").read_text().splitlines())
    wrong = {name: (pin, version(name)) for name, pin in req.items() if version(name) != pin}
    assert not wrong, (
        f"installed versions differ from requirements.txt (pinned, installed): {wrong}"
    )
    assert runtime.python_version() in runtime.PYTHONS


def test_supported_pythons_agree_everywhere():
    """make (scripts/check_python.py), pyproject.toml and gan_helpers.runtime name one range."""
    import tomllib

    from gan_helpers import runtime

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11,<3.14"
    check = (ROOT / "scripts" / "check_python.py").read_text()
    assert "OLDEST, NEWEST = (3, 11), (3, 13)" in check
    assert runtime.PYTHONS == ("3.11", "3.12", "3.13")
    for key, entry in runtime.runtimes().items():
        assert entry["python"] in runtime.PYTHONS, f"{key} runs a Python the course supports"
        assert {"name", "date", "source", "packages"} <= set(entry), f"{key}: dated, with source"


def _fake_python(folder: Path, name: str, minor: int) -> Path:
    """A `name` on `folder` that runs the real Python but reports version 3.<minor>."""
    fake = folder / name
    fake.write_text(
        f"#!/bin/sh\nexec {sys.executable} -c 'import runpy, sys; "
        f'sys.version_info = (3, {minor}, 0, "final", 0); sys.argv = sys.argv[1:]; '
        f'runpy.run_path(sys.argv[0], run_name="__main__")\' "$@"\n'
    )
    fake.chmod(0o755)
    return fake


@pytest.mark.parametrize("how", ["named", "found on the PATH"])
def test_make_refuses_python_3_14_in_one_line(tmp_path, how):
    """TensorFlow has no wheels for 3.14: make says so and how to get 3.13, before pip starts."""
    fake = _fake_python(tmp_path, "python3" if how != "named" else "python3.14", 14)
    args = ["make", "--no-print-directory", "-s", "check-python"]
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path)}
    if how == "named":
        args.append(f"PYTHON={fake}")
    done = subprocess.run(
        [shutil.which("make"), *args[1:]], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout + done.stderr
    assert "no wheels for Python 3.14" in lines[0] and "PYTHON=python3.13 make lab" in lines[0]


def test_make_accepts_a_supported_python(tmp_path):
    fake = _fake_python(tmp_path, "python3.13", 13)
    done = subprocess.run(
        [shutil.which("make"), "-s", "check-python", f"PYTHON={fake}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr

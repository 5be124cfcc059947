"""The repository builds as a JupyterHub / Binder image with repo2docker's conventions.

repo2docker reads ``binder/`` when it exists (and then ignores the root's configuration files).
It installs ``binder/environment.yml`` BEFORE it copies the repository (a local ``-e .`` would fail
there: jupyterhub/repo2docker#1265), then runs ``binder/postBuild`` in the copied repository.
"""

import os
import re
from pathlib import Path

import yaml
from test_environment import _pins

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"


def test_binder_environment_pins_what_requirements_txt_pins():
    env = yaml.safe_load((BINDER / "environment.yml").read_text())
    deps = env["dependencies"]
    assert "python=3.11" in deps, "the image must have the Python the course is tested on"
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    assert not any(line.startswith("-e") for line in pip_section), (
        "repo2docker installs environment.yml before the repository is copied: install the "
        "package in binder/postBuild instead of '-e .'"
    )
    assert _pins(pip_section) == _pins((ROOT / "requirements.txt").read_text().splitlines())


def test_post_build_installs_the_package_and_the_lab_settings():
    post_build = BINDER / "postBuild"
    text = post_build.read_text()
    assert os.access(post_build, os.X_OK), "repo2docker runs postBuild only if it is executable"
    assert text.startswith("#!/bin/bash\n") and "set -euo pipefail" in text
    assert re.search(r"pip install --no-deps -e \.$", text, re.M), "gan_helpers must import"
    assert "jupyter/overrides.json" in text and (ROOT / "jupyter" / "overrides.json").exists()


def test_no_other_build_file_overrides_the_conda_environment():
    # a Dockerfile in binder/ would make repo2docker ignore everything else in it
    others = {"Dockerfile", "requirements.txt", "Pipfile", "setup.py", "runtime.txt"}
    assert not others & {p.name for p in BINDER.iterdir()}

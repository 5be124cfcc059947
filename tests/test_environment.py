"""The pip path (requirements.txt) and the conda path (environment.yml) install the same things.

conda cannot reach its channels from the CI machines, so instead of creating the environment we
check that environment.yml parses and pins the same packages at the same versions.
"""

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


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
    """The environment running the tests is the one requirements.txt describes."""
    from importlib.metadata import version

    req = _pins((ROOT / "requirements.txt").read_text().splitlines())
    wrong = {name: (pin, version(name)) for name, pin in req.items() if version(name) != pin}
    assert not wrong, (
        f"installed versions differ from requirements.txt (pinned, installed): {wrong}"
    )
    assert sys.version_info >= (3, 11)

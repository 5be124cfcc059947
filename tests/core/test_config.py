import time

import numpy as np
import pytest

import gan_helpers
from gan_helpers import config


def test_profile_switch(monkeypatch):
    monkeypatch.setenv(config.QUICK_ENV_VAR, "1")
    assert gan_helpers.is_quick() and gan_helpers.choose(quick=1, full=2) == 1
    assert "quick" in gan_helpers.describe_profile()
    for off in ("", "0", "no"):
        monkeypatch.setenv(config.QUICK_ENV_VAR, off)
        assert not gan_helpers.is_quick() and gan_helpers.choose(quick=1, full=2) == 2
    monkeypatch.delenv(config.QUICK_ENV_VAR)
    assert "full" in gan_helpers.describe_profile()


def test_base_seed_knob(monkeypatch):
    monkeypatch.delenv(config.SEED_ENV_VAR, raising=False)
    assert gan_helpers.base_seed() == 0 and gan_helpers.seed(3) == 3
    assert gan_helpers.seeds(3) == [0, 1, 2]
    monkeypatch.setenv(config.SEED_ENV_VAR, "2")
    assert (
        gan_helpers.base_seed() == 2 and gan_helpers.seed(0) == 200 and gan_helpers.seed(5) == 205
    )
    assert gan_helpers.seeds(2) == [200, 201] and "base seed 2" in gan_helpers.describe_profile()
    with pytest.raises(ValueError, match="below 100"):
        gan_helpers.seed(100)  # would be seed(0) of base seed 3
    for bad in ("x", "-1", "1.5"):
        monkeypatch.setenv(config.SEED_ENV_VAR, bad)
        with pytest.raises(ValueError, match="GAN_HELPERS_SEED must be"):
            gan_helpers.base_seed()


def test_check_int_says_what_to_change():
    assert gan_helpers.check_int("k", 3, 1) == 3 and gan_helpers.check_int("k", np.int64(2), 1) == 2
    for bad in (0, 2.5, True, "3", None):
        with pytest.raises(ValueError, match="k must be an integer >= 1, got .*Use k=1"):
            gan_helpers.check_int("k", bad, 1, "Use k=1.")


def test_timer_measures_a_block():
    with gan_helpers.Timer() as t:
        time.sleep(0.05)
        running = t.seconds
    assert 0.04 < running <= t.seconds < 1.0
    assert t.seconds == t.seconds  # frozen once the block ends


def test_set_seed_repeats_numpy_and_tensorflow():
    import keras
    import tensorflow as tf

    def draw():
        gan_helpers.set_seed(123)
        layer = keras.layers.Dense(3)
        layer.build((None, 2))
        return np.random.rand(3), tf.random.uniform([3]).numpy(), layer.kernel.numpy()

    for a, b in zip(draw(), draw()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        gan_helpers.set_seed(-1)


def test_setup_is_the_one_setup_line(capsys, monkeypatch):
    import matplotlib.pyplot as plt
    import numpy as np

    import gan_helpers
    from gan_helpers import plotting

    monkeypatch.setenv("GAN_HELPERS_SEED", "2")
    plt.rcParams["font.size"] = 7
    first = gan_helpers.setup()
    draw = np.random.rand(3)
    assert first == 200 and gan_helpers.setup() == 200, "seed(0) of base seed 2"
    assert np.array_equal(np.random.rand(3), draw), "seeded again, the same numbers"
    assert plt.rcParams["font.size"] == plotting.COURSE_STYLE["font.size"], "the course style"
    assert "base seed 2" in capsys.readouterr().out, "the profile line"
    assert gan_helpers.setup(3) == 203


def test_the_package_says_truthfully_what_it_holds():
    """Every module is listed in the package's docstring; the core stays small enough to read."""
    import tomllib
    from pathlib import Path

    import gan_helpers

    root = Path(gan_helpers.__file__).parent
    doc = gan_helpers.__doc__
    core = sorted(p for p in root.glob("*.py") if p.name != "__init__.py")
    labs = sorted((root / "labs").glob("nb*.py"))
    missing = [p.stem for p in core if f"``{p.stem}``" not in doc]
    missing += [
        p.stem for p in labs if f"``{p.stem}``" not in (root / "labs" / "__init__.py").read_text()
    ]
    assert not missing, f"modules not described where the package lists them: {missing}"
    lines = sum(len(p.read_text().splitlines()) for p in [root / "__init__.py", *core])
    print(f"the core of gan_helpers: {len(core) + 1} modules, {lines} lines")
    assert lines < 2500, f"the core a student reads has grown to {lines} lines"
    project = tomllib.loads((root.parent / "pyproject.toml").read_text())["project"]
    assert project["version"] == gan_helpers.__version__, "one version number"

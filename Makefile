# The two commands a newcomer needs (see README.md):
#   make lab    install everything into .venv/ and open the collection in JupyterLab
#   make test   install everything into .venv/ and run all tests (unit tests, every notebook under
#               nbval in the quick profile, the browser tests of the widgets, then the site and the
#               slides built from those runs and opened in a browser). Where Chromium is missing it
#               says so and installs it with apt-get (scripts/ensure_browser.sh;
#               GAN_COURSE_NO_APT=1 skips that); without a browser the browser tests are skipped.
# Both create .venv/ on first use and reinstall only when requirements.txt or pyproject.toml change.

# The newest supported Python (3.11 to 3.13: scripts/check_python.py says why) found on the PATH,
# unless you name one: PYTHON=/path/to/python3.13 make lab
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	$$p scripts/check_python.py >/dev/null 2>&1 && { echo $$p; break; }; done)
# Another folder for the environment: VENV=.venv-3.13 PYTHON=python3.13 make test
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# One line, and exit 1, if there is no supported Python (a 3.14 is named, and why it cannot be used)
CHECK_PYTHON = $(or $(PYTHON),python3) scripts/check_python.py || { test $$? = 1 || echo \
	"This course needs Python 3.11-3.13 and make found none: see the README (conda, your OS, python.org)"; exit 1; }

.PHONY: install lab edit app test test-unit test-browser test-notebooks test-seeds test-fallback \
	test-runtime check-python git-filter site slides solutions grading lint benchmark clean

$(STAMP): requirements.txt pyproject.toml jupyter/overrides.json
	@$(CHECK_PYTHON)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV) with $(PYTHON): install its venv module (Debian/Ubuntu: apt-get install python3-venv)"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@# JupyterLab settings for this venv: no "receive Jupyter news?" toast over the notebook
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@cp jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@# nbgrader (make grading) stays out of the learners' JupyterLab: no menus, no server handlers
	@# (a lecturer re-enables them: docs/lecturers.md, "Grading with nbgrader")
	@$(VENV)/bin/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader >/dev/null 2>&1
	@for e in formgrader validate_assignment assignment_list course_list; do \
	  $(VENV)/bin/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$e \
	  >/dev/null 2>&1; done
	@touch $(STAMP)

check-python:
	@$(CHECK_PYTHON)

git-filter:
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git config filter.notebook-outputs.clean "python3 scripts/strip_outputs.py"; fi

install: $(STAMP)

# Jupyter refuses to start as root (Docker, some cloud VMs) unless told to; a normal user needs nothing.
ROOT_FLAG = $(if $(filter 0,$(shell id -u)),--allow-root)
# A learner works on copies in work/ (ignored by git; notebooks only): run and save them freely,
# notebooks/ stays as the course ships it, so `git pull` brings updates (scripts/workspace.py
# copies new and updated notebooks over, and keeps any copy you edited).
lab: install
	@$(PY) scripts/workspace.py
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=work work/00_start_here.ipynb

# For authors: JupyterLab on the tracked notebooks/ themselves; git stores them without outputs
# (.gitattributes, scripts/strip_outputs.py), as the repository keeps them.
edit: install git-filter
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) notebooks/00_start_here.ipynb

# The panels of notebooks 03 and 06 as one page with no code (Voila), on http://127.0.0.1:8866/.
# For a classroom network: make app ARGS=--classroom (scripts/app.sh says what that exposes).
app: install
	bash scripts/app.sh $(ARGS)

# Two workers (pytest-xdist; --dist loadscope keeps each notebook's cells in order in one kernel),
# then the site: nbval leaves each notebook's executed copy in build/executed/quick/, from which
# tests/browser/test_site_in_browser.py builds the site and the slides (nothing runs twice).
SITE_TEST := tests/browser/test_site_in_browser.py
test: install
	@bash scripts/ensure_browser.sh
	GAN_HELPERS_QUICK=1 $(PY) -m pytest -rs -n 2 --dist loadscope notebooks tests --ignore=$(SITE_TEST) \
	  --nbval-lax --nbval-current-env --durations=20
	GAN_HELPERS_QUICK=1 $(PY) -m pytest -rs $(SITE_TEST)

test-unit: install
	GAN_HELPERS_QUICK=1 $(PY) -m pytest -rs tests --ignore=tests/browser

test-browser: install
	@bash scripts/ensure_browser.sh
	GAN_HELPERS_QUICK=1 $(PY) -m pytest -rs tests/browser -v

test-notebooks: install
	GAN_HELPERS_QUICK=1 $(PY) -m pytest -n 2 --dist loadscope notebooks --nbval-lax --nbval-current-env

# Every claim must hold for other base seeds too (GAN_HELPERS_SEED, see README): the quick suite
# for base seeds 1 and 2. Each run names the failed asserts and the seed it ran with.
NB_QUICK = GAN_HELPERS_QUICK=1 $(PY) -m pytest -n 2 --dist loadscope notebooks --nbval-lax --nbval-current-env -q -rf
test-seeds: install
	@fail=""; for s in 1 2; do echo "=== base seed $$s ==="; \
	  GAN_HELPERS_SEED=$$s $(NB_QUICK) || fail="$$fail $$s"; \
	done; test -z "$$fail" || { echo "claims failed for base seed(s):$$fail (see above)"; exit 1; }

# ... and on every data source: the quick suite on scikit-learn's 1,797 digits, the data a learner
# offline without MNIST gets (GAN_HELPERS_DATA_SOURCE=sklearn: no download tried, no MNIST folder).
# SEEDS="0 1 2" runs it for several base seeds.
SEEDS ?= 0
test-fallback: install
	@fail=""; for s in $(SEEDS); do echo "=== fallback data, base seed $$s ==="; \
	  GAN_HELPERS_DATA_SOURCE=sklearn GAN_HELPERS_SEED=$$s $(NB_QUICK) || fail="$$fail $$s"; \
	done; test -z "$$fail" || { echo "claims failed on the fallback data for base seed(s):$$fail"; exit 1; }

# ... and on the versions of a hosted runtime (runtimes.toml): RUNTIME=colab (Python 3.13, what CI
# runs) or RUNTIME=kaggle. Builds .venv-$(RUNTIME) from the registries (scripts/runtime_env.py;
# rebuilt only when its versions change), then runs the quick notebook suite and the unit tests in
# it. The browser tests need the pinned JupyterLab and ipywidgets 8: they run in `make test`.
RUNTIME ?= colab
test-runtime:
	@$(CHECK_PYTHON)
	$(PYTHON) scripts/runtime_env.py $(RUNTIME)
	GAN_COURSE_RUNTIME=$(RUNTIME) GAN_HELPERS_QUICK=1 .venv-$(RUNTIME)/bin/python -m pytest -n 2 \
	  --dist loadscope notebooks tests --ignore=tests/browser --nbval-lax --nbval-current-env -q -rfs

# The course as static pages (build/site/index.html) and reveal.js decks (build/site/slides/), for
# reading before installing and for a room with no network. Full profile by default; a notebook
# whose code has not changed since its last passing run is not run again (course/executed.py).
#   GAN_HELPERS_QUICK=1 make site    quick profile, in minutes
site: install
	$(PY) -m course.site

slides: install
	$(PY) -m course.slides

# The instructor's copies of the notebooks, exercises solved, and notes (build/solutions/).
solutions: install
	$(PY) -m course.solutions

# The exercises as nbgrader assignments for a lecturer who grades (build/grading/: course/grading.py).
grading: install
	$(PY) -m course.grading

# Format and fix what ruff can fix by itself (the package, tests, benchmarks and notebooks).
lint: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

benchmark: install
	$(PY) benchmarks/training_loop.py

clean:
	rm -rf $(VENV) .venv-colab .venv-kaggle .pytest_cache build work

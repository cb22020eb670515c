# Neural Networks, Step by Step — the commands a learner, teacher or author needs.
#   make lab     set up (first time only) and open JupyterLab on the notebooks
#   make test    set up (first time only) and run every test: unit, notebooks (nbval), browser
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NB     ?= notebooks/*.ipynb
PORT   ?= 8888
# JupyterLab refuses to run as root unless told; only pass the flag when we are root (containers, CI).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help install install-lab lab notebook present test-oldest test test-other-cpu test-fast lint execute solutions nbgrader bench bench-widgets bench-widgets-browser bench-notebooks data doctor clean

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 24

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Re-installs only when pyproject.toml changed since the last install (idempotent).
# Learners get the course alone; `make test` adds the test and authoring tools (the [test] extra) and nbgrader
# (the [grade] extra), so the nbgrader edition's test runs.
LAB_STAMP := $(VENV)/.installed-lab
$(LAB_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	mkdir -p $(VENV)/share/jupyter/lab/settings && cp binder/overrides.json $(VENV)/share/jupyter/lab/settings/
	touch $(LAB_STAMP)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test,grade]'
	mkdir -p $(VENV)/share/jupyter/lab/settings && cp binder/overrides.json $(VENV)/share/jupyter/lab/settings/
	touch $(STAMP) $(LAB_STAMP)

install: $(STAMP)  ## create .venv and install the course with its test tools (skipped when up to date)
	@echo "Environment ready: $(VENV)"

install-lab: $(LAB_STAMP)  ## create .venv and install what the course needs, no test tools
	@echo "Environment ready: $(VENV)"

# JupyterLab's "get notified about Jupyter news?" pop-up stays off: it would interrupt a class.
JUPYTER_FLAGS := --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) --ServerApp.root_dir=notebooks --no-browser \
	--LabApp.news_url=None --LabServerApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate $(ROOT_FLAG)

lab: install-lab  ## open JupyterLab on notebooks/ (http://127.0.0.1:$(PORT), token auth on)
	$(VENV)/bin/jupyter lab $(JUPYTER_FLAGS)

notebook: install-lab  ## open the notebooks in Jupyter Notebook 7 (same loopback and token rules as make lab)
	$(VENV)/bin/jupyter notebook $(JUPYTER_FLAGS)

# Presenting live (docs/teaching-guide.md, "Presenting"): JupyterLab opens on the one notebook; the deck
# (jupyterlab-slideshow) presents it inside JupyterLab, so its widgets stay live on the slides.
# The kernels it starts draw in the projector style (NN_STYLE=projector, read by helpers/widgets.py at import:
# large fonts, each live plot fitting a 1280 x 720 slide); `make present NB=... NN_STYLE=default` keeps the usual one.
NN_STYLE ?= projector
present: install-lab  ## open JupyterLab on one notebook, ready to present (make present NB=notebooks/01_neurons.ipynb)
	@if [ "$(words $(wildcard $(NB)))" != 1 ]; then \
		echo "make present needs one notebook: make present NB=notebooks/01_neurons.ipynb"; exit 2; fi
	@echo "Then: Run > Run All Cells; click the cell to start at; the deck button in the notebook's toolbar"
	@echo "(or Ctrl+Shift+C, 'Start Deck'). Space / arrows move on, Esc leaves. Plots: $(NN_STYLE) style."
	NN_STYLE=$(NN_STYLE) $(VENV)/bin/jupyter lab $(JUPYTER_FLAGS) --LabApp.default_url=/lab/tree/$(notdir $(NB))

lint: install  ## ruff over helpers, tests, bench and the notebooks
	$(VENV)/bin/ruff check helpers tests bench notebooks

test: install lint  ## the whole suite: unit tests, nbval over every notebook, browser tests
	$(PY) -m pytest

# nbval once more as a machine unlike this one computes: PyTorch's plain kernels (no AVX2 / AVX-512) and one
# thread, so floating-point sums run in another order. A checked output (cell tag nbval-check-output) must not
# depend on the CPU; this proves it (README, "What the tests check"). CI runs it after make test.
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are left as the machine sets them.
test-other-cpu: install  ## nbval over every notebook with no vector kernels and one thread, as another CPU computes
	ATEN_CPU_CAPABILITY=default OMP_NUM_THREADS=1 $(PY) -m pytest notebooks

# The floors in pyproject.toml are tested, not guessed: a venv of its own gets the LOWEST version of every
# direct dependency that pyproject admits (uv's lowest-direct resolution; torch comes from PyPI, a large
# download), then the unit tests and nbval run there. (The solutions edition and the hub are version-neutral; nbgrader,
# the [grade] extra, is not in [test]: its own floor is the version its test runs, see pyproject.toml.)
OLDEST ?= .venv-oldest
test-oldest: install  ## unit tests + nbval on the lowest versions pyproject admits (own venv: .venv-oldest)
	rm -rf $(OLDEST)
	$(VENV)/bin/uv venv -q --python $(PYTHON) $(OLDEST)
	VIRTUAL_ENV=$(OLDEST) $(VENV)/bin/uv pip install -q --resolution lowest-direct -e '.[test]'
	VIRTUAL_ENV=$(OLDEST) $(VENV)/bin/uv pip list 2>/dev/null | grep -iE '^(torch|torchvision|numpy|matplotlib|ipywidgets|jupyterlab|notebook|nbval|pytest) '
	$(OLDEST)/bin/python -m pytest tests notebooks --ignore=tests/browser \
		--ignore=tests/test_solutions_edition.py --ignore=tests/test_hub.py --ignore=tests/test_nbgrader_edition.py \
		--nbval-sanitize-with tests/oldest_sanitize.cfg

test-fast: install  ## unit tests only (no notebooks, no browser)
	$(PY) -m pytest tests --ignore=tests/browser --ignore=tests/test_hub.py --ignore=tests/test_solutions_edition.py

# Saved notebooks carry no widget state and no per-cell timestamps (small files, quiet diffs);
# the cell metadata kept is RISE's slideshow and the tags.
EXECUTE_FLAGS := --ExecutePreprocessor.store_widget_state=False --ExecutePreprocessor.record_timing=False \
	--ClearMetadataPreprocessor.enabled=True \
	--ClearMetadataPreprocessor.preserve_nb_metadata_mask=kernelspec \
	--ClearMetadataPreprocessor.preserve_nb_metadata_mask=language_info \
	--ClearMetadataPreprocessor.preserve_cell_metadata_mask=slideshow \
	--ClearMetadataPreprocessor.preserve_cell_metadata_mask=tags

# The kernel cuts printed text into chunks at moments that vary from run to run; a second pass joins the chunks
# of each cell (nbconvert runs its coalescing before, not after, executing), so two runs save the same file.
execute: install  ## run notebooks top to bottom and save their outputs (NB=notebooks/03_*.ipynb for one)
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace $(EXECUTE_FLAGS) $(NB)
	$(VENV)/bin/jupyter nbconvert --to notebook --inplace --log-level=WARN --CoalesceStreamsPreprocessor.enabled=True $(NB)

data: install-lab  ## download MNIST into data/ (once, needs internet)
	$(PY) -m helpers.data

doctor: install-lab  ## check Python, the course's packages, PyTorch, widgets and data, with fixes
	$(PY) -m helpers.doctor

solutions: install  ## write the instructor edition (every exercise solved) to build/solutions/
	$(PY) -m helpers.editions build/solutions

nbgrader: install-lab  ## write the nbgrader edition (a course folder: source/<notebook>/, nbgrader_config.py) to build/nbgrader/
	$(PY) -m helpers.editions --nbgrader build/nbgrader
	@echo "Next (docs/teaching-guide.md, 'Grading with nbgrader'): pip install '.[grade]', then in build/nbgrader:"
	@echo "nbgrader generate_assignment 01_neurons"

bench: install  ## training benchmark: seed loop vs ours vs improved recipe (last line: JSON)
	$(PY) bench/bench_training.py

bench-widgets: install  ## slider-to-redraw time of every interactive plot (median ms)
	$(PY) bench/bench_widgets.py

bench-widgets-browser: install  ## slider key press to new picture in JupyterLab + Chromium, notebooks 01-05 (JSON)
	$(PY) bench/bench_widgets_browser.py $(BENCH_FLAGS)

bench-notebooks: install  ## seconds and kernel peak memory of every notebook run headless (last line: JSON)
	$(PY) bench/bench_notebooks.py

clean:  ## remove the environment and caches (keeps data/)
	rm -rf $(VENV) $(OLDEST) .pytest_cache .ruff_cache tests/browser/screenshots *.egg-info

# --- A class on a hub (docs/hub.md): a local demo JupyterHub, its proxy from npm, and the load test ----------
HUB_PORT  ?= 8000
LEARNERS  ?= 10
HUB_STAMP := hub/node_modules/.installed
.PHONY: hub hub-load hub-proxy hub-lint

$(HUB_STAMP): hub/package.json hub/package-lock.json
	@if command -v npm >/dev/null; then \
		cd hub && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else echo "npm not found: install Node.js 20+ to run the hub (make hub); the hub tests skip without it"; fi

hub-proxy: $(HUB_STAMP)  ## install the hub's proxy (configurable-http-proxy) from npm into hub/node_modules

# `make test` installs the proxy too, so the short hub test (tests/test_hub.py) runs.
test: hub-proxy

hub: install hub-proxy  ## local demo JupyterHub on http://127.0.0.1:$(HUB_PORT), random passwords printed (Ctrl-C stops)
	$(PY) -m hub.launch --port $(HUB_PORT)

hub-load: install hub-proxy  ## load test: LEARNERS=N learners run notebooks 01-05 on the local hub (last line: JSON)
	$(PY) -m hub.load_test --learners $(LEARNERS) $(HUB_LOAD_FLAGS)

hub-lint: install
	$(VENV)/bin/ruff check hub
lint: hub-lint

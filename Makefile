# Back Channels: thin targets over the helper package, Jupyter and nbgrader.
# `make lab` opens the course; `make test` runs every test. Both create .venv on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: course-time student-dist
.PHONY: help lab test check course-map clean-notebooks venv assignments grade report slides html app lecture bench site

help:
	@echo "make lab    - open the course in JupyterLab (creates .venv on first run)"
	@echo "make test   - run every test: data, widgets, notebooks, homework, browser, hub (as root); TEST_JOBS=0 runs them one by one"
	@echo "make check  - validate data tables and question banks"
	@echo "make slides  - offline reveal.js decks of every lesson in _build/slides/ (S = speaker notes)"
	@echo "make site    - the course website in _build/site/ (search, glossary, bibliography; offline)"
	@echo "make html    - same as make site"
	@echo "make app     - the lessons as a self-study app (Voila, no code) on http://127.0.0.1:8866/"
	@echo "make lecture - live slides with working exercises (Voila reveal) on http://127.0.0.1:8867/ (runs beside make app)"
	@echo "make assignments - regenerate the student versions of the homework (nbgrader)"
	@echo "make grade SUBMISSIONS=folder [JOBS=n] [UNCONFINED=1] - autograde collected homework (student code sandboxed), write grades.csv and feedback"
	@echo "make report - class report from the grades: score distributions and questions to reteach"
	@echo "make student-dist - the students' copy without solutions in _build/student/ (a git repository; STUDENT_DIST=dir)"
	@echo "make bench  - measure lesson run time, kernel memory, widget latency, grading and setup; writes bench/results.md"

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Back Channels needs Python 3.11 or newer; this is " + sys.version.split()[0] + ". Run: make PYTHON=python3.12 ...")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=. $(ROOT_FLAG) notebooks/00_start_here.ipynb

# Tests run in parallel, each worker taking a whole file at a time (its fixtures, servers and
# browser are shared within it); TEST_JOBS=0 runs them in this process, one by one. One worker more
# than there are cores (at most 6): the browser tests spend much of their time waiting on pages and
# kernels, so a third worker on a 2-core machine keeps both cores busy (396 s with 2, 311 s with 3,
# 330 s with 4 on 3 December 2026).
TEST_JOBS ?= $(shell $(PYTHON) -c 'import os; print(min((os.cpu_count() or 1) + 1, 6))')

test:
	@# As root, the hub test's own environment (Debian's Python, about 45-60 s of pip and npm on a new
	@# machine) is made in the background from the start, on the core that pip's single process
	@# leaves idle; the hub test waits for it (a lock) if it is not done yet.
	@mkdir -p test-results; \
	if [ "$$(id -u)" = 0 ]; then nohup $(PYTHON) -m tests.support.hub --prepare > test-results/hub-env.log 2>&1 & fi; \
	$(MAKE) --no-print-directory venv
	$(BIN)/python -m backchannels.browser --ensure
	$(BIN)/python -m backchannels.grading sandbox --install
	$(BIN)/python -m pytest $(if $(filter 0,$(TEST_JOBS)),,-n $(TEST_JOBS) --dist loadfile --no-loadscope-reorder)

check: $(STAMP)
	$(BIN)/backchannels check

course-map: $(STAMP)
	$(BIN)/python -m backchannels.course --write

course-time: $(STAMP)
	$(BIN)/python -m backchannels.course --time

clean-notebooks: $(STAMP)
	$(BIN)/jupyter nbconvert --clear-output --inplace notebooks/*.ipynb

# Homework (nbgrader): see exercises/README.md.
SUBMISSIONS ?= exercises/submitted
JOBS ?=
GRADED ?= exercises
UNCONFINED ?=

assignments: $(STAMP)
	$(BIN)/python -m backchannels.grading generate

grade: $(STAMP)
	$(BIN)/python -m backchannels.grading grade "$(SUBMISSIONS)" --out "$(GRADED)" $(if $(JOBS),--jobs $(JOBS),) $(if $(UNCONFINED),--unconfined,)

report: $(STAMP)
	$(BIN)/python -m backchannels.grading report --graded "$(GRADED)"

# Teaching modes: see "Teaching with it" in the README.
slides: $(STAMP)
	$(BIN)/python -m backchannels.export slides

# The course website: one page per lesson, landing page, glossary, bibliography, search.
# REPOSITORY=https://github.com/org/repo (and HUB=https://hub.example.edu) turn on launch buttons.
REPOSITORY ?=
HUB ?=

site: $(STAMP)
	BACKCHANNELS_SITE_REPOSITORY="$(REPOSITORY)" BACKCHANNELS_SITE_JUPYTERHUB_URL="$(HUB)" \
		$(BIN)/python -m backchannels.website

html: site

app: $(STAMP)
	$(BIN)/python -m backchannels.app

lecture: $(STAMP)
	$(BIN)/python -m backchannels.app --slides

# Benchmark (issue 11): every figure against its target; results in bench/results.md and .json.
# Options through BENCH_ARGS, e.g. make bench BENCH_ARGS="--quick --only notebooks,widgets".
BENCH_ARGS ?=

bench: $(STAMP)
	$(BIN)/python -m backchannels.browser --ensure
	$(BIN)/python -m backchannels.bench $(BENCH_ARGS)

# Student distribution (issue 19): lessons, data, package and exercises/release/ only, checked to
# hold no solution, hidden test or instructor-only file; committed as a git repository (branch main).
STUDENT_DIST ?= _build/student

student-dist: $(STAMP)
	$(BIN)/python -m backchannels.studentdist build --git --out "$(STUDENT_DIST)"

# mtbs_tui: two commands do everything on a fresh machine.
#   make run    create .venv, install, start the TUI on the demo database (created if missing)
#   make test   create .venv if needed, install test dependencies and tools, run make lint, then
#               the whole suite
#   make lint   ruff, mypy and the import-linter layer contracts (config in pyproject.toml)
#   make bench  run the benchmarks (figures as ratios against baselines measured in the same run)
#   make docs-preview  render the card, the referral letter and the monthly report of a demo
#               register to PNG in build/preview, and refresh the PNGs in docs/

PYTHON ?= python3
VENV   := .venv
ifeq ($(OS),Windows_NT)
BIN := $(VENV)/Scripts
else
BIN := $(VENV)/bin
endif
PY   := $(BIN)/python
MTBS := $(BIN)/mtbs
PYTEST_ARGS ?=

.PHONY: run lint test test-slow bench docs-preview tools clean help

help:
	@echo "make run    - pasang dan buka aplikasi dengan database demo"
	@echo "make test   - pasang dependensi uji, periksa kode (make lint) dan jalankan semua uji"
	@echo "make lint   - ruff, mypy dan kontrak lapisan import-linter"
	@echo "make bench  - jalankan benchmark"
	@echo "make docs-preview - gambar PNG kartu ibu, surat rujukan dan laporan bulanan (demo)"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed-app

run: $(VENV)/.installed-app
	$(MTBS) demo --if-missing
	$(MTBS) tui --demo

# Tools the tests drive: tmux (smoke test of the real command) and poppler-utils (PDF to text/PNG).
tools:
	@missing=""; \
	command -v tmux >/dev/null 2>&1 || missing="$$missing tmux"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=""; [ "$$(id -u)" = "0" ] || SUDO="sudo"; \
	    echo "Memasang:$$missing"; \
	    $$SUDO apt-get update -qq >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Peringatan: pasang$$missing secara manual; uji yang membutuhkannya dilewati."; \
	  fi; \
	fi

# ruff (pyflakes and pycodestyle errors), mypy (strict on the rules and the register) and the layer
# contracts of import-linter; the configuration of all three is in pyproject.toml.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check mtbs_tui tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

# Three workers on two cores: the tests wait on fsync (synchronous=FULL), subprocesses and tmux, so a
# third worker fills those waits (a clean clone: 6 min 32 s with -n 2, 5 min 50 s with -n 3, the same
# with -n 4).
# Bytecode caches are written for the test run even where the environment says not to (CI sets
# PYTHONDONTWRITEBYTECODE=1): without them every worker and every `mtbs` subprocess compiles the
# project again (collection 7.4 s CPU per worker without, 2.6 s with). The caches are in .gitignore.
# --dist worksteal: an idle worker takes tests from a busy one, so a few long Pilot tests at the end
# of one worker's share do not leave the others waiting.
test: lint tools
	@PYTHONDONTWRITEBYTECODE= $(PY) -m compileall -q mtbs_tui >/dev/null
	@PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n 3 --dist worksteal -m "not slow" $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "GAGAL: tidak ada uji yang dijalankan (pytest exit 5)"; exit 1; fi; \
	exit $$status

test-slow: $(VENV)/.installed-test tools
	$(PY) -m pytest -m slow $(PYTEST_ARGS)

bench: $(VENV)/.installed-test tools
	@set -e; for script in bench/bench_*.py; do \
	  echo "== $$script"; $(PY) $$script; echo; \
	done

# What a mother, a hospital and the Dinas receive, as PNG for a person to look at (one demo register).
docs-preview: $(VENV)/.installed-test tools
	@mkdir -p build/preview
	rm -f build/preview/demo.db build/preview/demo.db-wal build/preview/demo.db-shm
	$(MTBS) --db build/preview/demo.db demo
	$(PY) bench/preview_documents.py --db build/preview/demo.db --docs
	$(PY) bench/preview_monthly.py --db build/preview/demo.db --docs

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache .ruff_cache .import_linter_cache build *.egg-info

# The two commands of the README's Quick start. Each bootstraps .venv with pip.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench clean-demo messages

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("phatthanh needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/phatthanh build-episode samples/articles/*.txt --title "Bản tin thời sự huyện Sông Xanh" --date 2026-11-24 --replace

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy --strict src

unit: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH)

# The staff's messages in Vietnamese (docs: README "Language of messages"): extract every marked
# message, merge it into the .po (translate what is new or fuzzy there), compile the .mo that ships.
LOCALE := src/phatthanh/locale
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k help_line --no-location --sort-output \
		--project phatthanh -o $(LOCALE)/phatthanh.pot src/phatthanh
	$(BIN)/pybabel update -i $(LOCALE)/phatthanh.pot -d $(LOCALE) -D phatthanh -l vi --ignore-obsolete \
		--width 100
	$(BIN)/pybabel compile -d $(LOCALE) -D phatthanh --statistics

clean-demo:
	rm -rf episodes/*/ feeds/*

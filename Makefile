# kuajing — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8700
SANDBOX_PORT ?= 8710
KUAJING_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export KUAJING_TEST_POSTGRES_URL

.PHONY: install demo test lint typecheck bench migrate clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/kuajing db upgrade

demo: install
	$(BIN)/kuajing db upgrade
	$(BIN)/kuajing demo --port $(PORT) --sandbox-port $(SANDBOX_PORT)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy src

# Under CI the PostgreSQL tests must run: the URL is set and a skipped postgres test fails the run.
test: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src
	$(BIN)/pytest -n 2 --dist worksteal -q

bench: install
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) var/*.sqlite3 .pytest_cache .mypy_cache .ruff_cache

# kuajing — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8700
SANDBOX_PORT ?= 8710
KUAJING_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
export KUAJING_TEST_POSTGRES_URL

.PHONY: install browser screenshots demo test lint typecheck bench migrate clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Browser tests drive Debian's Chromium (never a downloaded browser) and need a Chinese font: as root
# this installs both once; otherwise it says how (the tests then skip, and fail under CI).
browser:
	@if command -v chromium >/dev/null && fc-list :lang=zh 2>/dev/null | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends chromium fonts-wqy-microhei; \
	else echo "make browser: Chromium or a Chinese font is missing and this is not root:" \
		"run 'sudo make browser' (apt-get install chromium fonts-wqy-microhei)"; fi

# The user guides' pictures: the browser journeys, saving their screenshots into docs/screenshots.
screenshots: install browser
	KUAJING_SCREENSHOT_DIR=docs/screenshots $(BIN)/pytest -q -p no:xdist tests/e2e

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
# The long runs (marker `long`: the fault storms, the simulated months, the four workers) go first,
# side by side: most of their time is spent waiting out injected timeouts and simulated steps, so
# five processes on two cores finish them sooner than two would; then the rest on two.
test: install browser
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src
	$(BIN)/pytest -n 5 -q -m long
	$(BIN)/pytest -n 2 --dist worksteal -q -m "not long"

bench: install
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) var/*.sqlite3 .pytest_cache .mypy_cache .ruff_cache

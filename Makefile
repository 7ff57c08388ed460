# Two commands do all the set-up on a fresh machine:
#   make site   - build the example site into public/
#   make test   - run the whole test suite (installs what it needs)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: site test check clean chromium

site: $(VENV)/.installed
	$(BIN)/factcheck build

check: $(VENV)/.installed
	$(BIN)/factcheck check

test: $(VENV)/.test-installed chromium
	$(BIN)/python -m pytest

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# Browser tests drive Debian's Chromium through Playwright. Install it when it
# is missing and we may (root); otherwise the browser tests say why they skip.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "chromium is not installed and we are not root: browser tests will be skipped"; \
	  fi; \
	fi

clean:
	rm -rf public $(VENV) *.egg-info

# Two commands do all the set-up on a fresh machine:
#   make site   - build the example site into public/
#   make test   - run the whole test suite (installs what it needs)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: site test check clean chromium java npm bench catalogues

# $(call apt-install,COMMAND,DEBIAN-PACKAGE,WHAT IS MISSED WITHOUT IT): install
# the package when COMMAND is missing and we may (root, with apt-get);
# otherwise say what the tests will do without it. Another apt-get (a CI
# runner's automatic updates) may hold apt's locks: install waits up to 10
# minutes for dpkg's (DPkg::Lock::Timeout); update does not honour that option
# for the package lists' lock (apt 2.6), so it is tried again, for as long.
APT_RETRY_SECONDS ?= 30

define apt-install
@if ! command -v $(1) >/dev/null 2>&1; then \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
    for attempt in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 0; do \
      apt-get update -qq && break; \
      [ $$attempt = 0 ] && exit 1; \
      echo "apt-get update failed (another apt-get may hold its lock): trying again in $(APT_RETRY_SECONDS) s"; \
      sleep $(APT_RETRY_SECONDS); \
    done; \
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq $(2); \
  else \
    echo "$(1) is not installed and we are not root: $(3)"; \
  fi; \
fi
endef

site: $(VENV)/.installed
	$(BIN)/factcheck build

check: $(VENV)/.installed
	$(BIN)/factcheck check

# After adding or changing an interface string: generator/locale/messages.pot
# extracted again (babel.cfg), every shipped .po brought up to it (new
# messages empty, for the translators). tests/unit/test_catalogues.py fails
# until both are committed and every catalogue translates every message.
catalogues: $(VENV)/.test-installed
	$(BIN)/python tests/cataloguekit.py

# The suite includes the import-linter contracts of pyproject.toml (tests/test_import_layers.py).
test: $(VENV)/.test-installed chromium java tests/js/node_modules/.package-lock.json
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
	$(call apt-install,chromium,chromium,browser tests will be skipped)

# Accessibility and HTML checks use axe-core and the Nu HTML checker (vnu-jar),
# pinned in tests/js/package-lock.json. `npm ci` runs again only when the lock
# file changes. --ignore-scripts: vnu-jar's install script would download a
# Java runtime; the system's java runs the checker. Without npm (and not root)
# those tests say why they skip.
tests/js/node_modules/.package-lock.json: tests/js/package-lock.json | npm
	@if command -v npm >/dev/null 2>&1; then \
	  cd tests/js && npm ci --ignore-scripts --no-audit --no-fund; \
	else \
	  echo "npm is not installed: the axe-core and Nu HTML checker tests will be skipped"; \
	fi

npm:
	$(call apt-install,npm,npm,axe-core and vnu-jar cannot be installed)

# The Nu HTML checker is a Java program: Debian's headless runtime when java is
# missing and we may (root); otherwise that test says why it skips.
java:
	$(call apt-install,java,default-jre-headless,the Nu HTML checker test will be skipped)

# The benchmark of issues 5 and 13 against Hugo, Hugo + Pagefind and Pelican, in an environment of its own
# (tests/bench/README.md). Minutes to an hour at the default sizes; a quick look:
#   make bench BENCH_ARGS="--sizes 1000 --runs 1 --edits 3"
BENCH_VENV ?= .bench-venv
BENCH_ARGS ?=

bench: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python tests/bench/run.py $(BENCH_ARGS)

$(BENCH_VENV)/.installed: pyproject.toml tests/bench/requirements.txt
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/bench/requirements.txt -e .
	touch $@

clean:
	rm -rf public .factcheck-lock-public .previous-public-* .spare-public .import_linter_cache $(VENV) $(BENCH_VENV) *.egg-info

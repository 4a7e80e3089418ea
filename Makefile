# asynclings — `make run` opens the course, `make test` runs every test.
# Both set up what is missing first: system libraries (apt, when root) and a .venv.

SWIFT        ?= swift
PYTHON       ?= python3
VENV         := .venv
VENV_PY      := $(VENV)/bin/python
RELEASE_BIN  := .build/release/asynclings
# `make run` builds the debug configuration, the one `swift test` builds: `make test`
# after `make run` then compiles only the test targets (a release build shares nothing
# with `swift test`'s debug one; even with -enable-testing on both, `swift test -c release`
# after `swift build -c release` recompiled every module, and the other way round too).
DEBUG_BIN    := .build/debug/asynclings
# Without root, install for this user (~/.local/bin, as pipx and pip --user do).
PREFIX       ?= $(if $(filter 0,$(shell id -u)),/usr/local,$(HOME)/.local)
APT_PACKAGES := libgit2-dev libcmark-gfm-dev libcmark-gfm-extensions-dev pkg-config bubblewrap
SWIFT_TEST_FLAGS ?=

.PHONY: all deps system-deps venv dev-tools build build-debug run test test-swift test-harness check-harness check-ci lint bench install uninstall clean

all: build

deps: system-deps venv

# libgit2, cmark-gfm and bubblewrap (the sandbox every grade runs in) come from Debian
# packages. As root we install them; otherwise we print the exact command and stop.
system-deps:
	@if pkg-config --exists libgit2 libcmark-gfm 2>/dev/null \
	   && [ -f /usr/include/cmark-gfm-core-extensions.h ] && command -v bwrap >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "==> installing $(APT_PACKAGES)"; \
	  apt-get update -qq && apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	else \
	  echo "asynclings needs system libraries. Run:"; \
	  echo "  sudo apt-get install -y $(APT_PACKAGES)"; \
	  exit 1; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt scripts/make-venv
	@scripts/make-venv "$(PYTHON)" "$(VENV)"
	@touch $@

# The project's own checks (ruff, mypy), pinned apart from what the lessons need.
dev-tools: $(VENV)/.dev-installed

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	@$(VENV_PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

build: deps
	$(SWIFT) build -c release --product asynclings

# The same configuration `swift test` builds (see DEBUG_BIN).
build-debug: deps
	$(SWIFT) build --product asynclings

# Opens the course; then says how to have `asynclings` on PATH if it is not yet.
run: build-debug
	@status=0; $(DEBUG_BIN) || status=$$?; \
	  scripts/path-hint "$(abspath $(PREFIX))/bin" "make install"; \
	  exit $$status

# One Swift build: `swift test` builds the debug package, the binary the end-to-end tests
# run included, reusing what `make run` built (the release build is for `install` and `bench`).
test: test-harness check-harness check-ci test-swift

test-swift: deps
	$(SWIFT) test --disable-xctest $(SWIFT_TEST_FLAGS)

# The harness is stdlib-only Python: its tests run on every 3.11+ interpreter found.
test-harness: venv
	@scripts/test-harness "$(VENV_PY)"

# The harness package's lint and types (configured in its pyproject.toml).
check-harness: dev-tools
	@echo "==> ruff and mypy on the harness"
	@cd Sources/Grading/harness && $(CURDIR)/$(VENV)/bin/ruff check --quiet . && $(CURDIR)/$(VENV)/bin/mypy

# The CI workflow templates (docs/ci/) against the GitHub Actions and GitLab CI schemas that
# check-jsonschema vendors (no network), and the script they run against `sh -n`.
check-ci: dev-tools
	@echo "==> CI workflow templates"
	@$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows docs/ci/github-actions.yml
	@$(VENV)/bin/check-jsonschema --builtin-schema vendor.gitlab-ci docs/ci/gitlab-ci.yml
	@sh -n docs/ci/grade-push.sh

# Style of the Swift sources against .swift-format (lint only: nothing is rewritten).
lint: check-harness
	$(SWIFT) format lint --recursive --parallel Package.swift Sources Tests

bench: build
	@$(VENV_PY) scripts/bench.py --binary $(RELEASE_BIN)

install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/asynclings
	install -m 755 $(RELEASE_BIN) $(DESTDIR)$(PREFIX)/bin/asynclings
	rm -rf $(DESTDIR)$(PREFIX)/share/asynclings/harness
	cp -R Sources/Grading/harness $(DESTDIR)$(PREFIX)/share/asynclings/harness
	@# Grades see the harness read-only: compile it now, or every grade compiles it again.
	-$(VENV_PY) -m compileall -q $(DESTDIR)$(PREFIX)/share/asynclings/harness
	@scripts/path-hint "$(abspath $(DESTDIR)$(PREFIX))/bin"

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/asynclings
	rm -rf $(DESTDIR)$(PREFIX)/share/asynclings

clean:
	rm -rf .build $(VENV)

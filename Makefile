# Popup Till: the two commands a new developer needs.
#   make run   build and open the till (installs what it needs when missing)
#   make test  every check CI runs: format, lints, unit, integration and
#              end-to-end tests of the real app under Xvfb
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
XVFB := xvfb-run -a -s "-screen 0 1280x720x24"

.PHONY: run test deps lint unit e2e bench deb

run:
	scripts/ensure-deps.sh run
	cargo build -p popup-till
	@if [ -n "$$DISPLAY" ] || [ -n "$$WAYLAND_DISPLAY" ]; then \
	  ./target/debug/popup-till $(ARGS); \
	else \
	  echo "No display: running under Xvfb"; $(XVFB) ./target/debug/popup-till $(ARGS); \
	fi

test: deps lint unit e2e

deps:
	scripts/ensure-deps.sh test

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

unit:
	cargo test -p popup-till-core -p popup-till

# The end-to-end tests drive the built app; they fail (never skip) without a
# display, so they always run under Xvfb here.
e2e:
	@[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund
	cargo build -p popup-till
	$(XVFB) cargo test -p popup-till-e2e -- --test-threads=1

# The core's benchmarks, then the window benchmark: the release build of the
# app driven under Xvfb on a big till file (built on the first run and kept
# under target/bench-season/; a few minutes).
bench:
	cargo bench -p popup-till-core
	cargo build --release -p popup-till -p popup-till-e2e --bins --examples
	$(XVFB) ./target/release/examples/window_speed

deb:
	TAURI_APP_PATH=src-tauri npx --yes @tauri-apps/cli@2 build --bundles deb

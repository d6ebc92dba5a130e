# SPDX-License-Identifier: Apache-2.0
#
# A thin front over CMake presets (CMakePresets.json): `hv` builds the
# freestanding hypervisor, examples and boot tests; `host` builds the core
# for unit tests under ASan and UBSan. Every target first makes sure the
# Debian packages are there (.ci/install-deps).

SHELL := /bin/bash

.PHONY: all deps build demo test unit boot bench docs install format format-check lint clean

all: build

deps:
	@.ci/install-deps

build: deps
	cmake --preset hv
	cmake --build --preset hv
	cmake --preset host
	cmake --build --preset host

# Boots the demo appliance with its console on this terminal; exits 0 when
# the appliance's verdict is PASS.
demo: build
	tests/boot/hv-qemu-run --interactive --timeout 60 --iso build/hv/examples/demo/demo.iso

test: build format-check lint docs
	ctest --preset host
	ctest --preset hv

unit: build
	ctest --preset host

boot: build
	ctest --preset hv

# One line per figure: `bench: <name> <value> <unit>`.
bench: build
	tests/bench/run-bench build/hv

docs: deps
	cmake --preset hv
	cmake --build --preset hv --target docs

install: build
	cmake --install build/hv

FORMAT_FILES = $(shell git ls-files '*.c' '*.h')

format:
	clang-format -i $(FORMAT_FILES)

format-check: deps
	clang-format --dry-run --Werror $(FORMAT_FILES)

# clang-tidy over every C file: those of the freestanding build with its
# compilation database (GCC-only flags taken out: clang does not know
# them), the host-only tools (hvsim) with the host build's. The
# out-of-tree example is built only against the installed SDK, by the
# packaging test, so no database here has its flags: it is left out.
HOST_ONLY_C = '^(tests/unit|dom0-kit/hvsim|examples/out-of-tree)/'

lint: build
	mkdir -p build/lint
	sed 's/ -fno-tree-loop-distribute-patterns//g; s/ -mgeneral-regs-only//g' \
		build/hv/compile_commands.json >build/lint/compile_commands.json
	clang-tidy -p build/lint --quiet $$(git ls-files '*.c' | grep -Ev $(HOST_ONLY_C)) 2>&1 | \
		{ grep -v 'warnings generated' || true; }; \
	exit $${PIPESTATUS[0]}
	clang-tidy -p build/host --quiet $$(git ls-files 'dom0-kit/hvsim/*.c') 2>&1 | \
		{ grep -v 'warnings generated' || true; }; \
	exit $${PIPESTATUS[0]}

clean:
	rm -rf build

# apitwin: the Makefile orchestrates; npm scripts and scripts/ are the building blocks.
# `make` alone lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NPM ?= npm
NODE_MODULES_STAMP := node_modules/.install-stamp

.PHONY: help install generate check-generated lint typecheck build test test-unit contract run bench ci clean format

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-16s %s\n", $$1, $$2}'

# `npm install` rather than `npm ci`: npm 11 drops other platforms' optional packages (Biome's) from
# the lock file, which `npm ci` then refuses; `npm install` honours the lock file all the same.
$(NODE_MODULES_STAMP): package.json package-lock.json
	$(NPM) install --no-audit --no-fund
	@touch $@

install: $(NODE_MODULES_STAMP) ## Install npm dependencies

generate: install ## Regenerate generated/ from openapi/ (openapi-typescript)
	$(NPM) run --silent generate

check-generated: install ## Fail when generated/ is stale
	$(NPM) run --silent check-generated

lint: install ## Biome, Redocly lint of the specs, and tsc --noEmit
	npx biome check .
	npx redocly lint --config redocly.yaml --format stylish
	npx tsc -p tsconfig.json --noEmit

typecheck: install ## tsc --noEmit only
	npx tsc -p tsconfig.json --noEmit

build: install ## Compile to dist/
	rm -rf dist
	npx tsc -p tsconfig.build.json

test-unit: install ## Unit, spec and HTTP tests (node --test)
	node scripts/run-tests.mjs

contract: build ## Start the built twin on a free port and replay every documented example with Dredd
	node --import tsx contract-tests/run-dredd.ts

test: install check-generated lint test-unit contract ## Everything CI runs
	@echo "make test: all checks passed"

ci: test ## Alias of test

run: build ## Install, build and serve both twins with their default data
	node dist/src/cli.js serve

bench: build ## Benchmarks (not part of make test)
	@echo "no benchmarks yet"

format: install ## Apply Biome's formatting and safe fixes
	npx biome check --write .

clean: ## Remove build output
	rm -rf dist test-output

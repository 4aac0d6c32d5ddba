# The two commands a newcomer needs: `make up` (dev cluster) and `make test` (every test).
# Everything here works on a fresh machine: `infra/dev/bootstrap` installs what is missing.

SHELL := /bin/bash
TOKEN_INFRA_CACHE ?= /var/cache/token-infra
export TOKEN_INFRA_CACHE
# The librdkafka that the dev broker needs is built once into the cache (infra/dev/bootstrap);
# its pkg-config file must win over Debian's older one at build time.
export PKG_CONFIG_PATH := $(TOKEN_INFRA_CACHE)/pkgconfig$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH))

SWIFT_BUILD_FLAGS ?=

.PHONY: bootstrap build release test test-web bench loadtest soak fuzz format lint clean up down status logs

bootstrap:
	@infra/dev/bootstrap

build: bootstrap
	swift build $(SWIFT_BUILD_FLAGS)

release: bootstrap
	swift build -c release $(SWIFT_BUILD_FLAGS)

## The dev cluster on loopback (release build): Redis, broker, issuer with the demo users,
## jwks and two resource instances. `make down` stops it; `make status`, `make logs`.
up: bootstrap
	infra/dev/cluster up

down:
	infra/dev/cluster down

status:
	infra/dev/cluster status

logs:
	infra/dev/cluster logs

## Every test: unit tests, the tests against a real Redis and a real broker (infra/dev/test-env
## starts them on their own loopback ports), the end-to-end tests against a private dev cluster
## of the real executables (infra/dev/e2e-env), the docker-compose check, the compose emulation
## (the image's static release binaries run as docker-compose.yml says, without Docker:
## docs/DOCKER.md) and the load-test harness's own unit tests.
test: bootstrap
	swift build --build-tests $(SWIFT_BUILD_FLAGS)
	infra/dev/test-env swift test --skip-build --skip EndToEndTests --skip StalledReaderMemoryTests $(SWIFT_BUILD_FLAGS)
	# Alone: it writes 1,000,000 events, a minute of CPU that would starve the timed tests.
	infra/dev/test-env swift test --skip-build --filter StalledReaderMemoryTests $(SWIFT_BUILD_FLAGS)
	infra/dev/e2e-env swift test --skip-build --filter EndToEndTests $(SWIFT_BUILD_FLAGS)
	infra/tests/check-compose
	infra/tests/emulate-compose
	python3 -m unittest discover -s infra/loadtest/tests
	python3 -m unittest discover -s infra/tests/compose_emulation
	infra/loadtest/soak --short --duration 150 --build debug --no-build --run-dir .run/test-soak --redis-port 47379 --broker-port 47092 --issuer-port 47080 --jwks-port 47081 --resource-ports "47082 47083" --swift-flags "$(SWIFT_BUILD_FLAGS)"
	Clients/web/test/run

## The browser client alone (Clients/web): type check, bundle and its size, node unit tests, then
## the scenarios in headless Chromium against a private cluster of the debug binaries (27xxx ports).
test-web: bootstrap
	swift build --build-tests $(SWIFT_BUILD_FLAGS)
	Clients/web/test/run

## Benchmarks (package-benchmark, release build) next to `openssl speed` from the same run.
bench: bootstrap
	infra/bench/run

## The load test (infra/loadtest, wrk from Debian): brings the dev cluster up if needed, mints
## token pools through the issuer and runs every scenario against both resource instances, then
## the issuer's figures and the resource memory run. Results in .run/loadtest/, explained in
## docs/BENCHMARKS.md. LOADTEST_FLAGS: e.g. --duration 30, --scenarios hot,cold-es256, --strict.
## A missed bar is a result, not a failure: the memory run's exit 1 for one is reported and ignored.
LOADTEST_FLAGS ?=
loadtest: bootstrap
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
	infra/loadtest/run $(LOADTEST_FLAGS)
	-infra/loadtest/memory

## The soak (infra/loadtest/soak, docs/SOAK.md): a fresh dev cluster (release build, default ports:
## stop `make up` first) under ordinary mixed traffic for 30 minutes, then a table per minute,
## .run/soak/soak.json and the verdict against issue 21's bars. SOAK_FLAGS: e.g. --duration 600,
## --cold-starts 20 (the first logout after 20 fresh starts instead).
SOAK_FLAGS ?=
soak: bootstrap
	infra/loadtest/soak $(SOAK_FLAGS)

## The fuzz targets (Fuzz/, docs/FUZZING.md): builds them with libFuzzer and AddressSanitizer,
## then runs each from its corpus for FUZZ_SECONDS (default 30); a crash fails and prints the
## input. Long runs: `Fuzz/run long SECONDS`, figures with `Fuzz/run stats`.
FUZZ_SECONDS ?= 30
fuzz: bootstrap
	Fuzz/run ci $(FUZZ_SECONDS)

## Builds everything, tests included; Package.swift treats every warning in our targets as
## an error, so this fails on any warning. Also checks the formatting.
lint: bootstrap
	swift build --build-tests $(SWIFT_BUILD_FLAGS)
	swift format lint --strict --recursive Package.swift Shared Services Tests Tools

clean:
	rm -rf .build .run

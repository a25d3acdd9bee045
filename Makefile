# Pacer's two commands (and the benchmarks), plus the pieces they are made of.
.PHONY: run test bench bootstrap stack-up stack-down lint schemas clients console-check

run: ## set everything up, start the local stack and all the services, and print where to look
	@scripts/bootstrap.sh
	@.venv/bin/python deploy/local/run.py

test: ## set everything up and run lint, types and the whole test suite against the real stack
	@scripts/test.sh

bench: ## run every benchmark on a stack of its own; writes bench/results/<date>.json and .md (BENCH_ARGS=--quick: tiny sizes)
	@scripts/bootstrap.sh
	@.venv/bin/python bench/run.py $(BENCH_ARGS)

bootstrap:
	@scripts/bootstrap.sh

stack-up:
	@.venv/bin/python deploy/local/localstack.py up

stack-down:
	@.venv/bin/python deploy/local/localstack.py down

lint:
	@.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

schemas: ## regenerate shared/schemas from the event models
	@.venv/bin/python -m pacer_shared.catalog write

clients: ## regenerate the console's API clients from each service's OpenAPI (frontend/src/client/<service>/)
	@.venv/bin/python scripts/openapi_clients.py write
	@cd frontend && npm run --silent client

console-check: ## the console's own checks: generated clients current, types, lint, unit tests
	@cd frontend && npm ci --no-audit --no-fund && npm run --silent client:check && npm run --silent typecheck && npm run --silent lint && npm run --silent test

# dealwire: two commands do everything on a fresh machine.
#   make demo   create .venv, install, run the pipeline on samples/articles, publish output/releases/<version>/
#   make test   create .venv if needed, run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Prefect: embedded temporary server, no telemetry, a patient start-up.
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export DO_NOT_TRACK ?= 1
export PREFECT_HOME ?= $(CURDIR)/output/prefect-home

.PHONY: demo test install clean bench bench-quotes bench-deals bench-actors bench-real bench-release-scale bench-faults bench-duplicates fingerprint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/dealwire run --source samples/articles --store output/store --output output/releases
	@echo
	@echo "Browse the release in your browser (Datasette on http://127.0.0.1:8001/dealwire, Ctrl-C stops it):"
	@echo "    $(BIN)/dealwire explore --releases output/releases"

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The real pipeline flow on N = 100 and 1,000 articles: rates per step, bare spaCy, overhead, RSS, re-run.
# BENCH_ARGS="--workers 1,2" compares one and two processes; "--large" adds N = 10,000.
bench: $(STAMP)
	$(BIN)/python benchmarks/pipeline.py $(BENCH_ARGS)

# Stage, validate and publish a synthesised release of 1,000,000 quotes (and its parent tables): seconds per step.
bench-release-scale: $(STAMP)
	$(BIN)/python benchmarks/release_scale.py $(BENCH_ARGS)

# Quote attribution on the PolNeAR dev split in ../shared (scores and speed beside bare spaCy);
# BENCH_ARGS="--errors 20" lists up to 20 errors of each kind (FP, FN, SPEAKER, RESOLVED, NO_SPEAKER).
bench-quotes: $(STAMP)
	$(BIN)/python benchmarks/quote_attribution.py --split dev $(BENCH_ARGS)

# Deals on the sample corpus against benchmarks/gold/deals.json: parties, terms, events, clustering.
bench-deals: $(STAMP)
	$(BIN)/python benchmarks/deals_samples.py

# Deals, actors and quotes on real news (../shared/bench/real-news and benchmarks/real-news/cases.json);
# the texts are laid out once per machine into the git-ignored benchmarks/real-news/texts/ (it says how).
bench-real: $(STAMP)
	$(BIN)/python benchmarks/real_news.py $(BENCH_ARGS)

# Actors on the sample corpus against benchmarks/gold/actors.json: mention clustering (B-cubed) and types.
bench-actors: $(STAMP)
	$(BIN)/python benchmarks/actors_samples.py

# Ingest over the fault-injecting server (tests/faultserver.py): requests, retries, failures by reason,
# articles lost (must be 0), and a re-run with nothing new against the first run.
bench-faults: $(STAMP)
	$(BIN)/python benchmarks/faults.py

# Syndicated-copy detection (MinHash + LSH) on 20,000 synthetic articles with planted copies.
bench-duplicates: $(STAMP)
	$(BIN)/python benchmarks/duplicates.py

clean:
	rm -rf $(VENV) output/store output/releases output/prefect-home

# Rows and sha256 of every release table of the sample corpus and of PolNeAR dev's quotes:
# equal figures at two commits mean equal tables (refactorings show they changed nothing).
fingerprint: $(STAMP)
	$(BIN)/python benchmarks/fingerprint.py $(BENCH_ARGS)

# actorstance: `make demo` runs the main job, `make test` the test suite. Both build .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# The CPU wheel of torch lies on disk on the project machines; pinning it first keeps pip from
# pulling a CUDA build. Elsewhere TORCH_INDEX picks the build: .../whl/cpu or .../whl/cu128.
TORCH_SPEC ?= torch==2.13.0
TORCH_INDEX ?=
WHEELS := $(wildcard /opt/wheels)
FIND_LINKS := $(if $(WHEELS),--find-links $(WHEELS),)
TORCH_SOURCE := $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX),$(FIND_LINKS))
RUN_ENV := HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_VERBOSITY=error \
	HF_HUB_DISABLE_PROGRESS_BARS=1 TOKENIZERS_PARALLELISM=false
DEMO_DIR ?= runs/demo

.PHONY: setup demo test bench bench-quality bench-semeval bench-analyze bench-real-news bench-labelling bench-suggest clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet $(TORCH_SOURCE) "$(TORCH_SPEC)"
	$(PIP) install --quiet $(FIND_LINKS) -e ".[test]"
	touch $@

demo: setup
	$(RUN_ENV) $(PY) -m actorstance.demo --output $(DEMO_DIR)

test: setup
	$(RUN_ENV) $(PY) -m pytest -q tests

# The speed bench measures the demo's trained model where `make demo` has made one.
bench: setup
	$(RUN_ENV) $(PY) -m benchmarks.speed $(if $(wildcard $(DEMO_DIR)/model/actorstance.json),--model $(DEMO_DIR)/model,)

clean:
	rm -rf $(VENV) runs build *.egg-info

bench-quality: setup
	$(RUN_ENV) $(PY) -m benchmarks.quality

bench-semeval: setup
	$(RUN_ENV) $(PY) -m benchmarks.semeval

bench-analyze: setup
	$(RUN_ENV) $(PY) -m benchmarks.analyze

bench-real-news: setup
	$(RUN_ENV) $(PY) -m benchmarks.real_news

# The labelling loop as a user's afternoon: a held-out domain, label budgets, random vs suggest.
bench-labelling: setup
	$(RUN_ENV) $(PY) -m benchmarks.labelling_loop $(if $(SHIPPED),--shipped-model $(SHIPPED),)

# suggest over 1,000 news-length articles, timed; MODEL defaults to the demo's model.
MODEL ?= $(DEMO_DIR)/model
bench-suggest: setup
	$(RUN_ENV) $(PY) -m benchmarks.suggest_speed $(MODEL)

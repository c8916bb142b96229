# actorstance: `make demo` runs the main job, `make test` the test suite. Both build .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# The CPU wheel of torch lies on disk here; pinning it first keeps pip from pulling a CUDA build.
TORCH_SPEC ?= torch==2.13.0
WHEELS := $(wildcard /opt/wheels)
FIND_LINKS := $(if $(WHEELS),--find-links $(WHEELS),)
RUN_ENV := HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_VERBOSITY=error \
	HF_HUB_DISABLE_PROGRESS_BARS=1 TOKENIZERS_PARALLELISM=false
DEMO_DIR ?= runs/demo

.PHONY: setup demo test bench bench-quality bench-semeval bench-analyze clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet $(FIND_LINKS) "$(TORCH_SPEC)"
	$(PIP) install --quiet $(FIND_LINKS) -e ".[test]"
	touch $@

demo: setup
	$(RUN_ENV) $(PY) -m actorstance.demo --output $(DEMO_DIR)

test: setup
	$(RUN_ENV) $(PY) -m pytest -q tests

# The speed bench measures the demo's trained model where `make demo` has made one.
bench: setup
	$(RUN_ENV) $(PY) -m actorstance.eval.benchmarks.speed $(if $(wildcard $(DEMO_DIR)/model/actorstance.json),--model $(DEMO_DIR)/model,)

clean:
	rm -rf $(VENV) runs build *.egg-info

bench-quality: setup
	$(RUN_ENV) $(PY) -m actorstance.eval.benchmarks.quality

bench-semeval: setup
	$(RUN_ENV) $(PY) -m actorstance.eval.benchmarks.semeval

bench-analyze: setup
	$(RUN_ENV) $(PY) -m actorstance.eval.benchmarks.analyze

# The two commands of the README. Data: NEURONET_DATA_DIR if set, else ../shared/data when it
# exists (this workplace's offline copy), else the loaders' cache / Debian package / download.
PYTHON ?= python3
DATA_DIR := $(or $(NEURONET_DATA_DIR),$(abspath $(wildcard ../shared/data)))
export NEURONET_DATA_DIR := $(DATA_DIR)

.PHONY: install install-test train test benchmark

install:
	$(PYTHON) -m pip install --quiet -e ".[all]"

install-test:
	$(PYTHON) -m pip install --quiet -e ".[test]"

train: install
	$(PYTHON) examples/fashion_mnist.py

test: install-test
	$(PYTHON) -m pytest -q

benchmark: install
	$(PYTHON) benchmarks/bench_training.py

# The two commands of the README: `make train` (the main job) and `make test`.
#
# Everything goes into a project virtual environment, .venv/ (Debian's and Ubuntu's system Python refuse
# `pip install` outside one: "externally-managed-environment"). It is created with $(PYTHON) and reinstalled only
# when pyproject.toml changes. Data sets: $NEURONET_DATA_DIR if set, else the loaders' caches, Debian's
# dataset-fashion-mnist package, or a checksum-verified download.
PYTHON ?= python3
VENV ?= .venv
VENV_PYTHON := $(VENV)/bin/python

.PHONY: install install-test train test benchmark

# Creates .venv; where `venv` lacks ensurepip (Debian without python3-venv) says which package to install.
$(VENV_PYTHON):
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "Could not create $(VENV) with $(PYTHON). On Debian/Ubuntu: apt install python3-venv (then run make again)."; \
	  exit 1; }
	@echo "Created the virtual environment $(abspath $(VENV)) (Python: $$($(VENV_PYTHON) -c 'import sys; print(sys.version.split()[0])'))"

# One stamp per set of extras: pip runs again only when pyproject.toml is newer than the stamp.
$(VENV)/.installed-%: pyproject.toml | $(VENV_PYTHON)
	@echo "Installing neuronet[$*] into $(abspath $(VENV)) ..."
	@$(VENV_PYTHON) -m pip install --quiet --disable-pip-version-check -e ".[$*]"
	@touch $@
	@echo "Installed: import neuronet with $(abspath $(VENV_PYTHON)) (or: . $(VENV)/bin/activate)"

install: $(VENV)/.installed-all

install-test: $(VENV)/.installed-test

train: install
	$(VENV_PYTHON) examples/fashion_mnist.py

# The whole suite on NumPy (the default backend), then again on the strict array backend (NumPy arrays that refuse
# implicit host conversion, as CuPy's do), which finds host/device leaks without a GPU.
test: install-test
	$(VENV_PYTHON) -m pytest -q
	NEURONET_BACKEND=strict $(VENV_PYTHON) -m pytest -q

benchmark: install
	$(VENV_PYTHON) benchmarks/bench_training.py

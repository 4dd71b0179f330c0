"""Shared by the tests and the docstring examples: a fixed seed, `np` and `keras`, and what a test needs.

Tests that need a real data set or Graphviz say so with a marker (`@pytest.mark.requires_data("fashion-mnist")`,
`@pytest.mark.requires_graphviz`); docstring examples that load a data set are marked here. Without the data or
Graphviz such a test is skipped with a one-line reason; with `NEURONET_REQUIRE_ALL=1` (CI sets it) it fails
instead, so a run can never pass by skipping.
"""
import functools
import os
import shutil

import numpy as np
import pytest

# Doctests that load a real data set, by module: their examples call `load_data()`.
_DOCTEST_DATA = {"neuronet.datasets.fashion_mnist": "fashion-mnist", "neuronet.datasets.mnist": "mnist",
                 "neuronet.datasets.california_housing": "california_housing"}
_DATA_NAMES = {"fashion-mnist": "Fashion-MNIST", "mnist": "MNIST", "california_housing": "California housing"}


def pytest_configure(config):
    config.addinivalue_line("markers", "requires_data(name): needs the real data set `name` (skipped without it)")
    config.addinivalue_line("markers", "requires_graphviz: needs Graphviz's `dot` program (skipped without it)")
    config.addinivalue_line("markers", "cuda: needs CuPy and a CUDA GPU (skipped without one, even under "
                                       "NEURONET_REQUIRE_ALL: CI has no GPU)")


def _missing_data(name):
    """A one-line reason when data set `name` has no local copy, else None."""
    from neuronet.datasets import _files, california_housing, fashion_mnist, mnist

    module = {"fashion-mnist": fashion_mnist, "mnist": mnist, "california_housing": california_housing}[name]
    files = module.FILES.values() if isinstance(module.FILES, dict) else module.FILES
    system = [(fashion_mnist.DEBIAN_DIR, "")] if name == "fashion-mnist" else []
    if name == "california_housing":
        system = [(california_housing.sklearn_data_home(), "")]
    if name == "california_housing" and any(_files.find(f.name, name, system) for f in files):
        return None
    if name != "california_housing" and all(_files.find(f.name, name, system) for f in files):
        return None
    return (f"no {_DATA_NAMES[name]}: set {_files.DATA_DIR_ENV} to a folder holding it, or download it once "
            f"(python -c \"import neuronet; neuronet.datasets.{name.replace('-', '_')}.load_data()\")")


def _missing_graphviz():
    return None if shutil.which("dot") else "no Graphviz: install it (apt install graphviz) for plot_model's pictures"


def pytest_collection_modifyitems(config, items):
    for item in items:
        dataset = _DOCTEST_DATA.get(item.name.rsplit(".", 1)[0]) if item.name.startswith("neuronet.datasets") else None
        if dataset:
            item.add_marker(pytest.mark.requires_data(dataset))


def pytest_runtest_setup(item):
    if item.get_closest_marker("cuda") and _cuda_missing():
        pytest.skip(_cuda_missing())
    reasons = [_missing_data(name) for mark in item.iter_markers("requires_data") for name in mark.args]
    if item.get_closest_marker("requires_graphviz"):
        reasons.append(_missing_graphviz())
    reasons = [reason for reason in reasons if reason]
    if reasons:
        if os.environ.get("NEURONET_REQUIRE_ALL", "") not in ("", "0"):
            pytest.fail(f"NEURONET_REQUIRE_ALL is set but this test's resources are missing: {reasons[0]}")
        pytest.skip(reasons[0])


@pytest.fixture(autouse=True)
def _seed_and_names():
    import neuronet

    neuronet.utils.set_random_seed(1234)
    neuronet.backend.clear_session()
    yield


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    import neuronet

    doctest_namespace["np"] = np
    doctest_namespace["keras"] = neuronet


# The strict array backend (NumPy arrays that refuse to meet NumPy implicitly, as CuPy's do) finds on a CPU the
# places that would leak a device array to the host, or a host array into device math, on a GPU. CI (`make test`)
# runs the whole suite twice: on the default backend, then with NEURONET_BACKEND=strict.
@pytest.fixture(autouse=True)
def _array_backend():
    """A test that switches the array backend switches it back: otherwise every later test of a strict run would
    silently run on NumPy."""
    import neuronet

    before = neuronet.backend.backend()
    yield
    after = neuronet.backend.backend()
    if after != before:
        neuronet.backend.set_backend(before)
        pytest.fail(f"the test left the array backend set to {after!r} (it was {before!r}): restore the previous "
                    "backend (`previous = backend.backend()` ... `backend.set_backend(previous)`).")


@functools.lru_cache(maxsize=None)
def _cuda_missing():
    """Why tests marked `cuda` cannot run here (one line), or None when CuPy sees a GPU."""
    try:
        import cupy
    except ImportError:
        return "needs CuPy and a CUDA GPU: CuPy is not installed (pip install 'neuronet[gpu]')"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as error:  # CUDA driver missing or broken: CuPy imports but cannot run
        return f"needs a CUDA GPU: CuPy cannot reach one ({type(error).__name__}: {error})"
    return None if count else "needs a CUDA GPU: CuPy sees no device"


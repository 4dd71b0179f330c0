"""Shared by the tests and the docstring examples: the offline data directory, a fixed seed, `np` and `keras`."""
import os
import pathlib

import numpy as np
import pytest

_SHARED = pathlib.Path(__file__).resolve().parent.parent / "shared" / "data"
if not os.environ.get("NEURONET_DATA_DIR") and _SHARED.is_dir():
    os.environ["NEURONET_DATA_DIR"] = str(_SHARED)


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

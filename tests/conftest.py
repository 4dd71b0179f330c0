"""Test-wide setup: the offline data directory and a fixed seed per test."""
import os
import pathlib

import pytest

_SHARED = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "data"
if not os.environ.get("NEURONET_DATA_DIR") and _SHARED.is_dir():
    os.environ["NEURONET_DATA_DIR"] = str(_SHARED)


@pytest.fixture(autouse=True)
def _seed_and_names():
    import neuronet

    neuronet.utils.set_random_seed(1234)
    neuronet.backend.clear_session()
    yield

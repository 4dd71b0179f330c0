"""`keras.models`."""
from neuronet.models.model import Model  # noqa: F401
from neuronet.models.sequential import Sequential  # noqa: F401

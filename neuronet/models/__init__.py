"""`keras.models`."""
from neuronet.models.cloning import clone_model, model_from_config, model_from_json  # noqa: F401
from neuronet.models.model import Model  # noqa: F401
from neuronet.models.sequential import Sequential  # noqa: F401
from neuronet.saving.saving_api import load_model, save_model  # noqa: F401

"""`keras.utils`."""
from neuronet.utils.numerical_utils import normalize, to_categorical  # noqa: F401
from neuronet.utils.progbar import Progbar  # noqa: F401
from neuronet.utils.random import set_random_seed  # noqa: F401
from neuronet.utils.model_visualization import model_to_dot, plot_model  # noqa: F401

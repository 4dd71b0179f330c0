"""`keras.utils`."""
from neuronet.utils.numerical_utils import normalize, to_categorical  # noqa: F401
from neuronet.utils.progbar import Progbar  # noqa: F401
from neuronet.utils.random import set_random_seed  # noqa: F401
from neuronet.utils.model_visualization import model_to_dot, plot_model  # noqa: F401


def plot_history(*args, **kwargs):
    """Learning curves of a `History` (matplotlib imported on first use)."""
    from neuronet.utils.plotting import plot_history as plot

    return plot(*args, **kwargs)

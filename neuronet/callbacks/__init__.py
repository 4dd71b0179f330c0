"""`keras.callbacks`."""
from neuronet.callbacks.callback import Callback  # noqa: F401
from neuronet.callbacks.callback_list import CallbackList  # noqa: F401
from neuronet.callbacks.history import History  # noqa: F401
from neuronet.callbacks.progbar_logger import ProgbarLogger  # noqa: F401

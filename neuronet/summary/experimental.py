"""`keras.summary.experimental`: the default step, as `tf.summary.experimental`."""
from neuronet.summary.writer import get_step, set_step  # noqa: F401

__all__ = ["get_step", "set_step"]

"""The errors a hypermodel or a tuner raises to fail one trial or stop the whole search (Keras Tuner's names).

Several small classes in one module, as Keras Tuner's `keras_tuner.errors`.
"""


class FatalError(Exception):
    """An error that stops the whole search (not just the trial)."""


class FatalValueError(FatalError, ValueError):
    pass


class FatalTypeError(FatalError, TypeError):
    pass


class FailedTrialError(Exception):
    """Raise it from a hypermodel to mark the trial as failed, without retries."""

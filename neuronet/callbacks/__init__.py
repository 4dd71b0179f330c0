"""`keras.callbacks`.

`fit` needs only `Callback`, `CallbackList`, `History` and `ProgbarLogger`; the other callbacks (and what
they import: saving, csv, json, urllib) load on first use, so that `import neuronet` stays fast.
"""
from neuronet import _lazy

from neuronet.callbacks.callback import Callback  # noqa: F401
from neuronet.callbacks.callback_list import CallbackList  # noqa: F401
from neuronet.callbacks.history import History  # noqa: F401
from neuronet.callbacks.progbar_logger import ProgbarLogger  # noqa: F401

_LAZY = {"BackupAndRestore": "backup_and_restore", "CSVLogger": "csv_logger", "EarlyStopping": "early_stopping",
         "LambdaCallback": "lambda_callback", "LearningRateScheduler": "learning_rate_scheduler",
         "ModelCheckpoint": "model_checkpoint", "ReduceLROnPlateau": "reduce_lr_on_plateau",
         "RemoteMonitor": "remote_monitor", "TensorBoard": "tensorboard", "TerminateOnNaN": "terminate_on_nan"}
__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger", *_LAZY]


__getattr__, __dir__ = _lazy.lazy_names(__name__, _LAZY, __all__, prefix="neuronet.callbacks.")

"""`keras.callbacks`."""
from neuronet.callbacks.callback import Callback  # noqa: F401
from neuronet.callbacks.callback_list import CallbackList  # noqa: F401
from neuronet.callbacks.history import History  # noqa: F401
from neuronet.callbacks.progbar_logger import ProgbarLogger  # noqa: F401
from neuronet.callbacks.backup_and_restore import BackupAndRestore  # noqa: F401
from neuronet.callbacks.csv_logger import CSVLogger  # noqa: F401
from neuronet.callbacks.early_stopping import EarlyStopping  # noqa: F401
from neuronet.callbacks.lambda_callback import LambdaCallback  # noqa: F401
from neuronet.callbacks.learning_rate_scheduler import LearningRateScheduler  # noqa: F401
from neuronet.callbacks.model_checkpoint import ModelCheckpoint  # noqa: F401
from neuronet.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau  # noqa: F401
from neuronet.callbacks.remote_monitor import RemoteMonitor  # noqa: F401
from neuronet.callbacks.tensorboard import TensorBoard  # noqa: F401
from neuronet.callbacks.terminate_on_nan import TerminateOnNaN  # noqa: F401

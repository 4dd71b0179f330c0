"""HParamsLogger: a trial's hyperparameter values for TensorBoard's HParams dashboard, as Keras Tuner writes them.

With a `keras.callbacks.TensorBoard` callback in `search()`, Keras Tuner logs each trial's execution to
`<log_dir>/<trial_id>/execution<k>` and adds TensorBoard's hparams callback there: a session-start record (the
trial's values, grouped under its id) when training starts and a session-end record when it ends. TensorBoard's
HParams tab then lists the trials with their values and the metrics of their runs. This is that callback, written
with `keras.summary`.
"""
import time

import numpy as np

from neuronet import callbacks as callbacks_module
from neuronet.summary import encoding as summary_encoding
from neuronet.summary import writer as writer_module


class HParamsLogger(callbacks_module.Callback):
    """Writes `hyperparameters`' active values of trial `trial_id` to `log_dir` for the HParams dashboard."""

    def __init__(self, log_dir, hyperparameters, trial_id):
        super().__init__()
        self.log_dir, self.trial_id = str(log_dir), str(trial_id)
        names = {hp.name for hp in hyperparameters.space}  # the tuned ones, not "tuner/epochs" and the like
        self.values = {name: value for name, value in hyperparameters.values.items() if name in names}

    def on_train_begin(self, logs=None):
        from tensorboardX.proto.plugin_hparams_pb2 import HParamsPluginData, SessionStartInfo

        start = SessionStartInfo(group_name=self.trial_id, start_time_secs=time.time())
        for name, value in self.values.items():
            if isinstance(value, (bool, np.bool_)):
                start.hparams[name].bool_value = bool(value)
            elif isinstance(value, (int, float, np.integer, np.floating)):
                start.hparams[name].number_value = float(value)
            else:
                start.hparams[name].string_value = str(value)
        self._write("_hparams_/session_start_info", HParamsPluginData(version=0, session_start_info=start))

    def on_train_end(self, logs=None):
        from tensorboardX.proto.api_pb2 import Status
        from tensorboardX.proto.plugin_hparams_pb2 import HParamsPluginData, SessionEndInfo

        end = SessionEndInfo(status=Status.Value("STATUS_SUCCESS"), end_time_secs=time.time())
        self._write("_hparams_/session_end_info", HParamsPluginData(version=0, session_end_info=end))

    def _write(self, tag, plugin_data):
        writer = writer_module.create_file_writer(self.log_dir)
        null_tensor = summary_encoding.tensor_proto(np.zeros(0, dtype="float32"))  # TensorBoard's NULL_TENSOR
        writer.write(summary_encoding.summary_proto(tag, "hparams", null_tensor,
                                                    content=plugin_data.SerializeToString()), step=0)
        writer.close()

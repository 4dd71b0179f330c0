"""TensorBoard: log two training runs (two learning rates), one directory per run, and compare them in TensorBoard.

The event files are written without TensorFlow (by tensorboardX: `pip install "neuronet[tensorboard]"`); the
`tensorboard` command reads them. Each run gets its own directory under my_logs/, named after the date and time, so
that TensorBoard shows one curve per run.

Run: python examples/tensorboard_runs.py                  (30 epochs per run)
     NEURONET_FAST=1 python examples/tensorboard_runs.py   (2 epochs per run on 2,000 rows)
Then: tensorboard --logdir=./my_logs --port=6006         and open http://localhost:6006
"""
import os

from _common import epochs, get_run_logdir, load_housing, output_path, summary, tensorboard_command

import neuronet as keras

keras.utils.set_random_seed(42)
X_train, X_valid, X_test, y_train, y_valid, y_test = load_housing()

root_logdir = output_path("my_logs")  # the book's os.path.join(os.curdir, "my_logs")


def build_model():
    model = keras.models.Sequential([
        keras.layers.Dense(30, activation="relu", input_shape=[8]),
        keras.layers.Dense(30, activation="relu"),
        keras.layers.Dense(1),
    ])
    return model


results, run_lines = {}, []
# The book's second run uses 0.05: here that is at the edge of divergence (some seeds give inf), so 0.02.
for learning_rate in [1e-3, 2e-2]:
    keras.backend.clear_session()
    model = build_model()
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=learning_rate))
    # my_logs/run_<date-time>, the book's time.strftime("run_%Y_%m_%d-%H_%M_%S") (see _common.py)
    run_logdir = get_run_logdir(root_logdir)
    tensorboard_cb = keras.callbacks.TensorBoard(run_logdir)  # update_freq="batch" would log every batch too
    history = model.fit(X_train, y_train, epochs=epochs(30, fast=2), validation_data=(X_valid, y_valid),
                        callbacks=[tensorboard_cb], verbose=0)
    results[run_logdir] = model.evaluate(X_test, y_test, verbose=0)
    run_lines.append(f"learning rate {learning_rate:g}: val_loss {history.history['val_loss'][-1]:.4f}, "
                     f"test MSE {results[run_logdir]:.4f}")
    print(f"run {os.path.basename(run_logdir)} ({run_lines[-1]})")

print("run directories:")
for run_logdir in sorted(os.listdir(root_logdir)):
    print("  ", os.path.join(root_logdir, run_logdir), sorted(os.listdir(os.path.join(root_logdir, run_logdir))))
print(f"view the runs with: {tensorboard_command(root_logdir)}")
summary("; ".join(f"{line}" for line in run_lines) + "; writes `my_logs/run_<date-time>/{train,validation}`")

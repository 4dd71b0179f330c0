import numpy as np
import pandas as pd
import pytest

import neuronet as keras
from neuronet.utils.plotting import plot_history, y_limits


def _history():
    model = keras.models.Sequential([keras.layers.Dense(3, activation="softmax", input_shape=[4])])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    x = np.random.rand(64, 4)
    return model.fit(x, np.arange(64) % 3, epochs=4, validation_split=0.25, verbose=0)


def test_history_plot_shifts_training_half_an_epoch(tmp_path):
    history = _history()
    fig = history.plot(to_file=str(tmp_path / "curves.png"))
    assert (tmp_path / "curves.png").read_bytes()[:4] == b"\x89PNG"
    loss_ax, acc_ax = fig.axes
    lines = {line.get_label(): line for line in loss_ax.get_lines()}
    assert list(lines["loss"].get_xdata()) == [0.5, 1.5, 2.5, 3.5]
    assert list(lines["val_loss"].get_xdata()) == [1, 2, 3, 4]
    assert list(lines["val_loss"].get_ydata()) == pytest.approx(history.history["val_loss"])
    assert acc_ax.get_ylim() == (0.0, 1.0) and acc_ax.get_ylabel() == "accuracy"


def test_several_outputs_and_unknown_metric(tmp_path):
    logs = {"loss": [1.0, 0.5], "main_output_loss": [0.9, 0.4], "aux_output_loss": [1.2, 0.9],
            "val_loss": [1.1, 0.6], "val_main_output_loss": [1.0, 0.5], "val_aux_output_loss": [1.3, 1.0]}
    fig = keras.utils.plot_history(logs, to_file=str(tmp_path / "multi.png"))
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "main_output_loss", "aux_output_loss"]
    with pytest.raises(ValueError, match="no metric named.*Available"):
        keras.utils.plot_history(logs, metrics=["mae"])


def test_y_limits_ignore_first_epoch_spike():
    low, high = y_limits(np.array([50.0] + [1.0 - 0.01 * i for i in range(30)]))
    assert low < 0.71 and high < 2.0


def test_pandas_dataframe_plot_works_like_keras(tmp_path):
    frame = pd.DataFrame(_history().history)
    ax = frame.plot(figsize=(8, 5))
    assert {line.get_label() for line in ax.get_lines()} == {"loss", "accuracy", "val_loss", "val_accuracy"}


def test_epoch_ticks_are_whole_numbers_and_an_off_scale_first_loss_is_marked(tmp_path):
    loss = [25.0] + [0.35 + 0.5 * np.exp(-e / 5) for e in range(1, 30)]
    fig = plot_history({"loss": loss, "val_loss": [value + 0.02 for value in loss[1:]] + [0.4]},
                       to_file=str(tmp_path / "curves.png"))
    ax = fig.axes[0]
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)
    low, high = ax.get_ylim()
    assert high < 25.0 and max(loss[1:]) <= high  # the spike is off scale, every other value is shown
    assert any("loss 25 (off scale)" in text.get_text() for text in ax.texts)


def test_no_mark_when_every_value_is_on_scale(tmp_path):
    fig = plot_history({"loss": [1.0, 0.8, 0.7], "val_loss": [0.9, 0.8, 0.75]})
    assert not fig.axes[0].texts

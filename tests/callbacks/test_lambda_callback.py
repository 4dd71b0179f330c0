import numpy as np
import pytest

import neuronet as keras
from neuronet.callbacks import CallbackList


def _fit(callback, epochs=2, **kwargs):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(12, 2)).astype("float32")
    model = keras.Sequential([keras.layers.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model.fit(x, x.sum(axis=1), epochs=epochs, batch_size=4, verbose=0, callbacks=[callback], **kwargs)


def test_every_given_hook_is_called_in_order():
    calls = []
    callback = keras.callbacks.LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: calls.append(f"epoch_begin {epoch}"),
        on_train_batch_begin=lambda batch, logs: calls.append(f"batch_begin {batch}"),
        on_train_batch_end=lambda batch, logs: calls.append(f"batch_end {batch} {sorted(logs)}"),
        on_epoch_end=lambda epoch, logs: calls.append(f"epoch_end {epoch} {sorted(logs)}"),
        on_train_end=lambda logs: calls.append("train_end"))
    _fit(callback, epochs=1)
    assert calls == ["train_begin", "epoch_begin 0",
                     "batch_begin 0", "batch_end 0 ['loss']", "batch_begin 1", "batch_end 1 ['loss']",
                     "batch_begin 2", "batch_end 2 ['loss']", "epoch_end 0 ['loss']", "train_end"]


def test_other_hooks_through_keyword_arguments():
    calls = []
    callback = keras.callbacks.LambdaCallback(on_test_begin=lambda logs: calls.append("test_begin"),
                                              on_test_batch_end=lambda batch, logs: calls.append(batch),
                                              on_test_end=lambda logs: calls.append(sorted(logs)))
    _fit(callback, epochs=1, validation_split=0.5)
    assert calls == ["test_begin", 0, 1, ["loss"]]


def test_batch_hooks_are_skipped_when_no_batch_function_is_given():
    epoch_only = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: None)
    with_batch = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: None)
    assert not CallbackList([epoch_only]).wants_batch_hooks("train")
    assert CallbackList([with_batch]).wants_batch_hooks("train")


def test_non_callable_hook_is_rejected():
    with pytest.raises(TypeError, match="`on_epoch_end` must be a function. Received: 3"):
        keras.callbacks.LambdaCallback(on_epoch_end=3)

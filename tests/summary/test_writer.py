"""The default writer and step of keras.summary behave as tf.summary's."""
import numpy as np
import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

import neuronet as keras
from neuronet.summary import writer as writer_module


def _tags(logdir):
    accumulator = EventAccumulator(str(logdir), size_guidance={"tensors": 0})
    accumulator.Reload()
    return {tag: [e.step for e in accumulator.Tensors(tag)] for tag in accumulator.Tags()["tensors"]}


def test_without_a_default_writer_nothing_is_written_and_false_returned(tmp_path):
    writer = keras.summary.create_file_writer(str(tmp_path))
    assert keras.summary.scalar("a", 1.0) is False  # no writer: no step needed either, as tf.summary
    with writer.as_default():
        assert keras.summary.scalar("b", 1.0, step=1) is True
    assert keras.summary.text("c", "after the context", step=2) is False
    assert _tags(tmp_path) == {"b": [1]}
    with keras.summary.create_noop_writer().as_default(step=0):
        assert keras.summary.scalar("d", 1.0) is False


def test_steps_come_from_the_argument_the_context_or_set_step(tmp_path):
    writer = keras.summary.create_file_writer(str(tmp_path))
    with writer.as_default(), pytest.raises(ValueError, match="No step set. Please specify one either through the "
                                                               "`step` argument or through keras.summary.experimental"):
        keras.summary.scalar("x", 1.0)
    with writer.as_default(step=5):
        keras.summary.scalar("context", 1.0)
        keras.summary.scalar("argument", 1.0, step=7)
    assert keras.summary.experimental.get_step() is None  # restored on exit
    iterations = keras.Variable(np.int64(11), trainable=False)  # like optimizer.iterations
    keras.summary.experimental.set_step(iterations)
    try:
        writer.set_as_default()
        keras.summary.histogram("variable", np.ones(3))
    finally:
        writer_module._default.update(writer=None, step=None)  # no default writer for the next tests
    writer.flush()
    assert _tags(tmp_path) == {"context": [5], "argument": [7], "variable": [11]}


def test_flush_puts_pending_summaries_on_disk(tmp_path):
    writer = keras.summary.create_file_writer(str(tmp_path), max_queue=1000, flush_millis=10 ** 9)
    with writer.as_default(step=1):
        keras.summary.scalar("pending", 1.0)
        assert _tags(tmp_path) == {}  # buffered: neither max_queue nor flush_millis reached
        keras.summary.flush()
        assert _tags(tmp_path) == {"pending": [1]}
    writer.close()
    with pytest.raises(ValueError, match="is closed: call `writer.init\\(\\)`"), writer.as_default(step=2):
        keras.summary.scalar("late", 1.0)
    writer.init()
    with writer.as_default(step=3):
        keras.summary.scalar("again", 1.0)
    assert _tags(tmp_path) == {"pending": [1], "again": [3]}


def test_two_writers_in_one_directory_keep_their_own_files(tmp_path):
    first, second = (keras.summary.create_file_writer(str(tmp_path)) for _ in range(2))
    with first.as_default(step=1):
        keras.summary.scalar("first", 1.0)
    with second.as_default(step=1):
        keras.summary.scalar("second", 2.0)
    assert _tags(tmp_path) == {"first": [1], "second": [1]}
    assert len(list(tmp_path.iterdir())) == 2


def test_tensorflow_only_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="`experimental_trackable` and `experimental_mesh` need TensorFlow"):
        keras.summary.create_file_writer(str(tmp_path), experimental_trackable=True)
    with pytest.raises(ValueError, match="`max_queue` must be a non-negative integer"):
        keras.summary.create_file_writer(str(tmp_path), max_queue=-1)

"""`keras.summary`: custom TensorBoard data without TensorFlow, with `tf.summary`'s functions.

    writer = keras.summary.create_file_writer("my_logs/custom")
    with writer.as_default():
        for step in range(1, 1001):
            keras.summary.scalar("my_scalar", np.sin(step / 10), step=step)
            keras.summary.histogram("my_hist", data, buckets=50, step=step)
            keras.summary.image("my_images", images, step=step)   # (n, h, w, c) floats in [0, 1] or uint8
            keras.summary.text("my_text", ["The step is " + str(step)], step=step)
            keras.summary.audio("my_audio", audio, sample_rate=48000, step=step)   # (n, t, c) floats in [-1, 1]

Each function writes what `tf.summary` writes (the same tensors and TensorBoard plugins), so `tensorboard --logdir`
shows the same dashboards. Event files are written by `tensorboardX`, imported when a writer is created.
"""
from neuronet.summary import experimental  # noqa: F401
from neuronet.summary.summary_ops import audio, histogram, image, scalar, text  # noqa: F401
from neuronet.summary.writer import SummaryWriter, create_file_writer, create_noop_writer, flush  # noqa: F401

__all__ = ["SummaryWriter", "audio", "create_file_writer", "create_noop_writer", "experimental", "flush", "histogram",
           "image", "scalar", "text"]

"""Custom TensorBoard data with `keras.summary`, the chapter's `tf.summary` cell without TensorFlow.

For 1,000 steps it logs a scalar (a sine), a histogram that drifts and widens, two images that get brighter, two
lines of text and a one-second sine tone that rises in pitch; TensorBoard shows them in its Scalars, Histograms,
Distributions, Images, Text and Audio dashboards. Then it reads the event files back with TensorBoard's own reader
and prints what each dashboard holds.

Run: python examples/tensorboard_custom_summaries.py                  (1,000 steps, as in the book)
     NEURONET_FAST=1 python examples/tensorboard_custom_summaries.py   (20 steps)
"""
import os
import time

import numpy as np
from _common import FAST, get_run_logdir, output_path, summary, tensorboard_command

import neuronet as keras

np.random.seed(42)
start = time.time()
root_logdir = output_path("my_logs")
test_logdir = get_run_logdir(root_logdir)
writer = keras.summary.create_file_writer(str(test_logdir))
n_steps = 20 if FAST else 1000
with writer.as_default():
    for step in range(1, n_steps + 1):
        keras.summary.scalar("my_scalar", np.sin(step / 10), step=step)

        data = (np.random.randn(100) + 2) * step / 100  # gets larger
        keras.summary.histogram("my_hist", data, buckets=50, step=step)

        images = np.random.rand(2, 32, 32, 3) * step / n_steps  # gets brighter
        keras.summary.image("my_images", images, step=step)

        texts = ["The step is " + str(step), "Its square is " + str(step ** 2)]
        keras.summary.text("my_text", texts, step=step)

        sine_wave = np.sin(np.arange(12000) / 48000 * 2 * np.pi * step)
        audio = sine_wave.astype("float32").reshape(1, -1, 1)
        keras.summary.audio("my_audio", audio, sample_rate=48000, step=step)
write_time = time.time() - start

# -- What TensorBoard will show: read the run back with its own event reader -----------------------------------------
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402

events = EventAccumulator(str(test_logdir), size_guidance={"tensors": 0})
events.Reload()
counts = {}
for tag in events.Tags()["tensors"]:
    plugin = events.SummaryMetadata(tag).plugin_data.plugin_name
    counts[plugin] = len(events.Tensors(tag))
    print(f"{tag}: {counts[plugin]} steps for TensorBoard's {plugin!r} dashboard")
last_scalar = float(np.frombuffer(events.Tensors("my_scalar")[-1].tensor_proto.tensor_content, "<f4")[0])
size = sum(os.path.getsize(os.path.join(test_logdir, name)) for name in os.listdir(test_logdir))
print(f"last my_scalar: {last_scalar:.4f} (sin({n_steps / 10:g}) = {np.sin(n_steps / 10):.4f})")
print(f"event files: {size / 1e6:.1f} MB in {test_logdir}")
print(f"view them with: {tensorboard_command(root_logdir)}")
summary(f"{n_steps} steps of scalar, histogram (50 buckets), 2 images, 2 texts and 0.25 s of 48 kHz audio in "
        f"{write_time:.1f} s; TensorBoard's reader finds {sorted(counts.items())}; {size / 1e6:.1f} MB of events")

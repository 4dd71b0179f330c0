"""The summary functions of `tf.summary`, without TensorFlow: scalar, histogram, image, text and audio.

Each writes to the default writer (see `SummaryWriter.as_default`) what `tf.summary` writes (the same tensor, shape
and TensorBoard plugin), so TensorBoard shows it in the same dashboard; with no default writer it writes nothing and
returns False, as `tf.summary` does.
"""
import numpy as np

from neuronet import backend
from neuronet.summary import encoding as summary_encoding
from neuronet.summary import writer as writer_module

DEFAULT_BUCKET_COUNT = 30  # tf.summary.histogram's


def scalar(name, data, step=None, description=None):
    """Write a scalar (a number) under `name` at `step`; returns True, or False with no default writer.

    Args:
        name: the tag TensorBoard shows.
        data: a number (a Python or NumPy scalar, a 0-d array or tensor).
        step: the step (x axis); default: the default step (`as_default(step=...)`, `experimental.set_step`).
        description: a longer description (Markdown) shown in TensorBoard.
    """
    writer = writer_module.get_default_writer()
    if writer is None:
        return False
    value = _array(data, name, "scalar")
    if value.ndim != 0:
        raise ValueError(f"scalar '{name}': `data` must be a single number. Received data of shape {value.shape}.")
    return _write(writer, name, "scalars", value.astype("float32"), step, description)


def histogram(name, data, step=None, buckets=None, description=None):
    """Write the distribution of `data` (any shape) in `buckets` equal-width buckets (default 30).

    TensorBoard's Histograms and Distributions dashboards show it. Returns True, or False with no default writer.
    """
    writer = writer_module.get_default_writer()
    if writer is None:
        return False
    count = DEFAULT_BUCKET_COUNT if buckets is None else buckets
    if not isinstance(count, (int, np.integer)) or isinstance(count, bool) or count < 0:
        raise ValueError(f"histogram '{name}': `buckets` must be a non-negative integer or None (30). Received: "
                         f"buckets={buckets!r}")
    values = _array(data, name, "histogram")
    if values.dtype.kind not in "biuf":
        raise TypeError(f"histogram '{name}': `data` must be numbers. Received dtype {values.dtype}.")
    buckets_array = summary_encoding.histogram_buckets(values, int(count))
    return _write(writer, name, "histograms", buckets_array, step, description)


def image(name, data, step=None, max_outputs=3, description=None):
    """Write up to `max_outputs` images: `data` of shape (k, h, w, c), c = 1, 2, 3 or 4 channels, with floats in
    [0, 1] (clipped) or uint8 in [0, 255]. Returns True, or False with no default writer."""
    writer = writer_module.get_default_writer()
    if writer is None:
        return False
    images = _array(data, name, "image")
    if images.ndim != 4 or not 1 <= images.shape[-1] <= 4:
        raise ValueError(f"image '{name}': `data` must have shape (k, h, w, c) with c in 1..4 channels. Received "
                         f"shape {images.shape}. For one grayscale image, use data[np.newaxis, ..., np.newaxis].")
    if images.dtype.kind == "f":
        images = (np.clip(images, 0.0, 1.0) * 255.5).astype("uint8")  # as tf.image.convert_image_dtype(saturate)
    elif images.dtype != np.uint8:
        raise TypeError(f"image '{name}': `data` must be floats in [0, 1] or uint8 in [0, 255]. Received dtype "
                        f"{images.dtype}: divide by 255.0 or cast with .astype('uint8').")
    pngs = [summary_encoding.encode_png(img) for img in images[:_count(max_outputs, name, "image")]]
    size = [str(images.shape[2]).encode(), str(images.shape[1]).encode()]  # width, height, then the PNGs
    return _write(writer, name, "images", np.array(size + pngs, dtype=object), step, description)


def text(name, data, step=None, description=None):
    """Write text (a string, or an array of strings shown as a table); Markdown is rendered. Returns True, or
    False with no default writer."""
    writer = writer_module.get_default_writer()
    if writer is None:
        return False
    strings = _array(data, name, "text")
    if strings.dtype.kind not in "USO" or (strings.dtype.kind == "O" and not all(
            isinstance(s, (str, bytes)) for s in strings.ravel())):
        raise TypeError(f"text '{name}': `data` must be a string or an array of strings. Received dtype "
                        f"{strings.dtype}.")
    encoded = np.array([s.encode("utf-8") if isinstance(s, str) else bytes(s) for s in strings.ravel()] or [],
                       dtype=object).reshape(strings.shape)
    return _write(writer, name, "text", encoded, step, description)


def audio(name, data, sample_rate, step=None, max_outputs=3, encoding=None, description=None):
    """Write up to `max_outputs` sound clips: `data` of shape (k, t, c) (clips, samples, channels), floats in
    [-1, 1] (clipped), played at `sample_rate` Hz; `encoding` None or "wav". Returns True, or False with no default
    writer."""
    writer = writer_module.get_default_writer()
    if writer is None:
        return False
    if encoding not in (None, "wav"):
        raise ValueError(f"audio '{name}': unknown `encoding` {encoding!r}; the only one is 'wav' (the default).")
    rate = float(backend.to_numpy(sample_rate))
    if not rate > 0 or rate != int(rate):
        raise ValueError(f"audio '{name}': `sample_rate` must be a positive whole number of Hz. Received: "
                         f"{sample_rate!r}")
    clips = _array(data, name, "audio")
    if clips.ndim != 3 or clips.dtype.kind != "f":
        raise ValueError(f"audio '{name}': `data` must be floats of shape (k, t, c): k clips of t samples and c "
                         f"channels. Received shape {clips.shape} and dtype {clips.dtype}.")
    wavs = [summary_encoding.encode_wav(clip, rate) for clip in clips[:_count(max_outputs, name, "audio")]]
    rows = np.array([[wav, b""] for wav in wavs] or np.empty((0, 2)), dtype=object)  # (clip, label) pairs
    return _write(writer, name, "audio", rows.reshape(len(wavs), 2), step, description)


def _array(data, name, kind):
    try:
        return np.asarray(backend.to_numpy(data))
    except Exception as error:  # noqa: BLE001 - any conversion failure gets the summary's name
        raise TypeError(f"{kind} '{name}': could not read `data` as an array: {error}") from error


def _count(max_outputs, name, kind):
    if not isinstance(max_outputs, (int, np.integer)) or isinstance(max_outputs, bool) or max_outputs < 0:
        raise ValueError(f"{kind} '{name}': `max_outputs` must be a non-negative integer. Received: {max_outputs!r}")
    return int(max_outputs)


def _write(writer, name, plugin, array, step, description):
    step = writer_module.get_step() if step is None else step
    if step is None:
        raise ValueError("No step set. Please specify one either through the `step` argument or through "
                         "keras.summary.experimental.set_step()")
    step = int(backend.to_numpy(step))
    tensor = summary_encoding.tensor_proto(array)
    return writer.write(summary_encoding.summary_proto(name, plugin, tensor, description), step)

"""What the summary functions write, as TensorFlow's `tf.summary` writes it: tensors with TensorBoard plugin metadata.

A PNG encoder (images) and the WAV encoding (audio, with the standard library's `wave`) are here, so that
`keras.summary` needs nothing beyond `tensorboardX` (for the event-file format and its protobuf classes).
"""
import io
import struct
import wave
import zlib

import numpy as np

# Each TensorBoard plugin's metadata `content`: its PluginData proto with version 0 (serialized: no bytes), and for
# audio the encoding field set to WAV (field 2, value 11).
_PLUGIN_CONTENT = {"scalars": b"", "histograms": b"", "images": b"", "text": b"", "audio": b"\x10\x0b"}


def summary_proto(tag, plugin, tensor, description=None, content=None):
    """A `Summary` holding one tagged tensor, read by `plugin` ("scalars", "histograms", "images", "text", "audio";
    another plugin, such as "hparams", gives its metadata `content`)."""
    from tensorboardX.proto.summary_pb2 import Summary, SummaryMetadata

    metadata = SummaryMetadata(summary_description=description or "", plugin_data=SummaryMetadata.PluginData(
        plugin_name=plugin, content=_PLUGIN_CONTENT[plugin] if content is None else content))
    return Summary(value=[Summary.Value(tag=tag, metadata=metadata, tensor=tensor)])


def tensor_proto(array):
    """A `TensorProto` of a float32, float64 or bytes NumPy array (any shape)."""
    from tensorboardX.proto.tensor_pb2 import TensorProto
    from tensorboardX.proto.tensor_shape_pb2 import TensorShapeProto

    shape = TensorShapeProto(dim=[TensorShapeProto.Dim(size=int(n)) for n in array.shape])
    if array.dtype.kind in "SO":
        return TensorProto(dtype="DT_STRING", tensor_shape=shape, string_val=[bytes(v) for v in array.ravel()])
    dtype = {"float32": "DT_FLOAT", "float64": "DT_DOUBLE"}[array.dtype.name]
    return TensorProto(dtype=dtype, tensor_shape=shape, tensor_content=array.astype(array.dtype.newbyteorder("<"))
                       .tobytes())


def histogram_buckets(data, bucket_count):
    """`bucket_count` equal-width buckets over [min, max] as rows (left edge, right edge, count), float64.

    As `tf.summary.histogram`: no data gives `bucket_count` all-zero rows; a single distinct value puts every count
    in the last bucket, whose edges (like all the others) are that value; the maximum falls in the last bucket.
    """
    data = np.asarray(data, dtype="float64").ravel()
    if bucket_count == 0 or data.size == 0:
        return np.zeros((bucket_count, 3))
    low, high = data.min(), data.max()
    if low == high:
        counts = np.zeros(bucket_count)
        counts[-1] = data.size
        return np.stack([np.full(bucket_count, low), np.full(bucket_count, low), counts], axis=1)
    index = np.minimum(np.floor((data - low) / ((high - low) / bucket_count)).astype("int64"), bucket_count - 1)
    edges = np.linspace(low, high, bucket_count + 1)
    return np.stack([edges[:-1], edges[1:], np.bincount(index, minlength=bucket_count)], axis=1)


def encode_png(image):
    """PNG bytes of an (h, w, c) uint8 image, c = 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA)."""
    height, width, channels = image.shape
    color_type = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    rows = np.concatenate([np.zeros((height, 1), "uint8"), image.reshape(height, width * channels)], axis=1)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)  # 8 bits, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows.tobytes()))
            + chunk(b"IEND", b""))


def encode_wav(samples, sample_rate):
    """16-bit PCM WAV bytes of (t, channels) float samples in [-1, 1] (clipped), as TensorFlow's `encode_wav`."""
    pcm = np.round(np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(samples.shape[1])
        wav.setsampwidth(2)
        wav.setframerate(int(sample_rate))
        wav.writeframes(pcm.tobytes())
    return buffer.getvalue()

"""keras.summary writes what tf.summary writes: TensorBoard's own data provider (what its dashboards read) sees
every kind, with the values written."""
import io
import wave

import numpy as np
import pytest
from PIL import Image
from tensorboard import context
from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer

import neuronet as keras


def _provider(logdir):
    multiplexer = plugin_event_multiplexer.EventMultiplexer(
        tensor_size_guidance={"scalars": 0, "histograms": 0, "images": 0, "audio": 0, "text": 0})
    multiplexer.AddRunsFromDirectory(str(logdir))
    multiplexer.Reload()
    return data_provider.MultiplexerDataProvider(multiplexer, str(logdir)), context.RequestContext()


def _read(logdir, plugin):
    provider, ctx = _provider(logdir)
    if plugin == "scalars":
        return provider.read_scalars(ctx, experiment_id="", plugin_name=plugin, downsample=1000)["run"]
    if plugin in ("images", "audio"):
        sequences = provider.read_blob_sequences(ctx, experiment_id="", plugin_name=plugin, downsample=1000)["run"]
        return {tag: [[provider.read_blob(ctx, blob_key=v.blob_key) for v in d.values] for d in data]
                for tag, data in sequences.items()}
    return {tag: [d.numpy for d in data] for tag, data in provider.read_tensors(
        ctx, experiment_id="", plugin_name=plugin, downsample=1000)["run"].items()}


def test_the_chapters_cell_writes_every_kind_tensorboard_shows(tmp_path):
    rng = np.random.default_rng(0)
    writer = keras.summary.create_file_writer(str(tmp_path / "run"))
    written = {}
    with writer.as_default():
        for step in range(1, 4):
            keras.summary.scalar("my_scalar", np.sin(step / 10), step=step)
            data = (rng.normal(size=100) + 2) * step / 100
            keras.summary.histogram("my_hist", data, buckets=50, step=step)
            images = rng.random((4, 6, 5, 3)) * step / 3
            keras.summary.image("my_images", images, step=step)  # max_outputs=3: the first 3 images
            texts = ["The step is " + str(step), "Its square is " + str(step ** 2)]
            keras.summary.text("my_text", texts, step=step)
            sine_wave = np.sin(np.arange(1200) / 48000 * 2 * np.pi * 100 * step)
            audio = sine_wave.astype("float32").reshape(1, -1, 1)
            keras.summary.audio("my_audio", audio, sample_rate=48000, step=step)
            written[step] = (data, images, audio)

    scalars = _read(tmp_path, "scalars")["my_scalar"]
    assert [(d.step, d.value) for d in scalars] == [(s, pytest.approx(np.sin(s / 10))) for s in (1, 2, 3)]

    for step, buckets in zip((1, 2, 3), _read(tmp_path, "histograms")["my_hist"]):
        data = written[step][0]
        assert buckets.shape == (50, 3) and buckets[:, 2].sum() == 100
        assert buckets[0, 0] == pytest.approx(data.min()) and buckets[-1, 1] == pytest.approx(data.max())
        np.testing.assert_array_equal(buckets[:, 2], np.histogram(data, bins=50)[0])  # equal-width buckets

    for step, blobs in zip((1, 2, 3), _read(tmp_path, "images")["my_images"]):
        assert blobs[:2] == [b"5", b"6"] and len(blobs) == 2 + 3  # width, height, then max_outputs=3 PNGs
        expected = (np.clip(written[step][1], 0, 1) * 255.5).astype("uint8")  # tf.image.convert_image_dtype
        for png, image in zip(blobs[2:], expected):
            np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(png))), image)

    texts = _read(tmp_path, "text")["my_text"]
    assert [list(t) for t in texts] == [[b"The step is 1", b"Its square is 1"], [b"The step is 2", b"Its square is 4"],
                                        [b"The step is 3", b"Its square is 9"]]

    for step, blobs in zip((1, 2, 3), _read(tmp_path, "audio")["my_audio"]):
        assert len(blobs) == 1  # one clip (its label is empty)
        with wave.open(io.BytesIO(blobs[0])) as wav:
            assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (48000, 1, 2)
            samples = np.frombuffer(wav.readframes(wav.getnframes()), "<i2")
        np.testing.assert_array_equal(samples, np.round(written[step][2].ravel() * 32767).astype("int16"))


def test_histogram_edge_cases_follow_tf_summary(tmp_path):
    with keras.summary.create_file_writer(str(tmp_path / "run")).as_default(step=0):
        keras.summary.histogram("same", np.full(7, 2.5), buckets=4)
        keras.summary.histogram("empty", np.zeros(0))
        keras.summary.histogram("ints", np.arange(10))
    histograms = {tag: values[0] for tag, values in _read(tmp_path, "histograms").items()}
    np.testing.assert_array_equal(histograms["same"], [[2.5, 2.5, 0], [2.5, 2.5, 0], [2.5, 2.5, 0], [2.5, 2.5, 7]])
    np.testing.assert_array_equal(histograms["empty"], np.zeros((30, 3)))  # 30 buckets by default
    assert histograms["ints"].shape == (30, 3) and histograms["ints"][-1, 2] == 1  # the maximum is in the last


def test_uint8_images_go_as_they_are_and_descriptions_are_kept(tmp_path):
    image = np.arange(2 * 3 * 4, dtype="uint8").reshape(1, 2, 3, 4) * 10  # RGBA
    with keras.summary.create_file_writer(str(tmp_path / "run")).as_default(step=1):
        assert keras.summary.image("rgba", image, description="**four** channels")
        assert keras.summary.image("none", image, max_outputs=0)
    provider, ctx = _provider(tmp_path)
    listed = provider.list_blob_sequences(ctx, experiment_id="", plugin_name="images")["run"]
    assert listed["rgba"].description == "**four** channels"
    blobs = _read(tmp_path, "images")
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(blobs["rgba"][0][2]))), image[0])
    assert blobs["none"][0] == [b"3", b"2"]


@pytest.mark.parametrize("call, error, message", [
    (lambda: keras.summary.scalar("s", [1.0, 2.0]), ValueError, r"scalar 's': `data` must be a single number"),
    (lambda: keras.summary.image("i", np.zeros((4, 4, 3))), ValueError, r"image 'i': `data` must have shape \(k, h"),
    (lambda: keras.summary.image("i", np.zeros((1, 4, 4, 5))), ValueError, r"c in 1\.\.4 channels"),
    (lambda: keras.summary.image("i", np.zeros((1, 4, 4, 3), "int32")), TypeError, r"divide by 255\.0"),
    (lambda: keras.summary.image("i", np.zeros((1, 4, 4, 3)), max_outputs=-1), ValueError, "`max_outputs`"),
    (lambda: keras.summary.histogram("h", [1.0], buckets=-1), ValueError, r"`buckets` must be a non-negative"),
    (lambda: keras.summary.histogram("h", ["a"]), TypeError, r"histogram 'h': `data` must be numbers"),
    (lambda: keras.summary.text("t", [1, 2]), TypeError, r"text 't': `data` must be a string"),
    (lambda: keras.summary.audio("a", np.zeros((1, 10, 1)), 8000, encoding="mp3"), ValueError, "unknown `encoding`"),
    (lambda: keras.summary.audio("a", np.zeros((10, 1)), 8000), ValueError, r"shape \(k, t, c\)"),
    (lambda: keras.summary.audio("a", np.zeros((1, 10, 1)), 0), ValueError, "`sample_rate` must be a positive"),
])
def test_bad_data_is_refused_with_the_summarys_name(tmp_path, call, error, message):
    with keras.summary.create_file_writer(str(tmp_path)).as_default(step=0), pytest.raises(error, match=message):
        call()

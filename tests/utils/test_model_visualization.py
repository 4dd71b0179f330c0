import builtins

import pytest

import neuronet as keras


def _model():
    a, b = keras.Input(shape=(5,), name="wide_input"), keras.Input(shape=(6,), name="deep_input")
    hidden = keras.layers.Dense(30, activation="relu", name="hidden")(b)
    out = keras.layers.Dense(1, name="main_output")(keras.layers.concatenate([a, hidden]))
    return keras.Model(inputs=[a, b], outputs=out)


@pytest.mark.requires_graphviz
def test_plot_model_writes_png_with_graph(tmp_path):
    path = keras.utils.plot_model(_model(), to_file=str(tmp_path / "model.png"), show_shapes=True)
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    dot = keras.utils.model_to_dot(_model(), show_shapes=True).to_string()
    assert "main_output (Dense)" in dot and "(None, 1)" in dot and dot.count("->") == 4


def test_sequential_edges():
    model = keras.models.Sequential([keras.layers.Dense(3, input_shape=[2]), keras.layers.Dense(1)])
    assert keras.utils.model_to_dot(model).to_string().count("->") == 1


def test_missing_pydot_gives_clear_error(monkeypatch, tmp_path):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "pydot":
            raise ImportError("no pydot")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match="pip install pydot"):
        keras.utils.plot_model(_model(), to_file=str(tmp_path / "m.png"))

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
    assert keras.utils.model_to_dot(model).to_string().count("->") == 2  # Input box -> dense -> dense_1


def test_missing_pydot_gives_clear_error(monkeypatch, tmp_path):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "pydot":
            raise ImportError("no pydot")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match="pip install pydot"):
        keras.utils.plot_model(_model(), to_file=str(tmp_path / "m.png"))


def test_show_shapes_gives_input_and_output_shapes_and_an_input_box_for_sequential():
    model = keras.Sequential([keras.layers.Flatten(input_shape=[28, 28]), keras.layers.Dense(300, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    dot = keras.utils.model_to_dot(model, show_shapes=True)
    labels = {node.get_label() for node in dot.get_nodes() if node.get_label()}
    assert any("input_layer (InputLayer)" in label and "Output shape: (None, 28, 28)" in label for label in labels)
    assert any("flatten (Flatten)" in label and "Input shape: (None, 28, 28)" in label
               and "Output shape: (None, 784)" in label for label in labels)
    assert any("Input shape: (None, 784)" in label and "Output shape: (None, 300)" in label for label in labels)
    assert dot.to_string().count("->") == 3  # input -> flatten -> dense -> dense


def test_functional_merge_lists_every_input_shape():
    a, b = keras.Input(shape=[5], name="wide"), keras.Input(shape=[6], name="deep")
    merged = keras.layers.concatenate([a, keras.layers.Dense(30)(b)])
    model = keras.Model([a, b], keras.layers.Dense(1)(merged))
    labels = [node.get_label() for node in keras.utils.model_to_dot(model, show_shapes=True).get_nodes()]
    assert any("Input shape: (None, 5), (None, 30)" in str(label) for label in labels)


def test_every_keyword_is_honoured():
    dot = keras.utils.model_to_dot(_model(), show_layer_names=False, show_dtype=True, show_layer_activations=True,
                                   show_trainable=True, rankdir="LR", dpi=50, splines="polyline").to_string()
    assert "hidden (Dense)" not in dot and "Dense" in dot and "dtype: float32" in dot
    assert "Activation: relu" in dot and "Trainable: True" in dot
    assert "rankdir=LR" in dot and 'dpi=50' in dot and "splines=polyline" in dot


def test_expand_nested_draws_the_inner_model_as_a_cluster():
    inner = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, name="inner_a"),
                              keras.layers.Dense(2, name="inner_b")], name="block")
    inputs = keras.Input(shape=(3,), name="x")
    outer = keras.Model(inputs, keras.layers.Dense(1, name="head")(inner(inputs)))
    flat = keras.utils.model_to_dot(outer).to_string()
    assert "inner_a" not in flat and "block (Sequential)" in flat
    nested = keras.utils.model_to_dot(outer, expand_nested=True).to_string()
    assert "cluster_" in nested and "inner_a (Dense)" in nested and "inner_b (Dense)" in nested
    assert nested.count("->") == 4  # x -> block's input -> inner_a -> inner_b -> head


def test_unknown_keywords_are_refused():
    with pytest.raises(ValueError, match=r"Unrecognized keyword arguments: \{'show_shape': True\}.*show_shapes"):
        keras.utils.plot_model(_model(), show_shape=True)
    with pytest.raises(ValueError, match="layer_range"):
        keras.utils.model_to_dot(_model(), layer_range=["a", "b"])

import pytest

import neuronet as keras


def _nested():
    inner = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, name="inner_a"),
                              keras.layers.Dense(2, name="inner_b")], name="block")
    inner.layers[0].trainable = False
    inputs = keras.Input(shape=(3,), name="x")
    return keras.Model(inputs, keras.layers.Dense(1, name="head")(inner(inputs)))


def _lines(model, **kwargs):
    lines = []
    model.summary(print_fn=lines.append, **kwargs)
    return lines


def test_line_length_and_positions():
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, name="d")])
    lines = _lines(model, line_length=40, positions=[0.5, 0.8, 1.0])
    assert lines[1] == "_" * 40
    assert lines[2].index("Output") == 20 and lines[2].index("Param #") == 32
    by_characters = _lines(model, line_length=50, positions=[10, 30, 50])
    assert by_characters[2].index("Output") == 10 and by_characters[1] == "_" * 50
    with pytest.raises(ValueError, match="one column end per column"):
        model.summary(positions=[0.5, 1.0])


def test_expand_nested_and_show_trainable():
    model = _nested()
    flat = "\n".join(_lines(model))
    assert "inner_a" not in flat and "Trainable" not in _lines(model)[2]
    lines = _lines(model, expand_nested=True, show_trainable=True)
    header = lines[2]
    assert "Trainable" in header
    inner_a = next(line for line in lines if "inner_a (Dense)" in line)
    assert inner_a.startswith("| ") and inner_a[header.index("Trainable")] == "N"
    head = next(line for line in lines if line.startswith("head (Dense)"))
    assert head[header.index("Trainable")] == "Y"


def test_layer_range():
    lines = _lines(_nested(), layer_range=["block", "head"])
    text = "\n".join(lines)
    assert "block (Sequential)" in text and "head (Dense)" in text and "x (InputLayer)" not in text
    assert "Total params: 29" in text  # the totals stay the model's
    with pytest.raises(ValueError, match="matches no range of layers"):
        _nested().summary(layer_range=["nothing", "head"])
    with pytest.raises(ValueError, match="two layer-name patterns"):
        _nested().summary(layer_range="head")


def test_unknown_summary_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="show_trainabel"):
        _nested().summary(show_trainabel=True)

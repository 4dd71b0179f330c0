"""run_layer_test: the checks every layer must pass (Keras's `run_layer_test`, smaller)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from neuronet import backend
from neuronet.autodiff import Tensor, check_grads


def assert_all_close(actual: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-6) -> None:
    np.testing.assert_allclose(backend.to_numpy(actual), backend.to_numpy(expected), rtol=rtol, atol=atol)


def run_layer_test(layer_cls: type, init_kwargs: Optional[dict] = None, input_shape: tuple = (2, 3),
                   expected_output_shape: Optional[tuple] = None, expected_num_trainable_weights: int = 0,
                   expected_num_non_trainable_weights: int = 0, supports_training: bool = True) -> None:
    """Build and call the layer, check shapes, weight counts, config round trip, that one training
    step changes its weights, and its gradient against finite differences in float64."""
    from neuronet import layers, models

    init_kwargs = init_kwargs or {}
    rng = np.random.default_rng(0)
    many = isinstance(input_shape, list)  # a list of shapes: a layer called on several inputs
    shapes = input_shape if many else [input_shape]
    xs = [rng.uniform(-1, 1, size=s).astype(backend.floatx()) for s in shapes]
    x = xs if many else xs[0]

    layer = layer_cls(**init_kwargs)
    out = layer(x)
    if expected_output_shape is not None:
        assert tuple(out.shape) == tuple(expected_output_shape), (out.shape, expected_output_shape)
    assert len(layer.trainable_weights) == expected_num_trainable_weights, layer.trainable_weights
    assert len(layer.non_trainable_weights) == expected_num_non_trainable_weights, layer.non_trainable_weights

    clone = layer_cls.from_config(layer.get_config())
    assert clone.get_config() == {**layer.get_config(), "name": clone.name}
    clone(x)
    clone.set_weights(layer.get_weights())
    assert_all_close(clone(x), out)

    if supports_training and expected_num_trainable_weights:
        inputs = [layers.Input(shape=s[1:]) for s in shapes]
        model = models.Model(inputs=inputs, outputs=layer(inputs if many else inputs[0]))
        model.compile(optimizer="sgd", loss="mse")
        before = [w.copy() for w in layer.get_weights()]
        model.train_on_batch(x, rng.uniform(-1, 1, size=out.shape))
        assert any(not np.allclose(b, a) for b, a in zip(before, layer.get_weights())), "fit step changed nothing"

    _check_layer_gradient(layer_cls, init_kwargs, input_shape)


def _check_layer_gradient(layer_cls: type, init_kwargs: dict, input_shape: tuple, eps: float = 1e-6) -> None:
    """Reverse-mode gradients w.r.t. the input and every weight vs central differences, in float64."""
    from neuronet.autodiff import grad, no_grad

    previous = backend.floatx()
    backend.set_floatx("float64")
    try:
        rng = np.random.default_rng(1)
        layer = layer_cls(**init_kwargs)
        many = isinstance(input_shape, list)
        shapes = input_shape if many else [input_shape]
        xs = [Tensor(backend.asarray(rng.uniform(-1, 1, size=s)), requires_grad=True) for s in shapes]

        def run() -> np.ndarray:
            with no_grad():
                return backend.to_numpy(layer([x.data for x in xs] if many else xs[0].data))

        out = layer(xs if many else xs[0])
        u = rng.standard_normal(out.shape)
        params = xs + layer.trainable_weights
        analytic = grad(out, params, output_gradient=backend.asarray(u))
        for i, (param, g) in enumerate(zip(params, analytic)):
            v = rng.standard_normal(param.shape)
            original = param.data.copy()
            values = []
            for sign in (1, -1):
                param.data = original + backend.asarray(sign * eps * v)
                values.append(run())
            param.data = original
            numeric = float(np.sum(u * (values[0] - values[1])) / (2 * eps))
            got = 0.0 if g is None else float(np.sum(backend.to_numpy(g) * v))
            what = f"input {i}" if i < len(xs) else layer.trainable_weights[i - len(xs)].path
            assert np.isclose(got, numeric, rtol=1e-5, atol=1e-7), (
                f"{layer_cls.__name__}: gradient w.r.t. {what} is {got}, finite differences give {numeric}")
    finally:
        backend.set_floatx(previous)

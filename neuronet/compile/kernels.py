"""One kernel per traced op: forward and backward on preallocated buffers, in place with `out=`.

Each computes what the eager layer and its vjp compute, in the same order, so that the compiled step
gives the eager step's numbers. A kernel is built once per plan (one batch shape); a step only calls
`forward`/`backward`, which allocate nothing but a few row-sized temporaries.
"""
from __future__ import annotations

import math
from typing import Any, List, Optional

from neuronet import backend


class Kernel:
    """Base: `vals`/`grads` are the plan's lists of arrays per slot."""

    def __init__(self, op: Any, xp: Any, shapes: list, dtype: Any) -> None:
        self.op, self.xp, self.dtype = op, xp, dtype
        self.inputs, self.output = op.inputs, op.output
        self.modes: List[Optional[str]] = [None] * len(op.inputs)  # per input: None, "write" or "add"
        self.out_shape = shapes[op.output]

    def forward(self, vals: list, training: bool) -> None:
        raise NotImplementedError

    def backward(self, vals: list, grads: list, scale: Any = None) -> None:
        raise NotImplementedError

    def give(self, grads: list, index: int, value: Any) -> None:
        """Hand `value` to input `index`'s gradient: alias it (first contribution) or add it."""
        slot = self.inputs[index]
        if self.modes[index] == "write":
            grads[slot] = value
        elif self.modes[index] == "add":
            grads[slot] += value


def _activate(xp: Any, out: Any, activation: str) -> None:
    if activation == "relu":
        xp.maximum(out, 0, out=out)  # as the fused eager dense: in place
    elif activation == "tanh":
        xp.tanh(out, out=out)


class ActivationGrad:
    """The activation's backward, applied in place to the incoming gradient before the matrix products."""

    def __init__(self, xp: Any, shape: tuple, activation: str, dtype: Any) -> None:
        self.xp, self.activation = xp, activation
        self.mask = xp.empty(shape, dtype=dtype) if activation == "relu" else None
        self.tmp = xp.empty(shape, dtype=dtype) if activation == "tanh" else None

    def apply(self, g: Any, out: Any) -> None:
        xp = self.xp
        if self.activation == "relu":
            # sign(relu output) is 1 where out > 0, else 0: g * (out > 0) as a float multiply, no bool cast loop
            xp.sign(out, out=self.mask)
            xp.multiply(g, self.mask, out=g)
        elif self.activation == "tanh":
            tmp = self.tmp
            xp.multiply(out, out, out=tmp)
            xp.subtract(1, tmp, out=tmp)
            xp.multiply(g, tmp, out=g)


class DenseKernel(Kernel):
    """`activation(x @ kernel + bias)`; backward: the activation's mask, then dx, dkernel, dbias."""

    def __init__(self, op: Any, xp: Any, shapes: list, dtype: Any, trainable: set) -> None:
        super().__init__(op, xp, shapes, dtype)
        layer = op.layer
        self.kernel, self.bias = layer.kernel, layer.bias
        self.activation = op.activation
        n = shapes[op.output][0]
        self.logits = xp.empty(self.out_shape, dtype=dtype) if op.activation == "softmax" else None
        self.row = xp.empty((n, 1), dtype=dtype) if op.activation == "softmax" else None
        self.grad_kernel = xp.empty(self.kernel.shape, dtype=dtype) if id(self.kernel) in trainable else None
        self.grad_bias = (xp.empty(self.bias.shape, dtype=dtype)
                          if self.bias is not None and id(self.bias) in trainable else None)
        self.act_grad = ActivationGrad(xp, self.out_shape, op.activation, dtype) \
            if op.activation in ("relu", "tanh") else None
        self.dx = xp.empty(shapes[op.inputs[0]], dtype=dtype)
        self.ones = xp.ones(n, dtype=dtype)
        self.source = op.inputs[0]
        self.tiled_bias = None
        # Set by `Plan.plan_checks`: the finiteness check reads a bound of this kernel's gradient instead of the
        # gradient (`gradient_bound`), whose place in the flat gradients is `range`.
        self.bounded, self.pending, self.range = False, None, (0, 0)
        self.regularized = list(layer._regularized)  # penalties count in the loss of training and evaluation
        self.reg_tmp = {id(var): xp.empty(var.shape, dtype=dtype) for _, var in self.regularized}

    def freeze_bias(self) -> None:
        """For a run in which the weights do not change (`predict`): the bias tiled to the output's shape once,
        so that each batch adds it without broadcasting (NumPy's broadcast add costs twice a plain one)."""
        if self.bias is not None:
            self.tiled_bias = self.xp.ascontiguousarray(self.xp.broadcast_to(self.bias.data, self.out_shape))

    def forward(self, vals: list, training: bool) -> None:
        xp = self.xp
        out = vals[self.output]
        z = out if self.logits is None else self.logits
        xp.dot(vals[self.source], self.kernel.data, out=z)  # dot: the 2-D product with less call overhead
        if self.tiled_bias is not None:
            z += self.tiled_bias
        elif self.bias is not None:
            z += self.bias.data
        if self.logits is not None:  # softmax as `ops.softmax`: exp(z - max) / sum
            z.max(axis=-1, keepdims=True, out=self.row)  # methods: no fromnumeric wrapper
            xp.subtract(z, self.row, out=out)
            xp.exp(out, out=out)
            out.sum(axis=-1, keepdims=True, out=self.row)
            xp.divide(out, self.row, out=out)
        else:
            _activate(xp, out, self.activation)

    def backward(self, vals: list, grads: list, scale: Any = None) -> None:
        # For softmax, the loss head already wrote the gradient with respect to the logits.
        xp = self.xp
        g = grads[self.output]
        if self.act_grad is not None:
            self.act_grad.apply(g, vals[self.output])
        x = vals[self.inputs[0]]
        if self.grad_kernel is not None:
            if self.bounded:
                self.pending = (x, g)  # this step's operands of the kernel gradient (read by `gradient_bound`)
            xp.dot(x.T, g, out=self.grad_kernel)
        if self.grad_bias is not None:
            xp.dot(self.ones, g, out=self.grad_bias)  # the sum over the batch as a product: one BLAS call
        for regularizer, variable in self.regularized:
            self._regularizer_grad(regularizer, variable, scale)
        mode = self.modes[0]
        if mode == "write":
            xp.dot(g, self.kernel.data.T, out=grads[self.inputs[0]])
        elif mode == "add":
            xp.dot(g, self.kernel.data.T, out=self.dx)
            grads[self.inputs[0]] += self.dx

    def gradient_bound(self) -> float:
        """A bound of every element of this step's kernel gradient `x.T @ g`: `|x| * |g|` (Frobenius norms, by
        Cauchy-Schwarz), from two dot products much smaller than the gradient; inf or NaN when x or g is not
        finite (or the bound overflows). A finite bound well below the dtype's maximum means a finite gradient."""
        x, g = self.pending
        xf, gf = x.reshape(-1), g.reshape(-1)
        return math.sqrt(float(self.xp.dot(xf, xf))) * math.sqrt(float(self.xp.dot(gf, gf)))

    def _regularizer_grad(self, regularizer: Any, variable: Any, scale: Any) -> None:
        xp, w = self.xp, variable.data
        target = self.grad_kernel if variable is self.kernel else self.grad_bias
        if target is None:
            return
        tmp = self.reg_tmp[id(variable)]
        factor = 1.0 if scale is None else scale
        if regularizer.l1:
            xp.sign(w, out=tmp)
            tmp *= regularizer.l1 * factor
            target += tmp
        if regularizer.l2:
            xp.multiply(w, 2.0 * regularizer.l2 * factor, out=tmp)
            target += tmp

    def penalty(self) -> float:
        """The regularization terms this layer adds to the loss (as `Layer.losses` computes them)."""
        total = 0.0
        for regularizer, variable in self.regularized:
            tmp, w = self.reg_tmp[id(variable)], variable.data
            if regularizer.l1:
                total += regularizer.l1 * float(self.xp.abs(w, out=tmp).sum())
            if regularizer.l2:
                total += regularizer.l2 * float(self.xp.multiply(w, w, out=tmp).sum())
        return total


class ActivationKernel(Kernel):
    """The `Activation` layer (relu, tanh, linear)."""

    def __init__(self, op: Any, xp: Any, shapes: list, dtype: Any) -> None:
        super().__init__(op, xp, shapes, dtype)
        self.act_grad = ActivationGrad(xp, self.out_shape, op.activation, dtype)

    def forward(self, vals: list, training: bool) -> None:
        out = vals[self.output]
        out[...] = vals[self.inputs[0]]
        _activate(self.xp, out, self.op.activation)

    def backward(self, vals: list, grads: list, scale: Any = None) -> None:
        g = grads[self.output]
        self.act_grad.apply(g, vals[self.output])
        self.give(grads, 0, g)


class FlattenKernel(Kernel):
    """A reshape: a view forward, a view backward."""

    def forward(self, vals: list, training: bool) -> None:
        vals[self.output] = vals[self.inputs[0]].reshape(self.out_shape)

    def backward(self, vals: list, grads: list, scale: Any = None) -> None:
        self.give(grads, 0, grads[self.output].reshape(vals[self.inputs[0]].shape))


class DropoutKernel(Kernel):
    """Inverted dropout: the same random draws as the eager layer, into a preallocated mask."""

    def __init__(self, op: Any, xp: Any, shapes: list, dtype: Any) -> None:
        super().__init__(op, xp, shapes, dtype)
        self.layer = op.layer
        self.draw = xp.empty(self.out_shape, dtype="float32")
        self.mask = xp.empty(self.out_shape, dtype=dtype)
        self.out = xp.empty(self.out_shape, dtype=dtype)
        self.active = False

    def forward(self, vals: list, training: bool) -> None:
        x = vals[self.inputs[0]]
        self.active = bool(training) and self.layer.rate != 0
        if not self.active:
            vals[self.output] = x
            return
        rng = self.layer._rng or backend.random.generator()
        backend.random.random(self.out_shape, dtype="float32", rng=rng, out=self.draw)
        self.xp.greater_equal(self.draw, self.layer.rate, out=self.mask)
        self.mask *= 1.0 / (1.0 - self.layer.rate)
        vals[self.output] = self.xp.multiply(x, self.mask, out=self.out)

    def backward(self, vals: list, grads: list, scale: Any = None) -> None:
        g = grads[self.output]
        if self.active:
            self.xp.multiply(g, self.mask, out=g)
        self.give(grads, 0, g)


class ConcatKernel(Kernel):
    """Concatenation along the last axis; backward hands each input its slice (a view)."""

    def __init__(self, op: Any, xp: Any, shapes: list, dtype: Any) -> None:
        super().__init__(op, xp, shapes, dtype)
        self.edges = [0]
        for slot in op.inputs:
            self.edges.append(self.edges[-1] + shapes[slot][-1])

    def forward(self, vals: list, training: bool) -> None:
        self.xp.concatenate([vals[slot] for slot in self.inputs], axis=-1, out=vals[self.output])

    def backward(self, vals: list, grads: list, scale: Any = None) -> None:
        g = grads[self.output]
        for i in range(len(self.inputs)):
            if self.modes[i] is not None:
                self.give(grads, i, g[:, self.edges[i]:self.edges[i + 1]])


class AffineKernel(Kernel):
    """Normalization and Rescaling: `x * scale + offset` per feature, as their eager `scale_shift` computes it.

    The scale and offset come from the layer at each forward (adapted statistics may be set between fits).
    """

    def forward(self, vals: list, training: bool) -> None:
        x = vals[self.inputs[0]]
        self.scale, offset = self.op.layer.scale_and_offset(x, training)
        out = vals[self.output]
        self.xp.multiply(x, self.scale, out=out)
        out += offset

    def backward(self, vals: list, grads: list, scale: Any = None) -> None:
        g = grads[self.output]
        if self.modes[0] is not None:
            self.give(grads, 0, g * self.scale)

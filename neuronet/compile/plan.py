"""A plan: the traced graph bound to one batch shape, with every buffer allocated once."""
from __future__ import annotations

import math
from typing import Any, List, Optional

from neuronet.compile import kernels, updates
from neuronet.compile.graph import Graph, Untraceable

_KERNELS = {"flatten": kernels.FlattenKernel, "dropout": kernels.DropoutKernel, "concat": kernels.ConcatKernel,
            "activation": kernels.ActivationKernel, "affine": kernels.AffineKernel}


def _shapes(graph: Graph, input_shapes: List[tuple]) -> List[Optional[tuple]]:
    shapes: List[Optional[tuple]] = [None] * graph.slots
    for slot, shape in zip(graph.inputs, input_shapes):
        shapes[slot] = tuple(shape)
    for op in graph.ops:
        first = shapes[op.inputs[0]]
        if op.kind == "dense":
            if len(first) != 2 or first[1] != op.layer.kernel.shape[0]:
                raise Untraceable(f"layer {op.layer.name!r} receives inputs of shape {first}")
            shapes[op.output] = (first[0], op.layer.units)
        elif op.kind == "flatten":
            shapes[op.output] = (first[0], math.prod(first[1:]))
        elif op.kind == "concat":
            if any(len(shapes[s]) != 2 for s in op.inputs):
                raise Untraceable(f"layer {op.layer.name!r} concatenates inputs of rank other than 2")
            shapes[op.output] = (first[0], sum(shapes[s][-1] for s in op.inputs))
        else:
            shapes[op.output] = first
    return shapes


_LARGEST = {2: 65504.0, 4: 3.4028234663852886e38, 8: 1.7976931348623157e308}  # the float dtypes' maxima, by size


def _complement(ranges: List[tuple], size: int) -> List[tuple]:
    """The parts of `[0, size)` outside `ranges` (disjoint, in order).

    Example:
    >>> _complement([(0, 4), (6, 8)], 10)
    [(4, 6), (8, 10)]
    """
    parts, start = [], 0
    for low, high in sorted(ranges):
        if low > start:
            parts.append((start, low))
        start = high
    if start < size:
        parts.append((start, size))
    return parts


class Plan:
    """Forward (and, with `train=True`, backward) of `graph` for inputs of `input_shapes`.

    `vals[slot]` and `grads[slot]` hold each slot's value and gradient; both are reused every step.
    """

    def __init__(self, graph: Graph, input_shapes: List[tuple], dtype: Any, xp: Any, train: bool,
                 trainable: set) -> None:
        self.graph, self.xp, self.dtype, self.train = graph, xp, dtype, train
        self.input_slots, self.output_slots, self.frozen = list(graph.inputs), list(graph.outputs), False
        shapes = _shapes(graph, input_shapes)
        self.shapes = shapes
        self.kernels: List[Any] = []
        for op in graph.ops:
            if op.kind == "dense":
                kernel = kernels.DenseKernel(op, xp, shapes, dtype, trainable if train else set())
            else:
                kernel = _KERNELS[op.kind](op, xp, shapes, dtype)
            self.kernels.append(kernel)
        self.vals: List[Any] = [None] * graph.slots
        for kernel in self.kernels:  # buffers for the ops that write their output (views need none)
            if kernel.op.kind in ("dense", "concat", "activation", "affine"):
                self.vals[kernel.output] = xp.empty(shapes[kernel.output], dtype=dtype)
        self.logits = {k.output: k.logits for k in self.kernels if getattr(k, "logits", None) is not None}
        self.regularized = [k for k in self.kernels if getattr(k, "regularized", None)]
        if train:
            self._plan_backward(shapes, trainable)

    def _plan_backward(self, shapes: list, trainable: set) -> None:
        xp = self.xp
        needs = [False] * self.graph.slots  # does the slot depend on a trainable weight?
        for kernel in self.kernels:
            own = kernel.op.kind == "dense" and (kernel.grad_kernel is not None or kernel.grad_bias is not None)
            needs[kernel.output] = own or any(needs[s] for s in kernel.inputs)
        self.needs = needs
        written = set(self.graph.outputs)  # the loss head writes the outputs' gradients first
        for kernel in reversed(self.kernels):
            for i, slot in enumerate(kernel.inputs):
                if needs[slot]:
                    kernel.modes[i] = "add" if slot in written else "write"
                    written.add(slot)
        self.grad_buffers = [xp.empty(shape, dtype=self.dtype) if need else None
                             for shape, need in zip(shapes, needs)]
        self.backward_kernels = [k for k in reversed(self.kernels) if needs[k.output]]
        self.variable_grads = {}
        for kernel in self.kernels:
            if kernel.op.kind == "dense":
                if kernel.grad_kernel is not None:
                    self.variable_grads[id(kernel.kernel)] = kernel.grad_kernel
                if kernel.grad_bias is not None:
                    self.variable_grads[id(kernel.bias)] = kernel.grad_bias

    def flatten_grads(self, variables: List[Any]) -> None:
        """The variables' gradient buffers become views of one flat buffer, in `variables` order (the layout of
        the flat weights, see `updates.Updater`): the finiteness check and the update then see one array."""
        flat = self.xp.empty(sum(int(v.data.size) for v in variables), dtype=self.dtype)
        views = {id(v): view for v, view in zip(variables, updates.flat_views(flat, variables))}
        for kernel in self.kernels:
            if kernel.op.kind == "dense":
                if kernel.grad_kernel is not None:
                    kernel.grad_kernel = views[id(kernel.kernel)]
                if kernel.grad_bias is not None:
                    kernel.grad_bias = views[id(kernel.bias)]
        self.variable_grads = views
        self.flat_grads, self.flat_ones = flat, self.xp.ones(flat.shape, dtype=self.dtype)
        self.check_ranges = [(0, flat.size)]
        self.bounded: List[Any] = []

    def plan_checks(self, variables: List[Any]) -> None:
        """Which kernel gradients the finiteness check bounds instead of reading (`DenseKernel.gradient_bound`),
        and the flat ranges it still reads. Worth it where the kernel is larger than its two operands together
        (the first layer of an image model); never for a regularized kernel (its gradient has another term)."""
        starts, start = {}, 0
        for variable in variables:
            starts[id(variable)] = (start, start + int(variable.data.size))
            start += int(variable.data.size)
        regularized = {id(v) for k in self.regularized for _, v in k.regularized}
        self.bounded = []
        for kernel in self.kernels:
            if kernel.op.kind != "dense" or kernel.grad_kernel is None or id(kernel.kernel) in regularized:
                continue
            rows, (inputs, units) = self.shapes[kernel.output][0], kernel.kernel.shape
            if inputs * units > 2 * rows * (inputs + units):
                kernel.bounded, kernel.range = True, starts[id(kernel.kernel)]
                self.bounded.append(kernel)
        self.check_ranges = _complement([k.range for k in self.bounded], start)
        self.limit = _LARGEST[self.flat_grads.itemsize] * 0.25

    def gradients_total(self) -> float:
        """The sum of this step's gradients where they are read, finite or not (see `Trainer._finite_update`): a
        bounded kernel's gradient counts 0 when its bound is finite and small (then so is every element of it),
        and is read otherwise."""
        xp, flat, ones = self.xp, self.flat_grads, self.flat_ones
        if not self.bounded:  # a small model: all of it, one product
            return float(xp.dot(flat, ones))
        total = 0.0
        for start, stop in self.check_ranges:
            total += float(xp.dot(flat[start:stop], ones[start:stop]))
        for kernel in self.bounded:
            if not kernel.gradient_bound() < self.limit:
                start, stop = kernel.range
                total += float(xp.dot(flat[start:stop], ones[start:stop]))
        return total

    def freeze_biases(self) -> None:
        """The weights will not change while this plan runs (`predict`): see `DenseKernel.freeze_bias`."""
        for kernel in self.kernels:
            if kernel.op.kind == "dense":
                kernel.freeze_bias()
        self.frozen = True

    def forward(self, inputs: List[Any], training: bool) -> List[Any]:
        """Runs the forward ops; returns the output slots' arrays (the plan's own buffers)."""
        vals = self.vals
        if len(inputs) == 1:
            vals[self.input_slots[0]] = inputs[0]
        else:
            for slot, x in zip(self.input_slots, inputs):
                vals[slot] = x
        for kernel in self.kernels:
            kernel.forward(vals, training)
        return [vals[slot] for slot in self.output_slots]

    def output_grads(self) -> List[Any]:
        """Fresh gradient list for a backward pass; the head writes the outputs' entries."""
        self.grads = list(self.grad_buffers)
        return [self.grads[slot] for slot in self.graph.outputs]

    def backward(self, scale: Any = None) -> None:
        """Backward pass. `scale`: the learning rate the loss heads already multiplied the output gradients by
        (SGD's prescaled gradients); the regularizers' terms are multiplied by it too."""
        vals, grads = self.vals, self.grads
        for kernel in self.backward_kernels:
            kernel.backward(vals, grads, scale)

    def penalty(self) -> float:
        return sum(kernel.penalty() for kernel in self.regularized)

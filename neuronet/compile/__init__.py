"""The compiled step: a model's training step traced once per batch shape and replayed on fixed buffers.

`compile(jit_compile="auto")` (the default) uses it wherever the model can be traced; `jit_compile=False`
or `run_eagerly=True` keep the eager tape. See `compiled_step.for_model`.
"""
from neuronet.compile.compiled_step import CompiledStep, for_model  # noqa: F401

"""HyperModel: a search space and a model-building recipe, optionally with its own training (`fit`)."""


class HyperModel:
    """A search space and a model-building recipe: subclass it and write `build(hp)`, optionally `fit(...)`.

    `fit(hp, model, *args, **kwargs)` may tune training arguments (e.g. `batch_size=hp.Choice(...)`); it returns
    the `History` of `model.fit`, a dict of metrics, or the objective's value as a float.
    """

    def __init__(self, name=None, tunable=True):
        self.name, self.tunable = name, tunable

    def build(self, hp):
        raise NotImplementedError("Subclasses of `HyperModel` must implement `build(hp)` returning a compiled model.")

    def declare_hyperparameters(self, hp):
        pass

    def fit(self, hp, model, *args, **kwargs):
        return model.fit(*args, **kwargs)


class _FunctionHyperModel(HyperModel):
    """A `build_model(hp)` function as a `HyperModel`; it pickles whenever the function does."""

    def __init__(self, build_fn):
        super().__init__()
        self.build_fn = build_fn

    def build(self, hp):
        return self.build_fn(hp)


def get_hypermodel(hypermodel):
    if isinstance(hypermodel, HyperModel):
        return hypermodel
    if callable(getattr(hypermodel, "build", None)) and not isinstance(hypermodel, type):
        return hypermodel
    if callable(hypermodel):
        return _FunctionHyperModel(hypermodel)
    raise TypeError(f"`hypermodel` must be a function `build_model(hp)` returning a compiled model, or a `HyperModel`."
                    f" Received: {hypermodel!r}")

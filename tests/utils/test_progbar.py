"""Progress output: a live bar on terminals and in Jupyter notebooks, plain final lines in logs."""
import io
import sys
import types

import numpy as np

import neuronet as keras
from neuronet.utils import progbar


class _FakeShell:
    pass


_FakeShell.__name__ = "ZMQInteractiveShell"  # the class name of a Jupyter kernel's shell


def _as_notebook(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    ipython = types.ModuleType("IPython")
    ipython.get_ipython = _FakeShell
    monkeypatch.setitem(sys.modules, "IPython", ipython)


def test_a_log_file_gets_only_the_final_line(monkeypatch):
    stream = io.StringIO()
    bar = progbar.Progbar(10, verbose=1, interval=0, stream=stream)
    for step in range(1, 10):
        bar.update(step)
    bar.update(10, [("loss", 0.5)], finalize=True)
    assert "\r" not in stream.getvalue() and stream.getvalue().count("\n") == 1


def test_a_notebook_gets_a_live_bar(monkeypatch):
    _as_notebook(monkeypatch)
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stream)  # a kernel's stdout is not a terminal
    assert progbar.in_notebook() and progbar.is_interactive()
    bar = progbar.Progbar(10, verbose=1, interval=0)
    for step in range(1, 10):
        bar.update(step)
    bar.update(10, finalize=True)
    assert stream.getvalue().count("\r") == 10 and "━" in stream.getvalue()


def test_verbose_auto_is_a_live_bar_in_a_notebook_and_one_line_per_epoch_in_a_log(monkeypatch, capsys):
    x, y = np.arange(4.0).reshape(4, 1), np.arange(4.0)
    model = keras.Sequential([keras.layers.Dense(1, input_shape=[1])])
    model.compile(loss="mse", optimizer="sgd")
    model.fit(x, y, epochs=1, batch_size=2, verbose="auto")
    assert "\r" not in capsys.readouterr().out
    _as_notebook(monkeypatch)
    model.fit(x, y, epochs=1, batch_size=2, verbose="auto")
    assert "\r" in capsys.readouterr().out

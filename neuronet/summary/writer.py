"""SummaryWriter: where `keras.summary` writes, and the default writer and step the summary functions use.

As in `tf.summary`, the summary functions write to the default writer (set by `writer.as_default()` or
`writer.set_as_default()`) at the default step (set by `as_default(step=...)` or `summary.experimental.set_step`),
unless given a `step`. The event files are written by `tensorboardX` (imported when a writer is created).
"""
import contextlib
import itertools
import os
import time
import weakref

_INSTALL_HINT = ("`keras.summary` writes TensorBoard event files with the `tensorboardX` package. Install it with "
                 "`pip install tensorboardX` (or `pip install \"neuronet[tensorboard]\"`, which also brings the "
                 "`tensorboard` viewer).")

_default = {"writer": None, "step": None}
_file_numbers = itertools.count()  # as tf.summary's context: one default writer and step per process


class SummaryWriter:
    """Writes summaries to an event file in `logdir`; made by `create_file_writer`.

    Example:
    >>> import tempfile
    >>> writer = keras.summary.create_file_writer(tempfile.mkdtemp())
    >>> with writer.as_default(step=3):
    ...     keras.summary.scalar("loss", 0.25)
    True
    >>> keras.summary.scalar("loss", 0.25, step=4)  # outside the context: no default writer
    False
    """

    def __init__(self, logdir, max_queue=10, flush_millis=120000, filename_suffix=".v2"):
        self.logdir, self.max_queue, self.flush_millis = logdir, max_queue, flush_millis
        self.filename_suffix, self.name = filename_suffix, None
        self._events_writer, self._pending, self._last_flush = None, 0, time.monotonic()
        self.init()

    def init(self):
        """Create the event file (done on creation; again after `close()`)."""
        if self._events_writer is None:
            try:
                from tensorboardX.event_file_writer import EventsWriter
            except ImportError as error:
                raise ImportError(_INSTALL_HINT) from error
            # tensorboardX's own writer queues events for a thread and its flush() does not wait for that queue;
            # its synchronous EventsWriter lets flush() mean "on disk". The pid and a counter keep the names of
            # writers created within the same second apart, as TensorFlow's names are.
            suffix = f".{os.getpid()}.{next(_file_numbers)}{self.filename_suffix}"
            self._events_writer = EventsWriter(os.path.join(self.logdir, "events"), suffix)
            self._closer = weakref.finalize(self, self._events_writer.close)  # pending events reach disk at exit

    def set_as_default(self, step=None):
        """Make this the default writer from now on (and `step`, if given, the default step)."""
        _default["writer"] = self
        if step is not None:
            _default["step"] = step

    @contextlib.contextmanager
    def as_default(self, step=None):
        """A context in which this is the default writer (and `step`, if given, the default step); on exit the
        previous writer (and step) are restored and this writer is flushed."""
        previous_writer, previous_step = _default["writer"], _default["step"]
        _default["writer"] = self
        if step is not None:
            _default["step"] = step
        try:
            yield self
        finally:
            self.flush()
            _default["writer"] = previous_writer
            if step is not None:
                _default["step"] = previous_step

    def flush(self):
        """Write the pending summaries to disk."""
        if self._events_writer is not None:
            self._events_writer.flush()
            self._pending, self._last_flush = 0, time.monotonic()

    def close(self):
        """Flush and close the event file; `init()` opens a new one."""
        if self._events_writer is not None:
            self._closer()  # closes (and flushes) once
            self._events_writer = None

    def write(self, summary, step):
        """Append a `Summary` protobuf at `step`; written to disk every `max_queue` summaries or `flush_millis`
        milliseconds, on `flush()`, on leaving `as_default()`, and at exit. Returns True."""
        if self._events_writer is None:
            raise ValueError(f"The summary writer of {self.logdir!r} is closed: call `writer.init()` to write again, "
                             "or create a new writer with `keras.summary.create_file_writer(logdir)`.")
        from tensorboardX.proto.event_pb2 import Event

        self._events_writer.write_event(Event(wall_time=time.time(), step=step, summary=summary))
        self._pending += 1
        if self._pending >= self.max_queue or (time.monotonic() - self._last_flush) * 1000 >= self.flush_millis:
            self.flush()
        return True


class _NoopSummaryWriter(SummaryWriter):
    """A writer that writes nothing (the summary functions return False), as `tf.summary.create_noop_writer()`."""

    def __init__(self):  # no file, no tensorboardX needed
        self.logdir, self.name, self._events_writer = None, None, None

    def init(self):
        pass

    def write(self, summary, step):
        return False


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None, name=None,
                       experimental_trackable=False, experimental_mesh=None):
    """A `SummaryWriter` writing an event file to `logdir` (created if needed), as `tf.summary.create_file_writer`.

    Args:
        logdir: the directory of the event file.
        max_queue: the most summaries kept in memory before they are written (default 10).
        flush_millis: the longest time, in milliseconds, between writes to disk (default 120,000).
        filename_suffix: the end of the event file's name (default ".v2").
        name: a name for the writer (TensorFlow's op name); kept as `writer.name`.
        experimental_trackable, experimental_mesh: TensorFlow-only; must keep their defaults.
    """
    if experimental_trackable or experimental_mesh is not None:
        raise ValueError("`experimental_trackable` and `experimental_mesh` need TensorFlow (checkpoint tracking, "
                         f"DTensor); neuronet's writer has neither. Received: experimental_trackable="
                         f"{experimental_trackable!r}, experimental_mesh={experimental_mesh!r}. Remove them.")
    for arg, value in (("max_queue", max_queue), ("flush_millis", flush_millis)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise ValueError(f"`{arg}` must be a non-negative integer or None. Received: {arg}={value!r}")
    logdir = os.fspath(logdir)
    os.makedirs(logdir, exist_ok=True)
    writer = SummaryWriter(logdir, 10 if max_queue is None else max_queue,
                           120000 if flush_millis is None else flush_millis,
                           ".v2" if filename_suffix is None else filename_suffix)
    writer.name = name
    return writer


def create_noop_writer():
    """A writer that writes nothing, to switch summaries off without changing the code that writes them."""
    return _NoopSummaryWriter()


def get_default_writer():
    return _default["writer"]


def get_step():
    """The default step (an int or a variable such as `optimizer.iterations`), or None."""
    return _default["step"]


def set_step(step):
    """Set the default step of the summary functions (None unsets it)."""
    _default["step"] = step


def flush(writer=None, name=None):
    """Flush `writer` (default: the default writer), as `tf.summary.flush`; `name` is TensorFlow's op name."""
    writer = writer if writer is not None else _default["writer"]
    if writer is not None:
        writer.flush()

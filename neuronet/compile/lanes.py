"""Two lanes for `predict`: batches shared between the calling thread and a second one, with identical bits.

`predict`'s batches are independent, so two threads can each run whole batches while BLAS stays on one
thread: each batch is computed exactly as it would be alone (the same one-thread products, in the same
order), so the result does not depend on how many lanes ran or which lane ran which batch. Two BLAS threads
would instead split each product and change its last bits (see `neuronet.trainers.threads`). NumPy
releases the GIL inside the matrix products, which are most of a batch when they are large enough.

The lanes take the next batch from the adapter in turn (under a lock), so a lane slowed by another process
simply takes fewer batches: nothing waits on a thread that is not running, as two BLAS threads must.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Iterator, List

from neuronet.trainers import threads

# Below this many flops in the largest product of a batch, the Python work of a batch (which holds the GIL)
# is a large part of it, and a second lane gains little: about 25 us of products per batch on a 2020s core.
LANE_MIN_FLOPS = 2e6
MIN_BATCHES = 4  # left to run: fewer do not pay for starting a thread (about 0.1 ms)


def largest_product(plan: Any) -> int:
    """Flops of the largest matrix product in one run of `plan` (its Dense ops)."""
    kernels = [k.kernel.data for k in plan.kernels if k.op.kind == "dense"]
    return threads.matmul_flops(kernels, plan.shapes[plan.input_slots[0]][0])


def lane_count(xp: Any, plan: Any, rows_left: int) -> int:
    """How many lanes `predict` should use for `rows_left` more rows of `plan`'s batch size: 1 or 2.

    Two when the arrays are NumPy's (a GPU has its own parallelism), BLAS is limited to one thread (larger
    products already use the cores through BLAS), the products are large enough, there are batches enough,
    and no other process keeps a core busy (the load as last read; unread, the cores count as free).
    """
    batch = plan.shapes[plan.input_slots[0]][0]
    if getattr(xp, "__name__", "") != "numpy" or rows_left < MIN_BATCHES * batch or threads.current_limit() != 1:
        return 1
    if largest_product(plan) < LANE_MIN_FLOPS:
        return 1
    return min(2, threads.free_cores(threads.recent_load()))


def run(workers: List[Callable[[List[Any], int], int]], batches: Iterator[Any], convert: Callable[[Any], List[Any]],
        start: int) -> int:
    """Runs `worker(inputs, row)` for each batch of `batches`, one lane (thread) per worker, the first in the
    calling thread; rows are handed out in batch order from `start`. Returns the end row. The first error of any
    lane stops the others after their current batch and is raised here."""
    lock = threading.Lock()
    state: dict = {"row": start, "error": None}

    def lane(work: Callable[[List[Any], int], int]) -> None:
        try:
            while True:
                with lock:
                    item = None if state["error"] is not None else next(batches, None)
                    if item is None:
                        return
                    inputs = convert(item[1])
                    row = state["row"]
                    state["row"] = row + inputs[0].shape[0]
                work(inputs, row)
        except BaseException as error:  # noqa: BLE001 (raised again in the calling thread)
            with lock:
                if state["error"] is None:
                    state["error"] = error

    others = [threading.Thread(target=lane, args=(work,), daemon=True, name="neuronet-predict-lane")
              for work in workers[1:]]
    for thread in others:
        thread.start()
    lane(workers[0])
    for thread in others:
        thread.join()
    if state["error"] is not None:
        raise state["error"]
    return state["row"]

"""Keep Python's full garbage collections off the answer path.

By the time a study or quiz screen opens, the process holds some 90,000 objects that
live as long as it does (modules, the app, its screens and styles). Every so often
CPython's cyclic garbage collector scans all of them (a "generation 2" collection):
on the benchmark machine about 50–100 ms, landing on whatever keypress happened to be
allocating — about one answer in ten. `gc.freeze()` moves them out of the collector's
sight; objects made afterwards are collected as before, and frozen ones are still
freed by reference counting. (A reference cycle that was already garbage when frozen
is kept: bounded, once.)
"""

from __future__ import annotations

import gc


def freeze_long_lived() -> None:
    """Exempt every object alive now from later full collections (idempotent)."""
    gc.freeze()

"""Change many widgets of a screen, then lay out and paint them in one pass.

In Textual each widget runs its own message loop: a widget whose content or display
changes asks the screen for a layout only once *its* loop is idle, and a focus change or
a footer rebuild happens a message or two later still. When a keypress changes a dozen
widgets (the next card: prompt, options, field, hint, verdict, grade keys, counts, focus,
footer keys), the screen often goes idle — and lays out and paints — after some of them
have asked and before the others have, then again for the rest: two or three layouts and
frames for one keypress, each waiting for the next frame slot. The learner sees a
half-updated card for a frame, and the key costs two or three times the work.

`one_frame(screen)` holds the app's repaints (Textual's batch update, as
`App.batch_update` does) from the changes until the app and every widget of the screen
have handled what was queued for them — each has then posted its requests to the screen
— and lets the screen lay out and paint once. The waiting is done by a task of its own,
so the handler that made the changes returns at once and the app goes on handling
messages (and keys) meanwhile; repaints are never held longer than `LIMIT_S`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from textual.message_pump import MessagePump
from textual.screen import Screen

#: Never hold the screen's repaints longer than this (a widget stuck on something).
LIMIT_S = 0.25
#: Rounds of waiting: a handler may queue work for another node (focus → bindings →
#: footer), which is then waited for too.
ROUNDS = 4

_pending: set[asyncio.Task[None]] = set()  # the waiting tasks (held, so not collected)
_after: dict[int, list[Callable[[], object]]] = {}  # id(screen) → after its one frame


class _Countdown:
    """Set `done` once `one_less` has been called `left` times."""

    def __init__(self, left: int) -> None:
        self.left = left
        self.done = asyncio.Event()

    def one_less(self) -> None:
        self.left -= 1
        if self.left <= 0:
            self.done.set()


async def drained(screen: Screen[Any], limit: float = LIMIT_S) -> None:
    """Wait until the app and every node of `screen` have handled the messages queued
    for them (`limit` seconds at most). Call it from a task of its own, not from a
    handler: the node running the handler could not handle anything meanwhile."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    for _ in range(ROUNDS):
        nodes: list[MessagePump] = [screen.app, *screen.walk_children(with_self=True)]
        busy = [node for node in nodes if node.is_running and not node._message_queue.empty()]
        if not busy:
            return
        waiting = _Countdown(len(busy))
        for node in busy:
            if not node.call_later(waiting.one_less):
                waiting.one_less()
        timeout = deadline - loop.time()
        if timeout <= 0:
            return
        try:
            await asyncio.wait_for(waiting.done.wait(), timeout)
        except TimeoutError:
            return


def after_refresh(screen: Screen[Any], callback: Callable[[], object]) -> None:
    """`screen.call_after_refresh(callback)`, but after the one frame being prepared,
    if any. (While repaints are held, Textual runs "after refresh" callbacks at once,
    before anything was laid out.)"""
    waiting = _after.get(id(screen))
    if waiting is not None:
        waiting.append(callback)
    else:
        screen.call_after_refresh(callback)


async def _release(screen: Screen[Any]) -> None:
    try:
        await drained(screen)
    finally:
        callbacks = _after.pop(id(screen), [])
        screen.app._end_batch()
        if screen.is_running:
            screen.check_idle()  # the screen lays out and paints what it was asked
            for callback in callbacks:
                screen.call_after_refresh(callback)


@contextmanager
def one_frame(screen: Screen[Any]) -> Iterator[None]:
    """Make the changes in the `with` body; the screen is laid out and painted once,
    after the app and every widget have handled what the changes queued."""
    app = screen.app
    app._begin_batch()
    _after.setdefault(id(screen), [])
    try:
        yield
    except BaseException:
        app._end_batch()
        raise
    task = asyncio.get_running_loop().create_task(_release(screen))
    _pending.add(task)
    task.add_done_callback(_pending.discard)

"""No typed key is lost across a screen change (issue 14 item 4): the app hands keys over one at a
time.

Textual reads a key in the app and forwards it at once to the focused widget's own message queue;
the next key is forwarded before the first has been handled. A key that changes the screen (Enter
on the search box submits, the new patient form saves and opens the visit form, F10 opens the
summary) is handled in the old screen's queues while the keys typed after it are already queued
for the old screen's widgets, and a new screen has no focus until its widgets are mounted: keys
typed within ~0.2 s of a screen change were lost or landed in the previous screen.

`KeyGate` (a mixin of the App) holds every key that arrives while the previous one is still being
handled and delivers it when the app has settled: the key's way through the focused widget and
its ancestors, the messages it caused (Changed, Submitted, a callback that pushes a screen), a
screen being pushed, mounted and given its focus. So a burst of keys (tmux send-keys, a fast nurse,
an old PC catching up) is handled exactly as if typed slowly, in order. A key is never held longer
than `KEY_HOLD_LIMIT` seconds (then it is delivered anyway: a stuck widget must not freeze the
keyboard).

What "settled" means (`KeyGate.keys_settled`): the app and every screen of the stack have no
message waiting or being handled; the screen in front is mounted; its focused widget and that
widget's ancestors have none either; and a screen in front that has not set its focus yet has all
its widgets mounted and idle (its on_mount focuses one through the app's queue). Widgets off the
focus chain (a visit-form section mounted in the background) do not hold keys up.
"""
from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from textual.message_pump import MessagePump

    # A key, or text pasted from the terminal (bracketed paste): both go to the focused widget.
    Typed = events.Key | events.Paste
    Deliver = Callable[[Typed], Awaitable[None]]

# The longest a key waits for the app to settle before it is delivered anyway (seconds).
KEY_HOLD_LIMIT = 3.0
# How often a held key looks again whether the app has settled (seconds).
SETTLE_POLL = 0.002


def pump_busy(node: "MessagePump") -> bool:
    """True while `node` has a message waiting or being handled (a handler may be awaiting).

    The one private read left of Textual's: its public `message_queue_size` counts only waiting
    messages, not the one being handled, and reading it creates the queue of a node never posted
    to."""
    queue = node.__dict__.get("_message_queue")  # a cached property: absent = never posted to
    if queue is None:
        return False
    unfinished = getattr(queue, "_unfinished_tasks", None)  # asyncio.Queue: put - task_done
    return bool(unfinished) if unfinished is not None else not queue.empty()


class KeyGate:
    """Mixin for the App (before `App` in the bases). The app's `on_event` passes every key read
    from the terminal to `gate_key` with the coroutine that hands a key to Textual."""

    _held_keys: "deque[tuple[Typed, Deliver]] | None" = None
    _key_in_flight: bool = False
    _key_delivered_at: float = 0.0

    async def gate_key(self, event: "Typed", deliver: "Deliver") -> None:
        """Deliver `event` (a key or pasted text) now if the previous one has been handled, else
        hold it until then."""
        if self._held_keys is None:
            self._held_keys = deque()
        if self._key_in_flight or self._held_keys:
            self._held_keys.append((event, deliver))
            return
        await self._deliver(event, deliver)

    def keys_settled(self) -> bool:
        """True when the last key delivered has been handled (see the module's docstring)."""
        app: Any = self
        if pump_busy(app):
            return False
        try:
            stack = list(app.screen_stack)
        except Exception:  # noqa: BLE001 - no screen yet (starting) or none any more (ending)
            return True
        if not stack:
            return True
        if any(pump_busy(screen) for screen in stack):
            return False
        front = stack[-1]
        if not front.is_mounted:
            return False
        focused = front.focused
        if focused is None:
            # A screen still opening: its widgets mount and its on_mount sets the focus.
            for node in front.walk_children(with_self=False):
                if not node.is_mounted or pump_busy(node):
                    return False
            return True
        node = focused
        while node is not None and node is not front:
            if pump_busy(node) or not node.is_mounted:
                return False
            node = node.parent
        return True

    async def _deliver(self, event: "Typed", deliver: "Deliver") -> None:
        self._key_in_flight = True
        self._key_delivered_at = time.monotonic()
        try:
            await deliver(event)  # priority bindings run here; the key goes to the focused widget
        finally:
            self._watch_settle()

    def _watch_settle(self) -> None:
        # A plain event-loop callback, outside every message pump: a Textual timer would run the
        # check inside the app's own queue, which is then never empty.
        asyncio.get_running_loop().call_later(SETTLE_POLL, self._check_settled)

    def _check_settled(self) -> None:
        app: Any = self
        # return_code: None until exit() was called (Textual's public side of App._exit).
        if not self._key_in_flight or app.return_code is not None or not app.is_running:
            return
        waited = time.monotonic() - self._key_delivered_at
        try:
            settled = self.keys_settled()
        except Exception:  # noqa: BLE001 - a screen being torn down: never leave the keyboard stuck
            settled = True
        if waited < KEY_HOLD_LIMIT and not settled:
            self._watch_settle()
            return
        self._key_in_flight = False
        if self._held_keys:
            # Delivered from the app's own queue (the task that reads the keys), in order.
            app.call_later(self._deliver_held)

    async def _deliver_held(self) -> None:
        if self._key_in_flight or not self._held_keys:
            return
        event, deliver = self._held_keys.popleft()
        await self._deliver(event, deliver)

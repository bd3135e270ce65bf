"""Text as it is generated: a caller says where partial text goes, a provider that can stream sends it there.

The listener travels in a context variable rather than through `Model.generate`'s
signature, so the provider contract stays two arguments and every layer in
between (the store cache, samplers, the studio's drafting) passes it on without
knowing. asyncio copies the context into each task, so concurrent drafts each
have their own listener. A provider that cannot stream simply never calls it:
callers still get the finished Generation, as always. A cached call streams
nothing (its text is already whole).

The listener is called on the caller's event loop with the whole text so far
(not a delta), so a missed update never garbles what is shown.
"""

from __future__ import annotations

import asyncio
import contextlib
from contextvars import ContextVar
from typing import Callable, Iterator

TextListener = Callable[[str], None]

_listener: ContextVar[TextListener | None] = ContextVar("punchup_text_listener", default=None)


@contextlib.contextmanager
def streaming(listener: TextListener | None) -> Iterator[None]:
    """Within this block (and the tasks it starts), generations report their text so far to `listener`."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def current_listener() -> TextListener | None:
    return _listener.get()


def threadsafe_listener() -> TextListener | None:
    """The current listener, callable from any thread (a provider's decode thread): it runs on this loop."""
    listener = _listener.get()
    if listener is None:
        return None
    loop = asyncio.get_running_loop()

    def send(text: str) -> None:
        if not loop.is_closed():
            loop.call_soon_threadsafe(listener, text)

    return send

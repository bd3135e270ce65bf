"""Silence what native code writes to standard error while it runs: file descriptor 2 and Python's sys.stderr.

llama.cpp prints a warning line per tensor in some calls (a requantization, an
adapter whose tensors cannot use the repacked buffer) whatever llama-cpp-python's
verbosity, and those lines would land in the middle of punchup's own output. Some
reach descriptor 2 directly; others go through llama-cpp-python's log callback,
which prints to whatever sys.stderr is at the time (a test runner's capture, an
application's wrapper), so both are redirected.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Iterator


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull):
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)

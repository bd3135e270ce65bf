"""Silence what native code writes straight to file descriptor 2, below Python's sys.stderr.

llama.cpp prints a warning line per tensor in some calls (a requantization, an
adapter whose tensors cannot use the repacked buffer) whatever llama-cpp-python's
verbosity, and those lines would land in the middle of punchup's own output.
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
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)

"""The one error type the CLI turns into a single line and exit code 2.

Anything a user can cause (bad pack, unknown model, server down, unreadable
store) is raised as a PunchupError whose message names the problem and where
it is; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class PunchupError(Exception):
    """A problem with the user's input or environment, worded for the user."""


class ModelError(PunchupError):
    """A model could not be loaded or called (unknown provider, missing file, server down)."""


class StoreError(PunchupError):
    """The store cannot be opened or written."""

"""Errors that reach the user as one clear (Dutch) line instead of a traceback."""

from __future__ import annotations


class InputError(Exception):
    """Input that cannot be used at all: a missing file or column, an unreadable format.

    The message names the file (and the column or row where that helps) and is shown as is.
    """

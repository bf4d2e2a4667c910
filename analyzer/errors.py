"""Errors that reach the user as one clear (Dutch) line instead of a traceback."""

from __future__ import annotations


def printable(text: str) -> str:
    """``text`` with the bytes of a file name that are not UTF-8 read as Windows-1252.

    Python keeps such bytes (a name written on an old Windows system, ``brief_caf\\xe9.txt``) as lone
    surrogates, which can be neither printed nor stored; read as Windows-1252 they give ``brief_café.txt``.
    """
    if not any("\udc80" <= c <= "\udcff" for c in text):
        return text
    return "".join(
        bytes([ord(c) - 0xDC00]).decode("cp1252", "replace") if "\udc80" <= c <= "\udcff" else c for c in text
    )


class InputError(Exception):
    """Input that cannot be used at all: a missing file or column, an unreadable format.

    The message names the file (and the column or row where that helps) and is shown as is.
    """

    def __init__(self, message: object = "") -> None:
        super().__init__(printable(str(message)))

"""The one error drafting raises for input a user can fix."""

from __future__ import annotations


class DraftError(Exception):
    """Bad input or a refused write: the message says what to do (shown as one `Error:` line)."""

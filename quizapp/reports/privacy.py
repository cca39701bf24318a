"""Pseudonyms for reports shared outside the class (`quizapp report --pseudonymize`).

A learner's pseudonym is `L-` and the first 12 hex digits of HMAC-SHA256(salt, the
name casefolded and trimmed): the same name and salt give the same id on every run and
in every file (names match case-insensitively, as the store's do), and without the salt
nobody can rebuild it from a class list. Database files are named `file 1`, `file 2`…
in the order given (a file's name often is the learner's).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from pathlib import Path


class SaltError(Exception):
    """The salt could not be had; the message says why, for the user."""


def pseudonym(name: str, salt: str) -> str:
    key = name.strip().casefold().encode("utf-8")
    return "L-" + hmac.new(salt.encode("utf-8"), key, hashlib.sha256).hexdigest()[:12]


def read_salt(text: str | None, file: str | None) -> str:
    """The salt from `--salt` or the first line of `--salt-file` (not empty)."""
    if text is not None and file is not None:
        raise SaltError("give --salt or --salt-file, not both")
    if file is not None:
        try:
            lines = Path(file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as e:
            raise SaltError(
                f"cannot read the salt file {file}: {getattr(e, 'strerror', e)}"
            ) from None
        text = lines[0] if lines else ""
    if text is None or not text.strip():
        raise SaltError(
            "--pseudonymize needs a secret salt: --salt TEXT or --salt-file FILE "
            "(keep it to get the same pseudonyms next time)"
        )
    return text.strip()


def file_names(labels: Sequence[str]) -> dict[str, str]:
    """Each database label's stand-in: `file 1`, `file 2`… in the order given."""
    return {label: f"file {i}" for i, label in enumerate(dict.fromkeys(labels), start=1)}

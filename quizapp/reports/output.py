"""Writing a rendered report: the format dispatch and the atomic file write, shared by
`quizapp report` and the TUI's export."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quizapp.reports.metrics import LearnerMetrics


class WriteError(Exception):
    """A report could not be written; the message says why, for the user."""


def render(
    metrics: Sequence[LearnerMetrics], fmt: str, *, generated_at: str, by: str = "learner"
) -> list[str]:
    """The report in `fmt` (csv, json, md or html) as chunks of text."""
    if fmt == "csv":
        from quizapp.reports import csv_out

        return [csv_out.render(metrics, by=by)]
    if fmt == "json":
        from quizapp.reports import json_out

        return [json_out.render(metrics, generated_at=generated_at)]
    if fmt == "md":
        from quizapp.reports import md_out

        return [md_out.render(metrics)]
    if fmt == "html":
        from quizapp.reports import html_out

        return [html_out.render(metrics, generated_at=generated_at)]
    raise ValueError(f"unknown report format {fmt!r}")


def write_atomic(path: Path, chunks: Iterable[str]) -> None:
    """Write through a temporary file beside `path`, synced, then renamed over it: a
    reader never sees half a report, and a failure leaves any previous file as it was."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise WriteError(f"cannot write {path}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise WriteError(f"cannot write in {folder}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            for chunk in chunks:
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise WriteError(f"cannot write {path}: {e.strerror or e}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

"""Writing a rendered report: the format dispatch and the atomic file write, shared by
`quizapp report` and the TUI's export."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from quizapp import outputs
from quizapp.outputs import Protected

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


def write_atomic(path: Path, chunks: Iterable[str], *, protected: Protected | None = None) -> None:
    """Write through a temporary file beside `path`, synced, then renamed over it: a
    reader never sees half a report, and a failure leaves any previous file as it was.
    `protected` paths (the progress database, deck files) are refused
    (`quizapp.outputs`)."""
    try:
        outputs.write_atomic(path, chunks, protected=protected)
    except outputs.OutputError as e:
        raise WriteError(str(e)) from None

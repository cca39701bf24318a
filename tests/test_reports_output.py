"""Writing reports (quizapp.reports.output): atomic writes and the format dispatch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from quizapp.reports.output import WriteError, render, write_atomic


def test_write_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "r.csv"
    target.write_text("old\n")
    write_atomic(target, ["a,b\n", "1,2\n"])
    assert target.read_text() == "a,b\n1,2\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]  # no temporary file left


def test_a_failure_mid_write_leaves_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "r.csv"
    target.write_text("old\n")

    def chunks() -> Iterator[str]:
        yield "half"
        raise RuntimeError("renderer failed")

    with pytest.raises(RuntimeError):
        write_atomic(target, chunks())
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.csv"]


def test_a_missing_folder_is_explained(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="does not exist"):
        write_atomic(tmp_path / "nope" / "r.csv", ["x"])


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        render([], "pdf", generated_at="2026-01-01T00:00:00Z")

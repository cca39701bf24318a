"""Writing a draft: the deck file and the extracted text beside it.

The deck is written with ruamel.yaml (as `decks add-ids` and `decks review` rewrite decks,
so a later review keeps the layout): one comment line per section heading, every card
`draft: true`, each file written to a temporary file beside its target and renamed. An
existing deck is never overwritten without `force`; neither is a different source text.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from quizapp.draft.cards import Candidate
from quizapp.draft.errors import DraftError
from quizapp.draft.extract import Document

__all__ = ["deck_yaml", "new_yaml", "write_atomic", "write_draft"]


def new_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _scalar(value: Any) -> Any:
    if isinstance(value, str):
        if "\n" in value:
            return LiteralScalarString(value)
        return DoubleQuotedScalarString(value) if _needs_quotes(value) else value
    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = _scalar(v)
        return out
    if isinstance(value, list):
        seq = CommentedSeq()
        for v in value:
            seq.append(_scalar(v))
        if all(isinstance(v, str) for v in value) and len(", ".join(value)) < 70:
            seq.fa.set_flow_style()
        return seq
    return value


def _needs_quotes(value: str) -> bool:
    """Text YAML 1.1 would read as something else, or that starts with a YAML sign."""
    low = value.strip().lower()
    return (
        not value
        or value != value.strip()
        or low in ("yes", "no", "on", "off", "true", "false", "null", "~", "y", "n")
        or value[0] in "!&*[]{}|>'\"%@`#,?:-"
        or any(s in value for s in (": ", " #"))
        or value.replace(".", "", 1).replace(":", "").isdigit()
        or value[-1:] == ":"
    )


def deck_yaml(
    doc: Document,
    cards: Sequence[Candidate],
    *,
    deck_id: str,
    title: str,
    source_id: str,
    source_file: str,
    origin: str,
) -> str:
    """The deck file's text."""
    root = CommentedMap()
    root["format"] = 1
    root["id"] = deck_id
    root["title"] = _scalar(title)
    root["description"] = _scalar(
        f"Drafted from {origin}: every card quotes the sentence it tests. "
        "Review the drafts (quizapp decks review) before studying."
    )
    source = CommentedMap()
    source["title"] = _scalar(doc.title or title)
    source["file"] = source_file
    root["sources"] = CommentedMap({source_id: source})
    seq = CommentedSeq()
    last_heading: tuple[str, ...] | None = None
    for i, c in enumerate(cards):
        seq.append(_scalar(c.card))
        heading = c.fact.headings
        if heading != last_heading and heading:
            seq.yaml_set_comment_before_after_key(
                i, before=f"── {heading[-1]} " + "─" * 8, indent=2
            )
        last_heading = heading
    root["cards"] = seq
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    root.yaml_set_start_comment(
        f"Drafted by `quizapp draft` on {stamp} from {origin}.\n"
        "Every card is `draft: true` (listed, not studied) until accepted with\n"
        "`quizapp decks review FILE`; `quizapp decks check FILE` verifies every quote."
    )
    out = io.StringIO()
    new_yaml().dump(root, out)
    return out.getvalue()


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_draft(
    deck_path: Path,
    deck_text: str,
    source_path: Path,
    source_text: str,
    *,
    force: bool,
    input_path: Path,
) -> None:
    """Write the source text, then the deck; refuse to overwrite without `force`."""
    if deck_path.exists() and not force:
        raise DraftError(f"{deck_path} already exists; pass --force to overwrite it, or -o FILE")
    same_as_input = source_path.exists() and source_path.resolve() == input_path.resolve()
    if source_path.exists():
        try:
            current = source_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current != source_text:
            if same_as_input:
                raise DraftError(
                    f"{source_path} is the document itself; draft with --id OTHER so the "
                    "extracted text is saved under another name"
                )
            if not force:
                raise DraftError(
                    f"{source_path} already exists with other text; pass --force to "
                    "overwrite it, or --id OTHER"
                )
    try:
        if not source_path.exists() or source_path.read_text(encoding="utf-8") != source_text:
            write_atomic(source_path, source_text)
        write_atomic(deck_path, deck_text)
    except OSError as e:
        raise DraftError(f"cannot write {deck_path}: {e.strerror or e}") from None

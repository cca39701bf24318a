"""Writing a draft: the deck file and the extracted text beside it.

The deck is written with PyYAML's C emitter (ruamel.yaml, which `decks review` uses to
rewrite it keeping comments, takes ~20 s for 3,000 cards): a comment line per section
heading, every card
`draft: true`, each file written to a temporary file beside its target and renamed. An
existing deck is never overwritten without `force`; neither is a different source text.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from ruamel.yaml import YAML

from quizapp.decks.yaml_dump import dump_yaml
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
    """The deck file's text: header comments, the deck's keys, then each card (a comment
    line before the first card of each section)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    head = {
        "format": 1,
        "id": deck_id,
        "title": title,
        "description": f"Drafted from {origin}: every card quotes the sentence it tests. "
        "Review the drafts (quizapp decks review) before studying.",
        "sources": {source_id: {"title": doc.title or title, "file": source_file}},
    }
    out = [
        f"# Drafted by `quizapp draft` on {stamp} from {origin}.",
        "# Every card is `draft: true` (listed, not studied) until accepted with",
        "# `quizapp decks review FILE`; `quizapp decks check FILE` verifies every quote.",
        dump_yaml(head).rstrip("\n"),
        "cards:",
    ]
    last_heading: tuple[str, ...] | None = None
    for c in cards:
        heading = c.fact.headings
        if heading and heading != last_heading:
            out.append(f"  # ── {heading[-1]} " + "─" * 8)
        last_heading = heading
        lines = dump_yaml(c.card).rstrip("\n").split("\n")
        out.append("  - " + lines[0])
        out.extend(("    " + ln) if ln else ln for ln in lines[1:])
    return "\n".join(out) + "\n"


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

"""`draft_file`: a document in, a deck of draft cards and its source text out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from quizapp.decks.add_ids import slugify
from quizapp.decks.rules import DECK_ID_RE, ID_MAX_LENGTH
from quizapp.draft.drafter import DraftDeck, Drafter, draft_deck
from quizapp.draft.errors import DraftError
from quizapp.draft.extract import Document, extract
from quizapp.draft.writer import deck_yaml, write_draft

__all__ = ["DraftResult", "draft_file", "plan_paths"]


@dataclass(slots=True)
class DraftResult:
    deck_path: Path
    source_path: Path
    deck_id: str
    document: Document
    draft: DraftDeck


def plan_paths(source: Path, output: Path | None, deck_id: str | None) -> tuple[Path, Path, str]:
    """(deck file, source text file, deck id): the deck beside the document by default,
    the text in `sources/ID.txt` beside the deck."""
    did = deck_id if deck_id is not None else slugify(source.stem, 48)
    if not did or len(did) > ID_MAX_LENGTH or not DECK_ID_RE.match(did):
        raise DraftError(
            f"deck id {did!r} is not valid: use lowercase letters, digits, `.`, `_`, `-` "
            f"(at most {ID_MAX_LENGTH})"
        )
    deck_path = output if output is not None else source.with_name(f"{did}.yaml")
    if deck_path.suffix.lower() not in (".yaml", ".yml"):
        raise DraftError(f"{deck_path}: a deck file ends in .yaml or .yml")
    if deck_path.exists() and deck_path.is_dir():
        raise DraftError(f"{deck_path} is a folder; give a deck file name with -o")
    return deck_path, deck_path.parent / "sources" / f"{did}.txt", did


def draft_file(
    source: Path,
    *,
    output: Path | None = None,
    deck_id: str | None = None,
    title: str | None = None,
    force: bool = False,
    drafter: Drafter | None = None,
) -> DraftResult:
    source = Path(source)
    deck_path, source_path, did = plan_paths(source, output, deck_id)
    if deck_path.exists() and not force:  # before the work, not after
        raise DraftError(f"{deck_path} already exists; pass --force to overwrite it, or -o FILE")
    doc = extract(source)
    result = draft_deck(doc, did, drafter)
    if not result.cards:
        raise DraftError(
            f"{source}: found {len(result.facts)} fact(s) but no card passed the grounding "
            "checks; the document may be too short or have no statements"
        )
    text = deck_yaml(
        doc,
        result.cards,
        deck_id=did,
        title=title or doc.title or did,
        source_id=did,
        source_file=f"sources/{did}.txt",
        origin=source.name,
    )
    write_draft(deck_path, text, source_path, doc.text(), force=force, input_path=source)
    return DraftResult(deck_path, source_path, did, doc, result)

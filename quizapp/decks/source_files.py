"""Check mode: each card's quote is looked up in its source's `file` (`quizapp decks check`).

Separate from validation because it reads other files: a source file must exist, be a
regular file inside the deck's folder (symlinks resolved), and contain the quote once
whitespace, quote styles and dashes are normalised (`quizapp.decks.quotes`). A card's
`ref` must be a marker that follows the quoted sentence (`quotes.markers_after`).
"""

from __future__ import annotations

import ntpath
import posixpath

from quizapp.decks import quotes
from quizapp.decks.errors import ProblemLog
from quizapp.decks.rules import escapes_folder
from quizapp.decks.validate import QuoteCheck, Validator
from quizapp.model import Source


def check_quotes(validator: Validator, sources: dict[str, Source]) -> None:
    """Record a problem for each unreadable source file and each quote not found in one."""
    ctx: ProblemLog = validator.ctx
    folder = ctx.path.parent.resolve()
    texts: dict[str, str | None] = {}
    for sid, src in sources.items():
        if not src.file or sid not in validator.source_nodes:
            continue
        fnode = validator.source_nodes[sid].items["file"][1]
        if posixpath.isabs(src.file) or ntpath.isabs(src.file) or escapes_folder(src.file):
            texts[sid] = None  # already reported
            continue
        target = (ctx.path.parent / src.file).resolve()
        if not target.is_relative_to(folder):
            ctx.at(
                fnode,
                f"source file `{src.file}` leads outside the deck's folder (symlink?)",
                "file references cannot leave the deck's folder",
            )
            texts[sid] = None
            continue
        if not target.exists():
            ctx.at(
                fnode,
                f"source file `{src.file}` does not exist",
                f"put the document at {target} or fix the path (relative to the deck)",
            )
            texts[sid] = None
            continue
        if target.is_dir():
            ctx.at(fnode, f"source file `{src.file}` is a folder", "name a text file")
            texts[sid] = None
            continue
        if not target.is_file():  # a FIFO or device would block: never read it
            ctx.at(fnode, f"source file `{src.file}` is not a regular file", "name a text file")
            texts[sid] = None
            continue
        try:
            texts[sid] = target.read_bytes().decode("utf-8-sig", errors="replace")
        except OSError as e:
            ctx.at(fnode, f"cannot read source file `{src.file}`: {e.strerror}")
            texts[sid] = None
    normalised: dict[str, str] = {}
    for qc in validator.quote_checks:
        source_text = texts.get(qc.source_id)
        if source_text is None:
            continue
        if qc.source_id not in normalised:
            normalised[qc.source_id] = quotes.normalise(source_text)
        if quotes.quote_in_normalised(qc.quote, normalised[qc.source_id]):
            if qc.ref.strip():
                _check_ref(ctx, qc, normalised[qc.source_id])
            continue
        closest = quotes.closest_sentence(qc.quote, source_text)
        hint = (
            f"closest sentence in the source: “{closest}”"
            if closest
            else "copy the sentence verbatim from the source"
        )
        ctx.at(
            qc.node,
            f"quote not found in source `{qc.source_id}` ({sources[qc.source_id].file})",
            hint,
            qc.card_id,
        )


def _check_ref(ctx: ProblemLog, qc: QuoteCheck, normalised_source: str) -> None:
    """A problem when the card's `ref` is not among the markers after its quoted sentence."""
    markers = quotes.markers_after(qc.quote, normalised_source)
    if markers is None:  # the quote is not there: reported as such
        return
    ref = " ".join(qc.ref.split())
    if ref in markers:
        return
    ends = (
        f"the sentence ends with {' '.join(markers)}"
        if markers
        else "no marker follows this sentence"
    )
    ctx.at(
        qc.ref_node or qc.node,
        f"ref {ref} does not follow this quote in the source ({ends})",
        f'write `ref: "{markers[0]}"`'
        if len(markers) == 1
        else ("use one of the markers after the sentence" if markers else "remove `ref`"),
        qc.card_id,
    )

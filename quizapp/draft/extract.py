"""Documents in, structured text out: headings, paragraphs and list items, per input kind.

Each kind has its own reader: `.txt` (blank-line blocks, `#` headings, `-`/`1.` list
items), `.md` (markdown-it's token stream, so emphasis, links and escapes come out as
plain text), `.html` (trafilatura's main-text extraction, which drops navigation, bylines
and widgets, then the markdown reader), `.pdf` (pypdf's text layer, lines joined into
paragraphs). `Document.text()` is the plain text saved beside the deck; every block's
text appears in it verbatim, so a sentence quoted from a block is found by `decks check`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from quizapp.draft.errors import DraftError

__all__ = ["KINDS", "MAX_BYTES", "Block", "Document", "extract", "parse_text"]

BlockKind = Literal["heading", "paragraph", "item"]
MAX_BYTES = 50 * 1024 * 1024  # a source larger than this is refused
MAX_CHARS = 3_000_000  # extracted text larger than this is refused (about 500,000 words)
KINDS = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    text: str  # one line, as saved in the source text
    level: int = 0  # heading level (1 = title); list nesting for items
    list_id: int = -1  # items of one list share it


@dataclass(slots=True)
class Document:
    title: str
    blocks: list[Block] = field(default_factory=list)
    kind: str = ""  # the input kind it came from ("txt", "md", "html", "pdf")

    def text(self) -> str:
        """The plain text saved as `sources/ID.txt`: one block a line, blank lines between
        blocks (list items of one list on consecutive lines), headings marked with `#`."""
        out: list[str] = []
        prev: Block | None = None
        for b in self.blocks:
            if out and not (
                prev is not None and prev.kind == b.kind == "item" and prev.list_id == b.list_id
            ):
                out.append("")
            if b.kind == "heading":
                out.append("#" * max(1, min(b.level, 6)) + " " + b.text)
            elif b.kind == "item":
                out.append("  " * b.level + "- " + b.text)
            else:
                out.append(b.text)
            prev = b
        return "\n".join(out) + "\n"

    def word_count(self) -> int:
        return sum(len(b.text.split()) for b in self.blocks)


def extract(path: Path) -> Document:
    """The document at `path`, or `DraftError` saying why it cannot be drafted from."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in KINDS:
        raise DraftError(
            f"{path}: cannot draft from a `{path.suffix or 'extension-less'}` file; "
            "give a .txt, .md, .html or .pdf document"
        )
    try:
        if not path.is_file():
            raise DraftError(f"{path}: no such file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DraftError(
                f"{path}: {size / 1e6:.0f} MB is too large to draft from "
                f"(at most {MAX_BYTES // (1024 * 1024)} MB); split the document"
            )
        data = path.read_bytes()
    except OSError as e:
        raise DraftError(f"{path}: cannot read it ({e.strerror or e})") from None
    if not data.strip():
        raise DraftError(f"{path}: the file is empty; give a document with text")
    if suffix == ".pdf":
        doc = _pdf(path, data)
    else:
        text = _decode(path, data)
        if suffix in (".html", ".htm"):
            doc = _html(path, text)
        elif suffix in (".md", ".markdown"):
            doc = parse_markdown(text, kind="md")
        else:
            doc = parse_text(text, kind="txt")
    if not doc.blocks or not any(b.kind != "heading" for b in doc.blocks):
        raise DraftError(f"{path}: no text found in the document; give one with sentences")
    if sum(len(b.text) for b in doc.blocks) > MAX_CHARS:
        raise DraftError(f"{path}: the text is too long to draft from (split the document)")
    if not doc.title:
        doc.title = path.stem.replace("_", " ").replace("-", " ").strip() or "Draft"
    return doc


def _decode(path: Path, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise DraftError(f"{path}: looks like a binary file, not text; give .txt, .md or .html")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise DraftError(f"{path}: not UTF-8 text; save it as UTF-8 and draft again") from None
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 8:
        raise DraftError(f"{path}: looks like a binary file, not text; give .txt, .md or .html")
    return text


# ------------------------------------------------------------------------------ plain text

_SPACES = re.compile(r"[ \t\u00a0]+")
_ITEM = re.compile(r"^(\s*)(?:[-*•–+]|\d{1,3}[.)]|[a-z][.)])\s+(\S.*)$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_UNDERLINE = re.compile(r"^(=+|-+)\s*$")
_TERMINAL = re.compile(r"[.!?:;,)\]\d]$|[.!?][\"')\]]$")


def _clean(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


def _join_lines(lines: list[str]) -> str:
    """Lines of one paragraph as one line; a word hyphenated across lines is rejoined."""
    out = ""
    for raw in lines:
        line = _clean(raw)
        if not line:
            continue
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[:1].islower():
            out = out[:-1] + line
        else:
            out = f"{out} {line}" if out else line
    return out


def parse_text(text: str, kind: str = "txt") -> Document:
    """Plain text: blocks split at blank lines; `#` or underlined lines and short lines with
    no closing punctuation standing alone are headings; `-`, `*`, `•`, `1.` lines are list
    items; the other lines of a block are one paragraph (PDF line breaks are joined)."""
    doc = Document(title="", kind=kind)
    list_id = 0
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [ln for ln in chunk.split("\n") if ln.strip()]
        if not lines:
            continue
        para: list[str] = []
        in_list = False
        i = 0
        while i < len(lines):
            line = lines[i]
            m = _MD_HEADING.match(line.strip())
            if m:
                _flush(doc, para)
                para = []
                doc.blocks.append(Block("heading", _clean(m.group(2)), len(m.group(1))))
                in_list = False
            elif i + 1 < len(lines) and _UNDERLINE.match(lines[i + 1].strip()) and not para:
                level = 1 if lines[i + 1].strip().startswith("=") else 2
                doc.blocks.append(Block("heading", _clean(line), level))
                i += 1
            elif (m2 := _ITEM.match(line)) is not None:
                _flush(doc, para)
                para = []
                if not in_list:
                    list_id += 1
                    in_list = True
                depth = len(m2.group(1).expandtabs(4)) // 2
                doc.blocks.append(Block("item", _clean(m2.group(2)), min(depth, 3), list_id))
            elif in_list and line[:1] in (" ", "\t") and doc.blocks:
                last = doc.blocks[-1]  # continuation of a wrapped item
                doc.blocks[-1] = Block(
                    "item", _join_lines([last.text, line]), last.level, last.list_id
                )
            else:
                in_list = False
                para.append(line)
            i += 1
        if len(para) == 1 and _looks_like_heading(para[0]):
            doc.blocks.append(Block("heading", _clean(para[0]), 2))
        else:
            _flush(doc, para)
    _settle_title(doc)
    return doc


def _flush(doc: Document, para: list[str]) -> None:
    joined = _join_lines(para)
    if joined:
        doc.blocks.append(Block("paragraph", joined))


def _looks_like_heading(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= 12 and not _TERMINAL.search(line.strip()) and line[:1].isupper()


def _settle_title(doc: Document) -> None:
    """The first heading (or a lone first line ending in `?`) is the document's title."""
    if not doc.blocks:
        return
    first = doc.blocks[0]
    if first.kind == "heading" or (
        first.kind == "paragraph" and first.text.endswith("?") and len(first.text) < 200
    ):
        doc.title = first.text
        doc.blocks[0] = Block("heading", first.text, 1)


# -------------------------------------------------------------------------------- markdown


def parse_markdown(text: str, kind: str = "md") -> Document:
    """Markdown through markdown-it: headings, paragraphs and list items as plain text."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    tokens = md.parse(text)
    doc = Document(title="", kind=kind)
    list_depth = 0
    list_ids: list[int] = []
    next_list = 0
    pending: str | None = None  # "heading:N" or "item" or "paragraph"
    for tok in tokens:
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
            next_list += 1
            list_ids.append(next_list)
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            list_ids.pop()
        elif tok.type == "heading_open":
            pending = "heading:" + tok.tag[1:]
        elif tok.type == "paragraph_open":
            pending = "item" if list_depth else "paragraph"
        elif tok.type == "inline" and pending:
            line = _clean(" ".join(_inline_text(tok.children or [])))
            if line:
                if pending.startswith("heading:"):
                    doc.blocks.append(Block("heading", line, int(pending.split(":")[1])))
                elif pending == "item":
                    doc.blocks.append(Block("item", line, list_depth - 1, list_ids[-1]))
                else:
                    doc.blocks.append(Block("paragraph", line))
            pending = None
        elif tok.type == "fence" or tok.type == "code_block":
            continue
    _settle_title(doc)
    return doc


def _inline_text(children: list[Any]) -> Iterator[str]:
    buf = ""
    for child in children:
        if child.type in ("text", "code_inline"):
            buf += child.content
        elif child.type in ("softbreak", "hardbreak"):
            buf += " "
        elif child.type == "image":
            continue
    yield buf


# ------------------------------------------------------------------------------------ html


def _html(path: Path, text: str) -> Document:
    import trafilatura

    body = trafilatura.extract(
        text,
        output_format="markdown",
        include_formatting=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        favor_recall=True,
    )
    if not body or not body.strip():
        raise DraftError(f"{path}: no main text found in the page; save the article as .txt")
    doc = parse_markdown(body, kind="html")
    meta = trafilatura.extract_metadata(text)
    title = getattr(meta, "title", None) if meta is not None else None
    if title and not doc.title:
        doc.title = _clean(title)
    return doc


# ------------------------------------------------------------------------------------- pdf


def _pdf(path: Path, data: bytes) -> Document:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if not data.startswith(b"%PDF"):
        raise DraftError(f"{path}: not a PDF file (it does not start with %PDF)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DraftError(f"{path}: the PDF is encrypted; save an unlocked copy first")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = ""
        if reader.metadata is not None and reader.metadata.title:
            title = _clean(str(reader.metadata.title))
    except DraftError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise DraftError(f"{path}: cannot read the PDF ({e})") from None
    words = sum(len(p.split()) for p in pages)
    if words < 5:
        raise DraftError(
            f"{path}: the PDF has no text layer (a scan?); run OCR on it or give the text"
        )
    doc = parse_text(_pdf_blocks("\n\n".join(pages)), kind="pdf")
    if title and len(title.split()) > 1:
        doc.title = title
    return doc


_END_MARKER = re.compile(r"\s*(?:\[\d[\d,\s–-]*\]\s*)+$")
_FUNCTION_ENDINGS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "by",
        "and",
        "or",
        "but",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "has",
        "have",
        "had",
        "that",
        "which",
        "who",
        "than",
        "as",
        "from",
        "into",
    ]
)
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?\s*$", re.I)


def _pdf_blocks(text: str) -> str:
    """A PDF text layer with paragraphs separated by blank lines: a line ending a sentence
    followed by a capitalised line, or a short line, ends a paragraph; page numbers go."""
    lines = [ln.rstrip() for ln in text.split("\n")]
    out: list[str] = []
    widths = sorted(len(ln) for ln in lines if ln.strip())
    typical = widths[len(widths) * 3 // 4] if widths else 80
    broke = True  # the previous line ended a block
    for i, line in enumerate(lines):
        if _PAGE_NUMBER.match(line):
            continue
        out.append(line)
        stripped = line.strip()
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if not stripped:
            broke = True
            continue
        bare = _END_MARKER.sub("", stripped)  # "… 7 years. [1]" ends a sentence too
        short = len(stripped) < typical * 0.7
        heading = (
            short
            and _looks_like_heading(stripped)
            and nxt[:1].isupper()
            and broke
            and stripped.split()[-1].lower() not in _FUNCTION_ENDINGS
        )
        broke = bool((short and bare[-1:] in ".!?:") or heading or _ITEM.match(nxt))
        if broke:
            out.append("")
    return "\n".join(out)

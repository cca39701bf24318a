"""Anki field HTML → clean plain text (stdlib `html.parser`, nothing executed or fetched).

* tags are dropped; ``<script>``, ``<style>``, ``<head>``, ``<title>`` lose their content too;
* ``<br>``, ``<div>``, ``<p>``, ``<li>``, ``<tr>``, headings give line breaks (``<li>`` gets "• ");
* ``<img src="x.png">`` becomes ``[image: x.png]``; ``[sound:x.mp3]`` becomes ``[sound: x.mp3]``;
* entities are unescaped; runs of spaces collapse; at most one blank line in a row.

Media names are reported so the caller can copy the files; they are *sanitised*
(basename only, no path separators, no leading dots) before they appear in the text.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import unquote

_DROP_CONTENT = {"script", "style", "head", "title", "template", "noscript", "object", "iframe"}
_BLOCK = {
    "div", "p", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "hr", "section", "article", "dd", "dt",
}  # fmt: skip
_SOUND = re.compile(r"\[sound:([^\]]+)\]")
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_SPACES_NOT_TAB = re.compile(r"[ \f\v\u00a0]+")
_BLANKS = re.compile(r"\n{3,}")


def safe_media_name(name: str) -> str:
    """A media file name that is safe to create in a media folder ('' if nothing is left)."""
    name = unquote(name).replace("\\", "/").split("/")[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    name = name.strip().lstrip(".").strip()
    return name[:200]


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.media: list[str] = []
        self._skip = 0

    def _newline(self) -> None:
        if self.out and not self.out[-1].endswith("\n"):
            self.out.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_CONTENT:
            self._skip += 1
            return
        if self._skip:
            return
        if tag == "br":
            self.out.append("\n")
        elif tag in _BLOCK:
            self._newline()
            if tag == "li":
                self.out.append("• ")
        elif tag == "img":
            src = dict(attrs).get("src") or ""
            name = safe_media_name(src)
            if name:
                self.media.append(name)
                self.out.append(f"[image: {name}]")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_CONTENT:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_CONTENT:
            self._skip = max(0, self._skip - 1)
            return
        if not self._skip and tag in _BLOCK:
            self._newline()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.out.append(data)


def html_to_text(html: str) -> tuple[str, list[str]]:
    """(clean text, sanitised media names referenced) of an Anki field."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    text = "".join(parser.out)
    return _finish(text, parser.media)


def plain_to_text(text: str, *, keep_tabs: bool = False) -> tuple[str, list[str]]:
    """Like html_to_text for fields that are not HTML (only sound tags are rewritten);
    `keep_tabs`: a tab stays a tab (a quoted text-file field), else it is a space."""
    return _finish(text, [], keep_tabs=keep_tabs)


def _finish(text: str, media: list[str], *, keep_tabs: bool = False) -> tuple[str, list[str]]:
    def sound(m: re.Match[str]) -> str:
        name = safe_media_name(m.group(1))
        if not name:
            return ""
        media.append(name)
        return f"[sound: {name}]"

    text = _SOUND.sub(sound, text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    raw_lines = text.replace("\r\n", "\n").split("\n")
    if keep_tabs:
        lines = [_SPACES_NOT_TAB.sub(" ", line).strip(" ") for line in raw_lines]
    else:
        lines = [_SPACES.sub(" ", line).strip() for line in raw_lines]
    text = _BLANKS.sub("\n\n", "\n".join(lines)).strip()
    return text, media

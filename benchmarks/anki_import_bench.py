"""Time `quizapp.interop.import_file` on a 10,000-note package made by Anki itself.

    .venv/bin/python benchmarks/anki_import_bench.py [--notes 10000] [--legacy]

Needs the test-only `anki` package. Builds the package in a temp folder (Basic and
Cloze notes in 20 subdecks, tags, HTML), then times reading + converting + writing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from anki.collection import AddNoteRequest, Collection, ExportAnkiPackageOptions

from quizapp.interop.importer import import_file


def build(root: Path, notes: int, *, legacy: bool) -> Path:
    col = Collection(str(root / "collection.anki2"))
    try:
        basic = col.models.by_name("Basic")
        cloze = col.models.by_name("Cloze")
        decks = [col.decks.id(f"Medicine::Block {i:02d}") for i in range(20)]
        requests = []
        for i in range(notes):
            if i % 4 == 3:
                n = col.new_note(cloze)
                n["Text"] = f"Drug {i} is given {{{{c1::IV}}}} at {{{{c2::{i % 50} mg}}}}"
                n["Back Extra"] = f"<i>Extra</i> for {i}"
            else:
                n = col.new_note(basic)
                n["Front"] = f"Question <b>{i}</b>: what is the normal value of marker {i}?"
                n["Back"] = f"Answer {i}<br>with a second line &amp; an entity"
            n.tags = [f"block{i % 20}", "bench::large"]
            requests.append(AddNoteRequest(note=n, deck_id=decks[i % 20]))
        col.add_notes(requests)
        out = root / ("bench-legacy.apkg" if legacy else "bench.apkg")
        col.export_anki_package(
            out_path=str(out),
            options=ExportAnkiPackageOptions(with_scheduling=True, with_media=True, legacy=legacy),
            limit=None,
        )
    finally:
        col.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=10_000)
    ap.add_argument("--legacy", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        pkg = build(root, args.notes, legacy=args.legacy)
        t1 = time.perf_counter()
        result = import_file(pkg, root / "out")
        t2 = time.perf_counter()
        print(
            f"built {args.notes} notes ({pkg.stat().st_size / 1e6:.1f} MB) in {t1 - t0:.2f}s; "
            f"import_file: {t2 - t1:.2f}s → {len(result.decks)} decks, {result.cards} cards, "
            f"{len(result.skipped)} skipped"
        )


if __name__ == "__main__":
    main()

"""Plain mode shows images as words (alt text and file) and opens them on request."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

from quizapp.plain.study import PlainStudy
from quizapp.store.learners import ensure_learner
from quizapp.store.sync import sync_paths
from quizapp.study.occlusion import ASKED_FILL, OTHER_FILL
from quizapp.study.session import session_for

EXAMPLE = Path(__file__).resolve().parents[1] / "decks" / "examples" / "images"


def _copy(tmp_path: Path) -> Path:
    deck = tmp_path / "deck"
    shutil.copytree(EXAMPLE, deck)
    return deck


def test_plain_study_prints_alt_text_and_path(tmp_path: Path) -> None:
    deck = _copy(tmp_path)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "quizapp",
            "--db",
            str(tmp_path / "p.db"),
            "--decks",
            str(deck),
            *["study", "--plain", "--learner", "ann", "--deck", "example-images"],
        ],
        input="right atrum\n\n:q\n",
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    heart = (deck / "images" / "heart.png").resolve()
    assert (
        "Image: Schematic heart: two atria above, two ventricles below, the septum down the "
        f"middle. [{heart}] (asked: rect at the top left; 3 other shapes masked too)"
    ) in out.stdout
    assert "✓ Correct — right atrium" in out.stdout
    alt = "Schematic heart: two atria above, two ventricles below, the septum down the middle."
    assert f"Answer image: {alt} [{heart}]\n" in out.stdout


def test_open_images_hands_the_masked_picture_to_the_viewer(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    deck = _copy(tmp_path)
    sync_paths(db, [deck])
    session = session_for(db, ensure_learner(db, "ann"), ["example-images"], fuzz=False)
    opened: list[Path] = []
    out = io.StringIO()
    PlainStudy(session, io.StringIO("\n3\n"), out, open_image=opened.append).run()
    question, answer = opened[:2]
    assert question.name.endswith("-1-question.png") and answer.name.endswith("-1-answer.png")
    with Image.open(question) as q, Image.open(answer) as a:
        # the right atrium (rect from 14.6%, 19.4%) is masked red, the left one yellow
        assert q.getpixel((100, 100)) == ASKED_FILL
        assert q.getpixel((330, 100)) == OTHER_FILL
        assert a.getpixel((100, 100))[:3] == (120, 140, 220)  # uncovered: the drawing
        assert a.getpixel((330, 100)) == OTHER_FILL


def test_a_missing_image_is_said_in_words_not_a_crash(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    deck = _copy(tmp_path)
    sync_paths(db, [deck])
    (deck / "images" / "heart.png").unlink()
    session = session_for(db, ensure_learner(db, "ann"), ["example-images"], fuzz=False)
    out = io.StringIO()
    PlainStudy(session, io.StringIO("\n3\n"), out, open_image=lambda p: None).run()
    text = out.getvalue()
    assert "images/heart.png: image file `images/heart.png` does not exist" in text
    assert "(cannot open the image: image file `images/heart.png` does not exist)" in text

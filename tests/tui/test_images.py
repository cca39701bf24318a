"""Image and occlusion cards in the TUI: half-block drawing, occlusion items, full screen."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static
from textual_image.widget import SixelImage, TGPImage

from quizapp.tui.app import QuizApp
from quizapp.tui.screens.help import help_text
from quizapp.tui.screens.study import StudyScreen
from quizapp.tui.widgets import card_image
from quizapp.tui.widgets.card_image import (
    CardPicture,
    FullPicture,
    HalfBlocks,
    chosen_mode,
    half_block_strips,
    widget_class,
)

from .conftest import settle, text_of

EXAMPLE = Path(__file__).resolve().parents[2] / "decks" / "examples" / "images"
Build = Callable[..., QuizApp]


@pytest.fixture
def image_app(build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> QuizApp:
    monkeypatch.setenv("QUIZAPP_IMAGES", "halfblock")
    decks = tmp_path / "image-decks"
    shutil.copytree(EXAMPLE, decks)
    return build(learner_name="learner", deck_dirs=[decks])


async def _study(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("enter")  # study the highlighted (only) deck
    await pilot.pause()


def _colours(widget: Any) -> set[str]:
    """The background colours of the cells a picture widget drew."""
    out: set[str] = set()
    for y in range(widget.size.height):
        for seg in widget.render_line(y):
            if seg.style and seg.style.bgcolor:
                out.add(seg.style.bgcolor.triplet.hex)  # type: ignore[union-attr]
    return out


async def test_occlusion_item_is_drawn_in_half_blocks_with_its_masks(image_app: QuizApp) -> None:
    async with image_app.run_test(size=(100, 40)) as pilot:
        await _study(pilot)
        screen = image_app.screen
        assert isinstance(screen, StudyScreen) and screen.item is not None
        assert (screen.item.card_id, screen.item.ord) == ("heart-chambers", 1)
        picture = screen.query_one("#picture", CardPicture)
        (drawn,) = picture.query(HalfBlocks)
        await pilot.pause()
        colours = _colours(drawn)
        assert "#ff8e8e" in colours and "#ffeba2" in colours  # asked red, others yellow
        assert text_of(picture.query_one("#alt", Static)).startswith("Schematic heart")
        await pilot.press(*"right atrium", "enter")
        await pilot.pause()
        assert screen.result is not None and screen.result.correct is True
        (drawn,) = picture.query(HalfBlocks)
        await pilot.pause()
        assert "#ff8e8e" not in _colours(drawn)  # the asked group is uncovered
        await pilot.press("z")
        await pilot.pause()
        assert isinstance(image_app.screen, FullPicture)
        await pilot.press("z")
        await pilot.pause()
        assert image_app.screen is screen


async def test_z_is_typed_in_the_answer_field_and_ctrl_z_opens_the_picture(
    image_app: QuizApp,
) -> None:
    """While answering in the field, `z` is a letter of the answer; Ctrl+Z (named in the
    help) opens the picture full screen from there, and closes it again."""
    async with image_app.run_test(size=(100, 40)) as pilot:
        await _study(pilot)
        screen = image_app.screen
        assert isinstance(screen, StudyScreen) and screen.item is not None
        field = screen.query_one("#answer", Input)
        assert screen.focused is field
        await pilot.press("z")
        await pilot.pause()
        assert image_app.screen is screen and field.value == "z"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert isinstance(image_app.screen, FullPicture)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert image_app.screen is screen and screen.focused is field
        assert field.value == "z" and not screen.answering
        assert "ctrl+z" in help_text().plain


async def test_images_off_shows_the_alt_text(
    image_app: QuizApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZAPP_IMAGES", "off")
    async with image_app.run_test(size=(100, 40)) as pilot:
        await _study(pilot)
        picture = image_app.screen.query_one("#picture", CardPicture)
        assert not picture.query(HalfBlocks)
        alt = text_of(picture.query_one("#alt", Static))
        assert alt.startswith("[image: Schematic heart") and "asked: rect at the top left" in alt


def test_the_mode_comes_from_the_variable_then_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("QUIZAPP_IMAGES", raising=False)
    assert chosen_mode(None) == "auto"
    assert chosen_mode("sixel") == "sixel"
    monkeypatch.setenv("QUIZAPP_IMAGES", "KITTY")
    assert chosen_mode("sixel") == "kitty"
    monkeypatch.setenv("QUIZAPP_IMAGES", "nonsense")
    assert chosen_mode("off") == "off"
    assert widget_class("kitty") is TGPImage and widget_class("sixel") is SixelImage
    assert widget_class("halfblock") is HalfBlocks
    assert widget_class("auto") is HalfBlocks  # not a terminal: no graphics protocol


@pytest.mark.parametrize("mode", ["kitty", "sixel"])
async def test_graphics_modes_draw_the_picture(
    image_app: QuizApp, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZAPP_IMAGES", mode)
    async with image_app.run_test(size=(100, 40)) as pilot:
        await _study(pilot)
        picture = image_app.screen.query_one("#picture", CardPicture)
        (drawn,) = picture.query(TGPImage if mode == "kitty" else SixelImage)
        assert drawn.size.width > 0 and drawn.size.height > 0


def test_study_occlusion_snapshot(snap_compare: Any, image_app: QuizApp) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _study(pilot)
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(image_app, terminal_size=(80, 40), run_before=run_before)


async def test_quiz_and_browse_show_the_picture(image_app: QuizApp) -> None:
    from quizapp.quiz import build_block
    from quizapp.tui.screens.browse import CardDetailScreen
    from quizapp.tui.screens.quiz import QuizScreen

    async with image_app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app = image_app
        block = build_block(  # the typed card with its ECG image (occlusion is not quizzed)
            app.db, app.learner, n=1, pool="all", mode="tutor", clock=app.clock, shuffle=False
        )
        assert block.question().item.card_id == "ecg-qrs"
        await app.push_screen(QuizScreen(block))
        await pilot.pause()
        await pilot.pause()
        quiz_picture = app.screen.query_one("#picture", CardPicture)
        assert quiz_picture.query(HalfBlocks)
        assert text_of(quiz_picture.query_one("#alt", Static)).startswith("One ECG complex")
        pk = block.question().item.card_pk
        await app.push_screen(CardDetailScreen(pk))
        await pilot.pause()
        await pilot.pause()
        detail = app.screen.query_one("#picture", CardPicture)
        assert detail.query(HalfBlocks)


def test_a_terminal_textual_image_cannot_start_in_falls_back_to_alt_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import builtins

    real_import = builtins.__import__

    def broken(name: str, *args: Any, **kw: Any) -> Any:
        if name.startswith("textual_image"):
            raise ZeroDivisionError("division by zero")
        return real_import(name, *args, **kw)

    monkeypatch.delenv("QUIZAPP_IMAGES", raising=False)
    monkeypatch.setattr(builtins, "__import__", broken)
    monkeypatch.setattr(card_image, "_UNAVAILABLE", "")
    monkeypatch.setattr(card_image, "_LOADED", False)
    card_image.prepare()
    monkeypatch.setattr(builtins, "__import__", real_import)
    assert card_image._UNAVAILABLE == "ZeroDivisionError: division by zero"
    assert card_image.chosen_mode("kitty") == "off"


def test_half_blocks_draw_the_upper_pixel_as_colour_and_the_lower_as_background() -> None:
    from PIL import Image

    picture = Image.new("RGB", (2, 2))
    picture.putpixel((0, 0), (255, 0, 0))
    picture.putpixel((0, 1), (0, 0, 255))
    picture.putpixel((1, 0), (0, 255, 0))
    picture.putpixel((1, 1), (255, 255, 255))
    (row,) = half_block_strips(picture, 2, 1)
    cells = [(seg.text, seg.style.color.triplet.hex, seg.style.bgcolor.triplet.hex) for seg in row]  # type: ignore[union-attr]
    assert cells == [("▀", "#ff0000", "#0000ff"), ("▀", "#00ff00", "#ffffff")]
    # A 4:1 picture fits 40 columns × 5 rows: 40 wide, 5 high (a cell is 1×2 pixels).
    assert HalfBlocks(Image.new("RGB", (400, 100)), 24).fit(40) == (40, 5)
    assert HalfBlocks(Image.new("RGB", (100, 400)), 10).fit(40) == (5, 10)  # height-bound


@pytest.mark.parametrize("stdin_is_terminal", [False, True])
def test_the_terminal_is_asked_only_when_it_can_answer(
    monkeypatch: pytest.MonkeyPatch, stdin_is_terminal: bool
) -> None:
    """stdout a terminal but stdin not (a pipe, a file, end of input): nothing can answer
    textual-image's question, so it is not asked — the app must not wait for it."""
    from textual_image import _terminal

    asked: list[str] = []

    class Stream:
        def __init__(self, tty: bool) -> None:
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    monkeypatch.setattr(sys, "__stdin__", Stream(stdin_is_terminal))
    monkeypatch.setattr(sys, "__stdout__", Stream(True))
    monkeypatch.setattr(card_image, "_LOADED", False)
    monkeypatch.setattr(card_image, "_UNAVAILABLE", "")
    monkeypatch.setattr(_terminal, "capture_terminal_response", lambda *a, **k: asked.append("q"))
    monkeypatch.setattr(_terminal, "read", _terminal.read)
    monkeypatch.delenv("QUIZAPP_IMAGES", raising=False)
    card_image.prepare()
    assert card_image._LOADED
    if stdin_is_terminal:
        assert _terminal.capture_terminal_response is not card_image._no_answer
    else:
        assert _terminal.capture_terminal_response is card_image._no_answer
        with pytest.raises(_terminal.TerminalError), _terminal.capture_terminal_response():
            pass
    assert not asked  # (the widget module was imported already: nothing asked again)


def test_end_of_input_is_no_answer_from_the_terminal() -> None:
    """textual-image read the terminal's answer byte by byte until its end marker; at end
    of input a read returns "" at once, for ever: that wait never ended."""
    from textual_image._terminal import TerminalError

    read = card_image._read_or_end(lambda fd, n, timeout=None: "")
    with pytest.raises(TerminalError):
        read(0, 1, 0.1)
    assert card_image._read_or_end(lambda fd, n, timeout=None: "x")(0, 1) == "x"


def test_prepare_ahead_asks_on_a_thread_and_prepare_waits_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    calls: list[str] = []
    gate = threading.Event()

    def slow_load(*, ask: bool) -> None:
        assert gate.wait(10)
        calls.append(threading.current_thread().name)

    monkeypatch.delenv("QUIZAPP_IMAGES", raising=False)
    monkeypatch.setattr(card_image, "_LOADED", False)
    monkeypatch.setattr(card_image, "_AHEAD", None)
    monkeypatch.setattr(card_image, "_load_textual_image", slow_load)
    card_image.prepare_ahead()
    assert card_image._AHEAD is not None and calls == []  # not waited for here
    gate.set()
    card_image.prepare()  # waits for the thread; does not ask again
    assert card_image._AHEAD is None
    assert len(calls) == 1 and calls[0] != threading.current_thread().name

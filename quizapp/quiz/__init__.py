"""Quiz mode: question-bank blocks (tutor or timed) over the same decks, and their results.

No Textual here: the plain-terminal quiz and the TUI quiz screens both run on this core.
"""

from quizapp.quiz.blocks import MODES, SETTING_COUNTS_AS_REVIEW, QuizBlock
from quizapp.quiz.library import (
    BlockInfo,
    build_block,
    list_blocks,
    load_active_block,
    load_block,
    pool_counts,
)
from quizapp.quiz.pools import POOLS
from quizapp.quiz.questions import NavEntry, Question, QuizError, TimeUp, grade
from quizapp.quiz.results import (
    BlockResults,
    OptionReview,
    ReviewEntry,
    TagResult,
    format_percent,
    quiz_accuracy_by_tag,
    results,
    review_entry,
)

__all__ = [
    "MODES",
    "POOLS",
    "SETTING_COUNTS_AS_REVIEW",
    "BlockInfo",
    "BlockResults",
    "NavEntry",
    "OptionReview",
    "Question",
    "QuizBlock",
    "QuizError",
    "ReviewEntry",
    "TagResult",
    "TimeUp",
    "build_block",
    "format_percent",
    "grade",
    "list_blocks",
    "load_active_block",
    "load_block",
    "pool_counts",
    "quiz_accuracy_by_tag",
    "results",
    "review_entry",
]

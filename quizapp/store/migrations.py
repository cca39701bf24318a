"""Schema of the progress store, as an ordered list of sqlite-utils migrations.

Never edit an applied migration: add a new one. `SCHEMA_VERSION` is the number of
migrations and is mirrored in `PRAGMA user_version`, so a database written by a newer
quizapp is recognised (and refused) before anything touches it.

The migrations are applied by sqlite-utils (`Migrations`, which records them in the
`_sqlite_migrations` table), but sqlite-utils is imported only when one is pending
(`apply_pending`; `migrations`, the sqlite-utils object, is built on first use): an
up-to-date store is opened without it (~0.1 s of every start).

Times are integers: milliseconds since the Unix epoch, UTC.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

MIGRATION_SET = "quizapp"
Migration = Callable[["Database"], None]
#: (name, function) in the order they apply.
MIGRATIONS: list[tuple[str, Migration]] = []


def _migration(*, name: str) -> Callable[[Migration], Migration]:
    def register(fn: Migration) -> Migration:
        MIGRATIONS.append((name, fn))
        return fn

    return register


@_migration(name="0001_initial")
def m0001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE learners (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            created_at INTEGER NOT NULL,
            desired_retention REAL NOT NULL DEFAULT 0.9,
            new_per_day INTEGER NOT NULL DEFAULT 20,
            reviews_per_day INTEGER NOT NULL DEFAULT 200,
            rollover_hour INTEGER NOT NULL DEFAULT 4,
            theme TEXT NOT NULL DEFAULT '',
            fsrs_params TEXT,            -- JSON list of 21 floats, NULL = defaults
            settings TEXT NOT NULL DEFAULT '{}'  -- JSON: everything else
        );

        -- One row per deck id. The file columns let start-up skip unchanged files.
        CREATE TABLE decks (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '[]',      -- JSON list
            sources TEXT NOT NULL DEFAULT '{}',   -- JSON: source id -> source fields
            path TEXT NOT NULL DEFAULT '',
            file_size INTEGER NOT NULL DEFAULT 0,
            file_mtime_ns INTEGER NOT NULL DEFAULT 0,
            file_hash TEXT NOT NULL DEFAULT '',
            card_count INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1,
            synced_at INTEGER NOT NULL DEFAULT 0
        );

        -- One row per study item: (deck, card, ord); ord 0 = the card, n = cloze deletion n.
        CREATE TABLE cards (
            id INTEGER PRIMARY KEY,
            deck_id TEXT NOT NULL,
            card_id TEXT NOT NULL,
            ord INTEGER NOT NULL DEFAULT 0,
            type TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            tags TEXT NOT NULL DEFAULT ' ',       -- ' tag1 tag2 ' for LIKE '% tag %'
            search TEXT NOT NULL DEFAULT '',      -- lower-cased text for browse search
            data TEXT NOT NULL,                   -- JSON of the card as loaded
            position INTEGER NOT NULL DEFAULT 0,  -- order of the card in its deck
            UNIQUE (deck_id, card_id, ord)
        );
        CREATE INDEX cards_deck ON cards (deck_id, active);

        -- A learner's scheduling state of an item. No row, or state NULL: new.
        CREATE TABLE card_state (
            learner_id INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
            card_pk INTEGER NOT NULL REFERENCES cards(id),
            state INTEGER,             -- 1 learning, 2 review, 3 relearning (fsrs.State)
            step INTEGER,
            stability REAL,
            difficulty REAL,
            due INTEGER,
            last_review INTEGER,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            suspended INTEGER NOT NULL DEFAULT 0,
            buried_until INTEGER NOT NULL DEFAULT 0,
            flagged INTEGER NOT NULL DEFAULT 0,
            leech INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (learner_id, card_pk)
        ) WITHOUT ROWID;
        CREATE INDEX card_state_due ON card_state (learner_id, due);

        -- Append-only review log. state_before is the card_state row before the answer
        -- (JSON, NULL when there was none), so undo restores it exactly.
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            learner_id INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
            card_pk INTEGER NOT NULL REFERENCES cards(id),
            reviewed_at INTEGER NOT NULL,
            rating INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL DEFAULT 0,
            response TEXT NOT NULL DEFAULT '',
            correct INTEGER,           -- 1/0 for auto-graded answers, NULL for self-graded
            state_before TEXT,
            undo_extra TEXT,           -- JSON: other rows the answer changed (buried siblings)
            state INTEGER NOT NULL,    -- state after the answer
            stability REAL,
            difficulty REAL,
            due INTEGER,
            elapsed_days REAL,         -- days since the previous review (NULL for the first)
            retrievability REAL        -- predicted recall at review time (NULL when new)
        );
        CREATE INDEX reviews_learner_time ON reviews (learner_id, reviewed_at);
        CREATE INDEX reviews_card ON reviews (learner_id, card_pk, reviewed_at);
        """
    )


@_migration(name="0002_personal_and_quiz")
def m0002_personal_and_quiz(db: Database) -> None:
    db.executescript(
        """
        -- Review logs imported from elsewhere (FSRS optimizer CSV) for optimization only:
        -- they are not quizapp cards, so they never touch card_state.
        CREATE TABLE external_reviews (
            id INTEGER PRIMARY KEY,
            learner_id INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
            source TEXT NOT NULL DEFAULT '',
            card_key TEXT NOT NULL,
            reviewed_at INTEGER NOT NULL,
            rating INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL DEFAULT 0,
            UNIQUE (learner_id, card_key, reviewed_at)
        );

        -- Each optimizer run, with its honest (time-series split) figures.
        CREATE TABLE optimizations (
            id INTEGER PRIMARY KEY,
            learner_id INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
            fitted_at INTEGER NOT NULL,
            n_reviews INTEGER NOT NULL,
            fitted INTEGER NOT NULL,
            parameters TEXT NOT NULL,          -- JSON list of 21 floats
            default_log_loss REAL,
            fitted_log_loss REAL,
            default_rmse_bins REAL,
            fitted_rmse_bins REAL,
            details TEXT NOT NULL DEFAULT '{}'  -- JSON: reason, split, other figures
        );

        -- Exam-date mode: until exam_date, intervals of the scope's cards are capped.
        CREATE TABLE exam_plans (
            id INTEGER PRIMARY KEY,
            learner_id INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
            exam_date TEXT NOT NULL,           -- ISO date, local
            deck_ids TEXT NOT NULL DEFAULT '[]',
            tags TEXT NOT NULL DEFAULT '[]',
            created_at INTEGER NOT NULL
        );

        -- Quiz (question-bank) blocks and their questions, saved as they happen.
        CREATE TABLE quiz_blocks (
            id INTEGER PRIMARY KEY,
            learner_id INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
            created_at INTEGER NOT NULL,
            mode TEXT NOT NULL,                -- 'tutor' | 'timed'
            time_limit_ms INTEGER,             -- NULL: untimed
            elapsed_ms INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'active',   -- 'active' | 'paused' | 'submitted'
            scope TEXT NOT NULL DEFAULT '{}',  -- JSON: decks, tags, pool
            current INTEGER NOT NULL DEFAULT 0,
            submitted_at INTEGER
        );
        CREATE INDEX quiz_blocks_learner ON quiz_blocks (learner_id, created_at);
        CREATE TABLE quiz_answers (
            block_id INTEGER NOT NULL REFERENCES quiz_blocks(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            card_pk INTEGER NOT NULL REFERENCES cards(id),
            learner_id INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
            response TEXT,                     -- NULL: unanswered
            correct INTEGER,
            flagged INTEGER NOT NULL DEFAULT 0,
            time_ms INTEGER NOT NULL DEFAULT 0,
            answered_at INTEGER,
            PRIMARY KEY (block_id, position)
        );
        CREATE INDEX quiz_answers_learner ON quiz_answers (learner_id, card_pk);
        """
    )


@_migration(name="0003_review_prev_columns")
def m0003_review_prev_columns(db: Database) -> None:
    """The state and interval before each review as plain columns.

    Reports split true retention into young and mature by the interval before the
    review; reading it out of the `state_before` JSON cost seconds on a million reviews.
    """
    db.executescript(
        """
        ALTER TABLE reviews ADD COLUMN prev_state INTEGER;        -- NULL: the item was new
        ALTER TABLE reviews ADD COLUMN prev_interval_ms INTEGER;  -- due - last_review before
        UPDATE reviews SET
            prev_state = json_extract(state_before, '$.state'),
            prev_interval_ms = json_extract(state_before, '$.due')
                               - json_extract(state_before, '$.last_review')
        WHERE state_before IS NOT NULL;
        """
    )


@_migration(name="0004_queue_indexes")
def m0004_queue_indexes(db: Database) -> None:
    """Partial indexes for the study queue: learning items and reviews by due date.

    With a million reviews most rows of card_state are review cards; finding the few
    learning items due now through (learner_id, due) alone walked all overdue reviews.
    """
    db.executescript(
        """
        CREATE INDEX card_state_learning ON card_state (learner_id, due)
            WHERE state IN (1, 3);
        CREATE INDEX card_state_review ON card_state (learner_id, due)
            WHERE state = 2;
        """
    )


@_migration(name="0005_card_state_deck")
def m0005_card_state_deck(db: Database) -> None:
    """The card's deck on its state rows, and an index in new-queue order.

    Per-deck counts (home screen, `decks list`) joined every card of every deck to the
    learner's state rows: ~100 ms for 50,000 cards. With the deck on the state row they
    are counted on the learner's index range (`card_state_deck`; suspended rows, few, on
    a partial index). A card row's deck never changes (cards are keyed by deck, card and
    ord), so the copy cannot go stale; a trigger fills it for state rows written without
    it. New cards are served in (deck, position, ord) order:
    `cards_deck_order` gives that order without sorting every active card (it replaces
    `cards_deck`, its prefix).
    """
    db.executescript(
        """
        ALTER TABLE card_state ADD COLUMN deck_id TEXT;
        UPDATE card_state SET deck_id = (SELECT deck_id FROM cards WHERE id = card_pk);
        CREATE TRIGGER card_state_deck_id AFTER INSERT ON card_state
            WHEN NEW.deck_id IS NULL
        BEGIN
            UPDATE card_state SET deck_id = (SELECT deck_id FROM cards WHERE id = NEW.card_pk)
            WHERE learner_id = NEW.learner_id AND card_pk = NEW.card_pk;
        END;
        CREATE INDEX card_state_deck ON card_state
            (learner_id, deck_id, state, due, suspended, buried_until);
        CREATE INDEX card_state_suspended ON card_state (learner_id, deck_id, suspended)
            WHERE suspended != 0;
        DROP INDEX cards_deck;
        CREATE INDEX cards_deck_order ON cards (deck_id, active, position, ord);
        """
    )


@_migration(name="0006_facts_and_presentations")
def m0006_facts_and_presentations(db: Database) -> None:
    """Fact groups and what the learner saw.

    `cards.fact`: the fact a study item tests (`quizapp.decks.facts`; '' = its own), so the
    session can keep related cards apart and a quiz block can ask one per fact. Every deck
    file is read again at the next sync to fill it (its stored hash is cleared).
    `reviews.presentation` / `quiz_answers.presentation`: the order the options of an mcq
    were shown in (JSON list of the card's option indexes in display order; NULL: the
    card's own order, as everything answered before this migration was shown).
    """
    db.executescript(
        """
        ALTER TABLE cards ADD COLUMN fact TEXT NOT NULL DEFAULT '';
        CREATE INDEX cards_fact ON cards (deck_id, fact) WHERE fact != '';
        UPDATE decks SET file_hash = '', file_mtime_ns = 0, file_size = -1;
        ALTER TABLE reviews ADD COLUMN presentation TEXT;
        ALTER TABLE quiz_answers ADD COLUMN presentation TEXT;
        """
    )


SCHEMA_VERSION = len(MIGRATIONS)
KNOWN_MIGRATIONS = {name for name, _fn in MIGRATIONS}


def applied_names(conn: sqlite3.Connection) -> set[str]:
    """The names of this set's migrations recorded as applied in the database."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    if not exists:
        return set()
    rows = conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
    )
    return {r[0] for r in rows}


def apply_pending(conn: sqlite3.Connection) -> None:
    """Apply the migrations not yet applied, through sqlite-utils (imported here)."""
    from sqlite_utils import Database

    _migrations().apply(Database(conn, execute_plugins=False))


def _migrations() -> Migrations:
    from sqlite_utils.migrations import Migrations

    if not _BUILT:
        built = Migrations(MIGRATION_SET)
        for name, fn in MIGRATIONS:
            built(name=name)(fn)
        _BUILT.append(built)
    return _BUILT[0]


_BUILT: list[Migrations] = []


def __getattr__(name: str) -> Any:
    """`migrations`: the sqlite-utils `Migrations` object (tests apply part of it)."""
    if name == "migrations":
        return _migrations()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Cohorts: learners gathered from one or several databases, merged by name.

An instructor collects each student's file and runs
`quizapp --db alice.db --db bob.db report --all …`. Learners are matched by name,
case-insensitively (the store's own rule). A learner found in several files is
treated as one person whose review log is the concatenation of those files:

* metrics are computed per file, then merged — every count, numerator and denominator
  is summed (card counts, true-retention passes/totals, reviews, minutes, per-day
  activity by study day, forecast by day offset, calibration bins, per-deck and per-tag
  figures, quiz answers) and every rate is recomputed from the summed parts, so a file
  with 10 reviews does not weigh as much as one with 10,000;
* predicted recall is the mean over all review cards of all files (sum of recalls and
  count summed);
* the streak is recomputed from the union of the study days of all files;
* the hardest cards are the top ten of all files together (each tagged with its file);
* settings shown (name spelling, desired retention, day rollover) come from the first
  file given on the command line.

If the same deck is studied in two files, its cards count twice: the files are
separate collections, and nothing says they hold the same progress.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any, TypeVar

from quizapp.reports import metrics as M
from quizapp.reports.cache import ReportCache
from quizapp.reports.days import streak_from_days, study_days
from quizapp.reports.figures import (
    HARDEST_LIMIT,
    LearnerMetrics,
    LearnerSummary,
    Ratio,
    Streak,
    TagAccuracy,
)
from quizapp.store.db import Database
from quizapp.store.learners import Learner, list_learners
from quizapp.store.queries.reports_cards import studied_card_count
from quizapp.store.queries.reports_open import DatabaseError, open_readonly


@dataclass(frozen=True, slots=True)
class DbSource:
    """One opened database and the label reports use for it (the path as given)."""

    label: str
    db: Database


@dataclass(frozen=True, slots=True)
class LearnerPart:
    source: DbSource
    learner: Learner


@dataclass(frozen=True, slots=True)
class CohortMember:
    """One person: their rows in every database that knows them, first file first."""

    name: str
    parts: tuple[LearnerPart, ...]


def open_sources(paths: Sequence[Path]) -> list[DbSource]:
    """Open each database once (a path given twice is read once)."""
    from quizapp.store import open_database

    seen: set[Path] = set()
    out: list[DbSource] = []
    for p in paths:
        key = Path(p).resolve()
        if key in seen:
            continue
        seen.add(key)
        out.append(DbSource(str(p), open_database(Path(p), create=False)))
    return out


def gather(sources: Sequence[DbSource], names: Iterable[str] | None = None) -> list[CohortMember]:
    """Members by name (case-insensitive), sorted by name; `names` None means everyone.

    A requested name found in no database is simply absent: the caller reports it.
    """
    wanted = {n.strip().casefold() for n in names} if names is not None else None
    found: dict[str, list[LearnerPart]] = {}
    for src in sources:
        for learner in list_learners(src.db):
            key = learner.name.casefold()
            if wanted is None or key in wanted:
                found.setdefault(key, []).append(LearnerPart(src, learner))
    return [
        CohortMember(parts[0].learner.name, tuple(parts))
        for _, parts in sorted(found.items(), key=lambda kv: kv[0])
    ]


T = TypeVar("T")

#: Threads `map_members` computes members on.
WORKERS = 2


def map_members(
    members: Sequence[CohortMember],
    fn: Callable[[CohortMember, ReportCache], T],
    *,
    workers: int = WORKERS,
) -> list[T]:
    """`fn(member, shared)` for every member, results in the members' order.

    With several members the work runs on `workers` threads, biggest learners first,
    each thread reading through its own read-only connections to the databases (SQLite
    works outside the GIL, so the passes over different learners' reviews overlap) and
    sharing a `ReportCache` with its own connections only. One thread when there is
    one member, or when a database cannot be opened a second time.
    """
    if workers < 2 or len(members) < 2:
        return _one_thread(members, fn, twins=workers > 1)
    try:
        pools = [_reopen(members) for _ in range(workers)]
    except (DatabaseError, OSError):
        return _one_thread(members, fn, twins=False)
    free = list(pools)
    lock = threading.Lock()
    local = threading.local()

    caches: list[ReportCache] = []

    def run(member: CohortMember) -> T:
        if not hasattr(local, "sources"):
            with lock:
                local.sources = free.pop()
                local.shared = ReportCache(twins=True)
                caches.append(local.shared)
        sources = local.sources
        parts = tuple(replace(p, source=sources[p.source.label]) for p in member.parts)
        return fn(replace(member, parts=parts), local.shared)

    order = sorted(range(len(members)), key=lambda i: -_size(members[i]))
    try:
        with ThreadPoolExecutor(workers) as pool:
            futures = {i: pool.submit(run, members[i]) for i in order}
            return [futures[i].result() for i in range(len(members))]
    finally:
        for cache in caches:
            cache.close()
        for sources in pools:
            for src in sources.values():
                src.db.conn.close()


def beside(
    members: Sequence[CohortMember], fn: Callable[[Sequence[CohortMember]], T]
) -> Callable[[], T]:
    """Start `fn(members)` on a thread of its own, reading through read-only connections
    of its own (so it overlaps `map_members`: SQLite works outside the GIL); returns
    the function that waits for its result (and closes those connections). When a
    database cannot be opened a second time, `fn` runs when the result is asked for."""
    try:
        sources = _reopen(members)
    except (DatabaseError, OSError):
        return lambda: fn(members)
    mine = [
        replace(m, parts=tuple(replace(p, source=sources[p.source.label]) for p in m.parts))
        for m in members
    ]
    pool = ThreadPoolExecutor(1)
    future = pool.submit(fn, mine)

    def result() -> T:
        try:
            return future.result()
        finally:
            pool.shutdown()
            for src in sources.values():
                src.db.conn.close()

    return result


def _one_thread(
    members: Sequence[CohortMember],
    fn: Callable[[CohortMember, ReportCache], T],
    *,
    twins: bool,
) -> list[T]:
    shared = ReportCache(twins=twins)
    try:
        return [fn(m, shared) for m in members]
    finally:
        shared.close()


def _reopen(members: Sequence[CohortMember]) -> dict[str, DbSource]:
    """A read-only connection to every database the members come from, by label."""
    out: dict[str, DbSource] = {}
    try:
        for m in members:
            for p in m.parts:
                label = p.source.label
                if label not in out:
                    path = Path(label)
                    if not path.is_file():
                        raise OSError(f"{label} is not a file")
                    out[label] = DbSource(label, open_readonly(path))
    except BaseException:
        for src in out.values():
            src.db.conn.close()
        raise
    return out


def _size(member: CohortMember) -> int:
    """How much work a member is, roughly: cards the learner has studied."""
    return sum(studied_card_count(p.source.db, p.learner.id) for p in member.parts)


def _per_part(member: CohortMember, compute: Callable[..., T], **filters: Any) -> list[T]:
    """`compute(db, learner, source=…, **filters)` for each database the member is in."""
    return [compute(p.source.db, p.learner, source=p.source.label, **filters) for p in member.parts]


def member_metrics(
    member: CohortMember,
    *,
    deck_ids: Sequence[str] | None = None,
    tags: Sequence[str] = (),
    since: datetime | None = None,
    now: datetime,
    tz: tzinfo | None = None,
    shared: ReportCache | None = None,
) -> LearnerMetrics:
    """The member's metrics: computed per file, merged as the module docstring says.

    Pass one `shared` to every member of a report: what the learners of a database have
    in common is then read once."""
    parts = _per_part(
        member,
        M.compute,
        deck_ids=deck_ids,
        tags=tuple(tags),
        since=since,
        now=now,
        tz=tz,
        shared=shared,
    )
    if len(parts) == 1:
        return parts[0]
    days: set[str] = set()
    for p in member.parts:
        db, who = p.source.db, p.learner
        days.update(study_days(db, who, now=now, tz=tz, deck_ids=deck_ids, tags=tuple(tags)))
    return merge(parts, streak=streak_from_days(days, parts[0].today))


def member_summary(
    member: CohortMember,
    *,
    deck_ids: Sequence[str] | None = None,
    tags: Sequence[str] = (),
    since: datetime | None = None,
    now: datetime,
    tz: tzinfo | None = None,
    shared: ReportCache | None = None,
) -> LearnerSummary:
    """The member's one-row figures (`metrics.summarize`), merged like `member_metrics`."""
    parts = _per_part(
        member,
        M.summarize,
        deck_ids=deck_ids,
        tags=tuple(tags),
        since=since,
        now=now,
        tz=tz,
        shared=shared,
    )
    out = parts[0]
    for other in parts[1:]:
        days = sorted(set(out.study_days) | set(other.study_days))
        out = replace(
            out,
            sources=out.sources + other.sources,
            counts=out.counts + other.counts,
            retention=tuple(a + b for a, b in zip(out.retention, other.retention, strict=True)),
            reviews=out.reviews + other.reviews,
            minutes=out.minutes + other.minutes,
            forecast=tuple(a + b for a, b in zip(out.forecast, other.forecast, strict=True)),
            recall=out.recall + other.recall,
            study_days=tuple(days),
            streak=streak_from_days(days, out.today),
        )
    return out


def merge(parts: Sequence[LearnerMetrics], *, streak: Streak) -> LearnerMetrics:
    """Sum the parts (all computed at the same `now`); rates follow from the sums."""
    first = parts[0]
    out = first
    for other in parts[1:]:
        out = replace(
            out,
            sources=out.sources + other.sources,
            counts=out.counts + other.counts,
            retention=tuple(a + b for a, b in zip(out.retention, other.retention, strict=True)),
            reviews=out.reviews + other.reviews,
            minutes=out.minutes + other.minutes,
            activity=_merge_keyed(out.activity, other.activity, lambda a: a.day),
            forecast=tuple(a + b for a, b in zip(out.forecast, other.forecast, strict=True)),
            recall=out.recall + other.recall,
            calibration=tuple(
                a + b for a, b in zip(out.calibration, other.calibration, strict=True)
            ),
            hardest=tuple(
                sorted(
                    out.hardest + other.hardest,
                    key=lambda h: (-h.lapses, 2.0 if h.recall is None else h.recall, h.key),
                )[:HARDEST_LIMIT]
            ),
            decks=_merge_keyed(out.decks, other.decks, lambda g: g.key),
            tags=_merge_keyed(out.tags, other.tags, lambda g: g.key),
            quiz=_merge_quiz(out.quiz, other.quiz),
        )
    return replace(out, streak=streak)


def _merge_keyed(a, b, key):  # type: ignore[no-untyped-def]
    merged = {key(x): x for x in a}
    for x in b:
        k = key(x)
        merged[k] = merged[k] + x if k in merged else x
    return tuple(merged[k] for k in sorted(merged))


def _merge_quiz(a: tuple[TagAccuracy, ...], b: tuple[TagAccuracy, ...]) -> tuple[TagAccuracy, ...]:
    merged = {t.tag: t.accuracy for t in a}
    for t in b:
        merged[t.tag] = merged.get(t.tag, Ratio()) + t.accuracy
    return tuple(TagAccuracy(k, merged[k]) for k in sorted(merged))

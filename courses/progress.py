"""Learner progress: completion of blocks, units, modules and courses, grades, and where to resume.

Sources of completion, as in Open edX: seeing a unit completes its ``view`` leaves; ``completion``,
``grade`` and (deprecated) ``progress`` events complete ``custom`` leaves. Completion only grows. When a
unit, its module or the whole course becomes complete, a :class:`~courses.models.Completion` row records
it once, with the date and the published version, and ``unit_completed`` / ``module_completed`` /
``course_completed`` are announced after the commit (certificates will listen to the last). Only the
published branch counts: authors previewing a draft leave no progress behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import bindparam, case, select

from courses.models import BlockCompletion, BlockGrade, Completion, CompletionKind, Course, CoursePosition
from courses.structure import Structure, Unit, published_structure
from lms import hot_sql, signals
from lms.clock import utcnow
from lms.db import after_commit, db, unit_of_work
from lms.per_request import request_state
from lms.sql import dialect_insert
from lms.xblock_host.context import PUBLISHED

COMPLETE = 1.0
_RECORDED = "progress_recorded"  # request_state(): a completion was recorded in this request


_COMPLETIONS = hot_sql.HotStatement(
    select(BlockCompletion.usage_key, BlockCompletion.completion).where(
        BlockCompletion.user_id == bindparam("user"), BlockCompletion.course_id == bindparam("course")
    )
)
_POSITION = hot_sql.HotStatement(
    select(CoursePosition.unit_key).where(
        CoursePosition.user_id == bindparam("user"), CoursePosition.course_id == bindparam("course")
    )
)


def completions(user_id: int, course_id: int) -> dict[str, float]:
    return dict(_COMPLETIONS.all({"user": user_id, "course": course_id}))


def _record(user_id: int, course_id: int, items: dict[str, float]) -> None:
    """Upsert completions, never lowering one (completion only grows; the date is when it last grew)."""
    if not items:
        return
    request_state()[_RECORDED] = True
    now = utcnow()
    stmt = dialect_insert(BlockCompletion)
    stmt = stmt.on_conflict_do_update(
        index_elements=["user_id", "usage_key"],
        set_={"completion": stmt.excluded.completion, "updated_at": stmt.excluded.updated_at},
        where=BlockCompletion.completion < stmt.excluded.completion,
    )
    db.session.execute(
        stmt,
        [
            {"user_id": user_id, "course_id": course_id, "usage_key": key, "completion": value, "updated_at": now}
            for key, value in items.items()
        ],
    )


def recorded_in_request() -> bool:
    """Whether this request recorded a completion (a block's handler call that may have completed its unit)."""
    return bool(request_state().get(_RECORDED))


def _is_complete(done: dict[str, float], items: list[str]) -> bool:
    return all(done.get(item, 0.0) >= COMPLETE for item in items)


_FACTS = select(Completion.usage_key).where(
    Completion.user_id == bindparam("user"), Completion.course_id == bindparam("course")
)
_ANNOUNCED = {
    CompletionKind.UNIT: (signals.unit_completed, "unit_key"),
    CompletionKind.MODULE: (signals.module_completed, "module_key"),
    CompletionKind.COURSE: (signals.course_completed, None),
}


def _roll_up(user_id: int, course: Course, structure: Structure, unit: Unit, done: dict[str, float]) -> None:
    """Record the unit, its module and the course as completed when they now are, each once."""
    module = structure.module_of(unit.key)
    candidates = [
        (CompletionKind.UNIT, unit.key, unit.completion_items),
        (CompletionKind.MODULE, module.key, module.completion_items),
        (CompletionKind.COURSE, structure.root_key, structure.completion_items),
    ]
    known = None
    for kind, key, items in candidates:
        if not _is_complete(done, items):
            return  # neither is what contains it
        if known is None:
            known = set(db.session.execute(_FACTS, {"user": user_id, "course": course.id}).scalars())
        if key not in known:
            _record_fact(user_id, course, kind, key)


def _record_fact(user_id: int, course: Course, kind: CompletionKind, key: str) -> None:
    """Insert the fact unless it exists; announce it only when this insert wrote it (two requests that
    both see the course complete cannot both announce it: the unique key lets one insert win)."""
    version_id = course.published_version_id
    completed_at = utcnow()
    inserted = db.session.execute(
        dialect_insert(Completion)
        .values(
            user_id=user_id,
            course_id=course.id,
            kind=kind,
            usage_key=key,
            version_id=version_id,
            completed_at=completed_at,
        )
        .on_conflict_do_nothing(index_elements=["user_id", "usage_key"])
        .returning(Completion.id)
    ).scalar()
    if inserted is None:
        return
    signal, key_name = _ANNOUNCED[kind]
    extra = {key_name: key} if key_name else {}
    signals.announce(signal, course.id, user_id=user_id, version_id=version_id, completed_at=completed_at, **extra)


def mark_unit_viewed(user_id: int, course: Course, structure: Structure, unit: Unit) -> None:
    """Seeing a unit completes what seeing completes (call it after the page's read transaction)."""
    done = completions(user_id, course.id)
    new = {item: COMPLETE for item in unit.viewed_items if done.get(item, 0.0) < COMPLETE}
    if new:
        _record(user_id, course.id, new)
        done.update(new)
    _roll_up(user_id, course, structure, unit, done)


def complete_unit(user_id: int, course: Course, structure: Structure, unit: Unit) -> None:
    """Record every completion item of ``unit`` as complete, and what that completes (the demo's simulated
    learners, who work through a course without pages: a real learner's completions come from views and
    block events)."""
    done = completions(user_id, course.id)
    new = {item: COMPLETE for item in unit.completion_items if done.get(item, 0.0) < COMPLETE}
    if new:
        _record(user_id, course.id, new)
        done.update(new)
    _roll_up(user_id, course, structure, unit, done)


def record_visit(user_id: int, course: Course, structure: Structure, current: Unit, done: dict[str, float]) -> None:
    """Record that ``user_id`` saw ``current``: after the page's read transaction, in a short write of its
    own, and only when it changes something: the page itself never waits for SQLite's write lock (design B of
    shared/research/transactions.md; recording twice is harmless, completion only grows)."""
    needs_completion = any(done.get(item, 0) < COMPLETE for item in current.viewed_items)
    needs_position = position(user_id, course.id) != current.key
    if not (needs_completion or needs_position):
        return

    def record() -> None:
        with unit_of_work():
            if needs_completion:
                mark_unit_viewed(user_id, course, structure, current)
            if needs_position:
                save_position(user_id, course.id, current.key)

    after_commit(record)


def save_position(user_id: int, course_id: int, unit_key: str) -> None:
    stmt = dialect_insert(CoursePosition).values(
        user_id=user_id, course_id=course_id, unit_key=unit_key, updated_at=utcnow()
    )
    db.session.execute(
        stmt.on_conflict_do_update(
            index_elements=["user_id", "course_id"],
            set_={"unit_key": stmt.excluded.unit_key, "updated_at": stmt.excluded.updated_at},
        )
    )


def position(user_id: int, course_id: int) -> str | None:
    row = _POSITION.first({"user": user_id, "course": course_id})
    return None if row is None else row[0]


def _record_grade(user_id: int, course_id: int, usage_key: str, earned: float, possible: float, only_if_higher: bool):
    """Upsert the learner's grade of one block; with ``only_if_higher``, a lower score leaves it as it was.

    One statement, so that two grades of the same block at once (a double click) keep one row.
    """
    stmt = dialect_insert(BlockGrade).values(
        user_id=user_id, course_id=course_id, usage_key=usage_key, earned=earned, possible=possible, updated_at=utcnow()
    )
    replace = None
    if only_if_higher:
        kept_ratio = case((BlockGrade.possible > 0, BlockGrade.earned / BlockGrade.possible), else_=0.0)
        replace = kept_ratio < (earned / possible if possible else 0.0)
    db.session.execute(
        stmt.on_conflict_do_update(
            index_elements=["user_id", "usage_key"],
            set_={
                "earned": stmt.excluded.earned,
                "possible": stmt.excluded.possible,
                "updated_at": stmt.excluded.updated_at,
            },
            where=replace,
        )
    )


def record_grade(user_id: int, course_id: int, usage_key: str, earned: float, possible: float) -> None:
    """Record a learner's grade of a published block as its grade event does, for a grade decided outside the
    block's handlers (a person grading an essay, a regrade after a corrected key): the grade replaces the
    stored one, and a graded block is complete (with its unit, module and course when they now are)."""
    from courses.models import Course

    course = db.session.get(Course, course_id)
    if course is None:
        return
    structure = published_structure(course)
    _grade_and_complete(user_id, course, structure, usage_key, earned, possible, only_if_higher=False)


def _grade_and_complete(
    user_id: int,
    course: Course,
    structure: Structure | None,
    leaf: str,
    earned: float,
    possible: float,
    only_if_higher: bool,
) -> None:
    possible = float(possible)
    earned = max(0.0, min(float(earned), possible))
    _record_grade(user_id, course.id, leaf, earned, possible, only_if_higher)
    # A graded attempt completes the block, as Open edX does.
    _record(user_id, course.id, {leaf: COMPLETE})
    unit = structure.unit_of_leaf.get(leaf) if structure else None
    if unit is not None:
        _roll_up(user_id, course, structure, unit, completions(user_id, course.id))


def on_xblock_event(block, user_id: int, event_type: str, event_data, context, **_kwargs) -> None:  # noqa: ANN001
    """Receiver of ``lms.signals.xblock_event``: grades and completion of published blocks."""
    if context.branch != PUBLISHED or event_type not in ("completion", "grade", "progress"):
        return
    course = getattr(context, "course", None)
    if course is None:
        return
    structure = published_structure(course)
    leaf = str(block.scope_ids.usage_id)
    unit = structure.unit_of_leaf.get(leaf) if structure else None
    # The host checked the numbers (lms.xblock_host.events.check); what a block may claim is decided here.
    if event_type == "grade":
        if not getattr(block, "has_score", False):
            return  # a block that is not scored has no grade to give (poll, survey)
        possible = float(event_data["max_value"])
        earned = min(float(event_data["value"]), possible)
        _grade_and_complete(user_id, course, structure, leaf, earned, possible, bool(event_data.get("only_if_higher")))
        return
    if event_type == "completion":
        if not getattr(block, "has_custom_completion", False):
            return  # the others are completed by being viewed or graded
        value = float(event_data["completion"])
    else:  # "progress": Open edX's deprecated "mark complete" event
        value = COMPLETE
    _record(user_id, course.id, {leaf: value})
    if unit is not None:
        _roll_up(user_id, course, structure, unit, completions(user_id, course.id))


@dataclass
class ModuleProgress:
    """A module's progress in units (what the learner sees listed), not in the components inside them."""

    key: str
    title: str
    done: int
    total: int
    locked: str | None = None  # the lock message from a gate, if any

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0

    @property
    def percent(self) -> int:
        return round(100 * self.fraction)


@dataclass
class CourseProgress:
    modules: list[ModuleProgress]
    units_done: set[str]
    complete: bool
    started: bool = False  # anything of the course completed, however little

    @property
    def done(self) -> int:
        return sum(m.done for m in self.modules)

    @property
    def total(self) -> int:
        return sum(m.total for m in self.modules)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def state(self) -> str:
        """``start``, ``continue`` or ``review``: the one word the outline and the dashboard both use for the
        way into the course, so that they never disagree."""
        if self.complete:
            return "review"
        return "continue" if self.started else "start"


def units_done(units: list[Unit], done: dict[str, float]) -> int:
    return sum(1 for unit in units if _is_complete(done, unit.completion_items))


def course_progress(structure: Structure, done: dict[str, float]) -> CourseProgress:
    modules = [
        ModuleProgress(module.key, module.title, units_done(module.units, done), len(module.units))
        for module in structure.modules
    ]
    finished = {unit.key for unit in structure.units if _is_complete(done, unit.completion_items)}
    complete = bool(structure.units) and _is_complete(done, structure.completion_items)
    started = any(value > 0 for value in done.values())
    return CourseProgress(modules, finished, complete, started)


def as_seen(current: Unit, done: dict[str, float]) -> dict[str, float]:
    """``done`` once the visit of ``current`` is recorded: what seeing it completes, complete. The unit page
    reads before its visit is written (after the commit), and must not show the count from before it."""
    return done | {item: COMPLETE for item in current.viewed_items}


def resume_unit(
    structure: Structure, done: dict[str, float], last: str | None, is_open: Callable[[Unit], bool] = lambda unit: True
) -> Unit | None:
    """Where to continue: the last unit seen, else the first not yet complete, among the units ``is_open``
    lets the learner into (a gate may have locked the last one seen since); None when there is none (the
    caller shows the outline, which says what is locked and why). ``is_open`` is asked lazily, about the
    candidates only, so a unit page's gates run for the modules of those units alone."""
    if last and last in structure.unit_by_key and is_open(structure.unit_by_key[last]):
        return structure.unit_by_key[last]
    for unit in structure.units:
        if not _is_complete(done, unit.completion_items) and is_open(unit):
            return unit
    return None

"""The queue file's schema: what a queue.json may hold, checked before any of it becomes a job (issue 101).

A queue folder is input like any file from elsewhere: a job edited by hand, a file of another program
under the name, a damaged write. Every field of every job is checked for its type, its size and its
count here, so a wrong-typed field (``"log": "abc"``, an ``id`` that is a number, a list where a job
is expected) is found on reading, in words naming the job and the field, instead of failing later in
the worker thread or in every command. The same check runs on each job added (JobQueue.add), so
that what the queue writes it can always read back.

Plain stdlib; every refusal is a :class:`QueueFileError` (a ValueError) saying what is wrong."""
from __future__ import annotations

import math
from typing import Any, Callable

from .job import MAX_LOG_LINES

FORMAT = "studio-queue"
VERSION = 1
MAX_JOBS = 100_000        # jobs in one queue (queued and ended together)
MAX_TEXT = 100_000        # characters of a title, an error, an override, a log line
MAX_NAME = 4_096          # characters of an id, a path, a suffix, a client id
MAX_ITEMS = 10_000        # overrides, outputs, origins of one job
MAX_SEED = 2 ** 63        # a seed is below this (a graph's settings.seed)


class QueueFileError(ValueError):
    """A queue file (or a job) that does not fit the schema, in words."""


def _text(limit: int) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        if not isinstance(v, str):
            return f"is {_kind(v)}, text was expected"
        if len(v) > limit:
            return f"is {len(v):,} characters long, over {limit:,}"
        if "\x00" in v:
            return "holds a NUL character"
        return None
    return check


def _or_none(check: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
    return lambda v: None if v is None else check(v)


def _number(low: float = -math.inf, high: float = math.inf) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return f"is {_kind(v)}, a number was expected"
        if not math.isfinite(v) or not low <= v <= high:
            return f"is {v!r}, outside {low:g}..{high:g}"
        return None
    return check


def _integer(low: int, high: int) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        if isinstance(v, bool) or not isinstance(v, int):
            return f"is {_kind(v)}, an integer was expected"
        if not low <= v < high:
            return f"is {v}, outside {low}..{high - 1}"
        return None
    return check


def _list_of(item: Callable[[Any], str | None], limit: int) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        if not isinstance(v, list):
            return f"is {_kind(v)}, a list was expected"
        if len(v) > limit:
            return f"holds {len(v):,} items, over {limit:,}"
        for k, x in enumerate(v):
            why = item(x)
            if why:
                return f"item {k + 1} {why}"
        return None
    return check


def _dict_of(value: Callable[[Any], str | None], limit: int) -> Callable[[Any], str | None]:
    key = _text(MAX_NAME)

    def check(v: Any) -> str | None:
        if not isinstance(v, dict):
            return f"is {_kind(v)}, an object was expected"
        if len(v) > limit:
            return f"holds {len(v):,} entries, over {limit:,}"
        for k, x in v.items():
            why = key(k) or value(x)
            if why:
                return f"entry '{str(k)[:40]}' {why}"
        return None
    return check


def _object(v: Any) -> str | None:
    return None if isinstance(v, dict) else f"is {_kind(v)}, an object was expected"


def _suffix(v: Any) -> str | None:
    why = _text(200)(v)
    if why is None and ("/" in v or "\\" in v or ".." in v):
        return "names a folder (a suffix of a file name has no '/', '\\' or '..')"
    return why


_NAME, _LINE = _text(MAX_NAME), _text(MAX_TEXT)
# every field a job may have (job.Job's), with its check; a field left out takes the job's default
FIELDS: dict[str, Callable[[Any], str | None]] = {
    "graph": _object,
    "id": lambda v: _NAME(v) or (None if v else "is empty"),
    "title": _LINE,
    "overrides": _list_of(_LINE, MAX_ITEMS),
    "seed": _or_none(_integer(0, MAX_SEED)),
    "output_suffix": _suffix,
    "base_dir": _or_none(_text(MAX_NAME)),
    "source": _text(100),
    "workflow": _or_none(_object),
    "origin": _dict_of(_NAME, MAX_ITEMS),
    "client_id": _NAME,
    "number": _integer(0, MAX_SEED),
    "state": _text(40),  # an unknown state is read as failed (Job.from_dict)
    "created": _number(0),
    "started": _or_none(_number(0)),
    "ended": _or_none(_number(0)),
    "progress": _number(0, 1),
    "outputs": _list_of(_NAME, MAX_ITEMS),
    "node_outputs": _dict_of(_list_of(_NAME, MAX_ITEMS), MAX_ITEMS),
    "log": _list_of(_LINE, MAX_LOG_LINES),
    "error": _LINE,
    "error_node": _NAME,
    "worker": _NAME,
    "seal": _text(200),
}


def job_problem(d: Any) -> str | None:
    """Why ``d`` (a job as the file holds it) does not fit the schema, or None. Keys this version does not
    know are left to Job.from_dict (which drops them): a newer Studio's extra field is no damage."""
    if not isinstance(d, dict):
        return f"is {_kind(d)}, an object was expected"
    if "graph" not in d:
        return "has no graph"
    for name, check in FIELDS.items():
        if name in d:
            why = check(d[name])
            if why:
                return f"has a field '{name}' that {why}"
    return None


def check_doc(doc: Any) -> None:
    """Refuse a queue document that does not fit the schema, naming the first thing wrong
    (:class:`QueueFileError`)."""
    if not isinstance(doc, dict):
        raise QueueFileError(f"it holds {_kind(doc)}, not a queue")
    if doc.get("format") != FORMAT:
        raise QueueFileError(f"it is not a Studio queue (its format is {str(doc.get('format'))[:40]!r}, "
                             f"'{FORMAT}' was expected)")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= VERSION:
        raise QueueFileError(f"its version {str(version)[:20]!r} is not one this Studio reads (1 to {VERSION})")
    if not isinstance(doc.get("paused", False), bool):
        raise QueueFileError(f"its 'paused' is {_kind(doc['paused'])}, true or false was expected")
    jobs = doc.get("jobs", [])
    if not isinstance(jobs, list):
        raise QueueFileError(f"its 'jobs' is {_kind(jobs)}, a list was expected")
    if len(jobs) > MAX_JOBS:
        raise QueueFileError(f"it holds {len(jobs):,} jobs, over the {MAX_JOBS:,} a queue holds")
    seen: set[str] = set()
    for k, d in enumerate(jobs):
        why = job_problem(d)
        if why:
            raise QueueFileError(f"its job {k + 1} {why}")
        if "id" in d:
            if d["id"] in seen:
                raise QueueFileError(f"its job {k + 1} has the id of an earlier job ({d['id'][:40]})")
            seen.add(d["id"])


def _kind(v: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true or false", int: "a number",
            float: "a number", type(None): "null"}.get(type(v), type(v).__name__)

"""Jobs made from what the user has: a graph in the window, a graph file, a ComfyUI workflow (its API
or UI JSON, converted as File > Open converts it), and N variations of one (seeds, or one parameter
swept over a list of values)."""
from __future__ import annotations

import itertools
import os
import re
from typing import Any, Iterable

from studio.core.errors import StudioError

from .job import Job

MAX_VARIATIONS = 1000  # jobs one --vary (or the Queue dock's variations) makes; more is refused in words
MAX_SEED = 2 ** 63  # a seed is below this (a graph's settings.seed)


def job_from_graph(graph, title: str = "", overrides: Iterable[str] = (), seed: int | None = None) -> Job:
    """A job of a Studio graph as it is now (a copy: later edits do not change the job)."""
    from studio.core.fileformat import graph_to_dict
    return Job(graph=graph_to_dict(graph, include_ui=False), title=title, overrides=list(overrides), seed=seed,
               base_dir=getattr(graph, "base_dir", None))


def job_from_workflow(doc: Any, name: str = "workflow", base_dir: str | None = None) -> tuple[Job, Any]:
    """A job of a ComfyUI workflow (API or UI JSON, parsed), and its conversion (its log, its origin)."""
    from studio.convert.mapping.convert import convert
    from studio.convert.reading.workflow import is_workflow
    from studio.core.fileformat import graph_to_dict
    kind = is_workflow(doc)
    conv = convert(doc, name)
    conv.graph.base_dir = base_dir
    job = Job(graph=graph_to_dict(conv.graph, include_ui=False), title=name, base_dir=base_dir,
              source=f"comfy-{kind or 'api'}", workflow=doc if isinstance(doc, dict) else None,
              origin=dict(conv.origin))
    for line in conv.log:
        job.say(line)
    return job, conv


def job_from_file(path: str, overrides: Iterable[str] = (), seed: int | None = None) -> Job:
    """A job of a graph file, or of a ComfyUI workflow file or output carrying one (converted)."""
    from studio.convert.mapping.file import is_comfy_file, read_document
    name = os.path.basename(path)
    if is_comfy_file(path):
        doc = read_document(path)
        if isinstance(doc, dict) and isinstance(doc.get("prompt"), dict):
            doc = doc["prompt"]
        job, _ = job_from_workflow(doc, name, os.path.dirname(os.path.abspath(path)))
    else:
        from studio.core.fileformat import load_graph
        job = job_from_graph(load_graph(path), title=name)
    job.overrides, job.seed = list(overrides), seed
    return job


def seed_variations(job: Job, seeds: Iterable[int]) -> list[Job]:
    """One job a seed (the graph's seed setting), titled with it."""
    out = []
    for s in seeds:
        if not 0 <= int(s) < MAX_SEED:
            raise StudioError(f"a seed is an integer from 0 to {MAX_SEED - 1}, got {str(s)[:40]}")
        if len(out) == MAX_VARIATIONS:
            raise StudioError(f"more than {MAX_VARIATIONS:,} seeds: one add makes at most {MAX_VARIATIONS:,} variations")
        out.append(_copy(job, f"{job.title} · seed {int(s)}", job.overrides, int(s), f"_seed{int(s)}"))
    return out


def sweep_variations(job: Job, param: str, values: Iterable[str]) -> list[Job]:
    """One job a value of ``param`` (NODE.PARAM, as --set names it)."""
    node, dot, name = param.rpartition(".")
    if not dot or not node or not name:
        raise StudioError(f"a swept parameter is NODE.PARAM, got '{param}'")
    values = list(itertools.islice(values, MAX_VARIATIONS + 1))
    if len(values) > MAX_VARIATIONS:
        raise StudioError(f"more than {MAX_VARIATIONS:,} values: one add makes at most {MAX_VARIATIONS:,} variations")
    return [_copy(job, f"{job.title} · {name}={v}", [*job.overrides, f"{param}={v}"], job.seed,
                  f"_{_slug(name)}{k + 1}") for k, v in enumerate(values)]


def _slug(text: str) -> str:
    from studio.core.targets import slug
    return slug(text)


def _copy(job: Job, title: str, overrides: list[str], seed: int | None, suffix: str) -> Job:
    return Job(graph=job.graph, title=title, overrides=list(overrides), seed=seed, base_dir=job.base_dir,
               source=job.source, workflow=job.workflow, origin=dict(job.origin),
               output_suffix=job.output_suffix + suffix)


_RANGE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$", re.ASCII)
_SEED = re.compile(r"^\s*(\d+)\s*$", re.ASCII)


def parse_variations(text: str) -> tuple[str, list[str]]:
    """('seeds', ['1', '2'...]) for '1-5, 9' (or 'seeds 1-5, 9', as the Queue dock's hint writes it);
    ('NODE.PARAM', values) for 'n3.steps=20,30'. More than MAX_VARIATIONS is refused in words, counted
    before any is made (a range of 100 million seeds is never built)."""
    text = text.strip()
    if text[:5].lower() == "seeds" and "=" not in text:
        text = text[5:]
    if "=" in text:
        param, _, values = text.partition("=")
        vals = [v.strip() for v in values.split(",") if v.strip()]
        if not param.strip() or not vals:
            raise StudioError("a sweep is NODE.PARAM=value,value,... (e.g. n3.steps=20,30,40)")
        _within_cap(len(vals), "values")
        return param.strip(), vals
    spans: list[tuple[int, int]] = []
    for part in (p for p in text.split(",") if p.strip()):
        m = _RANGE.match(part) or _SEED.match(part)
        if not m:
            raise StudioError(f"'{_shown(part.strip())}' is not a seed or a range of seeds (1-5)")
        ends = [_seed(g) for g in m.groups()]
        spans.append((min(ends), max(ends)))
    _within_cap(sum(b - a + 1 for a, b in spans), "seeds")  # counted, not built
    seeds = [str(s) for a, b in spans for s in range(a, b + 1)]
    if not seeds:
        raise StudioError("give seeds (1-5, 9) or a sweep (n3.steps=20,30,40)")
    return "seeds", seeds


def _seed(digits: str) -> int:
    if len(digits) > 19 or int(digits) >= MAX_SEED:  # 19 digits: int() of any length is never asked
        raise StudioError(f"the seed {_shown(digits)} is too large: a seed is an integer from 0 to {MAX_SEED - 1}")
    return int(digits)


def _within_cap(n: int, what: str) -> None:
    if n > MAX_VARIATIONS:
        raise StudioError(f"{n:,} {what} asked for: one add makes at most {MAX_VARIATIONS:,} variations "
                          "(MAX_VARIATIONS); give fewer, and add the rest in another go")


def _shown(text: str) -> str:
    from studio.core.limits import shorten
    return shorten(text, 40)

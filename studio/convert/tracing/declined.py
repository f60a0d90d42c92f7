"""Why a family's reader declined a node it reads (issue 112, heldout50 09 and 11): the reader that looked at the
node and would not make its take records its own reason here (the node's id -> the reason in words); the sentence
said first for the held task (tracing.tasks.sentence) then names that reason instead of the generic one of the
pack's table ("no reading of Studio's takes it as a ComfyUI core node", "it has no counterpart"), which is false
where a reading exists and only this wiring stopped it. Plain data."""
from __future__ import annotations

from dataclasses import replace
from typing import Any


def declined(wf: Any) -> dict:
    """The workflow's declined readings: node id -> (the node in words, the reason)."""
    if not hasattr(wf, "declined_readings"):
        wf.declined_readings = {}
    return wf.declined_readings


def decline(wf: Any, node_ids: list, named: str, why: str) -> None:
    """Record that the reader of a node (``named``: the node in a sentence) declined it, ``why`` in words, under
    ``node_ids``: the node's and those of the nodes whose take it is (its sampler: a translation may take the node
    off the sampler's way before the held task is said)."""
    for node_id in node_ids:
        declined(wf)[node_id] = (named, why)


def with_reason(wf: Any, task: Any, region: list) -> Any:
    """``task`` (a held Task) with the reason a reader gave for a node of ``region`` declined, where one did."""
    found = getattr(wf, "declined_readings", {})
    hit = next((found[n.id] for n in sorted(region, key=lambda n: str(n.id)) if n.id in found), None)
    if hit is None:
        return task
    named, why = hit
    return replace(task, cannot=f"make the take of {named} as it is wired here: {why}")

"""An empty prompt a blueprint file carries (reading/blueprints.py: one subgraph node meant to be dropped into a
workflow, its prompt an input filled where it is used): Studio's generator given that empty prompt is said in one
sentence, so the prompt is written before it runs (LTX-2 and others refuse an empty one; heldout55 05, 08:
carried over with no word). Told by the file's shape (its open ends, the ids reading.blueprints gives them) and the
generator's declared 'prompt' setting left empty with nothing wired to it, never by a node's name. Plain data and
stdlib (the builder's graph)."""
from __future__ import annotations

import re

WIRED = ("prompt", "features", "schedule")  # inputs a generator runs from instead of its 'prompt' setting
OPEN_END = re.compile(r"^[^:]+:out\d+$")  # a blueprint's output, read as a save (reading.blueprints.open_ends)


def _blueprint(wf) -> bool:
    return any(OPEN_END.match(nid) for nid in wf.nodes)


def said(b) -> None:
    """Each generator of a blueprint file whose 'prompt' is empty and unwired: said, in the Log and a note."""
    if not _blueprint(b.wf):
        return
    g, empty = b.g, []
    for nid, node in g.nodes.items():
        if not node.type_id.startswith("video_models.") or (node.params or {}).get("prompt", None) != "":
            continue
        spec = g.registry.get(node.type_id)
        if "prompt" in {p.name for p in spec.params} and not any(  # (a wired prompt, features or schedule: it runs)
                g.input_link(nid, k) is not None for k in WIRED) \
                and spec.title not in empty:
            empty.append(spec.title)
    if not empty:
        return
    whose = " and ".join(f"{t}'s" for t in empty)
    line = (f"the prompt is empty in the file, as a blueprint's is until it is used (its prompt filled in the "
            f"workflow it is dropped into): {whose} 'prompt' {'is' if len(empty) == 1 else 'are'} empty and must "
            f"be written before {'it runs' if len(empty) == 1 else 'they run'}")
    b.note(line)
    b.out.log.append(f"{b.name}: {line}")

"""A task node whose start image is wired to nothing: ComfyUI's WanImageToVideo (and any node a family maps a
'start_image'-like port of to the generator's 'image') left with that optional input empty runs on the prompt alone;
nothing makes a start image there. Told from the task's own ports, so a held task says so, never that the image is
made by nodes Studio does not convert. Plain data and stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from .tasks import task_node, task_of


def unwired_start(wf: Workflow, first: CNode) -> str | None:
    """The words naming the task node of sampler ``first`` and its start-image ports where none is connected
    ("'WanImageToVideo' (WanImageToVideo, #18)'s 'start_image'"); None where one is, or the task has none."""
    node, _ = task_node(wf, first, [])
    spec = task_of(node)
    if node is None or spec is None:
        return None
    ports = [port for port, into in spec.ports if into == "image"]
    if not ports or any(p in node.links for p in ports):
        return None
    names = " and ".join(f"'{p}'" for p in ports)
    return f"'{node.title or node.shown_cls}' ({node.shown_cls}, #{node.id})'s {names}"

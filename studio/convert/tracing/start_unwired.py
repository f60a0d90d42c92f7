"""A task node whose start image is wired to nothing: ComfyUI's WanImageToVideo (and any node a family maps a
'start_image'-like port of to the generator's 'image') left with that optional input empty runs on the prompt alone;
nothing makes a start image there. Told from the task's own ports, so a held task says so, never that the image is
made by nodes Studio does not convert. Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import MODES, CNode, Workflow
from .tasks import task_node, task_of


def unwired_start(wf: Workflow, first: CNode) -> str | None:
    """The words naming the task node of sampler ``first`` and its start-image ports where none is connected
    ("'WanImageToVideo' (WanImageToVideo, #18)'s 'start_image' is connected to nothing"), or given nothing as ComfyUI
    runs the modes (wired to a muted or bypassed node: named, CNode.cut; yameprogrammer's Wan 2.2 MoE file's muted
    'Load Start Image'); None where one is given, or the task has none."""
    node, _ = task_node(wf, first, [])
    spec = task_of(node)
    if node is None or spec is None:
        return None
    ports = [port for port, into in spec.ports if into == "image"]
    if not ports or any(p in node.links for p in ports):
        return None
    names = " and ".join(f"'{p}'" for p in ports)
    dead = [wf.nodes[d] for p in ports for d in node.cut.get(p, ()) if d in wf.nodes]
    how = (" is given nothing: it is wired to " + " and ".join(
        f"'{m.title or m.shown_cls}' ({m.shown_cls}, #{m.id}), {MODES.get(m.mode, 'off')} in ComfyUI" for m in dead)
           if dead else f" {'is' if len(ports) == 1 else 'are'} connected to nothing")
    return f"'{node.title or node.shown_cls}' ({node.shown_cls}, #{node.id})'s {names}{how}"


def how_run(wf: Workflow, first: CNode) -> str:
    """What ComfyUI does with the task node of sampler ``first`` whose start image is unwired: runs it on the prompt
    alone (or on the prompt and the other inputs wired: a CLIP vision output), or - a required socket its catalogued type declares left unwired - refuses the graph as saved; an input the
    file wires that the type does not declare is named (heldout22 02: 'image' given, 'negative' missing)."""
    node, _ = task_node(wf, first, [])
    t = catalogue.node_type(node.shown_cls) if node is not None else None
    if t is None or t.inputs is None:
        return "ComfyUI runs it on the prompt alone"
    declared = {i.name for i in t.inputs}
    missing = [i.name for i in t.inputs if i.is_socket and not i.optional and i.name not in node.links]
    odd = [k for k in node.links if k not in declared]
    named = (f"; the file wires its {_quoted(odd)}, which {node.shown_cls} does not declare (not read)"
             if odd else "")
    if missing:
        return (f"and its required {_quoted(missing)} {'is' if len(missing) == 1 else 'are'} not given either: "
                f"ComfyUI refuses the graph as saved{named}")
    # what else it is given besides its prompts and VAE (a CLIP vision output of a picture: heldout76 08), by the
    # types its sockets declare: ComfyUI runs it on those too, not "on the prompt alone"
    besides = [i.name for i in t.inputs if i.is_socket and i.name in node.links
               and i.type not in ("CONDITIONING", "VAE")]
    if besides:
        return f"ComfyUI runs it on the prompt and its {_quoted(besides)}, with no start image{named}"
    return f"ComfyUI runs it on the prompt alone{named}"


def _quoted(names: list[str]) -> str:
    return ", ".join(f"'{k}'" for k in names)

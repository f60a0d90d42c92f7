"""A guider whose classifier-free guidance comes per modality from a chain of parameter nodes wired to one of its
inputs (ComfyUI-LTXVideo's MultimodalGuider and its GuiderParameters, read for meaning, nothing copied): each node a
'modality' (VIDEO, AUDIO) and its 'cfg'; the VIDEO cfg is the generator's guidance, the AUDIO cfg its
'audio_guidance', the rest (STG, rescale, skips) said not taken. Read by declared types: the chain passes on through
an input of the type its node gives. Plain data and stdlib, as the rest of the converter (heldout67 02)."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..reading.workflow import CNode, Workflow
MODALITY, CFG = "modality", "cfg"  # a per-modality parameter node's declared settings (ComfyUI-LTXVideo's
# GuiderParameters: read for meaning) that Studio takes: which stream, and its classifier-free guidance scale


def chain(wf: Workflow, guider: CNode, port: str) -> list[CNode]:
    """The parameter nodes a guider's ``port`` is wired to, first to last: each passes the one before on through an
    input of the type it gives itself (GuiderParameters' optional 'parameters'), read by the catalogue's declared
    types, else by the UI file's own socket types."""
    out, seen, node = [], set(), wf.source(guider, port)
    while node is not None and node.id not in seen and len(out) < 16:
        seen.add(node.id)
        out.append(node)
        node = next((wf.source(node, k) for k in _chained_inputs(node) if wf.source(node, k) is not None), None)
    return out


def scales(wf: Workflow, guider: CNode, port: str) -> dict[str, Any]:
    """{modality (upper case): its cfg} of a guider's parameter chain (the nearest node's where two name one)."""
    found: dict[str, Any] = {}
    for node in chain(wf, guider, port):
        kind, cfg = wf.value(node, MODALITY), wf.value(node, CFG)
        if isinstance(kind, str) and kind.upper() not in found:
            found[kind.upper()] = cfg
    return found


def _chained_inputs(node: CNode) -> list[str]:
    """The inputs of ``node`` declared of the type it gives (a chain of parameters of one kind)."""
    t = catalogue.node_type(node.shown_cls)
    if t is not None and t.inputs is not None and t.outputs:
        own = t.outputs[0].type
        return [i.name for i in t.inputs if i.type == own and not i.widget]
    own = node.out_types[0] if node.out_types else None
    return [k for k, v in node.in_types.items() if own is not None and v == own]


def by_modality(wf: Workflow, guider: CNode, port: str, name: str) -> tuple[Any, list[str]]:
    """A guider whose scales come per modality from the parameter chain on its ``port``: the VIDEO cfg as the
    generator's guidance, the AUDIO cfg as its 'audio_guidance' (settings._guidance), the chain's other settings
    and the guider's own said not taken."""
    nodes, found = chain(wf, guider, port), scales(wf, guider, port)
    video, audio = found.get("VIDEO"), found.get("AUDIO")
    if not isinstance(video, (int, float)) or isinstance(video, bool):
        return None, [f"{name} is given no VIDEO cfg Studio can read on its '{port}': the generator's guidance is "
                      "its default; set it to the workflow's"]
    head = f"{name}: the VIDEO cfg {video:g} of its '{port}' is the generator's guidance"
    if isinstance(audio, (int, float)) and not isinstance(audio, bool):
        head += f", the AUDIO cfg {audio:g} its 'audio_guidance'"
    said = [head]
    for node in nodes:
        rest = _rest(wf, node)
        if rest:
            said.append(f"'{node.title or node.shown_cls}' ({node.shown_cls}, #{node.id}) "
                        f"({wf.value(node, MODALITY)}): its {rest} not taken (Studio's generators take one guidance "
                        "scale per stream: its cfg)")
    t = catalogue.node_type(guider.shown_cls)  # the guider's own settings (MultimodalGuider's STG skip_blocks)
    names = [i.name for i in t.widgets] if t is not None and t.inputs is not None else list(guider.widgets)
    own = [k for k in names if wf.value(guider, k) not in (None, "")]
    if own:
        said.append(f"{name}: its {', '.join(f'{k} {wf.value(guider, k)}' for k in own)} not taken")
    return video, said


def _rest(wf: Workflow, node: CNode) -> str:
    """A parameter node's declared settings other than its modality and cfg, each as saved."""
    t = catalogue.node_type(node.shown_cls)
    names = [i.name for i in t.widgets] if t is not None and t.inputs is not None else list(node.widgets)
    pairs = [(k, wf.value(node, k)) for k in names if k not in (MODALITY, CFG)]
    return ", ".join(f"{k} {v}" for k, v in pairs if v is not None)

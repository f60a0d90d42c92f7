"""A FlowEdit guider's target (redetail8, issue 112): a Video to Video whose sampler's guider Studio does not read
declares two conditioning pairs and two cfgs, a source's (the clip as it is described) and a target's (the edit
asked for): LTXTricks' LTXFlowEditCFGGuider, HunyuanLoom's FlowEdit guiders; or one conditioning each, no negative
and no cfg (HunyuanLoom's HYFlowEditGuider: source_cond, target_cond). The take has the target's prompt,
negative prompt and cfg; the source's prompt is not given (Studio's Video to Video takes one prompt), said in one
sentence. The pair is told by the guider's declared CONDITIONING and FLOAT inputs; which pair is the target is told by
their names ('target_...'), as the declaration alone cannot tell a source from a target. Plain data."""
from __future__ import annotations

from studio.core.shown import cut

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from ..tracing.prompts import encoder_prompt, prompt_encoder, prompt_text
from ..tracing.tasks import V2V


def _target(wf: Workflow, guider: CNode) -> tuple[str, str | None, str | None, str | None, str | None] | None:
    """(the target's positive input, its negative input, its cfg input, the source's positive input, its cfg input) of a guider
    declaring a source and a target conditioning pair; None for another."""
    t = catalogue.node_type(guider.cls)
    if t is None or not t.inputs:
        return None
    conds = [i.name for i in t.inputs if i.type == "CONDITIONING"]
    floats = [i.name for i in t.inputs if i.type == "FLOAT"]
    target = [k for k in conds if "target" in k.lower()]
    source = [k for k in conds if "source" in k.lower()]
    if (len(conds), len(target), len(source)) == (2, 1, 1):  # one conditioning each, no negative (HunyuanLoom's
        return target[0], None, None, source[0], None  # HYFlowEditGuider: its cfg an embedded guidance on the way)
    if len(conds) != 4 or len(target) != 2 or len(source) != 2:
        return None
    pos = next((k for k in target if "pos" in k.lower()), None)
    neg = next((k for k in target if "neg" in k.lower()), None)
    cfg = next((k for k in floats if "target" in k.lower() and "cfg" in k.lower()), None)
    if pos is None or pos not in guider.links:
        return None
    return pos, neg, cfg, next((k for k in source if "pos" in k.lower()), None), \
        next((k for k in floats if "source" in k.lower() and "cfg" in k.lower()), None)


def apply(b, o, params: dict, said: list[str]) -> None:
    """Take the target's prompt, negative prompt and cfg of ``o``'s first pass's source-and-target guider; said."""
    wf = b.wf
    guider = wf.source(o.main.node, "guider")
    if o.task != V2V or guider is None or (found := _target(wf, guider)) is None:
        return
    pos, neg, cfg, source, source_cfg = found
    took = {}
    for key, port in (("prompt", pos), ("negative_prompt", neg)):
        src = wf.source(guider, port) if port else None
        text = prompt_text(wf, src, "positive" if key == "prompt" else "negative", b.used, None,
                           guider.links[port][1]) if src is not None else None
        if text is not None:
            took[key] = text
    value = wf.value(guider, cfg) if cfg else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        took["guidance"] = float(value)
    if "prompt" not in took:
        return
    params.update(took)
    name = f"'{guider.title or guider.shown_cls}' ({guider.shown_cls}, #{guider.id})"
    if "guidance" in took:  # (its cfg read: the lines saying it is not are no longer true)
        said[:] = [s for s in said if not (name in s and ("which Studio does not read" in s or "when the workflow runs"
                                                          in s))]
    words = {"prompt": f"'{pos}' prompt", "negative_prompt": f"'{neg}' negative prompt",
             "guidance": f"'{cfg}' {took.get('guidance', 0):g} as its guidance"}
    said.append(f"{name} guides the edit from a source conditioning to a target one: the take has its "
                f"{', '.join(words[k] for k in took)}; the source's '{source}' prompt (the clip as it is"
                f"{_sources(wf, guider, source)})" + (f" and '{source_cfg}' are" if source_cfg else " is") + " not given "
                "(Studio's Video to Video takes one prompt, and noises the clip where FlowEdit does not)")


def _sources(wf: Workflow, guider: CNode, source: str | None) -> str:
    """The source's prompts in words, each with the encoder it is written in (proxymine20: LTXTricks' flow edit named
    the 'source_pos' input, not the text nor the CLIPTextEncode it comes from): ': "...", of 'CLIPTextEncode' (...)',
    its negative too where the guider declares one beside it; '' where no encoder is found."""
    if not source:
        return ""
    t = catalogue.node_type(guider.cls)
    ports = [source] + [i.name for i in (t.inputs or ()) if i.type == "CONDITIONING" and "source" in i.name.lower()
                        and "neg" in i.name.lower()] if t is not None else [source]
    words = []
    for port, which in zip(ports, ("positive", "negative")):
        enc = prompt_encoder(wf, wf.source(guider, port), which) if port in guider.links else None
        text = encoder_prompt(wf, enc) if enc is not None else None
        if isinstance(text, str):
            words.append(f"{'its ' + repr(port) + ' ' if which == 'negative' else ''}{cut(text, 80)!r} of {enc.named()}")
    return (": " + "; ".join(words)) if words else ""

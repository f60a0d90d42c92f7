"""Phantom-Wan (subject to video) as ComfyUI workflows give it, read as Studio's Phantom node (phantom/node.py):
ComfyUI's WanPhantomSubjectToVideo (comfy_extras/nodes_wan.py: 'images', width, height, length; its three
conditionings positive / negative_text / negative_img_text) and kijai's WanVideoWrapper's WanVideoPhantomEmbeds
(read as ``PHANTOM`` by comfy_wrapper_phantom.py). Their pictures are the node's references; the take's width, height
and frames theirs; the wrapper's phantom_cfg_scale the node's image guidance, its span of steps said where it is not
the whole take. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, Generator, Task, gathered

from .comfy_take_size import take_frames, take_size
from .comfy_wrapper_phantom import PHANTOM

SHIFT = 5.0  # the flow shift Studio's Phantom samples a model read from ComfyUI's files at (phantom/node.py SHIFT)

NODE = "video_models.phantom"  # the Phantom node: phantom/node.py
CORE = "WanPhantomSubjectToVideo"
DEFAULTS = {"width": 832, "height": 480}
REFS = (("images_1", "reference"), ("images_2", "reference_2"), ("images_3", "reference_3"),
        ("images_4", "reference_4"))
SPAN = ("outside it the wrapper samples without the references; Studio's Phantom reads them at every step, as the "
        "release does")


def phantom_settings(b, node: CNode | None, params: dict, loras: list, said: list[str], continued: bool = False):
    """Fill ``params`` from the task node (``b``: the converter, for its workflow): its size where a multiple of 16
    (else said), its frames (else said)."""
    if node is None:
        return loras
    take_size(b.wf, node, params, said, "Phantom", DEFAULTS)
    take_frames(b.wf, node, params, said, "Phantom", 81)
    return loras


POSITIVE, NEGATIVE_TEXT, NEGATIVE_IMG_TEXT = 0, 1, 2  # WanPhantomSubjectToVideo's conditionings (outputs)


def _number(v) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _from(n: CNode, port: str, task: CNode) -> int | None:
    """The output of ``task`` wired into ``n``'s ``port`` (None: another node's, or none)."""
    link = n.links.get(port)
    return link[1] if link and link[0] == task.id else None


def core_guidance(b, node: CNode | None, up: list, inputs: dict, said: list[str]) -> None:
    """The image guidance ComfyUI's WanPhantomSubjectToVideo is sampled with, read from which of its conditionings
    the sampler is given (its outputs: positive, negative_text, negative_img_text) and put in ``b.extra``:
    a sampler's cfg c between positive and negative_img_text (the negative prompt, no references) is
    ``neg + c (pos - neg)``: the node's guidance and image guidance both c; between positive and negative_text (the
    negative prompt with the references), ``refs + c (pos - refs)``: image guidance 1; a DualCFGGuider given
    positive, negative_text and negative_img_text (cond1, cond2, negative) is the release's three-way guidance, its
    cfg_conds the guidance and its cfg_cond2_negative the image guidance (ComfyUI's nodes_custom_sampler.py
    Guider_DualCFG, read for meaning). Any other wiring: said, the node's image guidance kept."""
    if node is not None and node.cls == PHANTOM:
        return wrapper_guidance(b, node, up, said)
    if node is None or node.cls != CORE:
        return
    wf = b.wf
    for n in up:
        guider = wf.source(n, "guider")
        if guider is not None and guider.cls == "DualCFGGuider":
            slots = tuple(_from(guider, k, node) for k in ("cond1", "cond2", "negative"))
            gi = _number(wf.value(guider, "cfg_cond2_negative"))
            style = wf.value(guider, "style")
            if style not in (None, "regular"):  # its 'nested' sum is not the release's
                said.append(f"'{guider.title or guider.shown_cls}' (DualCFGGuider, #{guider.id}) sums its passes "
                            f"'{style}', not as the release does: Studio's Phantom keeps its own image guidance and "
                            "the release's sum")
            elif slots == (POSITIVE, NEGATIVE_TEXT, NEGATIVE_IMG_TEXT) and gi is not None:
                b.extra["image_guidance"] = gi
                said.append(f"'{guider.title or guider.shown_cls}' (DualCFGGuider, #{guider.id}) guides the take "
                            f"three ways, as the release does: its cfg_cond2_negative {gi:g} (between "
                            f"{node.shown_cls}'s negative_text and negative_img_text) is Studio's Phantom's image "
                            "guidance")
            else:
                said.append(f"'{guider.title or guider.shown_cls}' (DualCFGGuider, #{guider.id}) is not given "
                            f"{node.shown_cls}'s positive, negative_text and negative_img_text as cond1, cond2 and "
                            "negative: Studio's Phantom keeps its own image guidance (set it to the workflow's)")
            return
        slot = _from(n, "negative", node) if _from(n, "positive", node) == POSITIVE else None
        if slot is None:
            continue
        cfg = _number(wf.value(n, "cfg"))
        if slot == NEGATIVE_IMG_TEXT and cfg is not None:
            b.extra["image_guidance"] = cfg
            said.append(f"'{n.title or n.shown_cls}' (#{n.id}) guides between {node.shown_cls}'s positive and "
                        f"negative_img_text (the negative prompt without the references) at cfg {cfg:g}: Studio's "
                        f"Phantom's image guidance is {cfg:g} too (the same sum)")
        elif slot == NEGATIVE_TEXT:
            b.extra["image_guidance"] = 1.0
            said.append(f"'{n.title or n.shown_cls}' (#{n.id}) guides between {node.shown_cls}'s positive and "
                        "negative_text (the negative prompt with the references): Studio's Phantom's image guidance "
                        "is 1 (the same sum)")
        return


def wrapper_guidance(b, node: CNode, up: list, said: list[str]) -> None:
    """The image guidance of the wrapper's Phantom where its sampler does not make the three passes (kijai's
    WanVideoWrapper's sampler, read for meaning): at cfg 1 it makes the prompt-with-references pass alone (Studio's
    Phantom at guidance 1 and image guidance 1: the same); with phantom_cfg_scale 1 it skips the references' pass
    and guides between the prompt with the references and the negative prompt with zeros in their place at its cfg
    c (Studio's Phantom at image guidance c: the same sum)."""
    wf = b.wf
    gi = _number(wf.value(node, "phantom_cfg_scale"))
    for n in up:
        if n.links.get("latent_image", (None,))[0] != node.id:
            continue
        cfg = _number(wf.value(n, "cfg"))
        if cfg is None:
            return
        where = f"'{n.title or n.shown_cls}' (#{n.id})"
        if abs(cfg - 1.0) < 1e-6 and gi is not None and abs(gi - 1.0) > 1e-6:
            b.extra["image_guidance"] = 1.0
            said.append(f"{where} samples at cfg 1: the wrapper makes the prompt-with-references pass alone, so "
                        f"its phantom_cfg_scale {gi:g} guides nothing; Studio's Phantom's image guidance is 1 (the "
                        "same)")
        elif gi is not None and abs(gi - 1.0) < 1e-6 and abs(cfg - 1.0) > 1e-6:
            b.extra["image_guidance"] = cfg
            said.append(f"{where}: with phantom_cfg_scale 1 the wrapper skips the references' pass and guides at cfg "
                        f"{cfg:g} between the prompt with the references and the negative prompt without them: "
                        f"Studio's Phantom's image guidance is {cfg:g} (the same sum)")
        return


THREE_WAYS = "guides the take three ways, as the release does"
ONE_SCALE = "not taken (the generators take one guidance scale: its cfg_conds)"  # tracing/guiders.py's words


def guider_read(params: dict, inputs: dict, said: list[str]) -> None:
    """The converter's word that a DualCFGGuider's cfg_cond2_negative and 'regular' style are not taken, dropped
    where :func:`core_guidance` took them as Phantom's image guidance and its sum (said in their place)."""
    if any(THREE_WAYS in line for line in said):
        said[:] = [line for line in said if not ("(DualCFGGuider, #" in line and ONE_SCALE in line)]


def _past(b, src: CNode, names: list[str]) -> str:
    """The pictures past the fourth, each with the node giving it (those nodes read here: said by this alone)."""
    words = []
    for k in names:
        giver = b.wf.nodes.get(src.links[k][0])
        readers = {m.id for m in b.wf.nodes.values() if any(v[0] == giver.id for v in m.links.values())} \
            if giver is not None else set()
        if readers == {src.id}:
            b.used.add(giver.id)  # (it gives this batch alone: nothing else of it to say)
        words.append(f"'{k}'" + (f" (from '{giver.title or giver.shown_cls}', #{giver.id})" if giver is not None
                                 else ""))
    return f"its {', '.join(words)} {'is' if len(names) == 1 else 'are'}"


def batched(b, node: CNode, up: list, spec: Task, inputs: dict, said: list[str]):
    """ComfyUI's node's 'images' given by a node putting several pictures together one after another (a batch, as
    its name says: reading/gathers.py): each of them is one of the Phantom node's references, in order (up to 4;
    those past it said). The task is this one (None)."""
    src = b.wf.source(node, "images")
    names = gathered(src) if src is not None else []
    if not names or "batch" not in f"{src.cls} {src.shown_cls}".lower():
        return None
    taken = names[:len(REFS)]
    inputs.pop("reference", None)
    said[:] = [line for line in said if not (line.startswith(f"'images' of '{node.title or node.shown_cls}'")
                                             and f"#{src.id})" in line)]  # (the first picture's word: said below)
    for k, (_, into) in zip(taken, REFS):
        b.intent(src, k, into, inputs, said)
    b.used.add(src.id)  # (read here: not a step passed over)
    ports = ", ".join(into for _, into in REFS[:len(taken)])
    said.append(f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}) batches {len(names)} pictures into "
                f"{node.shown_cls}'s 'images': " + ("each is one of" if len(taken) == len(names) else
                                                   f"the first {len(taken)} are")
                + f" Studio's Phantom's references ({ports})"
                + (f"; {_past(b, src, names[len(taken):])} not taken (Phantom-Wan reads up to 4)"
                   if len(names) > len(taken) else ""))
    return None


TASKS = {
    # kijai's WanVideoWrapper's Phantom embeds, read as one node (comfy_wrapper_phantom.py)
    PHANTOM: Task("subject to video (Phantom)", NODE, REFS, "Phantom-Wan",
                  settings=(("phantom_cfg_scale", "image_guidance", "", 5.0),
                            ("phantom_start_percent", None, "the first of the steps the references guide; " + SPAN,
                             0.0),
                            ("phantom_end_percent", None, "the last of the steps the references guide; " + SPAN,
                             1.0))),
    # ComfyUI's own: its 'images' (one picture, or a batch: each of its pictures a reference, phantom/node.py)
    CORE: Task("subject to video (Phantom)", NODE, (("images", "reference"),), "Phantom-Wan", read=batched),
}
WIDGETS = {CORE: ("width", "height", "length", "batch_size"),
           PHANTOM: ("num_frames", "phantom_cfg_scale", "phantom_start_percent", "phantom_end_percent", "width",
                     "height", "length")}
GENERATORS = (Generator(NODE, settings=phantom_settings, intent=core_guidance, finish=guider_read, shift=SHIFT,
                        describe=lambda inputs, params: "subject to video (Phantom)"),)

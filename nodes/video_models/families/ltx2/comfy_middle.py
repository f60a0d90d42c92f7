"""LTX-2's same-size middle pass in a ComfyUI workflow (task ltxmid21; LTX-2.3 three-pass workflows of 2026,
heldout92 07/08): a later sampler pass samples the take again at the size it was made, from given sigmas
(ManualSigmas), before the x2 upscale and refine, or with no upscale after it -> LTX-2 Latent Upscale at 'scale' x1
(no upsampler: the take's latents sampled again from those sigmas, its seed, its model's LoRAs, the start picture
put in place again where the pass's latent way puts it: LTXVImgToVideoInplace).

Read by declared types: every step between the earlier pass and this one takes latents only and declares no setting
(LTX-2's split and join of picture and sound), or puts the start picture in place (LTXVImgToVideoInplace, read); no
latent upscaler, guide or size among them; the pass adds noise and its sigmas are a ManualSigmas list Studio reads. Functions on a
builder ``b`` of comfy_map (as comfy_stages'); what is not taken is said in the pipeline's note."""
from __future__ import annotations

from typing import Any

from studio.core.shown import cut, number

from studio.convert.api import LATENT_NAMES, unfactored, SAMPLERS, CNode, Sampling, Workflow, adds_noise, node_type, upstream

from .comfy_stage_sound import is_upsampler

MAX_WALK = 64  # latent nodes walked back from a pass to the pass before it
IN_PLACE = ("LTXVImgToVideoInplace",)  # ComfyUI's start picture put in place on a latent (strength, bypass)


def _name(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def _keeps_size(n: CNode) -> bool:
    """A step on a pass's latent way that x1 makes as ComfyUI does, by its declared types: one taking latents only and
    declaring no setting (LTX-2's split and join of picture and sound), or the start picture put in place (read:
    placed_picture); not a latent upscaler, nor a step declaring a size, a guide, a mask or anything else the x1
    pass would not apply (a node no pack declares may do any of them)."""
    if n.cls in IN_PLACE:
        return True
    t = node_type(n.origin or n.cls)
    if t is None or is_upsampler(n):
        return False
    ins = t.inputs or ()
    return bool(ins) and all(i.type == "LATENT" and not i.widget for i in ins)


def way_back(wf: Workflow, later: CNode) -> tuple[CNode | None, list[CNode]]:
    """(the sampler whose latent ``later`` samples again, the steps between, nearest ``later`` first); (None, steps)
    where the way meets no sampler, or a step that may resize the latent."""
    steps: list[CNode] = []
    node = _latent_source(wf, later)
    for _ in range(MAX_WALK):
        if node is None:
            return None, steps
        if node.cls in SAMPLERS:
            return node, steps
        if node.enabled and not _keeps_size(node):
            return None, steps
        steps.append(node)
        node = _latent_source(wf, node)
    return None, steps


def _latent_source(wf: Workflow, node: CNode) -> CNode | None:
    name = next((k for k in LATENT_NAMES if k in node.links), None)
    return wf.source(node, name) if name else None


def middles(b, rest: list[Sampling], ups: list[CNode], sigmas_of) -> list[Sampling]:
    """The later passes sampling the take again at its size, in the order they run: each on the latent of the pass
    before it (the take's first, or another such pass) with no resize between, before the first upsampler where there
    is one; ``sigmas_of(text)``: the ManualSigmas list as LTX-2 Latent Upscale's 'sigmas' (None: not read, the pass
    left as it was: said not made)."""
    wf = b.wf
    first = getattr(b, "take_sampler", None)
    if first is None or getattr(b, "redetail", None) is not None:
        return []
    before_up = {n.id for u in ups for n in upstream(wf, u)} if ups else None
    ranked = sorted(rest, key=lambda r: len(upstream(wf, r.node)))
    out, prev = [], {first.id}
    for r in ranked:
        if before_up is not None and r.node.id not in before_up:
            continue
        src, _steps = way_back(wf, r.node)
        if src is None or src.id not in prev or not adds_noise(wf, r.node) or sigmas_of(r.extra.get("sigmas")) is None:
            continue
        out.append(r)
        prev.add(r.node.id)
    return out


def placed_picture(b, r: Sampling, said: list[str]) -> CNode | None:
    """The start picture put in place on pass ``r``'s latent way (LTXVImgToVideoInplace, not bypassed): the node,
    read (its strength said where it is not 1: the x1 pass holds the picture's latent frame clean); else None."""
    wf = b.wf
    _src, steps = way_back(wf, r.node)
    for n in steps:
        if n.cls not in IN_PLACE:
            continue
        b.used.add(n.id)
        if wf.value(n, "bypass") or not n.enabled:
            continue
        v = wf.value(n, "strength")
        if isinstance(v, (int, float)) and not isinstance(v, bool) and float(v) != 1.0:
            said.append(f"{_name(n)} puts the start picture in place at strength {number(v)}: LTX-2 Latent Upscale's "
                        "x1 pass holds the picture's latent frame clean (strength 1)")
        return n
    return None


def middle_words(st: dict) -> str:
    """One x1 pass in words (a clause of the stages line)."""
    pic = st.get("image")
    return (f"LTX-2 Latent Upscale at 'scale' x1 samples the take's latents again at that size "
            f"with sigmas {st['sigmas']} "
            f"({st['seed_words']}), as ComfyUI's {st['place']} sampler pass does"
            + (f", the start picture put in place again first, as {_name(pic)} does" if pic is not None else "")
            + (f" (its model: Load Video Model through {', '.join(f'{n!r} ({_shown(v)})' for n, v, _ in st['loras'])})"
               if st.get("loras") else " (its model: Load Video Model without the first pass's LoRAs)"
               if st.get("bare") else "")
            + ("" if st["cfg"] in (None, 1) else f" (its cfg {_shown(st['cfg'])} not taken: the pass runs at cfg 1)"))


def _shown(v: Any) -> str:
    return cut(repr(v) if isinstance(v, str) else number(v), 64)


def middle_line(st: dict, w: Any, h: Any) -> str:
    """The pipeline note's line where the take's later passes are x1 passes alone (no upscale after them)."""
    mids = [st, *st.get("more", ())]
    size = f"{w}x{h}" if isinstance(w, int) and isinstance(h, int) else "its size"
    return (f"{len(mids) + 1} stages: LTX-2 makes the take at {size}, "
            + ", then ".join(middle_words(x) for x in mids)
            + ("" if st.get("prompt") else f"; write the take's prompt in {'each ' if len(mids) > 1 else ''}"
                                           "LTX-2 Latent Upscale's 'prompt' too (its pass needs it)"))


def with_middles(line, st: dict, w: Any, h: Any) -> str:
    """The stages line ``line(st, w, h)`` (comfy_stages.two_stage_line) with the x1 passes run before the first
    upscale said where they run."""
    mids = [x for x in st.get("more", ()) if x.get("scale") == "x1"]
    text = line({**st, "more": [x for x in st.get("more", ()) if x.get("scale") != "x1"]}, w, h)
    cut_at = ", LTX-2 Latent Upscale upscales it"
    if not mids or cut_at not in text:
        return text
    head, tail = text.split(cut_at, 1)
    head = head.split(": ", 1)[1]  # (after "two stages: ", "3 stages: ")
    total = 2 + len(st.get("more", ()))  # the take's passes: the first, each x1 one, each upscale's refine
    tail = tail.replace("write the take's prompt in LTX-2 Latent Upscale's", "write the take's prompt in each LTX-2 "
                        "Latent Upscale's")
    return (f"{total} stages: {head}, " + ", then ".join(middle_words(x) for x in mids)
            + f", then LTX-2 Latent Upscale upscales it{tail}")


def wire_picture(b, gen: str, nid: str, st: dict) -> None:
    """The x1 pass's or the refine's start picture: the one the generator ``gen`` is given on 'image' (the same
    picture, after its steps), else its first keyframe where that sits at frame 0 (a first-and-last-frame take; a clip
    there: its frame held), wired to LTX-2 Latent Upscale ``nid``'s 'image'; said where the generator is given none."""
    link = b.g.input_link(gen, "image")
    src = unfactored(b, link) if link is not None else _first_key(b, gen, st)  # (before a Scale made only to size
    if src is None:  # the take: resized_relation)
        what = "x1 pass" if st.get("scale") == "x1" else "refine"
        b.say(f"{_name(st['image'])} puts a start picture in place for ComfyUI's {st.get('place') or 'second'} sampler "
              f"pass: the generator is given no start picture, so LTX-2 Latent Upscale's {what} is given none and puts "
              "none in place (connect one to its 'image')")
        return
    b.g.connect(*src, nid, "image")


def _first_key(b, gen: str, st: dict) -> tuple[str, str] | None:
    """(node, port) of the picture on the generator's keyframe input its 'keyframes' puts at frame 0: the picture
    itself, or the frame of the clip there it takes (a Frame Hold); else None."""
    marks = [x.partition("=") for x in str(b.g.nodes[gen].params.get("keyframes") or "").split(",")]
    k = next((i for i, (at, _, _) in enumerate(marks) if at.strip() == "0"), None)
    link = b.g.input_link(gen, f"keyframe_{k + 1}") if k is not None else None
    frame = marks[k][2] if k is not None else ""
    if link is None or not (frame.strip() or "0").lstrip("-").isdigit():
        return None
    outs = b.g.registry.get(b.g.nodes[link.src].type_id).outputs
    kind = next((o.type for o in outs if o.name == link.src_port), None)
    if kind == "Image":
        return link.src, link.src_port
    if kind != "Video":
        return None
    held = b.add("edit.frame_hold", {"frame": int(frame.strip() or 0)}, st["image"])
    b.g.connect(link.src, link.src_port, held, "video")
    return held, "image"

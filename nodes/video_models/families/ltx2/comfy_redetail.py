"""A clip re-detailed by LTX-2's second stage (ltx2guide9, heldout50 06: alterpeace's ltx25_v2v_redetail): the task
node is given EVERY frame of a loaded clip in place at strength 1 over its latent's whole length (ComfyUI's
LTXVImgToVideo: the batch encoded into the latent's first frames with a noise mask of 1 - strength, so 0 on every
frame), and the first sampler pass gives that latent back as it is, whatever its steps; the work is the second stage
(LTXVLatentUpsampler x2, then a pass refining from its sigmas). Studio's graph: the clip (with its steps: Frame Rate,
Trim, Scale) wired straight into LTX-2 Latent Upscale (refine on, the pass's sigmas, seed, prompt and model), the
LTX-2 generator and its Frame Hold removed once made, each sentence about them reworded (a first pass not made, the
IC-LoRA guide not given to the refine). Told by the task node's picture port, its 'strength' and 'length' values and
the loader's frame count, as mapping/whole_clip reads a restyle of a whole clip - no node named. Only where the
workflow samples no sound with the take (no LTX-2 audio latent: its first pass would make a sound for the clip, which
the refine does not). Plain data and stdlib."""
from __future__ import annotations

from fnmatch import fnmatch
from typing import Any

from studio.convert.api import LOADER_NODES, CNode, find_loader, reword

UPSCALE = "video_models.ltx2_latent_upscale"
CAPS = ("frame_load_cap", "frames", "max_frames")  # a video loader's count of frames loaded (0: all, not known)
HOLD = "edit.frame_hold"


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _latent_frames(frames: int, temporal: int = 8) -> int:
    return (frames - 1) // temporal + 1


def _name(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def read(b, node: CNode | None, up: list[CNode], inputs: dict, said: list[str], claims: tuple[str, ...]) -> None:
    """The output being read (its LTX-2 intent hook): ``b.redetail`` set where its task node ``node`` puts every
    frame of the clip on 'image' in place at strength 1 over the latent's whole length and no LTX-2 audio latent
    (a node matching ``claims``) is upstream; None otherwise (each output read afresh)."""
    b.redetail = None
    if node is None or "image" not in inputs or any(fnmatch(n.cls, c) for n in up for c in claims):
        return
    wf, loader = b.wf, inputs["image"][0]
    putter = node if "image" in node.links else next(  # (an empty latent's: the step on its way putting the clip in
        (n for n in reversed(getattr(b, "task_way", ())) if "image" in n.links and "strength" in n.widgets | n.links
         and "frame_idx" not in n.widgets | n.links  # place at the start, LTXVImgToVideoInplace; a guide at a frame no)
         and (f := find_loader(wf, n, "image", set())) is not None and f[0].id == loader.id), None)
    strength = wf.value(putter, "strength") if putter is not None else None
    length = _int(wf.value(node, "length"))
    if not isinstance(strength, (int, float)) or isinstance(strength, bool) or float(strength) != 1.0 or not length:
        return
    if LOADER_NODES.get(loader.cls, ("", ""))[1] != "video" or getattr(b, "clip_frames", {}).get("image") != \
            ("every frame", ""):  # (a pick of some frames on the way: not the whole clip)
        return
    count = next((c for k in CAPS if (c := _int(loader.widgets.get(k))) is not None), None)
    if not count or count < 2 or _latent_frames(count) < _latent_frames(length):
        return
    b.redetail = {"node": putter, "loader": loader, "count": count, "length": length, "said": said,
                  "first": getattr(b, "take_sampler", None), "control": "control" in inputs,
                  "file": b.file_of(loader)}


def stage(b, st: dict | None) -> dict | None:
    """The family's second stage ``st`` (comfy_stages.second_stage): its line said of the clip where the output is a
    re-detail and the stage refines (an upscale alone of the clip is left as it was read)."""
    rd = getattr(b, "redetail", None)
    if rd is None or st is None or not st.get("refine", True):
        if rd is not None:
            b.redetail = None
        return st
    own = st["line"]
    rd["stage"] = st
    def line(s: dict, w: Any, h: Any) -> str:
        rd["plain"] = own(s, w, h)  # (said instead where the clip is not found after all: clip_source)
        rd["line"] = _line(rd, rd["plain"], w, h)
        return rd["line"]
    st["line"] = line
    return st


def _line(rd: dict, stages: str, w: Any, h: Any) -> str:
    """The stages line of comfy_stages, said of the clip: LTX-2 Latent Upscale upscales and refines the clip itself."""
    cut = "LTX-2 Latent Upscale upscales it"
    tail = stages.split(cut, 1)[1] if cut in stages else ""
    size = f" ({w}x{h})" if isinstance(w, int) and isinstance(h, int) else ""
    return (f"a re-detail of the clip '{rd['file']}': {_name(rd['node'])} puts every frame it is given of it "
            f"({rd['count']} frames; the latent's length {rd['length']}) in place at strength 1, so the first pass gives "
            f"the clip back as it is; LTX-2 Latent Upscale upscales the clip{size}{tail}")


def clip_source(b, gen: str) -> tuple[str, str] | None:
    """The clip (after its steps) the Frame Hold on generator ``gen``'s 'image' is given, where the output is a
    re-detail: LTX-2 Latent Upscale takes it in place of the take; None otherwise."""
    rd = getattr(b, "redetail", None)
    link = b.g.input_link(gen, "image") if rd is not None and "stage" in rd else None
    if link is None or b.g.nodes[link.src].type_id != HOLD or (src := b.g.input_link(link.src, "video")) is None:
        if rd is not None and rd.get("line") in rd["said"]:  # the stages said of the take after all
            rd["said"][rd["said"].index(rd["line"])] = rd["plain"]
        b.redetail = None
        return None
    rd.update(gen=gen, hold=link.src, clip=(src.src, src.src_port))
    return src.src, src.src_port


def wired(b, gen: str) -> None:
    """After the output's nodes are made: what was said of the generator's picture and control reworded."""
    rd = getattr(b, "redetail", None)
    if rd is None or rd.get("gen") != gen:
        return
    said, label = rd["said"], b.g.nodes[gen].label
    gone = {*b.way_said.get("control", ()), b.wired_without.get("control")}
    said[:] = [x for x in said if x not in gone and not x.startswith("'image' is given every frame of the clip")]
    said[:] = [x.replace(f"so the sound {label} makes is not written", "so the clip's sound LTX-2 Latent Upscale "
                                                                        "keeps is not written") for x in said]
    if rd["control"]:
        strength = b.extra.get("control_strength")
        said.append("the IC-LoRA's guide clip" + (f" (strength {strength:g})" if isinstance(strength, float) else "")
                    + " is not given to the refine: LTX-2 Latent Upscale takes no control clip (the IC-LoRA stays on "
                    "its model)")


def made(b, key: frozenset) -> None:
    """The pipeline made: the generator and its Frame Hold removed, LTX-2 Latent Upscale the pipeline's maker, the
    first pass's sampler line and the Log's line reworded (reword)."""
    rd = getattr(b, "redetail", None)
    gen, _task, band, _save = b.made[key]
    if rd is None or rd.get("gen") != gen:
        return
    b.redetail = None
    clip = rd["clip"]
    up = next((n for n in b.bands[band] if b.g.nodes[n].type_id == UPSCALE and (e := b.g.input_link(n, "video"))
               is not None and (e.src, e.src_port) == clip), None)
    if up is None:
        return
    heard = [e for e in b.g.outputs_of(gen) if e.src_port == "audio"]
    for nid in (rd["hold"], gen):
        b.g.remove_node(nid)
        if nid in b.bands[band]:
            b.bands[band].remove(nid)
    st, first = rd["stage"], rd["first"]
    what = f"the clip '{rd['file']}' re-detailed: sigmas {st['sigmas'] or '(its own)'}" + \
        (f", seed {st['seed']}" if isinstance(st.get("seed"), int) else "")
    lines = [f"the first pass ({_name(first) if first is not None else 'its first sampler'}: its steps, sampler and "
             "scheduler) is not made: every frame of its latent is the clip, held by its noise mask, so it gives the "
             "clip back as it is"]
    if heard:  # (the generator's sound was to be written: the refine keeps the clip's own)
        lines.append("the take's sound is the clip's own (LTX-2 Latent Upscale keeps it on the clip it refines): no "
                     "sound is generated")
    reword(b, band, key, gen, up, UPSCALE, "video to video (the clip re-detailed by LTX-2 Latent Upscale's refine)",
           f"({what})", lines)


def restyle_stage(b, st: dict | None) -> dict | None:
    """LTX-2's later stage after a Video to Video of a clip (comfy_stages.second_stage's reading): its line said of
    the restyle, which takes the clip's own size (the two stages' line says the take's)."""
    if st is None:
        return None
    own = st["line"]

    def line(s: dict, w: Any, h: Any) -> str:
        plain = own(s, w, h)
        cut = ", LTX-2 Latent Upscale upscales it"
        if cut not in plain:
            return plain
        head, tail = plain.split(cut, 1)
        return f"{head.split(':', 1)[0]}: Video to Video restyles the clip at its own size, LTX-2 Latent Upscale " \
               f"upscales that{tail}"
    st["line"] = line
    return st

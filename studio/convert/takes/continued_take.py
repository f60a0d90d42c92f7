"""A take that continues an earlier take of the same workflow by a noise mask's window (issue 112 item 4; heldout17
04: shot 2 encodes shot 1's last 73 decoded frames, and KJNodes' LTXVAudioVideoMask keeps them while it makes the
rest): an output whose first sampler's latent is encoded (VAEEncode...) from frames picked from another sampler's
decoded take, masked by a time window. It is made as two pipelines: the earlier take as any output is (its Save Video
taken away, or the one another output made), then this take with Studio's 'continue_from' linked to that take's video
(mapping/continue_wired.py reads the window and the pick, sets the counts and says them; where the frames encoded are
not exactly those the window keeps, the take is held with its sentence, as before).

Told by the graph's shape and declared types: a frame pick by its widgets, image operations and latent pass-throughs
by their sockets (tracing/latent_ways.py), the mask by its settings. Plain data and stdlib: the builder
(mapping.convert._Builder) makes the nodes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..reading.workflow import LOADER_NODES, CNode, Workflow
from ..tracing.latent_ways import frames_of, types
from ..tracing.mask_window import kept_video_frames, windowed
from ..tracing.masked_encodes import latent_mask
from ..tracing.prompts import MAX_SAMPLERS
from ..tracing.roles import role
from ..tracing.sampling import SAMPLERS
from ..tracing.tasks import task_node
from ..tracing.walks import sampler_chain
from .earlier import earlier_take
from .extend import pick_of
from .frame_way import highest, lowest
from .restyle import first_sampler

IMAGE_INPUTS = ("pixels", "image", "images", "source_images")
MAX_STEPS = 16


@dataclass(frozen=True)
class Continued:
    earlier: CNode  # the sampler whose take is continued
    decode: CNode  # its decoder, whose frames are picked
    encode: CNode  # this take's VAEEncode of the frames picked
    head: CNode  # this take's first sampler
    mask: CNode  # the noise mask keeping the frames encoded
    pick: CNode  # the pick of the earlier take's frames


def frame_pick(wf, encode: CNode) -> CNode | None:
    """The node picking the frames ``encode`` encodes (a frame pick by its declared widgets), met walking back over the
    steps on their way before a decoder or a loader; None where none is."""
    node = encode
    for _ in range(MAX_STEPS):
        src = next((wf.source(node, k) for k in IMAGE_INPUTS if k in node.links), None)
        if src is None or src.cls.startswith("VAEDecode") or src.cls in LOADER_NODES:
            return None
        if pick_of(src) is not None:
            return src
        node = src
    return None


def sampler_of(wf: Workflow, link: tuple) -> CNode | None:
    """The sampler whose take latent ``link`` is, through nodes taking one LATENT (by their declared sockets: a
    split of sound and picture, a crop of guides); None where another node makes it."""
    for _ in range(MAX_STEPS):
        src = wf.nodes.get(link[0])
        if src is None or src.cls in SAMPLERS:
            return src
        latents = [k for k, ty in types(src)[0] if ty == "LATENT" and k in src.links]
        if len(latents) != 1:
            return None
        link = src.links[latents[0]]
    return None


def _number(v) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def padded(wf: Workflow, mask: CNode) -> str | None:
    """``mask``'s 'max_length' as read, else as its file saves it by place (its one choice among its values: a UI file
    whose widget names Studio does not read), else None."""
    v = wf.value(mask, "max_length")
    if v is None and isinstance(mask.raw, list):
        saved = [x for x in mask.raw if x in ("pad", "truncate")]
        v = saved[0] if len(saved) == 1 else None
    return v


def window(wf: Workflow, mask: CNode) -> tuple[float, float] | None:
    """(start, end) in seconds of ``mask``'s video window where it continues what it is given: a start after 0, an
    end after it, the latent padded to it; None otherwise (not worked out, or not a continuation)."""
    start, end = (_number(wf.value(mask, f"video_{k}_time")) for k in ("start", "end"))
    if not windowed(mask) or "video_latent" not in mask.links or start is None or end is None or \
            not 0 < start < end or padded(wf, mask) != "pad":
        return None
    return start, end


def fits(wf: Workflow, pick: CNode, kept: int | None) -> tuple[int | None, int | None] | None:
    """(the first frame ``pick`` takes, how many: None where worked out when the workflow runs) where they may be the
    last ``kept`` frames of what it is given (``kept`` None: not known yet); None where they are not (a start index,
    another count)."""
    at_k, count_k = pick_of(pick)
    at, count = wf.value(pick, at_k), wf.value(pick, count_k) if count_k else None
    at, count = (int(v) if _number(v) is not None else None for v in (at, count))
    if at == -1 and count is not None and count > 1 and lowest(pick, at_k) == -1:
        at = -count  # (a start whose type's lowest is -1, KJNodes': its last 'count' frames, as takes.extend reads it)
    if at is not None and (at >= 0 or count is not None and count != -at or kept is not None and -at != kept):
        return None
    return at, count


def own_sound(wf: Workflow, mask: CNode, origin: CNode) -> bool:
    """The sound ``mask``'s 'audio_latent' encodes is ``origin``'s own: a loader's (through steps taking one AUDIO or
    VIDEO: a trim, GetVideoComponents) or, ``origin`` a sampler, the sound decoded from its latent."""
    enc = wf.source(mask, "audio_latent")
    src = wf.source(enc, "audio") if enc is not None else None
    for _ in range(MAX_STEPS):
        if src is None or src is origin:
            return src is origin
        if role(wf, src) == "decoder":
            link = next((src.links[k] for k in ("samples", "latent", "latents") if k in src.links), None)
            return link is not None and sampler_of(wf, link) is origin
        ins = [k for k, ty in types(src)[0] if ty in ("AUDIO", "VIDEO") and k in src.links]
        if len(ins) != 1:
            return False
        src = wf.source(src, ins[0])
    return False


def _past_tails(wf: Workflow, link: tuple, way: list[CNode]) -> tuple:
    """``link`` behind the picks of a take's frames from an index on to its end (a count of the most its type
    declares: KJNodes' num_frames 4096), each added to ``way``: the last frames of what such a pick gives are the
    take's own last frames (a pass of a loop cutting the frames it continued, then continued in turn: heldout40)."""
    for _ in range(MAX_STEPS):
        src = wf.nodes.get(link[0])
        at_k, count_k = pick_of(src) or ("", "")
        at, count = (wf.value(src, at_k), wf.value(src, count_k)) if at_k and count_k else (None, None)
        top = highest(src, count_k) if count_k else None
        inner = next((src.links[k] for k in IMAGE_INPUTS if k in src.links), None) if src is not None else None
        if inner is None or _number(at) is None or at < 0 or top is None or count != top:
            return link
        way.append(src)
        link = inner
    return link


def take_of(wf: Workflow, save: CNode) -> Continued | None:
    """The continuation ``save``'s take is (above); None where it is not one."""
    samplers = sampler_chain(wf, save)
    head = first_sampler(wf, samplers) if 0 < len(samplers) <= MAX_SAMPLERS else None
    if head is None:
        return None
    enc, _ = task_node(wf, head, [])
    if enc is None or not enc.cls.startswith("VAEEncode"):
        return None
    mask = latent_mask(wf, head, enc)
    pick = frame_pick(wf, enc) if mask is not None and window(wf, mask) is not None else None
    fps = _number(wf.value(mask, "video_fps")) if pick is not None else None
    if pick is None or fps is None or fits(wf, pick, kept_video_frames(window(wf, mask)[0], fps)) is None:
        return None  # (an earlier take's continuation is made where its counts are read when converting)
    link = next((pick.links[k] for k in IMAGE_INPUTS if k in pick.links), None) if pick is not None else None
    way: list[CNode] = []
    latent = frames_of(wf, _past_tails(wf, link, way), way) if link is not None else None
    found = sampler_of(wf, latent) if latent is not None else None
    if found is None or found.id in {s.id for s in samplers} or not way:
        return None
    return Continued(found, way[-1], enc, head, mask, pick)


def pipeline_from(b: Any, save: CNode, c: Continued, out: tuple[str, str]) -> bool:
    """``save``'s pipeline made with 'continue_from' linked to ``out`` (the earlier take's video, node and port): the
    builder told (b.continuing), the earlier take's frames and sound cut from this take's way while it is read."""
    b.continuing = {(c.encode.id, "pixels"): (out[0], out[1], "", f"the take of {c.earlier.named()}", c.pick,
                                              own_sound(b.wf, c.mask, c.earlier))}
    sound = b.wf.source(c.mask, "audio_latent")  # (the earlier take's sound it encodes: not this take's input)
    cut = [(n, k, n.links.pop(k)) for n, k in ((c.encode, "pixels"), (sound, "audio"))
           if n is not None and k in n.links]
    try:  # (the earlier take's nodes are not this take's: its prompt, image and voice are not read for it)
        return b.pipeline(save)  # (held with its sentence where the window is not read as a continuation)
    finally:
        for n, k, link in cut:
            n.links[k] = link
        b.continuing = {}


def made_from(b: Any, save: CNode, keys: list) -> tuple[Continued, tuple[str, str]] | None:
    """(the continuation ``save``'s take is, the video of the earlier take it continues) where one of ``keys`` (takes
    made: their samplers) made that take; None otherwise."""
    c = take_of(b.wf, save)
    key = next((k for k in keys if c is not None and c.earlier.id in k), None)
    if key is None:
        return None
    gen = b.made[key][0]
    return c, b.takes.get(gen, (gen, "video"))


def make(b: Any, save: CNode, c: Continued) -> int | None:
    """The earlier take as its own pipeline, then this take with 'continue_from' on that take's video into ``save``'s
    Save Video. The pipelines made; None where the earlier take could not be made (the output is then read as it
    was: held with its sentence)."""
    bands = len(b.bands)
    taken = earlier_take(b, save, c.earlier, "the take continued")
    if taken is None:
        return None
    before, sv, out, _ = taken
    fresh = len(b.bands) > bands  # (else the take another output made already, written by that output's save)
    band = b.bands[before]
    made = pipeline_from(b, save, c, out)
    if sv is not None and (made or not fresh):  # the earlier take is this take's input (another output writes it)
        b.g.remove_node(sv)
        band.remove(sv)
    elif sv is not None:  # the continuation held: the earlier take is still written, said
        b.log(f"the take of {c.earlier.named()} that {c.head.named()} continues is made and written by its own Save "
              f"Video ('{b.g.nodes[sv].params.get('path')}'): the continuation of it is held (said first)")
    return int(fresh) + int(made)


def cut_words(b: Any, numbered: list, made: list) -> list[str]:
    """What a join says of its takes given without the frames they continue (their generator's 'continue_output: new
    frames only', as the workflow's pick after the decoder cuts them): 'take k is given without ...'."""
    out = []
    for (k, _), m in zip(numbered, made):
        node = b.g.nodes.get(m[0][0])
        p = node.params if node is not None else {}
        if p.get("continue_output") == "new frames only":
            n = f"{p['continue_frames']} " if p.get("continue_frames") else ""
            out.append(f"take {k} is given without the {n}frames it continues (its generator's 'continue_output: "
                       "new frames only', as the workflow cuts them)")
    return out

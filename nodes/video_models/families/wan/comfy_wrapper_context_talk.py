"""kijai's MultiTalk long takes in context windows (his 'long context' MultiTalk examples) read as Studio's InfiniteTalk:
the wrapper's sampler given the voice (MultiTalkWav2VecEmbeds on its voice input) and, as its image_embeds, a plain
image-to-video encode of the start picture (WanVideoImageToVideoEncode: its size and length) instead of
WanVideoImageToVideoMultiTalk, its model patched by MultiTalkModelLoader and its take denoised in the overlapping
windows of WanVideoContextOptions. Studio's InfiniteTalk makes the same take (the picture, the voice, its length at
most the encode's frames) with MultiTalk's own way of long takes: windows of the 81 frames it was trained on (the
context's size, where it differs, said not taken), each later one continued from the last frames of the one before (as
many as the context windows overlap), not every window denoised together at each step: said. Held as before where
any of it is not so (two voices, no patch, a clip on 'samples', an end picture or a control on the encode). Told by
the types wired (the voice input's declared type, the encode's start image); the wrapper read for meaning only
(multitalk/, nodes_sampler.py, Apache-2.0). Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, finite, in_type

from . import comfy_wrapper_talk as talk

ENCODE = "WanVideoImageToVideoEncode"
CONTEXT = "WanVideoContextOptions"
ORDER = ("context_schedule", "context_frames", "context_stride", "context_overlap", "freenoise", "verbose",
         "fuse_method")  # its settings as a UI file saves them (the wrapper's)
CAMERA = "UNI3C_EMBEDS"  # the sampler's input type of a Uni3C camera render (WanVideoUni3C_embeds)
NOT_HERE = ("end_image", "control_embeds", "add_cond_latents", "extra_latents", "temporal_mask")

_name = CNode.named


def _context(t, sampler: CNode) -> tuple[CNode, dict] | None:
    src = t.link(sampler, "context_options")
    opt = t.wf.nodes.get(src[0]) if src else None
    if opt is None or opt.cls != CONTEXT:
        return None
    return opt, (opt.widgets or dict(zip(ORDER, opt.raw if isinstance(opt.raw, list) else [])))


def in_windows(t, enc: CNode, pos, neg, sampler: CNode):
    """``enc`` (the sampler's image_embeds) and the sampler's voice as InfiniteTalk's MultiTalk, the context windows
    as its windows; (latent, positive, negative) as talk.infinitetalk gives them, else None (read as before)."""
    port = talk.voice_input(sampler)
    if enc.cls != ENCODE or port is None or in_type(sampler, port) not in (talk.VOICE, None) or \
            "samples" in sampler.links or "start_image" not in enc.links:
        return None
    link = t.link(sampler, port)
    emb = t.wf.nodes.get(link[0]) if link else None
    model = t.link(sampler, "model")
    patch = next((t.talk_patches[m.id] for m in t.model_way(model) if m.id in getattr(t, "talk_patches", {})), None)
    if emb is None or emb.cls != talk.EMBEDS or "audio_1" not in emb.links or patch is None or \
            not (isinstance(patch[1], str) and patch[1].strip()):
        return None  # (the voice, the patch and its name as the wrapper's MultiTalk has them: else held as before)
    other = [k for k in NOT_HERE if k in enc.links]
    if other:  # an end picture or a control beside the voice: Studio's InfiniteTalk takes neither; made without the
        # voice it would be another video (found making mend 3: a first/last-frame take, the voice dropped unsaid)
        return t.held(sampler, port, f"a voice (MultiTalk) beside {_name(enc)}'s {other[0]!r}"), pos, neg
    ctx = _context(t, sampler)
    e, w = t.named(emb), t.named(enc)
    frames = int(ctx[1]["context_frames"]) if ctx and finite(ctx[1].get("context_frames")) else 81
    overlap = int(ctx[1]["context_overlap"]) if ctx and finite(ctx[1].get("context_overlap")) else 25
    given = {"width": w.get("width"), "height": w.get("height"), "frame_window_size": talk.WINDOW,
             "motion_frame": overlap, "mode": "auto"}  # (Studio's windows: the context's size is said below, from
    # the context node it is read from, not as the encode's frame_window_size: heldout123 01)
    if not finite(e.get("num_frames")) and finite(w.get("num_frames")):  # the take's length: the encode's
        t.wf.carried.setdefault(sampler.id, {})["most_frames"] = int(w["num_frames"])

    def said(motion: int) -> str:
        how = (f"in {_name(ctx[0])}'s context windows of {frames} frames overlapping by {overlap}, all denoised "
               "together at each step" if ctx else "in one window")
        return (f"{_name(sampler)} makes MultiTalk (the patch {patch[1]!r} on its model) of {_name(enc)}'s start "
                f"image and the voice {how}: Studio's InfiniteTalk makes it with its method 'multitalk', in windows "
                f"of {talk.WINDOW} frames{other}, each later one conditioned on the last {motion} frames of the one "
                "before, not on the picture (MultiTalk's release's long takes)")
    other = (f" (the length InfiniteTalk was trained on; the context's {frames} not taken)"
             if ctx and frames != talk.WINDOW else "")
    made = talk.infinitetalk(t, enc, pos, neg, sampler, given, said)
    if made is not None and ctx:  # its windows said with the take: not carried as the generator's context windows
        del sampler.links["context_options"]
        t.wf.taken.add(ctx[0].id)
        t.made.setdefault(CONTEXT, "InfiniteTalk's windows (MultiTalk's, continued)")
    for k in [k for k in sampler.links if in_type(sampler, k) == CAMERA] if made is not None else []:
        cam = t.wf.nodes.get(sampler.links[k][0])  # a camera render steering the take (the examples' still camera):
        only = _feeding_only(t.wf, cam) if cam is not None else []  # (blocked18: its controlnet loader, its encode)
        t.said.append(f"{_name(sampler)}'s {k!r} ({_name(cam) if cam is not None else 'a node'}: a Uni3C camera "
                      "render) is not taken: Studio's InfiniteTalk has no camera input, so the take's camera is not "
                      "steered by it" + (f"; {', '.join(_name(x) for x in only)}, making that render alone, "
                                         f"{'is' if len(only) == 1 else 'are'} not made either" if only else ""))
    return made


def _feeding_only(wf, cam: CNode, most: int = 8) -> list[CNode]:
    """The enabled nodes whose every enabled reader is ``cam`` or one of them (a render's loader and encode), walked
    up from ``cam``, at most ``most``."""
    readers: dict[str, list[str]] = {}
    for m in wf.nodes.values():
        for src, _ in m.links.values() if m.enabled else ():
            readers.setdefault(src, []).append(m.id)
    found: dict[str, CNode] = {}
    todo, inside = [cam], {cam.id}
    while todo and len(found) < most:
        for src, _ in todo.pop().links.values():
            n = wf.nodes.get(src)
            if n is not None and n.enabled and src not in inside and all(r in inside for r in readers.get(src, [])):
                inside.add(src)
                found[src] = n
                todo.append(n)
    return list(found.values())

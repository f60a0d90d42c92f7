"""LTX-2 sound made for a given clip (video to audio, "Foley"), as the workflows sharing it read: a Foley pack's
LTXFoleyVideoToAudioLatent (held-out 102/03: its 'images' encoded by the video VAE into video latents held clean,
an empty audio latent from the audio VAE beside them, the conditioning passed on; only the sound sampled) inside the
pack's window loop (LTXFoleyWindowPlan / LTXFoleyWindowSelect / LTXFoleyForLoopOpen ... LTXFoleyAudioStitch). The
pack's source is not stored here, so its types are not catalogued: the latent maker and the window picker are named
(their meaning is the pack's, read from the workflow's own inputs). Studio's LTX-2 Sound for Clip (foley.py) makes it
in one call over the whole clip; the pack's windows are said, not made. Plain data and readings."""
from __future__ import annotations

from studio.convert.api import CNode, Task

from . import comfy_foley_core as core

FOLEY = "video_models.ltx2_foley"
LATENT = "LTXFoleyVideoToAudioLatent"
DECODE, STITCH = "LTXFoleyAudioVAEDecode", "LTXFoleyAudioStitch"  # a window's sound decoded; the windows' joined
RATE = "LTXVConditioning"  # its 'frame_rate': the rate LTX-2 is conditioned on (Sound for Clip's: the clip's)
SELECT = "LTXFoleyWindowSelect"  # its 'images': the clip given to the window loop; its IMAGE out: one window of it
SIZE = "LTX-2 Sound for Clip reads the clip at its own size (each side rounded to a multiple of 32)"
FOLEY_TASK = Task("sound for a clip (video to audio)", FOLEY, (("images", "video"),), family="LTX-2",
                  settings=(("width", None, SIZE), ("height", None, SIZE),
                            ("frames", None, "the frames of one window: LTX-2 Sound for Clip scores the whole clip "
                                             "in one call (its first 8n+1 frames)"),
                            ("frame_rate", None, "the clip's rate, which LTX-2 Sound for Clip reads from the clip")),
                  read=lambda b, node, up, spec, inputs, said: _read(b, node, up, said))
# ComfyUI core's own chain (a clip's latent held by a noise mask of 0 beside an empty sound latent): comfy_foley_core
CORE_TASK = Task("sound for a clip (video to audio)", FOLEY, (("images", "video"),), family="LTX-2",
                 read=lambda b, node, up, spec, inputs, said: (_read(b, node, up, said), core.read(b, node, said))[0])
TASKS = {LATENT: FOLEY_TASK, core.HELD: CORE_TASK}


def claimed(node: CNode | None) -> Task | None:
    """Sound for Clip's task where ``node`` is core's held join (LTX-2's claimed reading: its audio nodes upstream
    claim the pipeline for LTX-2 Video + Sound; this task's own reading has read it)."""
    return CORE_TASK if node is not None and node.cls == core.HELD else None


def _what(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def _read(b, node: CNode | None, up: list[CNode], said: list[str]) -> None:
    """The clip's frames node counted used; a rate the take is conditioned on other than the clip's said not taken."""
    _clip_used(b, node)
    for n in up:
        v = b.wf.value(n, "frame_rate") if n.enabled and n.cls == RATE else None
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            said.append(f"{_what(n)}'s frame_rate {v:g} is not taken: LTX-2 Sound for Clip conditions the take on the "
                        "clip's own rate (its frames kept as given, the sound as long as they last at it)")


def _clip_used(b, node: CNode | None) -> None:
    """The node giving the latent maker its 'images' (the loaded clip's frames: GetVideoComponents) counted used: the
    generator's video is those frames, so a save writing them does not write 'the take without it'."""
    src = b.wf.source(node, "images") if node is not None and "images" in node.links else None
    if src is not None:
        b.used.add(src.id)


def translate(wf) -> list[str]:
    """Each Foley latent maker fed one window of a clip by the pack's window picker given the whole clip (the picker's
    'images'), in place; what is said."""
    said = []
    for n in wf.nodes.values():
        if not n.enabled or n.cls != LATENT or "images" not in n.links:
            continue
        pick = wf.nodes.get(n.links["images"][0])
        if pick is None or pick.cls != SELECT or "images" not in pick.links:
            continue
        n.links["images"] = pick.links["images"]
        said.append(f"{_what(pick)} gives {_what(n)} the clip in windows (the pack's window plan and loop, its "
                    "sound stitched): the windows are not made, LTX-2 Sound for Clip makes the sound for the whole "
                    "clip in one call")
    if said:
        said += _stitched(wf)
    return said + core.translate(wf)


def _stitched(wf) -> list[str]:
    """The pack's joined sound of the windows (its stitch node) read as the one sampled sound decoded (ComfyUI's
    LTXVAudioVAEDecode of the latent the pack's decoder reads), where the workflow has one such decoder: the sound
    the generator makes, not a file's."""
    decoders = [n for n in wf.nodes.values() if n.enabled and n.cls == DECODE and "samples" in n.links]
    if len(decoders) != 1:
        return []
    said = []
    for n in wf.nodes.values():
        if n.enabled and n.cls == STITCH:
            n.links = {k: v for k, v in decoders[0].links.items() if k in ("samples", "audio_vae")}
            n.origin, n.cls = n.cls, "LTXVAudioVAEDecode"
            said.append(f"{_what(n)} joins the windows' sounds decoded by {_what(decoders[0])}: read as the one "
                        "sound LTX-2 Sound for Clip makes")
    return said

"""LTX-2 sound made for a given clip (video to audio, "Foley"), as the workflows sharing it read: a Foley pack's
LTXFoleyVideoToAudioLatent (held-out 102/03: its 'images' encoded by the video VAE into video latents held clean,
an empty audio latent from the audio VAE beside them, the conditioning passed on; only the sound sampled), alone (one
call over its clip's first 'frames') or inside the pack's window loop (comfy_foley_loop: Sound for Clip's windows),
and ComfyUI core's own chain (comfy_foley_core: a clip's latent held by a noise mask of 0 beside an empty sound
latent, sampled whole in one call). Studio's LTX-2 Sound for Clip (foley.py) makes them. Plain data and readings."""
from __future__ import annotations

from studio.convert.api import CNode, Task

from . import comfy_foley_core as core, comfy_foley_loop as loop

FOLEY = "video_models.ltx2_foley"
RATE = "LTXVConditioning"  # its 'frame_rate': the rate LTX-2 is conditioned on (Sound for Clip's: the clip's)
SIZE = "LTX-2 Sound for Clip reads the clip at its own size (each side rounded to a multiple of 32)"
RATE_OF_CLIP = ("frame_rate", None, "the clip's rate, which LTX-2 Sound for Clip reads from the clip")
WHAT = "sound for a clip (video to audio)"
# alone: its 'frames', the clip's first frames scored in one call (padded where fewer), read as the window's length
FOLEY_TASK = Task(WHAT, FOLEY, (("images", "video"),), family="LTX-2",
                  settings=(("width", None, SIZE), ("height", None, SIZE), ("frames", "window_frames", ""), RATE_OF_CLIP),
                  read=lambda b, node, up, spec, inputs, said: _read(b, node, up, said))
# in the pack's window loop: the plan's window length and overlap (comfy_foley_loop carries them)
WINDOWED_TASK = Task(WHAT, FOLEY, (("images", "video"),), family="LTX-2",
                     settings=(("width", None, SIZE), ("height", None, SIZE),
                               ("frames", None, "the frames it scores of each window: LTX-2 Sound for Clip scores "
                                                "whole windows of the plan's window_frames", "=window_frames"),
                               ("window_frames", "window_frames", ""), ("overlap_seconds", "overlap", ""),
                               RATE_OF_CLIP),
                     read=lambda b, node, up, spec, inputs, said: _read(b, node, up, said))
# ComfyUI core's own chain (a clip's latent held by a noise mask of 0 beside an empty sound latent): comfy_foley_core
CORE_TASK = Task(WHAT, FOLEY, (("images", "video"),), family="LTX-2",
                 read=lambda b, node, up, spec, inputs, said: (_read(b, node, up, said), core.read(b, node, said))[0])
TASKS = {loop.LATENT: FOLEY_TASK, loop.LATENT_WINDOWED: WINDOWED_TASK, core.HELD: CORE_TASK}


def claimed(node: CNode | None) -> Task | None:
    """Sound for Clip's task where ``node`` is core's held join (LTX-2's claimed reading: its audio nodes upstream
    claim the pipeline for LTX-2 Video + Sound; this task's own reading has read it)."""
    return CORE_TASK if node is not None and node.cls == core.HELD else None


def _what(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def _read(b, node: CNode | None, up: list[CNode], said: list[str]) -> None:
    """The clip's frames node counted used; a rate the take is conditioned on other than the clip's said not taken;
    the pack's latent maker alone: its one call's length read as the windows' (said)."""
    _clip_used(b, node)
    frames = b.wf.value(node, "frames") if node is not None and node.cls == loop.LATENT else None
    if isinstance(frames, int) and not isinstance(frames, bool):
        said.append(f"{_what(node)}'s frames {frames} (the clip's first frames it scores, in one call, padded where "
                    "the clip is shorter) is read as LTX-2 Sound for Clip's window_frames: a longer clip is scored over "
                    f"its whole length in windows of {frames} frames, where ComfyUI makes the sound for its first "
                    f"{frames} frames alone")
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
    """The pack's window loop (comfy_foley_loop) and core's held chain (comfy_foley_core) read in place; what is said."""
    return loop.translate(wf) + core.translate(wf)

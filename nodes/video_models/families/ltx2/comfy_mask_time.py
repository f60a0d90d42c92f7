"""ComfyUI-LTXVideo's LTXVSetAudioVideoMaskByTime (latents.py, read for its inputs and meaning) between LTX-2's
stages: it sets the noise mask of an audio-and-video latent by time, the picture's frames from 'start_time' to
'end_time' (seconds at 'video_fps') to 1 (sampled again) where 'mask_video' is on, the sound's likewise where
'mask_audio' is on, everything else to its 'mask_init_value_*' (0: held as it is). The second pass of the pack's
IC-LoRA workflows gives it the first pass's take with the picture masked over the whole take and the sound not:
the picture refined, the sound held clean, which is what LTX-2 Latent Upscale's refine does. Read so, and said;
a part of the take left as it is, or the sound sampled again, said as not done. Plain data and stdlib."""
from __future__ import annotations

from studio.core.shown import number

from studio.convert.api import CNode, Workflow, finite

MASK = "LTXVSetAudioVideoMaskByTime"
# its settings in the order a UI file saves them (the pack's INPUT_TYPES order)
WIDGETS = {MASK: ("start_time", "end_time", "video_fps", "mask_video", "mask_audio", "mask_init_value_video",
                  "mask_init_value_audio", "slope_len")}
LENGTHS = ("length", "frames_number")
MAX_WALK = 64


def _seconds(wf: Workflow, n: CNode) -> float | None:
    """The take's length in seconds: the frames of the latent maker above ``n`` at the node's 'video_fps'."""
    fps, node = wf.value(n, "video_fps"), wf.source(n, "av_latent")
    for _ in range(MAX_WALK):
        if node is None:
            return None
        frames = next((v for k in LENGTHS if finite(v := wf.value(node, k))), None)
        if frames is not None:
            return frames / fps if finite(fps) and fps > 0 else None
        node = next((wf.source(node, k) for k in ("video_latent", "samples", "latent", "latent_image", "av_latent")
                     if k in node.links), None)
    return None


def mask_by_time(b, n: CNode, said: list[str]) -> bool:
    """The mask node ``n`` on the second pass's way, read: True where it holds the sound clean (the refine holds it),
    each thing it does otherwise said; its node read."""
    wf = b.wf
    b.used.add(n.id)
    name = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
    start, end = wf.value(n, "start_time"), wf.value(n, "end_time")
    video, audio = wf.value(n, "mask_video"), wf.value(n, "mask_audio")
    init_v, init_a = wf.value(n, "mask_init_value_video"), wf.value(n, "mask_init_value_audio")
    length = _seconds(wf, n)
    whole = finite(start) and start <= 0 and finite(end) and length is not None and end >= length
    if video is True and finite(start) and start <= 0 and finite(end) and length is None and init_v != 1:
        said.append(f"{name} has the second pass refine the picture from 0 s to {number(end)} s (the whole take "
                    f"unless it is longer): LTX-2 Latent Upscale's refine refines the whole take")
    elif video is True and not whole and init_v != 1:
        said.append(f"{name} has the second pass refine the picture from {number(start)} s to {number(end)} s"
                    + (f" of a {number(round(length, 2))} s take" if length is not None else "")
                    + " and leave the rest as the first pass made it: not done, LTX-2 Latent Upscale's refine "
                    "refines the whole take")
    elif video is False and init_v != 1:
        said.append(f"{name} holds the picture as the first pass made it in the second pass (mask_video off): not "
                    "done, LTX-2 Latent Upscale's refine refines the picture")
    if spatial := wf.source(n, "spatial_mask"):
        said.append(f"{name}'s spatial mask from '{spatial.title or spatial.shown_cls}' (#{spatial.id}) is not "
                    "applied: LTX-2 Latent Upscale refines the whole frame")
    held = audio is False and init_a == 0
    if held:
        said.append(f"the second pass holds the first pass's sound clean ({name}: mask_audio off, a noise mask of 0 on "
                    "its audio latent), as LTX-2 Latent Upscale's refine holds the take's sound")
    else:
        init = number(init_a) if finite(init_a) else repr(init_a)
        said.append(f"{name} has the second pass sample the sound again (mask_audio {audio!r}, its init {init}): not "
                    "done, LTX-2 Latent Upscale's refine "
                    "holds the take's sound as the first pass made it")
    return held

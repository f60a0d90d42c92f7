"""The WanVideoWrapper's Wan-Animate-2 embeds (WanVideoAnimate2Embeds, nodes.py of the wrapper's 2026 versions, read for
its inputs' meaning: the reference character on 'ref_image' and the driving video on 'pose_images', both fit to
width x height by 'resize_mode'; the pose branch's prompt on 'pose_text_embeds' (the positive prompt where none) and
its CLIP embeds on 'pose_clip_embeds' (the reference's where none); num_frames frames, the pose video trimmed or
ping-pong padded to them, made in windows of frame_window_size, each continuing from the last frame of the one before,
as upstream does): read as ComfyUI's WanAnimate2ToVideo, which the wan_animate2 family's mapping reads as Studio's
Wan Animate 2 node (the whole driving video in windows of its 'length': here the embeds' frame_window_size). Its
strengths and span go on under the core node's names (said there where they differ from what changes nothing); what
Studio's node makes otherwise is said here: a count of frames that is not the driving video's, the fit to the size
(Studio makes a frame of that area at the reference image's aspect), a logit bias, another block skipped on the
unconditional pass, the memory settings. Wired otherwise (a continued motion, extra references): kept as it is, the
task held with the wrapper's sentence. Plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, measure_kind, withdrawn

from . import comfy_measures as measures

EMBEDS = "WanVideoAnimate2Embeds"
ANIMATE2 = "WanAnimate2ToVideo"
WIDGETS = {EMBEDS: ("width", "height", "num_frames", "frame_window_size", "force_offload", "pose_strength",
                    "reference_strength", "log_scale", "uncond_skip_block", "pose_start_percent", "pose_end_percent",
                    "pose_cache", "pose_cache_dtype", "resize_mode", "tiled_vae", "prefix_layout", "prefix_strength",
                    "prefix_time_offset")}
HELD_BY = ("continue_motion", "prefix_frames")  # inputs Studio's node has no counterpart for: the take held
SKIPPED_BLOCK = 9  # the block diffusers' WanAnimate2Transformer3DModel skips on the unconditional pass (is_uncondtion)
MACHINE = ("force_offload", "pose_cache", "pose_cache_dtype", "tiled_vae")


def animate2(t, n: CNode, pos, neg, sampler: CNode):
    """``n`` (WanVideoAnimate2Embeds) as ComfyUI's WanAnimate2ToVideo: (latent, positive, negative); None (kept, the
    task held with its sentence) where it has no reference or driving video, or is given what the node has not."""
    ref, pose = t.link(n, "ref_image"), t.link(n, "pose_images")
    if ref is None or pose is None or any(t.link(n, k) for k in HELD_BY):
        return None
    w = t.named(n)
    window = w.get("frame_window_size")
    given = pose  # (the driving video as given: what its count of frames measures)
    ref, pose = _fitted(t, n, w, ref), _fitted(t, n, w, pose)
    links = {k: v for k, v in (("positive", pos), ("negative", neg), ("vae", t.link(n, "vae")),
                               ("reference_image", ref), ("pose_video", pose),
                               ("clip_vision_output", t.link(n, "clip_embeds")),
                               ("clip_vision_output_pose", t.link(n, "pose_clip_embeds")),
                               ("positive_pose", t.link(n, "pose_text_embeds") or pos)) if v is not None}
    widgets = {"width": w.get("width"), "height": w.get("height"), "length": window, "batch_size": 1,
               "pose_strength": w.get("pose_strength"), "reference_image_strength": w.get("reference_strength"),
               "pose_start_percent": w.get("pose_start_percent"), "pose_end_percent": w.get("pose_end_percent")}
    c = t.core(n, ANIMATE2, widgets, links)
    c.ports.update(reference_image="ref_image", pose_video="pose_images", positive_pose="pose_text_embeds",
                   reference_image_strength="reference_strength")
    _frames(t, n, w, given)
    _said(t, n, w)
    return (c.id, 2), (c.id, 0), (c.id, 1)


def _size(w: dict) -> tuple[int, int] | None:
    """The size the wrapper fits the pictures to (each side floored to a multiple of 16), where both are numbers."""
    sides = [w.get(k) for k in ("width", "height")]
    if all(isinstance(v, int) and not isinstance(v, bool) and v >= 16 for v in sides):
        return sides[0] // 16 * 16, sides[1] // 16 * 16
    return None


def _fitted(t, n: CNode, w: dict, link):
    """The pictures on ``link`` fit to the embeds' size as its resize_mode 'crop' (about the middle) or 'stretch' fits
    them, by a core ImageScale made beside ``n`` (Studio's Scale); as they are for 'pad' or a size not known."""
    size, mode = _size(w), w.get("resize_mode")
    if size is None or mode not in ("crop", "stretch"):
        return link
    scale = t.core(n, "ImageScale", {"upscale_method": "lanczos", "width": size[0], "height": size[1],
                                     "crop": "center" if mode == "crop" else "disabled"}, {"image": link},
                   nid=f"{n.id}:fit{link[0]}")
    scale.unsaved = ("upscale_method", "width", "height", "crop")  # the embeds' own fit, no node of the file's
    return (scale.id, 0)


def _frames(t, n: CNode, w: dict, pose) -> None:
    """Its num_frames: the count of the driving video's own frames (a measure of that very clip) is what Studio's node
    makes; a number of its own, or one worked out otherwise, is said not taken."""
    counted = measures.of_clip(t, n, pose, ("num_frames",))
    if counted:
        measures.said(t, n, counted, "the driving video", "Studio's Wan Animate 2")
        return
    link = t.link(n, "num_frames")
    src = t.wf.nodes.get(link[0]) if link else None
    if src is not None and link[0] == pose[0] and measure_kind(t.wf, link) == "length":  # its loader's own count of
        withdrawn(t, n, "num_frames")  # the very frames it gives as the driving video (VHS_LoadVideo's frame_count)
        t.say(n, f"{CNode.named(n)}'s num_frames comes from {CNode.named(src)}, the count of the very frames it gives "
                 "as the driving video: Studio's Wan Animate 2 makes as many frames as the driving video has (its "
                 "'frames' 0); the wrapper makes the most 4k + 1 frames within that count (up to 3 fewer)")
        return
    frames = w.get("num_frames")
    what = f"num_frames {frames}" if frames is not None else "num_frames (worked out when the workflow runs)"
    t.say(n, f"{CNode.named(n)}'s {what} is not taken: the wrapper makes that many frames (floored to 4k + 1), the "
             "driving video trimmed or ping-pong padded to them; Studio's Wan Animate 2 makes as many frames as the "
             "driving video has")


def _said(t, n: CNode, w: dict) -> None:
    """What Studio's Wan Animate 2 makes otherwise than the wrapper's settings ask, one sentence each."""
    name = CNode.named(n)
    size, mode = _size(w), w.get("resize_mode")
    if mode in ("crop", "pad", "stretch") and (size is None or mode == "pad"):  # (else made: _fitted, its Scale said)
        how = "letterboxed into" if mode == "pad" else "fit to"
        t.say(n, f"{name}'s resize_mode '{mode}' (the reference and the driving video {how} the size it is given) "
                 "is not taken: Studio's Wan Animate 2 makes a frame of that area at the reference image's aspect")
    log = w.get("log_scale")
    if isinstance(log, (int, float)) and not isinstance(log, bool) and log != 0:
        t.say(n, f"{name}'s log_scale {log:g} (a bias on the first generated latent frame's attention) is not "
                 "applied: diffusers' Wan Animate 2 pipeline has no such setting")
    skip = w.get("uncond_skip_block")
    if isinstance(skip, int) and not isinstance(skip, bool) and skip != SKIPPED_BLOCK:
        t.say(n, f"{name}'s uncond_skip_block {skip} is not taken: diffusers' Wan Animate 2 skips block "
                 f"{SKIPPED_BLOCK} on the unconditional pass, as upstream does")
    machine = [f"{k} {w[k]!r}" for k in MACHINE if w.get(k) is not None]
    if machine:
        t.say(n, f"{name}'s {', '.join(machine)} set the wrapper's memory: not applied, Studio plans memory itself")

"""Workflows of CY-CHENYUE's ComfyUI-FramePack-HY (part of comfy_wrapper's translation): its loader reads the FramePack
DiT as a diffusers folder ('lllyasviel/FramePackI2V_HY' under ComfyUI's models/diffusers), CreateKeyframes_HY takes
the start latent and gives its seconds, frame rate and section size to FramePackDiffusersSampler_HY, which samples
whole sections forward from the start (each 'window_size' latent frames, clean latents the start's and the history's
last: FramePack-F1's order on the I2V model, the Framepack node's 'vanilla' sampling) at the width and height it is
given (FramePackBucketResize_HY's, the picture stretched to the nearest of its buckets). The sampler is read as this
family's task node and a KSampler, as the wrapper's is (comfy_wrapper.sampler), with its length in frames and rate.

The settings' names, order and arithmetic are those of the pack's nodes/sampler.py, keyframe_helper.py, bucket.py
and diffusers_helper/bucket_tools.py (INPUT_TYPES and the sections' count, read for meaning; github
CY-CHENYUE/ComfyUI-FramePack-HY at 30131f4, Apache-2.0). Plain data and stdlib: nothing of the pack is imported."""
from __future__ import annotations

import math

from studio.convert.api import CONTROL, CNode, Workflow, finite

from .buckets import BUCKETS
from .comfy_wrapper import WrapperTranslation, translate as translate_wrapper

LOADER_HY, SAMPLER_HY = "LoadFramePackDiffusersPipeline_HY", "FramePackDiffusersSampler_HY"
KEYS_HY, BUCKET_HY = "CreateKeyframes_HY", "FramePackBucketResize_HY"
WIDGETS_HY: dict[str, tuple[str, ...]] = {
    LOADER_HY: ("model_path", "precision"),
    SAMPLER_HY: ("steps", "cfg", "guidance_scale", "seed", CONTROL, "width", "height", "gpu_memory_preservation",
                 "sampler", "shift", "use_teacache", "teacache_thresh", "denoise_strength"),
    KEYS_HY: ("video_length_seconds", "fps", "window_size"),
    BUCKET_HY: ("base_resolution", "resize_mode", "alignment"),
}
# the pack's bucket tables, (height, width) (its 640 table is the release's, buckets.py)
HY_BUCKETS = {
    512: ((320, 768), (352, 704), (384, 640), (416, 576), (448, 512), (480, 480), (512, 448), (576, 416), (640, 384),
          (704, 352), (768, 320)),
    640: BUCKETS[640],
    768: ((512, 1152), (576, 1024), (640, 896), (704, 832), (768, 768), (832, 704), (896, 640), (1024, 576),
          (1152, 512)),
    1024: ((640, 1536), (704, 1408), (768, 1280), (832, 1152), (896, 1024), (1024, 896), (1152, 832), (1280, 768),
           (1408, 704), (1536, 640)),
}
KEY_SLOTS = {1: "video_length_seconds", 2: "fps", 3: "window_size"}  # CreateKeyframes_HY's outputs after the latent
SIZED = ("ImageScale",)  # a resize to a fixed width and height: the picture's size known before it runs


def nearest_hy(height: int, width: int, res: int) -> tuple[int, int]:
    """(height, width) of the pack's bucket at ``res`` nearest a picture's aspect: its metric, the later on a tie."""
    best, least = HY_BUCKETS[res][0], float("inf")
    for bh, bw in HY_BUCKETS[res]:
        if (m := abs(height * bw - width * bh)) <= least:
            best, least = (bh, bw), m
    return best


def _keyed(t, n: CNode) -> tuple[CNode | None, dict]:
    """The sampler's seconds, fps and window size: CreateKeyframes_HY's settings where wired from it, else the
    values the workflow gives; the keyframe node (its latent read as its 'keyframe_1')."""
    got, keys = {}, None
    for port, name in (("video_length_seconds", "video_length_seconds"), ("video_fps", "fps"),
                       ("window_size", "window_size")):
        src = n.links.pop(port, None)
        node = t.wf.nodes.get(src[0]) if src else None
        if node is not None and node.cls == KEYS_HY and KEY_SLOTS.get(src[1]) == name:
            keys = node
            got[name] = t.named(node).get(name)
        elif src is not None:
            n.links[port] = src
            got[name] = t.wf.value(n, port)
            n.links.pop(port)
    got.setdefault("window_size", 9)  # (the sampler's own when none is wired)
    return keys, got


def _bucket(t, n: CNode, size: dict) -> tuple | None:
    """The start picture before FramePackBucketResize_HY where the sampler's width and height are its, the size made
    (the Framepack node's width and height where the picture's size is known, its 'bucket' 640 else), said."""
    wl, hl = n.links.get("width"), n.links.get("height")
    node = t.wf.nodes.get(wl[0]) if wl else None
    if node is None or node.cls != BUCKET_HY or hl is None or hl[0] != node.id or (wl[1], hl[1]) != (1, 2) \
            or "image" not in node.links:
        return None
    for k in ("width", "height"):
        n.links.pop(k)
    bw = t.named(node)
    res = int(bw["base_resolution"]) if str(bw.get("base_resolution", "")).isdigit() else 640
    res = res if res in HY_BUCKETS else 640
    src = t.wf.nodes.get(node.links["image"][0])
    fixed = (src is not None and src.cls in SIZED and all(isinstance(t.wf.value(src, k), int) and t.wf.value(src, k) > 0
                                                           for k in ("width", "height")))
    name = f"'{node.title or node.cls}' ({node.cls}, #{node.id})"
    mode = bw.get("resize_mode")
    way = f" (its own resampling, not the node's '{mode}')" if isinstance(mode, str) else ""
    if fixed:
        pw, ph = t.wf.value(src, "width"), t.wf.value(src, "height")
        bh_, bw_ = nearest_hy(ph, pw, res)
        size.update(width=bw_, height=bh_)
        t.say(n, f"{name} stretches the {pw}x{ph} picture '{src.title or src.cls}' (#{src.id}) makes to its bucket at "
                 f"{res} nearest that aspect, {bw_}x{bh_}: the Framepack node's width {bw_} and height {bh_}, to which "
                 f"its pipeline stretches the picture{way}")
    elif res == 640:
        size["bucket"] = "640"
        t.say(n, f"{name} stretches the picture to its bucket at 640 nearest the picture's aspect: the Framepack "
                 f"node's 'bucket' 640 (the same table), picked from the picture when it runs{way}")
    else:
        t.say(n, f"{name}'s bucket at {res} is picked from the picture when it runs, which the Framepack node does "
                 "at 640 only: not applied, the take is made at the picture's own size (in multiples of 16)")
    t.wf.taken.add(node.id)
    return node.links["image"]


class HYTranslation(WrapperTranslation):
    PACK, PREFIXES, WIDGETS, SETTINGS_ONLY = "FramePack-HY", tuple(WIDGETS_HY), WIDGETS_HY, ()
    START = "start_latent_out"

    @classmethod
    def is_pack(cls, n: CNode) -> bool:
        return n.cls in WIDGETS_HY

    def steps(self) -> None:
        for n in list(self.wf.nodes.values()):
            if n.cls == LOADER_HY:
                self.model_loader(n, "UNETLoader", {"unet_name": self.named(n).get("model_path")}, (), ())
        for n in list(self.wf.nodes.values()):
            if n.cls == SAMPLER_HY:
                read_hy(self, n)


def read_hy(t, n: CNode) -> None:
    """FramePackDiffusersSampler_HY ``n`` of translation ``t`` as the wrapper's sampler reading (t.sampler): the
    start picture behind CreateKeyframes_HY's latent, its seconds, rate and window made frames, the size."""
    keys, got = _keyed(t, n)
    size: dict = {}
    start = _bucket(t, n, size)
    w = t.named(n)
    if start is not None:  # (the size the bucket node gives, not the values the file saves for them)
        w = {k: v for k, v in w.items() if k not in ("width", "height")}
    if "fp_pipeline" in n.links:
        n.links["model"] = n.links.pop("fp_pipeline")
    lat = n.links.get(t.START)
    if keys is not None and lat is not None and lat[0] == keys.id and "keyframe_1" in keys.links:
        n.links[t.START] = keys.links["keyframe_1"]  # (its latent as it is given: the start frame's)
        t.wf.taken.add(keys.id)
    if "clip_vision" in n.links:
        n.links["start_image_embeds"] = n.links.pop("clip_vision")
    secs, fps, window = got.get("video_length_seconds"), got.get("fps"), got.get("window_size")
    w.update(size, latent_window_size=window, sampling="vanilla", total_second_length=None, use_teacache=False)
    name = f"'{n.title or n.cls}' ({n.cls}, #{n.id})"
    if finite(secs) and secs > 0 and finite(fps) and fps > 0 and isinstance(window, int) and window > 0:
        sections = max(1, math.ceil(secs * fps / (window * 4 - 3)))
        made = (sections * window - 1) * 4 + 1
        w.update(frames=made, fps=float(fps), sections=sections)
        t.say(n, f"{name} samples {sections} section{'s' if sections > 1 else ''} forward from the start image "
                 f"({secs:g} s at {fps:g} fps over window_size {window} x 4 - 3 frames, rounded up), {window} latent "
                 f"frames each, decoded as {made} frames: the Framepack node's sections {sections} and frames {made} "
                 f"at fps {fps:g}, its sampling 'vanilla' (forward); Studio's pipeline decodes the start image's latent "
                 f"before the sections ({made + 4} frames, its first frame the start image) and keeps the first "
                 f"{made}, where the pack decodes the sections alone")
    if _raw(n, "use_teacache") is True:
        thresh = _raw(n, "teacache_thresh")
        t.say(n, f"{name} samples with TeaCache (use_teacache" + (f", teacache_thresh {thresh:g}" if finite(thresh)
                                                                   else "")
              + "), which reuses work between steps to go faster and changes the video a little: not applied, the "
                "generator samples every step")
    if finite(d := _raw(n, "denoise_strength")) and d != 1:
        t.say(n, f"{name}'s denoise_strength {d:g} changes nothing: the pack's sampler gives its sampling no latent to "
                 "denoise part way")
    if finite(g := _raw(n, "gpu_memory_preservation")):
        t.say(n, f"{name}'s gpu_memory_preservation {g:g} (GB kept free) is not applied: Studio plans memory itself")
    t.sampler(n, w, start=start)


def _raw(n: CNode, k: str):
    """Setting ``k`` of ``n`` as its file saves it (by name, or by its place in the UI file's values)."""
    if k in n.widgets:
        return n.widgets[k]
    order = WIDGETS_HY[n.cls]
    return n.raw[order.index(k)] if isinstance(n.raw, list) and order.index(k) < len(n.raw) else None


def translate(wf: Workflow) -> list[str]:
    """The pack's nodes, then kijai's wrapper's (comfy_wrapper), rewritten into core nodes in place: what is said."""
    return HYTranslation.translate(wf) + translate_wrapper(wf)

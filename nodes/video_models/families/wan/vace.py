"""Wan VACE: a control video (pose, edges, flow, depth, grey), a mask (white: made by the model)
and reference images steer a Wan 2.1 / 2.2 VACE model (diffusers' WanVACEPipeline).

Presets build the control and mask from a source clip: 'control' (the clip is the control),
'inpaint' (the clip with a mask: white is remade), 'outpaint' (the clip on a larger canvas, the
border is made), 'extend' (the clip's frames, then new ones). Long clips go in windows as 'long
take' says: 'continue' (auto) starts each window from the last 'overlap' frames of the one before,
kept in its control video with mask 0 (VACE's extension; sampling/continuation.py), 'separate
shots' blends windows made apart (sampling.Sampler: progress, previews, Stop inside a step, LoRAs,
the model cache); a Prompt Schedule on the 'schedule' input changes the prompt
window by window (schedule.py)."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Choice, Float, Int, Text
from studio.core.spec import In, Out
from studio.engine.clip import as_clip

from ...base.errors import ModelError
from ...loading.inputs import video_model_input
from ...sampling.generators import COMMON, GeneratorNode, output_size, preview_and_steps, prompt_of, say_frame_rule
from ...takes.keyframes_at import KEY_INPUTS, KEY_PARAMS

PRESETS = ("control", "inpaint", "outpaint", "extend")
MAX_SIDE = next(q.max for q in COMMON if q.name == "width")  # 4096: the largest frame a video-model node makes
LONGEST = next(q.max for q in COMMON if q.name == "frames")  # 100,000: the longest clip one makes
GREY = 0.5  # VACE's "nothing here" value (0 in the model's [-1, 1])
# the masked area's fill ('fill'): VACE's own inpainting preparation greys it (its InpaintingAnnotator's MASK_COLOR
# 128); ComfyUI's 'Video Inpaint (Wan2.1 VACE)' blueprint blacks it (an ImageCompositeMasked of the inverted mask)
FILLS = {"none": None, "grey": GREY, "black": 0.0, "white": 1.0}


def _resize(img: np.ndarray, w: int, h: int) -> np.ndarray:
    import cv2
    img = np.asarray(img, np.float32)
    if img.shape[:2] == (h, w):
        return img
    return np.atleast_3d(cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA))


def _rgb(img: np.ndarray) -> np.ndarray:
    img = np.atleast_3d(np.asarray(img, np.float32))
    return np.repeat(img[..., :1], 3, -1) if img.shape[2] < 3 else img[..., :3]


def outpaint_canvas(width: int, height: int, pads, set_w: int = 0, set_h: int = 0) -> tuple[int, int]:
    """The outpaint canvas: the video's size with its pads (left, right, top, bottom: fractions of
    it), refused past the largest side 'width' and 'height' allow (a 512x512 video with every pad
    at 4.0 would be 4608x4608), unless 'width' and 'height' are set (then the canvas is theirs)."""
    w, h = int(round(width * (1 + pads[0] + pads[1]))), int(round(height * (1 + pads[2] + pads[3])))
    for side, size, names, asked in (("wide", w, "pad_left + pad_right", set_w), ("high", h, "pad_top + pad_bottom",
                                                                                  set_h)):
        if size > MAX_SIDE and not asked:
            raise StudioError(f"outpaint: the {width}x{height} video padded by {names} makes a canvas {size:,} pixels "
                              f"{side}, more than the {MAX_SIDE} 'width' and 'height' allow: lower the pads, or set "
                              "'width' and 'height'")
    return w, h


class Conditions:
    """Frame ``i`` of the control video and of the mask at the output size, per preset."""

    def __init__(self, preset: str, n: int, w: int, h: int, source=None, mask=None, pads=(0, 0, 0, 0),
                 fill: float | None = None):
        self.preset, self.n, self.w, self.h = preset, n, w, h
        self.source, self.mask, self.fill = source, mask, fill
        left, right, top, bottom = pads
        if preset == "outpaint":  # the source's place inside the canvas
            W, H = 1 + left + right, 1 + top + bottom
            self.box = (int(round(w * left / W)), int(round(h * top / H)),
                        max(1, int(round(w / W))), max(1, int(round(h / H))))

    @property
    def has_video(self) -> bool:
        return self.source is not None

    @property
    def has_mask(self) -> bool:
        return self.mask is not None or self.preset in ("outpaint", "extend")

    def video(self, i: int) -> np.ndarray:
        if self.preset == "outpaint":
            x, y, bw, bh = self.box
            out = np.full((self.h, self.w, 3), GREY, np.float32)
            out[y:y + bh, x:x + bw] = _resize(_rgb(self.source.frame(min(i, len(self.source) - 1))), bw, bh)
            return out
        if self.preset == "extend" and i >= len(self.source):
            return np.full((self.h, self.w, 3), GREY, np.float32)
        frame = _resize(_rgb(self.source.frame(min(i, len(self.source) - 1))), self.w, self.h)
        if self.fill is None or self.mask is None:
            return frame
        made = _resize(self._mask(i), self.w, self.h) > 0.5  # (the pipeline's own threshold of the mask)
        return np.where(made, np.float32(self.fill), frame)  # the area to make filled before the model sees it

    def mask_frame(self, i: int) -> np.ndarray:
        if self.preset == "outpaint":
            x, y, bw, bh = self.box
            m = np.ones((self.h, self.w), np.float32)
            m[y:y + bh, x:x + bw] = 0.0
            if self.mask is not None:  # and inside the source, where the mask says
                m[y:y + bh, x:x + bw] = _resize(self._mask(i), bw, bh)[..., 0]
            return m[..., None]
        if self.preset == "extend":
            if i >= len(self.source):
                return np.ones((self.h, self.w, 1), np.float32)
            return (_resize(self._mask(i), self.w, self.h) if self.mask is not None
                    else np.zeros((self.h, self.w, 1), np.float32))
        return _resize(self._mask(i), self.w, self.h)

    def _mask(self, i: int) -> np.ndarray:
        m = np.atleast_3d(np.asarray(self.mask.frame(min(i, len(self.mask) - 1)), np.float32))
        return m[..., :1] if m.shape[2] < 3 else (m[..., :3] @ np.float32([0.2126, 0.7152, 0.0722]))[..., None]


class WanVACE(GeneratorNode):
    """Make a clip with a Wan VACE model steered by a control video (pose skeleton, edges, flow,
    depth), a mask (white: the model makes it) and reference images. Presets: control, inpaint
    (the video plus a mask), outpaint (pad the video; the border is made), extend (the video's
    frames, then 'extend' new ones). A clip longer than the window continues window after window from
    the last 'overlap' frames of the one before, kept ('long take'). 'conditioning scale' sets how closely
    the control is followed;
    'guidance 2' is Wan 2.2's guidance for its low-noise expert."""
    id = "video_models.wan_vace"
    keywords = ("inpaint", "outpaint", "paint out", "cleanup", "object removal", "extend")
    title = "Wan VACE"
    task = "vace"
    source_ports = ("video",)  # the control (or source) clip: 'frames' shorter drops its last frames
    rate_ports = ("video",)  # (its 'fps' 0: that clip's rate, else the family's)
    inputs = (In("model", "Video Model", help="a Wan VACE model (WanVACEPipeline)"),
              In("video", "Video", optional=True, help="control: the control video; inpaint / outpaint / extend: the "
                                                      "source clip"),
              In("mask", "Mask", optional=True, help="white: the model makes these pixels; black: kept from the video"),
              In("reference", "Image", optional=True, help="a reference image (a character, an object, a style)"),
              In("reference_2", "Image", optional=True, help="a second reference image"),
              In("prompt", "Text", optional=True),
              In("schedule", "Features", optional=True, help="a Prompt Schedule: the prompt changes window by window")
              ) + KEY_INPUTS
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a dancer on a stage, cinematic"), Text("negative_prompt", ""),
              Choice("task", "control", choices=PRESETS, help="how the video and mask are used (see the node's help)"),
              Choice("fill", "none", choices=tuple(FILLS), help="with a mask: what its white area of the video holds "
                     "before the model sees it; none keeps the video's pixels, grey is VACE's own inpainting preparation"),
              Float("conditioning_scale", 1.0, min=0.0, max=4.0, help="how closely the control video is followed"),
              Float("pad_left", 0.25, min=0.0, max=4.0, help="outpaint: border added, as a fraction of the width"),
              Float("pad_right", 0.25, min=0.0, max=4.0),
              Float("pad_top", 0.0, min=0.0, max=4.0, help="outpaint: border added, as a fraction of the height"),
              Float("pad_bottom", 0.0, min=0.0, max=4.0),
              Int("extend", 16, min=1, max=10000, help="extend: new frames after the video's")) + \
        tuple(q for q in COMMON if q.name != "context_schedule") + KEY_PARAMS  # no context windows: VACE's
    # control lies beside the latent; 'long take' auto continues (each window from the last 'overlap' frames of
    # the one before, kept)

    def _call_base(self, ctx, s, w: int, h: int, win: int, references) -> dict:
        """The pipeline arguments every window shares: size, steps, guidance (Wan 2.2's second
        expert's when it has one) and the reference images."""
        p = ctx.params
        from ...base.calls import to_pil
        refs = [to_pil(_rgb(np.asarray(r.frame(0) if hasattr(r, "frame") else r))) for r in references
                if r is not None]
        base = {"height": h, "width": w, "num_frames": win, "num_inference_steps": self.steps,
                "guidance_scale": p.guidance, "conditioning_scale": p.conditioning_scale}
        if p.guidance_2 > 0:
            if s.pipe.config.get("boundary_ratio") is None:
                ctx.warn("'guidance 2' is for Wan 2.2's two experts; this model has one: ignored")
            else:
                base["guidance_scale_2"] = p.guidance_2
        if refs:
            base["reference_images"] = refs
        return base

    def run(self, ctx, model, video=None, mask=None, reference=None, reference_2=None, prompt=None, schedule=None,
            **keys):
        from ...sampling.sampler import Sampler, filter_kwargs, frames_and_window, to_pil, window_starts
        from ...sampling.schedule import ScheduledPrompts
        ref = video_model_input(model)
        p = ctx.params
        text = prompt_of(ctx, prompt)
        cached = schedule is None and self._prompts_cached(ctx, model, text)  # then T5 stays on disk
        s = Sampler(ctx, ref, self.task, text=not cached)
        src, msk = _checked_inputs(s, ref, p.task, video, mask)
        self.preview, self.steps = preview_and_steps(ctx, s.on_cpu)
        native = (len(src) + (p.extend if p.task == "extend" else 0)) if src is not None else s.fam.frames
        if not p.frames and native > LONGEST:
            why = f"the video's {len(src):,} frames" + (f" and 'extend' {p.extend:,}" if p.task == "extend" else "")
            raise StudioError(f"{why} make {native:,} frames, more than the {LONGEST:,} a video-model node makes: "
                              "set 'frames', or use a shorter video")
        want = p.frames or native
        n, win = frames_and_window(s.fam, want, p.window, None)
        say_frame_rule(ctx, s.fam, n, n, win, p.window)
        from ...takes.keyframes_at import asked, keyframes_of, vace_keyed
        keyed = keyframes_of(ctx, n, keys, runs=True) if asked(keys) or p.keyframes.strip() else []
        if keyed and p.keyframe_strength != 1.0:
            ctx.warn("Wan VACE keeps its keyframes whole (the mask is 0 there): 'keyframe strength' is LTX's, not used")
        if p.overlap >= win and n > win:
            raise StudioError(f"overlap ({p.overlap}) must be smaller than the window ({win} frames)")
        win = self._long_take(ctx, s, n, win, schedule is not None)  # continue, or separate shots (long_take.py)
        fps = p.fps or (src.fps if src is not None else s.fam.fps)
        pads = (p.pad_left, p.pad_right, p.pad_top, p.pad_bottom)
        like = None
        if src is not None:
            like = (src.width, src.height)
            if p.task == "outpaint":
                like = outpaint_canvas(src.width, src.height, pads, p.width, p.height)
        w, h = output_size(ctx, s, p.width, p.height, like, self.preview)
        from ...takes.continuation import still_frames, vace_continued
        starts = window_starts(n, win, self.overlap, self.blend, self.lead)
        if p.task == "extend" or n > win:  # what the run will make, before it starts (its time: sampling.py)
            ctx.info(f"{n:,} frames" + (f" (the video's {len(src):,}, then {n - len(src):,} new)"
                                        if p.task == "extend" and src is not None and n > len(src) else "") +
                     f" in {len(starts):,} call{'s' if n > win else ''} of {win} frames, "
                     f"{self.steps} step{'s' if self.steps != 1 else ''} each")
        cond = Conditions(p.task, n, w, h, src, msk, pads, FILLS.get(p.fill))
        kept = vace_keyed(keyed, w, h)  # frame i's (keyframe, mask 0), or None (keyframes_at.py)
        grey, made = np.full((h, w, 3), GREY, np.float32), np.ones((h, w, 1), np.float32)
        base = self._call_base(ctx, s, w, h, win, (reference, reference_2))
        prompts = ScheduledPrompts(ctx, s, schedule, text, p.negative_prompt, n, win, self.overlap, starts=starts)
        words = self._text_kwargs(ctx, s, text, p.negative_prompt) if schedule is None else None  # the prompt cache's
        base = filter_kwargs(s.pipe, base, ctx.warn)
        from ...takes.long_take import CONTINUE
        continued = self.take == CONTINUE and n > win

        def make(start, still):
            idx = [min(i, n - 1) for i in range(start, start + win)]  # the last window is padded with the end
            kw = dict(base, **(words if words is not None else prompts.window(start)))
            at = [kept(i) for i in idx]  # keyframes at their positions (keyframes_at.py)
            video = ([k[0] if k else cond.video(i) if cond.has_video else grey for i, k in zip(idx, at)]
                     if cond.has_video or keyed else None)
            mask = ([k[1] if k else cond.mask_frame(i) if cond.has_mask else made for i, k in zip(idx, at)]
                    if cond.has_mask or keyed else None)
            if continued and still is not None:  # the window before's last frames kept (continuation.py)
                video, mask = vace_continued(video, mask, still_frames(still), len(idx), w, h, GREY)
            if video is not None:
                kw["video"] = [to_pil(f) for f in video]
            if mask is not None:
                kw["mask"] = [to_pil(f) for f in mask]
            return kw
        return self._made(ctx, s.generate(n, win, self.overlap, make, fps, previews=p.previews, steps=self.steps,
                                          size=(w, h), blend=self.blend, hold=self.hold, lead=self.lead),
                          w, h)


def _checked_inputs(s, ref, task: str, video, mask):
    """(source clip, mask clip) once the model is a VACE one and the task has what it needs."""
    if type(getattr(s.pipe, "transformer", None)).__name__ != "WanVACETransformer3DModel":
        raise ModelError(f"model '{ref.path}' is not a Wan VACE model (its transformer is a "
                         f"{type(getattr(s.pipe, 'transformer', None)).__name__}): load a Wan 2.1 / 2.2 VACE model")
    src = as_clip(video) if video is not None else None
    msk = as_clip(mask) if mask is not None else None
    if task != "control" and src is None:
        raise StudioError(f"task '{task}' needs a source clip on the video input")
    if task == "inpaint" and msk is None:
        raise StudioError("task 'inpaint' needs a mask (white: what the model remakes)")
    return src, msk

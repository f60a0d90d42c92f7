"""SCAIL-2 Character: a reference character put in the place of the person of a driving video (replace
mode) or moved as that person moves (animate mode) by SCAIL-2 (pipeline.py, after zai-org/SCAIL-2's
sample_video.py), the person told by an identity mask (Segment's mask, or a colour mask video as
ComfyUI's SCAIL2ColoredMask makes it). A take longer than 'window' frames is made in segments, each
continuing from the last 'overlap' frames the one before made.

ComfyUI's WanSCAILToVideo + SCAIL2ColoredMask (comfy_extras/nodes_scail.py) take the same things:
'reference_image' (here 'reference'), 'pose_video' (the driving video, 'driving'), 'pose_video_mask' and
'reference_image_mask' (here 'driving_mask' and 'reference_mask': a one-channel mask is painted the
palette's first colour, on white in replace mode, on black in animate mode; the reference's always on
black), 'replacement_mode' ('mode'), width, height, length (a segment: 'window'), previous_frame_count
('overlap'), previous_frames ('previous': the frames an earlier take made, whose last 'overlap' the first
segment holds, as each later segment holds the one before's).

Everything the node is given is checked before the model allocates anything: the model (a SCAIL-2
file), the size (multiples of 32), the clips' lengths, replace mode's mask."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Choice, Int, Text
from studio.core.spec import In, Out

from ...sampling.one_call import RUN, Call, OneCallNode, shared
from .conditioning import OVERLAP, WINDOW, paint, segments
from .family import PIPELINE

TITLE = "SCAIL-2 Character"


class SCAILError(StudioError):
    pass


def cover(img: np.ndarray, w: int, h: int) -> np.ndarray:
    """[h, w, C] float32: ``img`` scaled to cover w x h (bilinear) and its centre cut (sample_video.py
    resize_for_rectangle_crop, 'center')."""
    import cv2
    ih, iw = img.shape[:2]
    s = max(w / iw, h / ih)
    nw, nh = max(w, int(round(iw * s))), max(h, int(round(ih * s)))
    x = cv2.resize(np.ascontiguousarray(img, dtype=np.float32), (nw, nh), interpolation=cv2.INTER_LINEAR)
    if x.ndim == 2:
        x = x[..., None]
    top, left = (nh - h) // 2, (nw - w) // 2
    return x[top:top + h, left:left + w]


def colour_mask(frames: np.ndarray, background: float) -> np.ndarray:
    """[T, H, W, 3] colours in [0, 1]: a colour mask as it is; a one-channel mask painted (conditioning.paint)."""
    if frames.shape[-1] >= 3:
        return frames[..., :3].astype(np.float32)
    return paint(frames[..., 0], background)


class SCAIL2Character(OneCallNode):
    """Put a character into a video with SCAIL-2: in replace mode the reference image's character takes
    the place of the masked person of the driving video (the scene kept); in animate mode the character
    moves as that person moves (on the reference's background). Connect Load Video Model (the SCAIL-2
    file with umt5_xxl, wan_2.1_vae and clip_vision_h), the reference image, the driving video and the
    person's mask (Segment); the reference's mask tells the character in the image. The call is made by the
    one Sampler (sampling/one_call.py): previews, kept steps and segments, resume after a Stop."""
    id = "video_models.scail2"
    title = TITLE
    code_version = 1
    keywords = ("scail", "scail-2", "character replacement", "replace person", "animate character", "motion transfer",
                "wan")
    rate_ports = ("driving",)  # (no 'fps' setting: its take has that clip's rate, 16 where it has none)
    family_key, pipelines, error = "wan_scail", (PIPELINE,), SCAILError
    wanted, how = "SCAIL-2", "load wan2.1_14B_SCAIL_2_fp16.safetensors with umt5_xxl, wan_2.1_vae and clip_vision_h " \
        "in Load Video Model"
    inputs = (In("model", "Video Model", help="a SCAIL-2 model (wan2.1_14B_SCAIL_2 with umt5_xxl, wan_2.1_vae and "
                                              "clip_vision_h)"),
              In("reference", "Image", help="the character (a still; a clip's first frame)"),
              In("driving", "Video", help="the driving video: the person whose place or motion the character takes"),
              In("driving_mask", "Mask", optional=True,
                 help="the person in the driving video (Segment), or a colour mask video of up to 6 identities"),
              In("reference_mask", "Mask", optional=True, help="the character in the reference image (its first frame)"),
              In("prompt", "Text", optional=True),
              In("previous", "Video", optional=True,
                 help="frames made before (an earlier take): the take continues them, its first 'overlap' frames "
                      "held as their last ones (ComfyUI's previous_frames: a take extended)"))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a person moving naturally"),
              Text("negative_prompt", "", help="used with guidance above 1"),
              Choice("mode", "replace", choices=("replace", "animate"),
                     help="replace: the character in the driving video's scene; animate: the character moved as the "
                          "driving person moves"),
              Int("frames", 0, min=0, max=100_000, special="the driving video's length",
                  help="0: as long as the driving video; else its first frames"),
              Int("window", WINDOW, min=5, max=401, help="frames per segment (4k + 1; the release's 81)"),
              Int("overlap", OVERLAP, min=1, max=64, help="frames each segment carries from the one before (the "
                                                        "release's 5)"),
              *shared("steps", "guidance",
                      steps={"default": 50, "help": "denoising steps per segment (the release's 50; ComfyUI's template: "
                                                    "6, with the lightx2v and DPO LoRAs on the model)"},
                      guidance={"default": 4.0, "help": "classifier-free guidance (the release's 4; 1: none, as the "
                                                        "template with its LoRAs)"}),
              Int("width", 512, min=32, max=4096, help="a multiple of 32 (ComfyUI's template: 512)"),
              Int("height", 896, min=32, max=4096, help="a multiple of 32 (ComfyUI's template: 896)")) + shared(*RUN)

    @classmethod
    def preflight(cls, params, base_dir):
        """The size and the segments, refused at validation (before a run)."""
        out = []
        w, h = int(params.get("width", 512)), int(params.get("height", 896))
        if w % 32 or h % 32:
            out.append(f"the size {w}x{h} must be multiples of 32 (SCAIL-2 reads the driving video at half size, in "
                       "2x2 patches)")
        window, overlap = int(params.get("window", WINDOW)), int(params.get("overlap", OVERLAP))
        if (window - 1) % 4 or overlap >= window:
            out.append(f"'window' is {window} and 'overlap' {overlap}: the window must be 4k + 1 (the release's 81) "
                       "and longer than the overlap (its 5)")
        return out

    def call(self, ctx, s, reference, driving, driving_mask=None, reference_mask=None, prompt=None,
             previous=None) -> Call:
        import torch

        from studio.engine.clip import as_clip

        from ...sampling.generators import output_size
        from ..wan.own_take import FramesReader, OwnTake
        p = ctx.params
        clip = as_clip(driving)
        n, w, h, replace = self._checked(p, clip, driving_mask)
        dmask = as_clip(driving_mask) if driving_mask is not None else None
        if dmask is not None and len(dmask) < n:
            raise SCAILError(f"{TITLE}: the driving mask has {len(dmask)} frames, the take {n}: give a mask of the "
                             "driving video's length")
        if (dmask is None) != (reference_mask is None):
            ctx.warn(f"only the {'driving' if dmask is not None else 'reference'} mask is given: SCAIL-2 binds the "
                     "driving video's identity to the reference's by their masks' colours; give both")
        w, h = output_size(ctx, s, w, h, None, self.preview)  # 'preview size': smaller, said
        bg = 1.0 if replace else 0.0
        still = reference.frame(0) if hasattr(reference, "frame") else np.asarray(reference)
        ref = torch.from_numpy(cover(still[..., :3], w, h)).permute(2, 0, 1)[None] * 2 - 1
        rmask = None
        if reference_mask is not None:
            m = reference_mask.frame(0) if hasattr(reference_mask, "frame") else np.asarray(reference_mask)
            m = m[..., None] if m.ndim == 2 else m
            rmask = torch.from_numpy(colour_mask(cover(m, w, h)[None], 0.0)).permute(0, 3, 1, 2)

        def frames_of(c, start: int, count: int):
            f = np.stack([cover(c.frame(i)[..., :3], w, h) for i in range(start, start + count)])
            return torch.from_numpy(f).permute(3, 0, 1, 2)[None] * 2 - 1

        def masks_of(c, start: int, count: int):
            f = np.stack([cover(_channels(c.frame(i)), w, h) for i in range(start, start + count)])
            return torch.from_numpy(colour_mask(f, bg)).permute(0, 3, 1, 2)
        before = None
        if previous is not None:  # the earlier take's last frames, held as this take's first (its history)
            prior = as_clip(previous)
            if len(prior) == 0:
                raise SCAILError(f"{TITLE}: 'previous' has no frames: connect the earlier take, or nothing")
            k = min(int(p.overlap), len(prior))
            before = frames_of(prior, len(prior) - k, k)
            ctx.info(f"continuing 'previous': its last {k} frames held as the take's first")
        plan = segments(n, int(p.window), int(p.overlap))
        ctx.info(f"{n} frames at {w}x{h}, {p.mode} mode, in {len(plan)} segment{'s' if len(plan) > 1 else ''} of "
                 f"{p.window}" + (f", each after the first continuing from the last {p.overlap} frames made"
                                  if len(plan) > 1 else ""))
        text = prompt if isinstance(prompt, str) and prompt.strip() else p.prompt
        kwargs = dict(reference=ref, driving=FramesReader(clip, frames_of, f"{w}x{h}"),
                      driving_mask=FramesReader(dmask, masks_of, f"{w}x{h} on {bg}") if dmask is not None else None,
                      reference_mask=rmask, replace=replace, prompt=text, negative_prompt=p.negative_prompt or None,
                      window=int(p.window), overlap=int(p.overlap), num_inference_steps=self.steps,
                      guidance_scale=float(p.guidance), num_frames=n, height=h, width=w, previous=before)
        kwargs["take"] = OwnTake(ctx, s, (n, h, w), len(plan), "written segment by segment", kwargs)
        return Call(kwargs, n, clip.fps if clip.fps > 0 else 16.0, (w, h), self.steps, loops=len(plan))

    def finish(self, ctx, s, clip, c: Call, **inputs):
        c.kwargs["take"].finish()
        return {"video": clip}

    def _checked(self, p, clip, driving_mask) -> tuple[int, int, int, bool]:
        """(frames, width, height, replace), refused in words before anything large is made."""
        w, h = int(p.width), int(p.height)
        if w % 32 or h % 32:
            raise SCAILError(f"{TITLE}: the size {w}x{h} must be multiples of 32 (SCAIL-2 reads the driving video at "
                             "half size, in 2x2 patches)")
        window, overlap = int(p.window), int(p.overlap)
        if (window - 1) % 4 or overlap >= window:
            raise SCAILError(f"{TITLE}: 'window' is {window} and 'overlap' {overlap}: the window must be 4k + 1 (the "
                             "release's 81) and longer than the overlap (its 5)")
        if len(clip) == 0:
            raise SCAILError(f"{TITLE}: the driving video has no frames")
        n = int(p.frames) or len(clip)
        if n > len(clip):
            raise SCAILError(f"{TITLE}: 'frames' is {n}, but the driving video has {len(clip)}: set it to "
                             f"{len(clip)} or fewer (0: all)")
        replace = p.mode == "replace"
        if replace and driving_mask is None:
            raise SCAILError(f"{TITLE}: replace mode needs 'driving_mask' (the person to replace, e.g. from Segment): "
                             "connect it, or set mode to animate")
        return n, w, h, replace


def _channels(frame: np.ndarray) -> np.ndarray:
    return frame[..., None] if frame.ndim == 2 else frame

"""SteadyDancer: the person of a reference image animated by a pose video (drawn skeletons, e.g. from Draw Pose),
the reference kept as the first frame, by SteadyDancer (pipeline.py, after MCG-NJU/SteadyDancer's
generate_dancer.py) on Wan 2.1 I2V 14B.

ComfyUI's WanVideoWrapper reads the same things: WanVideoImageToVideoEncode's start image (here 'reference'),
WanVideoEncode of the pose images into WanVideoAddSteadyDancerEmbeds's 'pose_latents_positive' (here 'pose')
and 'pose_latents_negative' (here 'negative_pose'), the CLIP vision embeds of the reference and of the first
pose frame (made here from those), width, height, num_frames.

Everything the node is given is checked before the model allocates anything: the model (a SteadyDancer file),
the size (multiples of 16), the pose videos' lengths."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Float, Int, Text
from studio.core.spec import In, Out

from ...sampling.one_call import RUN, Call, OneCallNode, shared
from .family import PIPELINE

TITLE = "Steady Dancer"  # (the palette wraps a name at its spaces: one 12-letter word was cut at 1024x700)


class SteadyDancerError(StudioError):
    pass


def cover(img: np.ndarray, w: int, h: int) -> np.ndarray:
    """[h, w, 3] float32: ``img`` scaled to cover w x h (bicubic, as the release resizes) and its centre cut."""
    import cv2
    ih, iw = img.shape[:2]
    s = max(w / iw, h / ih)
    nw, nh = max(w, int(round(iw * s))), max(h, int(round(ih * s)))
    x = cv2.resize(np.ascontiguousarray(img[..., :3], dtype=np.float32), (nw, nh), interpolation=cv2.INTER_CUBIC)
    top, left = (nh - h) // 2, (nw - w) // 2
    return np.clip(x[top:top + h, left:left + w], 0.0, 1.0)


class SteadyDancer(OneCallNode):
    """Animate the person of a reference image with SteadyDancer: the pose video (drawn skeletons, as Draw Pose draws
    them) gives the motion, the reference stays the first frame. Connect Load Video Model (the SteadyDancer file
    with umt5_xxl, wan_2.1_vae and clip_vision_h), the reference image and the pose video; a negative pose video
    (the pose drawn with augmentation, as the release's preprocessing makes it) adds the release's pose guidance.
    The call is made by the one Sampler (sampling/one_call.py): previews, kept steps, resume after a Stop."""
    id = "video_models.steady_dancer"
    title = TITLE
    code_version = 1
    keywords = ("steadydancer", "steady dancer", "dance", "pose animation", "animate image", "motion transfer", "wan")
    rate_ports = ("pose",)  # (no 'fps' setting: its take has that clip's rate, 16 where it has none)
    family_key, pipelines, error = "wan_steady", (PIPELINE,), SteadyDancerError
    wanted, how = "SteadyDancer", "load Wan21_SteadyDancer_fp16.safetensors (or the release's file) with umt5_xxl, " \
        "wan_2.1_vae and clip_vision_h in Load Video Model"
    inputs = (In("model", "Video Model", help="a SteadyDancer model (Wan21_SteadyDancer with umt5_xxl, wan_2.1_vae and "
                                              "clip_vision_h)"),
              In("reference", "Image", help="the person to animate (a still; a clip's first frame)"),
              In("pose", "Video", help="the pose video: the motion as drawn skeletons"),
              In("negative_pose", "Video", optional=True,
                 help="the negative pose video (the pose drawn with augmentation) for the pose guidance"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a person dancing"),
              Text("negative_prompt", "", help="used with guidance above 1"),
              Int("frames", 0, min=0, max=10_000, special="the pose video's length",
                  help="0: as long as the pose video; else its first frames"),
              *shared("steps", "guidance",
                      steps={"default": 50, "help": "denoising steps (the release's 50)"},
                      guidance={"default": 5.0, "help": "classifier-free guidance (the release's 5; 1: none)"}),
              Float("pose_guidance", 1.5, min=0.0, max=20.0,
                    help="the negative pose's guidance (the release's condition_guide_scale 1.5); used with a "
                         "negative pose video"),
              Float("pose_guidance_start", 0.1, min=0.0, max=1.0,
                    help="the pose guidance acts on the steps after this fraction (the release's 0.1)"),
              Float("pose_guidance_end", 0.4, min=0.0, max=1.0,
                    help="and before this fraction (the release's 0.4)"),
              Float("pose_strength_spatial", 1.0, min=0.0, max=100.0,
                    help="the pose's per-frame refinement scaled (kijai's WanVideoWrapper's; 1: the release)"),
              Float("pose_strength_temporal", 1.0, min=0.0, max=100.0,
                    help="the pose's refinement across frames scaled (kijai's WanVideoWrapper's; 1: the release)"),
              Int("width", 480, min=16, max=4096, help="a multiple of 16"),
              Int("height", 832, min=16, max=4096, help="a multiple of 16")) + shared(*RUN)

    @classmethod
    def preflight(cls, params, base_dir):
        """The size, refused at validation (before a run)."""
        w, h = int(params.get("width", 480)), int(params.get("height", 832))
        if w % 16 or h % 16:
            return [f"the size {w}x{h} must be multiples of 16 (the VAE's 8 and the 2x2 patches)"]
        return []

    def call(self, ctx, s, reference, pose, negative_pose=None, prompt=None) -> Call:
        import torch

        from studio.engine.clip import as_clip

        from ...sampling.generators import output_size
        from ..wan.own_take import OwnTake
        p = ctx.params
        clip = as_clip(pose)
        neg = as_clip(negative_pose) if negative_pose is not None else None
        n, w, h = self._checked(p, clip, neg)
        w, h = output_size(ctx, s, w, h, None, self.preview)  # 'preview size': smaller, said
        still = reference.frame(0) if hasattr(reference, "frame") else np.asarray(reference)
        ref = torch.from_numpy(cover(still, w, h)).permute(2, 0, 1)[None] * 2 - 1

        def frames_of(c):
            f = np.stack([cover(c.frame(i), w, h) for i in range(n)])
            return torch.from_numpy(f).permute(3, 0, 1, 2)[None] * 2 - 1
        if neg is None:
            ctx.info(f"{TITLE}: no negative pose video: the pose guidance (the release's second guidance, from an "
                     "augmented pose drawing) is not applied")
        ctx.info(f"{n} frames at {w}x{h}")
        text = prompt if isinstance(prompt, str) and prompt.strip() else p.prompt
        kwargs = dict(reference=ref, pose=frames_of(clip), negative_pose=frames_of(neg) if neg is not None else None,
                      prompt=text, negative_prompt=p.negative_prompt or None, num_inference_steps=self.steps,
                      guidance_scale=float(p.guidance), condition_guidance_scale=float(p.pose_guidance),
                      condition_start=float(p.pose_guidance_start), condition_end=float(p.pose_guidance_end),
                      pose_strength_spatial=float(p.pose_strength_spatial),
                      pose_strength_temporal=float(p.pose_strength_temporal),
                      num_frames=n, height=h, width=w)
        kwargs["take"] = OwnTake(ctx, s, (n, h, w), 1, "written when made", kwargs)
        return Call(kwargs, n, clip.fps if clip.fps > 0 else 16.0, (w, h), self.steps)

    def finish(self, ctx, s, clip, c: Call, **inputs):
        c.kwargs["take"].finish()
        return {"video": clip}

    def _checked(self, p, clip, neg) -> tuple[int, int, int]:
        """(frames, width, height), refused in words before anything large is made."""
        w, h = int(p.width), int(p.height)
        if w % 16 or h % 16:
            raise SteadyDancerError(f"{TITLE}: the size {w}x{h} must be multiples of 16 (the VAE's 8 and the 2x2 "
                                    "patches)")
        if len(clip) == 0:
            raise SteadyDancerError(f"{TITLE}: the pose video has no frames")
        n = int(p.frames) or len(clip)
        if n > len(clip):
            raise SteadyDancerError(f"{TITLE}: 'frames' is {n}, but the pose video has {len(clip)}: set it to "
                                    f"{len(clip)} or fewer (0: all)")
        if neg is not None and len(neg) < n:
            raise SteadyDancerError(f"{TITLE}: the negative pose video has {len(neg)} frames, the take {n}: give one "
                                    "as long as the pose video")
        if not 0.0 <= float(p.pose_guidance_start) <= float(p.pose_guidance_end) <= 1.0:
            raise SteadyDancerError(f"{TITLE}: 'pose_guidance_start' ({p.pose_guidance_start:g}) must not be after "
                                    f"'pose_guidance_end' ({p.pose_guidance_end:g})")
        return n, w, h

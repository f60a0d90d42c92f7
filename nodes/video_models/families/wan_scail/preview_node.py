"""SCAIL-Preview Character: a reference character moved as a pose drawing moves, by SCAIL-Preview (zai-org/SCAIL's
14B preview; preview.py after its release's sample_video.py). The pose drawing is the release's SCAIL-Pose render
(NLF's 3D pose drawn as coloured limbs; the WanVideoWrapper's RenderNLFPoses): the model was trained on those
drawings, and a drawing of another kind (a 2D skeleton) is not what it reads.

The WanVideoWrapper's WanVideoAddSCAILReferenceEmbeds + WanVideoAddSCAILPoseEmbeds take the same things: 'ref_image'
(here 'reference'), 'pose_images' ('pose': given at half the size there, at the take's size here, halved by the
pipeline as the release does), WanVideoEmptyEmbeds' width, height and num_frames.

Everything the node is given is checked before the model allocates anything: the model (a SCAIL-Preview file), the
size (multiples of 32), the clip's length, the segments."""
from __future__ import annotations

import numpy as np

from studio.core.params import Int, Text
from studio.core.spec import In, Out

from ...sampling.one_call import RUN, Call, OneCallNode, shared
from .conditioning import OVERLAP, WINDOW, segments
from .node import SCAILError, cover
from .family import PREVIEW_PIPELINE

TITLE = "SCAIL-Preview Character"


class SCAILPreviewCharacter(OneCallNode):
    """Move a character as a pose drawing moves, with SCAIL-Preview: the reference image's character (on its own
    background) takes each frame's pose. Connect Load Video Model (the SCAIL-Preview file, e.g. the WanVideoWrapper's
    Wan21-14B-SCAIL-preview, with umt5_xxl, wan_2.1_vae and clip_vision_h), the reference image and the pose drawing
    (SCAIL-Pose's NLF render of the driving video). The call is made by the one Sampler (sampling/one_call.py):
    previews, kept steps and segments, resume after a Stop."""
    id = "video_models.scail_preview"
    title = TITLE
    code_version = 1
    keywords = ("scail", "scail-preview", "pose", "nlf", "animate character", "motion transfer", "wan")
    rate_ports = ("pose",)  # the take has the pose clip's rate (16 where it has none)
    family_key, pipelines, error = "wan_scail", (PREVIEW_PIPELINE,), SCAILError
    wanted, how = "SCAIL-Preview", "load Wan21-14B-SCAIL-preview (the WanVideoWrapper's file) with umt5_xxl, " \
        "wan_2.1_vae and clip_vision_h in Load Video Model"
    inputs = (In("model", "Video Model", help="a SCAIL-Preview model (Wan21-14B-SCAIL-preview with umt5_xxl, "
                                              "wan_2.1_vae and clip_vision_h)"),
              In("reference", "Image", help="the character (a still; a clip's first frame)"),
              In("pose", "Video", help="the pose drawing: SCAIL-Pose's NLF render of the driving video (coloured 3D "
                                       "limbs on black), at any size (cut and scaled to the take's)"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a person moving naturally", help="the release is trained on long detailed prompts"),
              Text("negative_prompt", "", help="used with guidance above 1 (the release's: empty)"),
              Int("frames", 0, min=0, max=100_000, special="the pose clip's length",
                  help="0: as long as the pose clip; else its first frames"),
              Int("window", WINDOW, min=5, max=401,
                  help="frames per pass (4k + 1); the release makes one pass of 81 (5 s): a longer take is made in "
                       "segments, each continuing from the last 'overlap' frames of the one before (SCAIL-2's way; the "
                       "preview's release has no segments)"),
              Int("overlap", OVERLAP, min=1, max=64, help="frames each segment carries from the one before"),
              *shared("steps", "guidance",
                      steps={"default": 50, "help": "denoising steps per segment (the release's 50; the "
                                                    "WanVideoWrapper's example: 6, with the lightx2v LoRA)"},
                      guidance={"default": 4.0, "help": "classifier-free guidance over the prompt (the release's 4; "
                                                        "1: none, as the wrapper's example with its LoRA)"}),
              Int("width", 512, min=32, max=4096, help="a multiple of 32 (the release's 512)"),
              Int("height", 896, min=32, max=4096, help="a multiple of 32 (the release's 896)")) + shared(*RUN)

    @classmethod
    def preflight(cls, params, base_dir):
        """The size and the segments, refused at validation (before a run)."""
        said = (_size_words(int(params.get("width", 512)), int(params.get("height", 896))),
                _window_words(int(params.get("window", WINDOW)), int(params.get("overlap", OVERLAP))))
        return [w for w in said if w]

    def call(self, ctx, s, reference, pose, prompt=None) -> Call:
        import torch

        from studio.engine.clip import as_clip

        from ...sampling.generators import output_size
        from ..wan.own_take import FramesReader, OwnTake
        p = ctx.params
        clip = as_clip(pose)
        n, w, h = self._checked(p, clip)
        w, h = output_size(ctx, s, w, h, None, self.preview)  # 'preview size': smaller, said
        still = reference.frame(0) if hasattr(reference, "frame") else np.asarray(reference)
        ref = torch.from_numpy(cover(still[..., :3], w, h)).permute(2, 0, 1)[None] * 2 - 1

        def frames_of(c, start: int, count: int):
            f = np.stack([cover(c.frame(i)[..., :3], w, h) for i in range(start, start + count)])
            return torch.from_numpy(f).permute(3, 0, 1, 2)[None] * 2 - 1
        plan = segments(n, int(p.window), int(p.overlap))
        ctx.info(f"{n} frames at {w}x{h} in {len(plan)} segment{'s' if len(plan) > 1 else ''} of {p.window}" +
                 (f", each after the first continuing from the last {p.overlap} frames made (SCAIL-2's way: "
                  "SCAIL-Preview's release makes one pass)" if len(plan) > 1 else ""))
        text = prompt if isinstance(prompt, str) and prompt.strip() else p.prompt
        kwargs = dict(reference=ref, driving=FramesReader(clip, frames_of, f"{w}x{h}"), driving_mask=None,
                      reference_mask=None, replace=False, prompt=text,  # (SCAIL-2's animate mode, no masks)
                      negative_prompt=p.negative_prompt or None, window=int(p.window), overlap=int(p.overlap),
                      num_inference_steps=self.steps, guidance_scale=float(p.guidance), num_frames=n, height=h,
                      width=w)
        kwargs["take"] = OwnTake(ctx, s, (n, h, w), len(plan), "written segment by segment", kwargs)
        return Call(kwargs, n, clip.fps if clip.fps > 0 else 16.0, (w, h), self.steps, loops=len(plan))

    def finish(self, ctx, s, clip, c: Call, **inputs):
        c.kwargs["take"].finish()
        return {"video": clip}

    def _checked(self, p, clip) -> tuple[int, int, int]:
        """(frames, width, height), refused in words before anything large is made."""
        w, h = int(p.width), int(p.height)
        said = _size_words(w, h) or _window_words(int(p.window), int(p.overlap))
        if said:
            raise SCAILError(f"{TITLE}: {said}")
        if len(clip) == 0:
            raise SCAILError(f"{TITLE}: the pose clip has no frames")
        n = int(p.frames) or len(clip)
        if n > len(clip):
            raise SCAILError(f"{TITLE}: 'frames' is {n}, but the pose clip has {len(clip)}: set it to {len(clip)} or "
                             "fewer (0: all)")
        return n, w, h


def _size_words(w: int, h: int) -> str:
    return f"the size {w}x{h} must be multiples of 32 (SCAIL-Preview reads the pose at half size, in 2x2 patches)" \
        if w % 32 or h % 32 else ""


def _window_words(window: int, overlap: int) -> str:
    return (f"'window' is {window} and 'overlap' {overlap}: the window must be 4k + 1 (the release's 81) and longer "
            "than the overlap") if (window - 1) % 4 or overlap >= window else ""

"""CogVideoX Fun Control: a video made from a control clip (pose, depth, edges, a line drawing: Studio's Pose,
Depth and Edges nodes make them) and a prompt, by a CogVideoX Fun Control folder (alibaba-pai's
CogVideoX-Fun-*-Control, saved as diffusers' ``CogVideoXFunControlPipeline``: pipelines/cogvideo/
pipeline_cogvideox_fun_control.py in diffusers 0.42.1). Its transformer reads the noise and the control
clip's VAE latents side by side on its channels (``in_channels`` twice the latents'); the take is as long as
the control clip given it (4k + 1 frames; 8k + 1 decode to exactly that many, others a few more, cut) and
made in one call by the one Sampler (sampling/one_call.py: previews, Stop inside a step, progress and
estimates as every generator's).

Everything is checked before the call: the model (a Fun Control folder), the control clip (long enough), the
frame count (4k + 1) and the size (multiples of 16, the control clip's own by default)."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Text
from studio.core.spec import In, Out

from ...sampling.generators import prompt_of
from ...sampling.one_call import RUN, Call, OneCallNode, clip_take_settings, shared

PIPELINE = "CogVideoXFunControlPipeline"
FPS = 8.0  # CogVideoX's frame rate


class FunControlError(StudioError):
    pass


class CogVideoXFunControl(OneCallNode):
    """Make a clip that follows a control clip with CogVideoX Fun Control: connect Load Video Model (a diffusers
    CogVideoX Fun Control folder) and the control clip (Pose, Depth, Edges, as the model was trained on). The
    take is as long as the control clip (or 'frames' of it)."""
    id = "video_models.cogvideox_fun_control"
    title = "CogVideoX Fun Control"
    keywords = ("cogvideox", "fun", "control", "controlnet", "pose", "depth", "edges", "canny", "videox-fun")
    family_key, pipelines, error = "cogvideox", (PIPELINE,), FunControlError
    wanted, how = "CogVideoX Fun Control", "load a diffusers CogVideoX Fun Control folder in Load Video Model"
    inputs = (In("model", "Video Model", help="a diffusers CogVideoX Fun Control folder"),
              In("control", "Video", help="the control clip (pose, depth or edges) the take follows"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a dancer in a red dress on a stage, cinematic"),
              Text("negative_prompt", ""),
              *clip_take_settings("the control clip", "frames to make (4k + 1, the release's 49) from the control "
                                                      "clip's first; 0: the clip's own")) + \
        shared("steps", "guidance", steps={"default": 50, "help": "denoising steps (the pipeline's 50)"},
               guidance={"default": 6.0, "help": "classifier-free guidance (the pipeline's 6)"}) + shared(*RUN)

    def call(self, ctx, s, control, prompt=None) -> Call:
        from studio.engine.clip import as_clip

        from ...base.calls import clip_take, to_pil
        p = ctx.params
        clip = as_clip(control)
        n, w, h = clip_take(self.title, clip, p.frames, p.width, p.height, 16, FunControlError)
        if (n - 1) % 4:
            k = (n - 1) // 4 * 4 + 1
            raise FunControlError(f"{self.title}: {n} frames: CogVideoX makes 4k + 1 frames; set frames to {k}"
                                  + (f" or {k + 4}" if k + 4 <= len(clip) else ""))
        frames = [to_pil(np.asarray(clip.frame(i), np.float32)) for i in range(n)]
        ctx.info(f"{n} frames at {w}x{h}, following the control clip")
        # a take of an even number of latent frames decodes to more frames than asked (the VAE's time
        # upsampling keeps a first frame alone only when the count is odd): the first n are the take
        return Call({"control_video": frames, "prompt": prompt_of(ctx, prompt),
                     "negative_prompt": p.negative_prompt or None, "height": h, "width": w,
                     "num_inference_steps": self.steps, "guidance_scale": float(p.guidance)},
                    n, FPS, (w, h), self.steps)

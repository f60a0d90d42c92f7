"""EasyAnimate Control: a video made from a control clip (pose, depth, edges: Studio's Pose, Depth and Edges nodes
make them), a prompt and, if given, a reference image, by an EasyAnimate V5.1 Control folder: diffusers'
``EasyAnimateControlPipeline`` (pipelines/easyanimate/pipeline_easyanimate_control.py in diffusers 0.42.1). Its
transformer reads the control clip's and the reference image's VAE latents beside the noise on its channels
(``in_channels`` three times the latents'); the take is as long as the control clip given it (4k + 1 frames)
and made in one call.

Two mends make diffusers 0.42.1's pipeline run at all, each put on the loaded pipeline only while diffusers lacks
it (:func:`mend`), copying none of it: its ``__call__`` passes ``encode_prompt`` a ``text_encoder_index`` that
this pipeline's encode_prompt does not take (a TypeError before the first step: diffusers issue 13638), and then
decodes with ``self.decode_latents``, which the pipeline no longer has (diffusers pull request 10626 moved the
decode into its siblings' ``__call__`` and removed the method, the call to it left). The first is given an
``encode_prompt`` that drops the index (the pipeline has one text encoder: index 0 is it); the second the decode
the method had in that pull request and the siblings do inline (the latents over the VAE's scaling factor,
decoded).

Everything is checked before the call: the model (a Control folder), the control clip (long enough), the frame
count (4k + 1) and the size (multiples of 16, the control clip's own by default)."""
from __future__ import annotations

import inspect

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Float, Int, Seed, Text
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.stack import fresh_stack

from ...loading.node import CATEGORY

PIPELINE = "EasyAnimateControlPipeline"
FPS = 8.0  # EasyAnimate's frame rate (the family's)


class EasyAnimateControlError(StudioError):
    pass


def mend(pipe) -> None:
    """``pipe`` (an EasyAnimateControlPipeline) given what diffusers 0.42.1's ``__call__`` asks of it and it
    lacks (module docstring): nothing where diffusers has it already."""
    enc = pipe.encode_prompt
    if "text_encoder_index" not in inspect.signature(enc).parameters:
        def encode_prompt(*args, text_encoder_index: int = 0, **kwargs):
            return enc(*args, **kwargs)  # one text encoder: index 0 is the only one
        encode_prompt.mended = True
        pipe.encode_prompt = encode_prompt
    if not hasattr(pipe, "decode_latents"):
        def decode_latents(latents):
            return pipe.vae.decode(latents / pipe.vae.config.scaling_factor, return_dict=False)[0]
        pipe.decode_latents = decode_latents


class EasyAnimateControl(Node):
    """Make a clip that follows a control clip with EasyAnimate: connect Load Video Model (a diffusers
    EasyAnimate V5.1 Control folder) and the control clip (Pose, Depth, Edges, as the model was trained on);
    a reference image, if connected, is what the take's first frame looks like. The take is as long as the
    control clip (or 'frames' of it)."""
    id = "video_models.easyanimate_control"
    title = "EasyAnimate Control"
    category = CATEGORY
    timing = CLIP
    keywords = ("easyanimate", "control", "controlnet", "pose", "depth", "edges", "canny", "reference")
    inputs = (In("model", "Video Model", help="a diffusers EasyAnimate V5.1 Control folder"),
              In("control", "Video", help="the control clip (pose, depth or edges) the take follows"),
              In("image", "Image", optional=True, help="a reference image: what the take's first frame looks like"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a dancer in a red dress on a stage, cinematic"),
              Text("negative_prompt", ""),
              Int("frames", 0, min=0, max=10_000, special="the control clip's length",
                  help="frames to make (4k + 1, the release's 49) from the control clip's first; 0: the clip's own"),
              Int("width", 0, min=0, max=4096, special="the control clip's", help="a multiple of 16"),
              Int("height", 0, min=0, max=4096, special="the control clip's", help="a multiple of 16"),
              Int("steps", 50, min=1, max=500, help="denoising steps (the pipeline's 50)"),
              Float("guidance", 5.0, min=0.0, max=30.0, help="classifier-free guidance (the pipeline's 5)"),
              Seed("seed", 0))

    def run(self, ctx, model, control, image=None, prompt=None):
        import torch

        from studio.engine.clip import ArrayClip, as_clip

        from ...base.calls import clip_take
        p = ctx.params
        pipe = self._pipeline(model)
        clip = as_clip(control)
        n, w, h = clip_take(self.title, clip, p.frames, p.width, p.height, 16, EasyAnimateControlError)
        if (n - 1) % 4:
            k = (n - 1) // 4 * 4 + 1
            raise EasyAnimateControlError(f"{self.title}: {n} frames: EasyAnimate makes 4k + 1 frames; set frames to "
                                          f"{k}" + (f" or {k + 4}" if k + 4 <= len(clip) else ""))
        frames = np.stack([np.asarray(clip.frame(i), np.float32)[..., :3] for i in range(n)])
        video = torch.from_numpy(frames).permute(3, 0, 1, 2)[None]  # (1, C, T, H, W) in 0..1, as diffusers takes it
        more = {}
        if image is not None:
            from ...base.calls import to_pil
            still = np.asarray(to_pil(image.frame(0) if hasattr(image, "frame") else image), np.float32) / 255.0
            more["ref_image"] = torch.from_numpy(still).permute(2, 0, 1)[None, :, None]  # (1, C, 1, H, W)
        text = prompt if isinstance(prompt, str) and prompt.strip() else p.prompt
        steps = int(p.steps)
        ctx.info(f"{n} frames at {w}x{h}, following the control clip" + (", from the reference image" if more else ""))

        def on_step(_pipe, i, _t, kw):
            ctx.check_cancelled()
            ctx.progress(i + 1, steps)
            return kw
        with torch.inference_mode():  # no autograd records, the call in a stack chunk of its own (stack.py)
            out = fresh_stack(pipe, control_video=video, prompt=text, negative_prompt=p.negative_prompt,
                              num_frames=n, height=h, width=w, num_inference_steps=steps,
                              guidance_scale=float(p.guidance), generator=ctx.torch_generator(device="cpu"),
                              output_type="np", callback_on_step_end=on_step, **more).frames[0]
        return {"video": ArrayClip(np.clip(np.asarray(out[:n], np.float32), 0, 1), FPS)}

    def _pipeline(self, model):
        from ...loading.inputs import video_model_input
        ref = video_model_input(model)
        if type(ref.module).__name__ != PIPELINE:
            raise EasyAnimateControlError(f"{self.title}: the model '{ref.path}' is {ref.variant or ref.fam.title}, "
                                          "not EasyAnimate Control: load a diffusers EasyAnimate V5.1 Control folder "
                                          "in Load Video Model")
        mend(ref.module)
        return ref.module

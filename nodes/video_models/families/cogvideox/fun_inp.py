"""CogVideoX-Fun InP: text, image (a start image, and an end image too) and video to video with alibaba-pai's
CogVideoX-Fun-V1.1-2b / 5b-InP and V1.5-5b-InP (VideoX-Fun's releases: a diffusers folder, its transformer reading
an inpaint mask and the masked video's latents beside the noise). Its pipeline is fun_inp_pipeline.py (after
VideoX-Fun's; diffusers has none); the take is made in one call by the one Sampler (sampling/one_call.py:
previews, Stop inside a step, progress and estimates as every generator's).

What is wired decides the task: nothing (text to video), 'image' (its first frame kept; 'last_image' too: its
last), or 'video' (the clip made again from its latents noised to 'strength' of the schedule). Everything is
checked before the model is read: the model (an InP transformer, ``2 * latents + 1`` channels in), the inputs,
the frame count (4k + 1) and the size (multiples of 16)."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Float, Int, Text
from studio.core.spec import In, Out

from ...sampling.generators import output_size, prompt_of
from ...sampling.one_call import RUN, Call, OneCallNode, shared

PIPELINE = "CogVideoXFunInpaintPipeline"  # fun_inp_pipeline.py's, made from the loaded folder's parts
TASK = "fun_inp"  # its pipeline among the model's task pipelines (the loaded components shared)
FPS = 8.0  # CogVideoX's frame rate


class FunInPError(StudioError):
    pass


def inp_pipeline(ref):
    """The model's CogVideoXFunInpaintPipeline, made once from the loaded folder's own components and kept with its
    task pipelines, with the CPU-offload hooks moved onto it when the model is offloaded."""
    from .fun_inp_pipeline import CogVideoXFunInpaintPipeline
    pipes = ref.shared.pipes
    pipe = pipes.get(TASK)
    if pipe is None:
        base = ref.own_pipeline()
        pipe = CogVideoXFunInpaintPipeline(**{k: base.components[k] for k in
                                              ("tokenizer", "text_encoder", "vae", "transformer", "scheduler")})
        pipe.set_progress_bar_config(disable=True)
        pipes[TASK] = pipe
    else:
        ref.own_pipeline()  # (its text encoder loaded, where it waited)
    if ref.offload:
        ref.move_offload_hooks(TASK)
    return pipe


def _frame(x) -> np.ndarray:
    return np.asarray(x.frame(0) if hasattr(x, "frame") else x, np.float32)[..., :3]


def _resized(img: np.ndarray, w: int, h: int) -> np.ndarray:
    """``img`` at ``w`` x ``h`` (the reference resizes its images to the take's size: PIL's bicubic)."""
    from PIL import Image

    from ...base.calls import to_pil
    if img.shape[1] == w and img.shape[0] == h:
        return img
    return np.asarray(to_pil(img).resize((w, h), Image.BICUBIC), np.float32) / 255.0


class CogVideoXFunInP(OneCallNode):
    """Make a clip with a CogVideoX-Fun InP model (VideoX-Fun's CogVideoX-Fun-*-InP folder in Load Video Model):
    from the prompt alone, from a start image (and an end image), or from a clip made again (video to video)."""
    id = "video_models.cogvideox_fun_inp"
    title = "CogVideoX Fun InP"
    keywords = ("cogvideox", "fun", "inp", "inpaint", "videox-fun", "image to video", "first last frame",
                "video to video", "text to video")
    family_key, error = "cogvideox", FunInPError
    wanted, how = "a CogVideoX-Fun InP model", "load VideoX-Fun's CogVideoX-Fun-*-InP folder in Load Video Model"
    inputs = (In("model", "Video Model", help="VideoX-Fun's CogVideoX-Fun-*-InP folder"),
              In("image", "Image", optional=True, help="the first frame (image to video)"),
              In("last_image", "Image", optional=True, help="the last frame, with a first one"),
              In("video", "Video", optional=True, help="a clip to make again (video to video)"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a fox running through snow, cinematic"),
              Text("negative_prompt", ""),
              Int("frames", 49, min=1, max=10_000, help="frames to make (4k + 1; the release's 49; V1.5 4k + 1 with "
                                                        "an even latent count: 45, 53, 85...)"),
              Int("width", 0, min=0, max=4096, special="the input's (the model's own with none)",
                  help="a multiple of 16"),
              Int("height", 0, min=0, max=4096, special="the input's (the model's own with none)",
                  help="a multiple of 16"),
              Float("strength", 0.7, min=0.01, max=1.0, help="video to video: how much of the schedule runs from "
                                                             "the clip (1: the clip is not read)")) + \
        shared("steps", "guidance", steps={"default": 50, "help": "denoising steps (the release's 50)"},
               guidance={"default": 6.0, "help": "classifier-free guidance (the release's 6)"}) + shared(*RUN)

    def pipeline_of(self, ref):
        return inp_pipeline(ref)

    def model_ref(self, model):
        """A CogVideoX model whose transformer is an InP one, else one sentence naming the node, before any
        pipeline is made."""
        from ...loading.inputs import not_this_model, video_model_input
        from .fun_inp_pipeline import is_inp
        ref = video_model_input(model)
        parts = getattr(ref.module, "components", {}) or {}
        if ref.fam.key != self.family_key or not is_inp(parts.get("transformer"), parts.get("vae")):
            raise not_this_model(self.title, ref, self.wanted, self.how, self.error)
        return ref

    def prepared(self, ctx, ref, inputs: dict):
        """What is wired, checked before the pipeline is made."""
        if inputs.get("video") is not None and inputs.get("image") is not None:
            raise FunInPError(f"{self.title}: connect a start image or a clip to make again, not both")
        if inputs.get("last_image") is not None and inputs.get("image") is None:
            raise FunInPError(f"{self.title}: a last image needs a first one: connect 'image' too")
        return ref

    def _frames(self, s, n: int) -> int:
        """The frames the call makes: 4k + 1 (refused otherwise); with CogVideoX 1.5's ``patch_size_t`` 2, cut to
        an even count of latent frames, as the reference cuts them."""
        if n < 1 or (n - 1) % 4:
            k = max(1, (n - 1) // 4 * 4 + 1)
            raise FunInPError(f"{self.title}: {n} frames: CogVideoX makes 4k + 1 frames; set frames to {k} or {k + 4}")
        pt = getattr(s.pipe.transformer.config, "patch_size_t", None) or 1
        latent = (n - 1) // 4 + 1
        if latent < pt:
            raise FunInPError(f"{self.title}: {n} frames: this model (CogVideoX 1.5) makes at least {4 * pt - 3}")
        return n - (latent % pt) * 4

    def call(self, ctx, s, image=None, last_image=None, video=None, prompt=None) -> Call:
        p = ctx.params
        asked = int(p.frames)
        clip = None
        if video is not None:
            from studio.engine.clip import as_clip
            clip = as_clip(video)
            asked = min(asked, len(clip)) if p.frames else len(clip)
            if (asked - 1) % 4 and asked > 4:  # a clip's length: its first 4k + 1 frames (VideoX-Fun's sampler
                ctx.info(f"{(asked - 1) // 4 * 4 + 1} of the clip's {asked} frames made again: CogVideoX makes 4k + 1 "
                         "frames")  # rounds its length down so too)
                asked = (asked - 1) // 4 * 4 + 1
        n = self._frames(s, asked)
        if n != asked:
            ctx.info(f"{n} of the {asked} frames asked: CogVideoX-Fun 1.5 makes an even count of latent frames "
                     "(VideoX-Fun's pipeline cuts them so too)")
        if clip is not None:
            like = (clip.width, clip.height)
        elif image is not None:
            first = _frame(image)
            like = (first.shape[1], first.shape[0])
        else:
            t, vae = s.pipe.transformer.config, s.pipe.vae_scale_factor_spatial
            like = (t.sample_width * vae, t.sample_height * vae)
        w, h = output_size(ctx, s, p.width, p.height, like, self.preview)
        kw = {"prompt": prompt_of(ctx, prompt), "negative_prompt": p.negative_prompt or None, "height": h, "width": w,
              "num_frames": n, "num_inference_steps": self.steps, "guidance_scale": float(p.guidance)}
        if clip is not None:  # every pixel made, from the clip's latents noised to 'strength'
            kw.update(video=np.stack([_resized(np.asarray(clip.frame(i), np.float32)[..., :3], w, h)
                                      for i in range(n)]), strength=float(p.strength))
            ctx.info(f"{n} frames at {w}x{h} made again from the clip at strength {p.strength:g}")
        elif image is not None:  # the start image over every frame, its first (and last) kept
            frames = np.repeat(_resized(first, w, h)[None], n, axis=0)
            mask = np.ones((n, h, w), np.float32)
            mask[0] = 0.0
            if last_image is not None:
                frames[-1] = _resized(_frame(last_image), w, h)
                mask[-1] = 0.0
            kw.update(video=frames, mask=mask)
            ctx.info(f"{n} frames at {w}x{h} from the start image" + (" to the last image" if last_image is not None
                                                                        else ""))
        else:
            ctx.info(f"{n} frames at {w}x{h} from the prompt")
        steps = max(1, min(int(self.steps * p.strength), self.steps)) if clip is not None else self.steps  # (run)
        return Call(kw, n, FPS, (w, h), steps, no_resume="CogVideoX-Fun InP's own pipeline keeps no steps yet")

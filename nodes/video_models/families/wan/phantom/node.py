"""Phantom: a clip of the subjects of 1-4 reference pictures (a person, an object, a place), as a prompt tells,
by Phantom-Wan (ByteDance's Phantom 1.3B / 14B: a Wan 2.1 text-to-video model fine-tuned to read reference
pictures as extra latent frames), sampled by pipeline.py after the release's ``subject2video.py``.

Its model is loaded as any Wan 2.1 T2V model (Load Video Model: ComfyUI's Phantom-Wan file with umt5_xxl and
wan_2.1_vae, or the release's weights): Phantom's weights have Wan 2.1 T2V's names and shapes, so Studio cannot
tell them from a plain T2V model's; a plain one does not take the references as its subjects.

ComfyUI's workflows give the same things: ComfyUI's WanPhantomSubjectToVideo ('images', width, height, length),
kijai's WanVideoWrapper's WanVideoPhantomEmbeds ('phantom_latent_1'..'_4', num_frames, 'phantom_cfg_scale': the
image guidance) and the sampler's cfg (the guidance).

The reference pictures are fitted inside the take's size and padded white, as the release's ``load_ref_images``
does; the size, the frames and the model are checked before anything is sampled."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Float, Int, Text
from studio.core.spec import In, Out

from ....sampling.generators import output_size, prompt_of
from ....sampling.one_call import RUN, Call, OneCallNode, shared

TITLE = "Phantom"
TASK = "phantom"  # its pipeline among the model's task pipelines (the loaded components shared)
REFERENCES = ("reference", "reference_2", "reference_3", "reference_4")
MULTIPLE = 16
SHIFT = 5.0  # the release's sample_shift for subject to video (generate.py: 5 at every size)


MOST = 4  # reference pictures Phantom-Wan reads (its releases' examples and the wrapper's inputs: up to 4)


class PhantomError(StudioError):
    pass


def stills(pic) -> list[np.ndarray]:
    """The pictures an input gives: a still, or each frame of a clip (ComfyUI's batch of pictures: several
    references)."""
    if hasattr(pic, "frame"):
        return [np.asarray(pic.frame(i)) for i in range(max(1, len(pic)))]
    a = np.asarray(pic)
    return list(a) if a.ndim == 4 else [a]


def fitted(img: np.ndarray, w: int, h: int) -> np.ndarray:
    """[h, w, 3] float32 in [0, 1]: ``img`` scaled to fit inside w x h keeping its shape (Lanczos, as the release
    resizes) and centred on white (the release's ``load_ref_images``: the padding's odd pixel after)."""
    from PIL import Image
    a = np.asarray(img, np.float32)
    a = np.repeat(a[..., :1], 3, axis=-1) if a.ndim == 3 and a.shape[-1] == 1 else a[..., :3]
    if a.ndim == 2:
        a = np.repeat(a[..., None], 3, axis=-1)
    ih, iw = a.shape[:2]
    if iw / ih > w / h:
        nw, nh = w, int(w / (iw / ih))
    else:
        nw, nh = int(h * (iw / ih)), h
    nw, nh = max(1, min(w, nw)), max(1, min(h, nh))
    pic = Image.fromarray((a.clip(0.0, 1.0) * 255.0).round().astype(np.uint8)).resize((nw, nh), Image.LANCZOS)
    out = np.ones((h, w, 3), np.float32)
    top, left = (h - nh) // 2, (w - nw) // 2
    out[top:top + nh, left:left + nw] = np.asarray(pic, np.float32) / 255.0
    return out


def release_scheduler(scheduler):
    """``scheduler`` at the release's flow shift (:data:`SHIFT`) where it is a flow scheduler of another (Studio's
    scheduler for Wan's ComfyUI files shifts by 3), else itself."""
    if "flow_shift" in scheduler.config and float(scheduler.config.flow_shift) != SHIFT:
        return type(scheduler).from_config(scheduler.config, flow_shift=SHIFT)
    return scheduler


def phantom_pipeline(ref):
    """The model's PhantomPipeline, made from its loaded text-to-video components once (diffusers' from_pipe) and
    kept with its task pipelines; a model read from ComfyUI's files (one file) sampled at the release's flow shift,
    a model folder with the folder's scheduler."""
    import os

    from .pipeline import pipeline_class
    pipe = ref.derived_pipeline(TASK, pipeline_class())
    if os.path.isfile(str(ref.path)):
        pipe.scheduler = release_scheduler(pipe.scheduler)
    return pipe


def refused_model(ref) -> str:
    """Why the Wan model ``ref`` cannot be Phantom's, in words ('' : it can): Phantom-Wan is Wan 2.1 T2V's
    denoiser (16 latent channels in and out, no image tokens) alone."""
    pipe = ref.module
    tr = getattr(pipe, "transformer", None)
    cfg = getattr(tr, "config", None)
    if cfg is None:
        return "it has no Wan denoiser"
    if getattr(pipe, "transformer_2", None) is not None:
        return "it has two experts (Wan 2.2 A14B); Phantom-Wan is one Wan 2.1 T2V denoiser"
    if cfg.get("image_dim") or cfg.get("in_channels") != cfg.get("out_channels"):
        return "its denoiser reads an image's channels or tokens (image to video); Phantom-Wan's is text to video"
    if cfg.get("vace_layers"):
        return "it is a Wan VACE model (its control blocks); Phantom-Wan is Wan 2.1 T2V (the Wan VACE node runs it)"
    if getattr(getattr(pipe, "config", None), "get", lambda k, d=None: d)("expand_timesteps", False):
        return "it is Wan 2.2 TI2V-5B; Phantom-Wan is Wan 2.1 T2V"
    return ""


class Phantom(OneCallNode):
    """Make a clip of the subjects in 1-4 reference pictures with Phantom-Wan: the prompt tells what they do. Load
    the Phantom-Wan file (1.3B or 14B) with umt5_xxl and wan_2.1_vae in Load Video Model. One subject a picture
    reads best; each picture is fitted inside the size and padded white."""
    id = "video_models.phantom"
    title = TITLE
    code_version = 1
    keywords = ("phantom", "phantom-wan", "subject to video", "reference", "identity", "subject consistency",
                "s2v", "wan")
    family_key, error = "wan", PhantomError
    wanted, how = "Phantom-Wan", "load Phantom-Wan's file (Phantom-Wan-14B or 1.3B) with umt5_xxl and wan_2.1_vae"
    needs = "a Phantom-Wan model (a Wan 2.1 T2V denoiser)"
    inputs = (In("model", "Video Model", help="a Phantom-Wan model (Phantom-Wan-14B / 1.3B with umt5_xxl and "
                                              "wan_2.1_vae)"),
              In("reference", "Image", help="a picture of a subject (a clip's first frame)"),
              In("reference_2", "Image", optional=True, help="a second subject's picture"),
              In("reference_3", "Image", optional=True, help="a third subject's picture"),
              In("reference_4", "Image", optional=True, help="a fourth subject's picture"),
              In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a person walks along a beach at sunset"),
              Text("negative_prompt", "", help="used by the guidance passes"),
              Int("frames", 81, min=1, max=1000, help="4k + 1 (others made so and cut back); the release's 81"),
              Int("width", 832, min=16, max=4096, help="a multiple of 16"),
              Int("height", 480, min=16, max=4096, help="a multiple of 16"),
              *shared("steps", "guidance",
                      steps={"default": 50, "help": "denoising steps (the release's 50)"},
                      guidance={"default": 7.5, "help": "the prompt's guidance (the release's guide_scale_text 7.5; "
                                                        "with image_guidance 1 too: one pass a step)"}),
              Float("image_guidance", 5.0, min=0.0, max=30.0,
                    help="the reference pictures' guidance (the release's guide_scale_img 5; the WanVideoWrapper's "
                         "phantom_cfg_scale)"),
              Float("fps", 16.0, min=1.0, max=240.0)) + shared(*RUN)

    @classmethod
    def preflight(cls, params, base_dir):
        """The size, refused at validation (before a run)."""
        w, h = int(params.get("width", 832)), int(params.get("height", 480))
        if w % MULTIPLE or h % MULTIPLE:
            return [f"the size {w}x{h} must be multiples of {MULTIPLE} (the VAE's 8 and the 2x2 patches)"]
        return []

    def pipeline_of(self, ref):
        return phantom_pipeline(ref)

    def prepared(self, ctx, ref, inputs: dict):
        """The model checked (a Wan 2.1 T2V denoiser) before its Phantom pipeline is made."""
        why = refused_model(ref)
        if why:
            from ....loading.inputs import not_this_model
            raise not_this_model(self.title, ref, self.wanted, f"{why}: {self.how}", self.error)
        if "phantom" not in str(ref.path).lower():  # the weights cannot tell (module docstring): its name may
            ctx.info(f"{TITLE}: the model's file name does not say Phantom: Phantom-Wan's weights have Wan 2.1 T2V's "
                     "names and shapes, so Studio runs any such model; a plain Wan 2.1 T2V model does not take the "
                     "reference pictures as its subjects")
        return ref

    def call(self, ctx, s, reference, reference_2=None, reference_3=None, reference_4=None, prompt=None) -> Call:
        import torch

        from ..own_take import OwnTake
        p = ctx.params
        w, h = int(p.width), int(p.height)
        if w % MULTIPLE or h % MULTIPLE:
            raise PhantomError(f"{TITLE}: the size {w}x{h} must be multiples of {MULTIPLE} (the VAE's 8 and the 2x2 "
                               "patches)")
        w, h = output_size(ctx, s, w, h, None, self.preview)  # 'preview size': smaller, said
        pictures = [x for r in (reference, reference_2, reference_3, reference_4) if r is not None for x in stills(r)]
        if len(pictures) > MOST:
            ctx.warn(f"{TITLE}: {len(pictures)} reference pictures given (a clip's frames each one): the first "
                     f"{MOST} are taken, as Phantom-Wan reads up to {MOST}")
            pictures = pictures[:MOST]
        refs = [torch.from_numpy(fitted(still, w, h)).permute(2, 0, 1)[None] * 2 - 1 for still in pictures]
        n = int(p.frames)
        text = prompt_of(ctx, prompt)
        if not text.strip():
            raise PhantomError(f"{TITLE}: no prompt: type one, or connect a Text input")
        shift = s.pipe.scheduler.config.get("flow_shift", s.pipe.scheduler.config.get("shift"))
        ctx.info(f"{TITLE}: {n} frames at {w}x{h} from {len(refs)} reference picture{'s' if len(refs) > 1 else ''} "
                 f"(guidance {float(p.guidance):g}, image guidance {float(p.image_guidance):g}"
                 + (f", flow shift {float(shift):g}" if isinstance(shift, (int, float)) else "") + ")")
        kwargs = dict(references=refs, prompt=text, negative_prompt=p.negative_prompt or None,
                      num_inference_steps=self.steps, guidance_scale=float(p.guidance),
                      image_guidance_scale=float(p.image_guidance), num_frames=n, height=h, width=w)
        kwargs["take"] = OwnTake(ctx, s, (n, h, w), 1, "written when made", kwargs)
        return Call(kwargs, n, float(p.fps), (w, h), self.steps)

    def finish(self, ctx, s, clip, c: Call, **inputs):
        c.kwargs["take"].finish()
        return {"video": clip}

"""The generator nodes of the pretrained video models: Image to Video, Text to Video, Video to Video,
on the base every family's own generator node stands on (GeneratorNode: size, frames, steps,
preview size, the prompt, windows).

diffusers is imported only when one of these runs (see sampler.py)."""
from __future__ import annotations

from contextlib import nullcontext

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Bool, Choice, Float, Int, Seed, Text
from studio.core.spec import CLIP, In, Node, Out
from studio.core.values import Features, Keypoints

from ..base.capabilities import FirstLast, Tracks, cost
from ..loading.inputs import video_model_input as _video_model  # one copy: inputs.py
from ..loading.node import CATEGORY
from ..takes.continue_from import CONTINUE_FROM, CONTINUE_PARAMS
from ..takes.keyframes_at import KEY_INPUTS, KEY_PARAMS, first_size
from ..takes.long_take import HOLD_CHOICES, HOLD_HELP, LONG_TAKE_HELP, LONG_TAKES, SCHEDULE_HELP, SCHEDULES
from ..base.drafts import QUALITIES, QUALITY_HELP
from ..base.schedulers import SAMPLER_CHOICES, SAMPLER_HELP, SHIFT_HELP
from ..memory.speed import (ATTENTION_CHOICES, ATTENTION_HELP, CACHE_CHOICES, CACHE_HELP, COMPILE_CHOICES,
                            COMPILE_HELP)

from . import anchor_motion, condition_amplitude, guidance_steps, kept_region, middle_frame, picture_size
from .call_args import told_rate
from .picture_fit import FIT_HELP, FITS, fitted
from . import motion_reference as time_to_move
from .nag_call import NAG_HELP
from .preview_size import PREVIEW_CHOICES, PREVIEW_SIDE, PREVIEW_STEPS, shrunk  # noqa: F401 - PREVIEW_SIDE: its name here

FRAME_TYPES = ("Image", "Video", "Mask")  # inputs whose frames a generator's VAE encodes (its time before F5: an
# image one frame, a clip its foreseen frames, all of a window where not foreseen)


def preview_and_steps(ctx, on_cpu: bool) -> tuple[bool, int]:
    """(sample at preview size, the steps to run). 'preview size' shrinks the picture and the
    steps, never the frames: the clip keeps its length and its timing (a schedule's prompt change
    at frame 60 is still made). Said as information: it is what the setting asks."""
    from studio.engine.previews import mark
    p = ctx.params
    preview = p.preview_size == "always" or (p.preview_size == "on CPU" and on_cpu)
    steps = p.steps
    if preview and p.steps > PREVIEW_STEPS:
        steps = PREVIEW_STEPS
        ctx.info(f"preview size: {PREVIEW_STEPS} steps instead of {p.steps}")
    # the mark Save Video names its file by (studio/engine/previews.py); output_size adds the pixels
    mark(ctx, f"{ctx.title} at {steps} steps instead of {p.steps}" if steps != p.steps else None)
    return preview, steps


def say_frame_rule(ctx, fam, asked: int, made: int, window: int | None = None, asked_window: int = 0) -> None:
    """The family's frame rule (Wan 4k+1, LTX 8k+1), applied once and said once, as information:
    ``made`` frames for the ``asked``; ``window``: the frames a pipeline call makes (rounded up
    from ``asked_window``, or longer than the clip, which is then cut to the frames asked)."""
    a, b = fam.frame_multiple
    if a <= 1:
        return
    rule = f"{fam.title} makes {a}k+{b} frames a call"
    if made != asked:
        ctx.info(f"{rule}: {asked} asked, making {made}")
    elif window is not None and asked_window and window != asked_window:
        ctx.info(f"{rule}: windows of {window} frames ({asked_window} asked)")
    elif window is not None and window > made:
        ctx.info(f"{rule}: {window} are made and the clip cut to the {made} asked")


def output_size(ctx, sampler, width: int, height: int, like: tuple[int, int] | None = None,
          preview: bool = False) -> tuple[int, int]:
    """Width and height for the pipeline: asked (worked out from the input's size where the node's 'size_rule'
    asks: picture_size.py), else the input's, else the pipeline's default; at 'preview size' scaled down to
    PREVIEW_SIDE on the longest side; rounded down to the family's multiple (said when it changes)."""
    from .sampler import call_defaults
    width, height = picture_size.size_of(ctx, width, height, like)
    d = call_defaults(sampler.pipe)
    w = width or (like[0] if like else None) or int(d.get("width") or 512)
    h = height or (like[1] if like else None) or int(d.get("height") or 512)
    m = size_multiple(sampler)
    if preview and max(w, h) > PREVIEW_SIDE:
        pw, ph = shrunk(w, h, m, PREVIEW_SIDE)  # this module's side (tests set it smaller)
        ctx.info(f"preview size: {pw}x{ph} instead of {w}x{h}, every frame kept (set 'preview size' to off for "
                 "the full size)")
        from studio.engine.previews import mark
        steps = ctx.runtime.previews.get(ctx.node_id, "").rpartition(" at ")[2]
        mark(ctx, f"{ctx.title} at {pw}x{ph} instead of {w}x{h}" + (f", {steps}" if steps else ""))
        return pw, ph
    w2, h2 = max(m, w // m * m), max(m, h // m * m)
    if (w2, h2) != (w, h) and (width or height):
        ctx.warn(f"{sampler.fam.title} needs sizes in multiples of {m}: {w}x{h} asked, making {w2}x{h2}")
    elif (w2, h2) != (w, h):  # the input's own size (none asked): an expected rounding, said as information
        ctx.info(f"{sampler.fam.title} makes sizes in multiples of {m}: the input's {w}x{h} made as {w2}x{h2}")
    refuse_past_limits(sampler, width=w2, height=h2)
    return w2, h2


def size_multiple(sampler) -> int:
    """The multiple the loaded pipeline's sides come in: the family's, or the VAE's spatial factor times the
    denoiser's patch where that is larger (Wan 2.2 TI2V 5B: a 16x VAE and 2x2 patches, 32: diffusers' WanPipeline
    makes an 880-wide take 864 wide, so a clip kept outside a mask would encode to another grid; rejudge25b)."""
    m = int(sampler.fam.size_multiple)
    pipe = getattr(sampler, "pipe", None)
    vae = getattr(pipe, "vae_scale_factor_spatial", None)
    patch = getattr(getattr(getattr(pipe, "transformer", None), "config", None), "patch_size", None)
    patch = patch[-1] if isinstance(patch, (tuple, list)) and patch else patch
    if isinstance(vae, int) and isinstance(patch, int) and vae * patch > m and (vae * patch) % m == 0:
        return vae * patch
    return m


def refuse_past_limits(sampler, width: int = 0, height: int = 0, frames: int = 0) -> None:
    """A size or length the family's pipeline cannot take (its declared Limits, read from its loaded VAE) refused
    in words before the call, never the library's padding or tensor-size error."""
    from studio.core.errors import StudioError

    from ..base.capabilities import limits_problem
    why = limits_problem(sampler.fam, sampler.pipe, width, height, frames)
    if why:
        raise StudioError(why)


def prompt_of(ctx, wired) -> str:
    return wired if isinstance(wired, str) and wired.strip() else ctx.params.prompt


WEIGHTS_HELP = ("ComfyUI's prompt weights are read: '(words:1.3)', '(words)' x1.1 (nested: multiplied), '\\(' a "
                "parenthesis. Applied to the words' token embeddings on SD 1.5, SDXL, AnimateDiff, Wan, SkyReels-V2, "
                "Lucy Edit, LTX-Video and CogVideoX; given as written to Qwen-Image, Z-Image, FLUX.2, LTX-2, "
                "HunyuanVideo 1.5 and Kandinsky 5 (as ComfyUI gives them); elsewhere the syntax is removed and the "
                "weights said not applied (sampling/prompt_weighting.py). A prompt over 75 CLIP tokens on SD 1.5, "
                "SDXL and AnimateDiff is read whole, as ComfyUI reads it: in sections of 75 tokens encoded apart "
                "and joined (sampling/prompt_sections.py); another CLIP-only model reads 77 and says so")
SEED_AS = ("studio", "diffusers")
SEED_HELP = ("the noise's seed. As Studio seeds (seed_as 'studio'): the generator's seed is this number, the graph's "
             "seed and this node's id hashed (copies of a node differ), times 1,000,003, plus the window's number: "
             "seed 0 here is not a diffusers script's seed 0 (studio/engine/context.py generator_seed)")
SEED_AS_HELP = ("studio: the seed as Studio derives it (see 'seed'); diffusers: the generator seeded with 'seed' itself, "
                "as a diffusers script's torch.Generator().manual_seed(seed) on the CPU (the second window on: seed + "
                "its number), so a script's seed gives its picture")
COMMON = (Int("frames", 0, min=0, max=100000, special="default",
              help="0 (default): the model's own clip length (the video's, where one is connected); longer clips are "
                   "made in overlapping windows"),
          Int("width", 0, min=0, max=4096, special="default", help="0 (default): the input's size, else the model's default"),
          Int("height", 0, min=0, max=4096, special="default", help="0 (default): the input's size, else the model's default"),
          Choice("quality", "final", choices=QUALITIES, help=QUALITY_HELP),
          Int("steps", 25, min=1, max=500, help="denoising steps"),
          Float("guidance", 5.0, min=0.0, max=30.0, help="classifier-free guidance (SVD: the largest guidance)"),
          Float("guidance_2", 0.0, min=0.0, max=30.0, help="Wan 2.2 A14B: the low-noise expert's guidance "
                                                           "(guidance_scale_2); 0: the same as guidance"),
          Float("nag_scale", 0.0, min=0.0, max=100.0, help=NAG_HELP),
          Float("nag_tau", 2.5, min=1.0, max=100.0, help="NAG: the most the guided attention's norm may grow, "
                                                          "relative to the prompt's (per token)"),
          Float("nag_alpha", 0.25, min=0.0, max=1.0, help="NAG: the guided attention's share of the output"),
          Float("fps", 0.0, min=0.0, max=240.0,
                help="0: the rate of the clip the node follows (Video to Video's and VACE's video, Animate's pose, "
                     "LTX-2's control), "
                     "else the family's frame rate"),
          Int("window", 0, min=0, max=1000, help="frames per model call; 0: the model's own length"),
          Int("overlap", 4, min=0, max=100, help="frames two windows share (context windows: rounded up to "
                                                 "whole latent frames)"),
          Choice("long_take", "auto", choices=LONG_TAKES, help=LONG_TAKE_HELP),
          Choice("context_schedule", "uniform", choices=SCHEDULES, help=SCHEDULE_HELP),
          Choice("hold_colour", "auto", choices=HOLD_CHOICES, help=HOLD_HELP),
          Seed("seed", 0, help=SEED_HELP),
          Choice("seed_as", "studio", choices=SEED_AS, help=SEED_AS_HELP),
          Choice("sampler", "auto", choices=SAMPLER_CHOICES, help=SAMPLER_HELP),
          Float("shift", 0.0, min=0.0, max=100.0, help=SHIFT_HELP),
          Choice("compile", "auto", choices=COMPILE_CHOICES, help=COMPILE_HELP),
          Choice("attention", "native", choices=ATTENTION_CHOICES, help=ATTENTION_HELP),
          Choice("step_cache", "off", choices=CACHE_CHOICES, help=CACHE_HELP),
          Bool("previews", True, help="stream latent previews while sampling"),
          Choice("preview_size", "on CPU", choices=PREVIEW_CHOICES,
                 help=f"sample small so a run takes minutes, not hours: at most {PREVIEW_SIDE} px on the longest "
                      f"side and {PREVIEW_STEPS} steps; every frame is kept (the clip's length and timing do not "
                      "change). 'on CPU': only when the model runs on the CPU (on a GPU the size set here); "
                      "'always'; 'off': always the size set here. `main.py render` renders at the full size "
                      "unless given --preview"))


TAKE_PARAMS = ("long_take", "context_schedule", "hold_colour")  # generators that make windows apart only leave these out


class GeneratorNode(Node):
    category = CATEGORY
    timing = CLIP
    streams_output = True  # a clip of several windows goes to Save Video as they finish (windows.py)
    disk_cache = True  # minutes of sampling: the clip is kept between runs and processes
    task = ""
    source_ports: tuple[str, ...] = ()  # clip inputs whose frames the node makes (said when 'frames' drops some)
    length_ports: tuple[str, ...] = ()  # other inputs whose length 'frames' 0 makes (a voice's features)
    rate_ports: tuple[str, ...] = ()  # clip inputs whose frame rate 'fps' 0 makes (run: p.fps or that clip's); of a
    # node with no 'fps' setting, the clip whose rate its take has (SteadyDancer's 'pose': the converter's unset_rate)
    size_ports: tuple[str, ...] = ()  # clip inputs whose size 'width' and 'height' 0 make where no other picture input
    # is wired ('image' and the like size the take first: output_size's 'like'; LTX-2's IC-LoRA 'control')
    like_ports: tuple[str, ...] = ()  # the clip input whose size 'width' and 'height' 0 make whatever else is wired
    # (output_size's 'like' always that clip: Wan Animate's 'pose')
    # windows of frames its pipeline VAE-encodes a window whatever is wired, where the node says so; 0: its family's
    # declared Cost for its task (VACE's 2: the video's inactive and reactive halves), else the frames wired in
    encoded_windows: float = 0.0

    @classmethod
    def foresee(cls, params, base_dir, inputs):
        """Its clip's frames as the run makes them, 'frames' 0 included (take_length.py): a job's memory."""
        from .take_length import foreseen_take
        return foreseen_take(cls, params, inputs)

    @classmethod
    def advise(cls, params, base_dir, inputs):
        """What the model and clips wired in tell before the run (advice.py): a task the model cannot do,
        keyframes it cannot take, a long take made otherwise than asked, source frames dropped."""
        from .advice import advise
        return advise(cls, params, inputs)

    @classmethod
    def estimate(cls, params, base_dir, inputs):
        """Its time before F5, from this machine's measured runs (time_before.py, estimates/foresee_time.py)."""
        from .time_before import estimate
        frames_in = sum(1 if p.type == "Image" else int((inputs[p.name] or {}).get("frames") or 10 ** 6)
                        for p in cls.inputs if p.name in inputs and p.type in FRAME_TYPES)
        return estimate(params, inputs, cls.take_shape, frames_in, cls.encoded_windows, cls.task)

    @classmethod
    def take_shape(cls, params, fam) -> tuple[int, ...] | None:
        """(frames a pipeline call makes, the calls, denoising loops a call[, frames its VAE decodes a call, where
        not those made]) as the run will make them, for the time said before it (time_before.py): its family's where
        its Cost declares its calls (Framepack's sections); None: windows of 'window' frames, 'overlap' apart."""
        own = cost(fam).take_shape
        return own(params) if own is not None else None

    @classmethod
    def signature_files(cls, params, base_dir=None):
        """Draft: the models folders' LoRA folders (a distill LoRA added or removed re-runs it)."""
        from .draft import draft_folders, drafting
        return draft_folders() if drafting(params) else []

    @classmethod
    def preflight(cls, params, base_dir):
        win, ov = int(params.get("window") or 0), int(params.get("overlap") or 0)
        if win and ov >= win:
            return [f"overlap ({ov}) must be smaller than the window ({win} frames): 0 to {win - 1}"]
        from ..takes.keyframes_at import preflight_problems
        return preflight_problems(params) if "keyframes" in params else []

    def _start(self, ctx, model, text: bool = True):
        from .sampler import Sampler, frames_and_window
        ref = _video_model(model)
        p = ctx.params
        from ..loading.embeddings import check  # an 'embedding:NAME' missing or pickled: said before the model loads
        check(self.title, ref.fam, (p.get("prompt"), p.get("negative_prompt")))
        s = Sampler(ctx, ref, self.task, text)
        self.preview, self.steps = preview_and_steps(ctx, s.on_cpu)
        n, win = frames_and_window(s.fam, p.frames, p.window, s.native_frames())
        if self.task != "v2v":  # v2v: the input's frames (its run says the window)
            say_frame_rule(ctx, s.fam, n, n, win, p.window)
        if p.overlap >= win and n > win and not p.window:  # the window left on auto: the overlap follows it
            ctx.info(f"overlap: {win // 2} frames, not {p.overlap}: the model's own window is {win} frames")
            p["overlap"] = win // 2
        if p.overlap >= win and n > win:
            raise StudioError(f"overlap ({p.overlap}) must be smaller than the window ({win} frames): 0 to {win - 1}")
        fps = p.fps or s.fam.fps
        return s, n, win, fps

    def _long_take(self, ctx, s, n: int, win: int, scheduled: bool) -> int:
        """How a clip longer than the window is made (long_take.plan_take), said on the node: the frames
        per pipeline call (the whole clip for context windows)."""
        from ..takes.long_take import plan_take
        t = plan_take(ctx, s, self.task, n, win, scheduled)
        self.take, self.overlap, self.blend, self.hold, self.lead = t.take, t.overlap, t.blend, t.hold, t.lead
        return t.window

    def _keyframes(self, ctx, s, n: int, win: int, inputs: dict) -> list:
        """The keyframes at any frame asked for (keyframes_at.py), the run switched to the family's
        condition pipeline; refused in words for a family that cannot, or frames outside the clip."""
        from ..takes.keyframes_at import asked, keyframes_of, use_conditions
        if not asked(inputs) and not ctx.params.keyframes.strip():
            return []
        use_conditions(ctx, s, self.title, n, win)
        return keyframes_of(ctx, n, inputs)

    def _modular(self, ctx, ref, text: str, neg: str, features, schedule, keys: dict, **frames):
        """The clip of a modular pipeline (MiniMax H3's), made in one call (modular_run.py); from
        ``frames``' image and last_image when given."""
        from ..base.registry import valid_frames
        from .modular_run import modular_video, refuse_and_say
        fam = ref.fam
        refuse_and_say(ctx, ref, self.params)
        if getattr(ctx.params, "image_fit", "stretch") == "crop":  # (Image to Video's)
            ctx.warn(f"image_fit crop is not applied: {fam.title}'s modular pipeline stretches the pictures onto its "
                     "canvas itself")
        from .draft import apply_draft
        ref, _ = apply_draft(ctx, ref, self.task)  # 'quality' draft: FastH3's steps (families/minimax_h3/drafts.py)
        preview, self.steps = preview_and_steps(ctx, getattr(ref.device, "type", str(ref.device)) == "cpu")
        asked = ctx.params.frames or fam.frames
        n = valid_frames(fam, asked)
        say_frame_rule(ctx, fam, asked, n)
        clip, w, h = modular_video(ctx, ref, text, neg, features, schedule, keys, n, self.steps,
                                   PREVIEW_SIDE if preview else 0, previews=bool(getattr(ctx.params, "previews", True)),
                                   **frames)
        return self._made(ctx, clip, w, h)

    def _made(self, ctx, clip, w: int, h: int):
        """Say what was made (the node's label and the log show the frames made, as asked): once it
        is, for a clip streamed to its outputs as it is made (windows.py)."""
        steps = self.steps
        clip.preview = ctx.runtime.previews.get(ctx.node_id, "")

        def say():
            ctx.info(f"made {clip.n_frames} frames at {w}x{h}, {steps} steps")
        if hasattr(clip, "when_made"):
            clip.when_made(say)
        else:
            say()
        return clip

    def _prompts_cached(self, ctx, model, prompt: str) -> bool:
        """Every prompt of this run (the prompt and the node's negative) in the prompt-embedding cache,
        whole: the model's text encoder is then not loaded for it (prompt_cache.py)."""
        from .prompt_cache import all_cached
        if float(getattr(ctx.params, "nag_scale", 0.0) or 0.0) > 1.0:  # NAG may encode its negative itself (nag.py)
            return False
        if "embedding:" in f"{prompt} {ctx.params.negative_prompt}":  # its text encoder takes the embedding first
            return False
        from .prompt_weighting import cached, literal_family, needed
        ref = _video_model(model)
        if needed(prompt, ctx.params.negative_prompt) and not literal_family(ref.fam):  # prompt_weighting.py's
            return cached(ref, getattr(ref.fam, self.task, None) or "", prompt, ctx.params.negative_prompt)
        return bool(prompt.strip()) and all_cached(ctx, _video_model(model), self.task, prompt,
                                                   ctx.params.negative_prompt)

    def _text_kwargs(self, ctx, s, prompt, negative, features=None, cache: bool = True) -> dict:
        from ..loading.embeddings import applied  # ComfyUI's 'embedding:NAME' (a textual inversion)
        prompt, negative = applied(ctx, s, self.title, prompt, negative)
        if features is None:
            from .prompt_weighting import kwargs as weighted, needed, needed_by, read  # ComfyUI's '(word:1.3)'
            if not cache and needed(prompt, negative):  # a Prompt Schedule's windows give both (schedule.py weighs
                prompt, negative = (read(t).text if isinstance(t, str) else t for t in (prompt, negative))  # / says)
            elif needed(prompt, negative) or (cache and needed_by(s.pipe, prompt, negative)):  # a long CLIP one
                got, prompt, negative = weighted(ctx, s, self.title, prompt, negative)  # too; a short plain one goes
                if got is not None:  # on as before, cache and all
                    return got
            from .prompt_sections import unread
            texts = (prompt, negative) if cache else (None, negative)
            if line := unread(s.pipe, self.title, *texts, words=not cache):
                ctx.warn(line)  # a CLIP-only encoder Studio does not section; a schedule's windows' negative as words
            from .prompt_cache import text_kwargs  # the prompt-embedding cache (issue 60)
            cached = text_kwargs(ctx, s, prompt, negative) if cache else None
            return cached or {"prompt": prompt, "negative_prompt": negative or None}
        import torch
        x = features.data if isinstance(features, Features) else features
        x = torch.as_tensor(np.asarray(x) if not isinstance(x, torch.Tensor) else x).float()
        if x.ndim == 1:
            x = x[None]
        te = getattr(s.pipe, "text_encoder", None)
        cfg = getattr(te, "config", None)
        dim = getattr(cfg, "d_model", None) or getattr(cfg, "hidden_size", None)
        if x.ndim != 2 or dim is None or x.shape[-1] != dim:
            raise StudioError(f"the features are {tuple(x.shape)} but {s.fam.title}'s text encoder gives "
                              f"{dim}-d token embeddings: connect features of width {dim} (e.g. a projection), "
                              "or a prompt")
        dtype = getattr(te, "dtype", torch.float32)
        device = s.ref.execution_device(s.pipe)  # the GPU under CPU offload too
        return {"prompt_embeds": x[None].to(device, dtype),
                "negative_prompt": negative or None}


TRACKS_AS = ("wan-move", "ati")
TRACKS_AS_HELP = ("what the model was trained on, which the file does not say: 'wan-move' (Wan-Move: the start "
                  "image's latent feature copied along each track, conditional call only) or 'ati' (ATI: the feature "
                  "splatted around each track with Gaussian weights, both calls)")


class ImageToVideo(GeneratorNode):
    """Animate a still with a pretrained model (SVD, Wan I2V, LTX-Video, CogVideoX I2V, HunyuanVideo I2V,
    SkyReels-V2 I2V / DF). Progress per step, latent previews, cancel at the next step; longer clips as
    'long take' says (one take in context windows, windows each continuing from the last frame of the one
    before, or SkyReels-V2 DF's diffusion forcing in one call); the families that declare first-last frames
    (their FirstLast capability: ``main.py families`` lists them) take a last image too."""
    id = "video_models.image_to_video"
    title = "Image to Video"
    task = "i2v"
    inputs = (In("model", "Video Model"), In("image", "Image"),
              In("prompt", "Text", optional=True, help="families that take a prompt (not SVD)"),
              In("last_image", "Image", optional=True, help="the clip's last frame, for the families that take one "
                                                           "(first-last frame: a model that takes none says so "
                                                           "and names those that do; a clip's last frame when a "
                                                           "Video is connected)"),
              In("tracks", "Keypoints", optional=True, help="Wan-Move or ATI: point tracks the motion follows "
                                                            "(Track Keypoints, Pose Estimate, Tracks from "
                                                            "Coordinates...), over the take's frames ('tracks_as')"),
              In("schedule", "Features", optional=True, help="a Prompt Schedule: the prompt changes window by window "
                                                            "(a continued take's windows each their own)")) \
        + time_to_move.INPUTS + middle_frame.INPUTS + KEY_INPUTS
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "", help="families that take a prompt (not SVD). " + WEIGHTS_HELP),
              Text("negative_prompt", ""),) + COMMON + (
              Int("motion", 127, min=1, max=255, help="SVD: motion bucket (more = more motion)"),
              Float("noise_aug", 0.02, min=0.0, max=1.0, help="SVD: noise added to the still (more = freer)"),
              Float("min_guidance", 1.0, min=0.0, max=30.0, help="SVD: the first frame's guidance, rising linearly "
                                                               "to 'guidance' at the last (as 'guidance': every "
                                                               "frame alike)"),
              Choice("tracks_as", "wan-move", choices=TRACKS_AS, help=TRACKS_AS_HELP),
              Float("ati_temperature", 220.0, min=0.0, max=100000.0, help="ATI: how sharply a track's feature falls "
                                                                         "off around it (the reference's 220)"),
              Int("ati_topk", 2, min=1, max=64, help="ATI: the tracks each latent cell mixes (the reference's 2)"),
              Choice("image_fit", "stretch", choices=FITS, help=FIT_HELP)) + picture_size.PARAMS \
        + time_to_move.PARAMS + condition_amplitude.PARAMS + anchor_motion.PARAMS + guidance_steps.PARAMS \
        + middle_frame.PARAMS + KEY_PARAMS

    def run(self, ctx, model, image, prompt=None, last_image=None, tracks=None, schedule=None, motion_reference=None,
            motion_mask=None, middle_image=None, **keys):
        from ..takes.keyframes import last_frame
        fam = _video_model(model).fam
        if schedule is not None and fam.modular:  # refused before its parts are loaded
            raise StudioError(f"{self.title}: {fam.title} makes its take in one call of its modular pipeline, which "
                              "cannot follow a Prompt Schedule: leave 'schedule' unconnected")
        if schedule is not None and fam.call_args(ctx.params, 16, 16, 1, 1, 1.0) is not None:  # its own call: no prompt
            raise StudioError(f"{self.title}: {fam.title} takes no prompt, so it cannot follow a Prompt Schedule: "
                              "leave 'schedule' unconnected")
        if _video_model(model).fam.modular:  # MiniMax H3: its first-and-last-frame workflow in one call
            if tracks is not None:
                raise StudioError(f"{_video_model(model).fam.title} takes no point tracks: leave 'tracks' unconnected")
            if motion_reference is not None or motion_mask is not None:
                raise StudioError(f"{_video_model(model).fam.title} takes no motion reference: leave "
                                  "'motion_reference' and 'motion_mask' unconnected")
            if middle_image is not None:
                raise StudioError(f"{_video_model(model).fam.title} takes no middle picture: leave 'middle_image' "
                                  "unconnected")
            first = image.frame(0) if hasattr(image, "frame") else image
            last = last_image.frame(last_image.n_frames - 1) if hasattr(last_image, "frame") else last_image
            return self._modular(ctx, _video_model(model), prompt_of(ctx, prompt), ctx.params.negative_prompt, None,
                                 None, keys, image=first, last_image=last)
        s, n, win, fps = self._start(ctx, model, text=schedule is not None
                                     or not self._prompts_cached(ctx, model, prompt_of(ctx, prompt)))
        window = win  # one pipeline call's frames, before a long take is planned
        keyed = self._keyframes(ctx, s, n, win, keys)
        last = last_frame(ctx, s, last_image)
        win = self._long_take(ctx, s, n, win, schedule is not None)
        p = ctx.params
        svi = anchor_motion.usable(ctx, s, p, self.take, n, win, last)  # SVI 2.0 Pro: windows share its frames
        if svi and n > win:
            self.lead = self.overlap = anchor_motion.lead(svi)
            ctx.stream_to = None  # (every window made inside the SVI block: none left to the outputs' pulls)
            ctx.info(f"SVI: each window shares its first {self.lead} frames with the one before (the anchor frame's "
                     "place and the motion latents'): the earlier window's are kept")
        img = np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)
        w, h = output_size(ctx, s, p.width, p.height, (img.shape[1], img.shape[0]), self.preview)
        img, last = (fitted(ctx, p.image_fit, x, w, h, k) for x, k in ((img, "start picture"), (last, "last picture")))
        s.fam.refuse_call(self.task, win, h, w)  # what its pipeline cannot make, in its words, before the call
        if keyed:  # LTXConditionPipeline: a size-dependent shift fixed for this size (continuation.py)
            from ..takes.continuation import shift_fixed
            shift_fixed(ctx, s, win, w, h)
        from .sampler import to_pil
        base = s.fam.call_args(p, h, w, win, self.steps, fps)
        if base is not None:  # the family's own call (Stable Video Diffusion's: no prompt)
            if prompt is not None or p.prompt.strip():
                ctx.warn(f"{s.fam.title} takes no prompt: the prompt is ignored")
        else:
            base = {"height": h, "width": w, "num_frames": win, "num_inference_steps": self.steps,
                    "guidance_scale": p.guidance, "guidance_scale_2": p.guidance_2 or None,
                    **told_rate(s.pipe, s.fam, fps, ctx.info),
                    **self._text_kwargs(ctx, s, prompt_of(ctx, prompt), p.negative_prompt, None, schedule is None)}

        from .sampler import filter_kwargs
        base = filter_kwargs(s.pipe, base, ctx.warn)
        sched = self._schedule(ctx, s, schedule, prompt_of(ctx, prompt), p.negative_prompt, n, win)

        svi_block = anchor_motion.applied(ctx, s, svi)
        middle = middle_frame.applied(ctx, s, p, middle_image, n, win, svi)  # the pack's middle picture

        def make(start, still):
            kw = dict(base, **sched.window(start)) if sched is not None else base  # (a schedule: its window's prompt)
            if svi:  # SVI: the frames this window shares with the one before, told the block (svi_pro.py)
                anchor_motion.window(svi_block, None if start == 0 else still)
            if keyed:  # one call: the image at frame 0 and the keyframes (keyframes_at.py)
                from ..takes.keyframes_at import ltx_conditions
                return dict(kw, conditions=ltx_conditions(ctx, s, keyed, p.keyframe_strength, first=still))
            if last is not None and start + win >= n:  # the window that ends the clip
                ready = s.fam.capability(FirstLast)  # the family readies its pipeline for a last image (Wan's)
                if ready is not None:
                    ready.ready(ctx, s.pipe)
                return dict(kw, image=to_pil(still), last_image=to_pil(last))
            return dict(kw, image=to_pil(img if svi else still))  # (SVI: every window's image the anchor)
        with self._tracks(ctx, s, tracks, (w, h), n, window, p), \
                time_to_move.applied(ctx, s, motion_reference, motion_mask, (w, h), n, window, self.steps, p), \
                condition_amplitude.applied(ctx, s, p, last), svi_block, middle:
            clip = s.generate(n, win, self.overlap, make, fps, image=img, previews=p.previews, size=(w, h),
                              steps=self.steps, blend=self.blend, hold=self.hold, lead=self.lead)
        return self._made(ctx, clip, w, h)

    def _schedule(self, ctx, s, schedule, text: str, neg: str, n: int, win: int):
        """The prompts of each window a Prompt Schedule gives (schedule.py), as Text to Video's: at the starts of
        the windows the take makes; inside one take each context window's own (context_windows.py). None: none."""
        if schedule is None:
            return None
        from ..takes.long_take import scheduled_in_one_take
        if s.context is not None and not scheduled_in_one_take(s.fam):
            raise StudioError(f"{self.title}: {s.fam.title} makes this take in one call with context windows, which "
                              "cannot change the prompt inside it: set 'long take' to continue or separate shots")
        from .schedule import ScheduledPrompts
        from .sampler import window_starts
        sched = ScheduledPrompts(ctx, s, schedule, text, neg, n, win, self.overlap,
                                 starts=window_starts(n, win, self.overlap, self.blend, self.lead))
        if s.context is not None:
            s.context_cond, s.context_tag = sched.in_one_take(ctx, n)
        return sched

    @staticmethod
    def _tracks(ctx, s, tracks, size, n: int, win: int, p):
        """The family's guidance by point tracks over the take (Wan-Move or ATI, ``p.tracks_as``), or nothing
        when none are wired."""
        if tracks is None:
            return nullcontext()
        if not isinstance(tracks, Keypoints):
            raise StudioError(f"tracks must be Keypoints (Track Keypoints, Pose Estimate), got {type(tracks).__name__}")
        if n > win or s.one_take:
            raise StudioError(f"point tracks steer one window: {n} frames are made as a long take; set frames to "
                              f"{win} or fewer")
        steer = s.fam.capability(Tracks)
        if steer is None:
            from ..base.errors import ModelError
            raise ModelError(f"{s.fam.title} takes no point tracks: tracks steer a Wan-Move or ATI model (Wan 2.1 "
                             "image to video); leave 'tracks' unconnected")
        return steer.applied(ctx, s.pipe, tracks, size, n, p.tracks_as, p.ati_temperature, p.ati_topk)


class TextToVideo(GeneratorNode):
    """Make a clip from a prompt with a pretrained model (Wan, LTX-Video, CogVideoX, AnimateDiff,
    HunyuanVideo, SkyReels-V2). Features whose width matches the model's text encoder can stand in for the prompt."""
    id = "video_models.text_to_video"
    title = "Text to Video"
    task = "t2v"
    inputs = (In("model", "Video Model"), In("prompt", "Text", optional=True),
              In("features", "Features", optional=True, help="prompt embeddings [tokens, D] or [D] with D the "
                                                            "text encoder's width"),
              In("negative", "Text", optional=True),
              In("schedule", "Features", optional=True, help="a Prompt Schedule: the prompt changes window by window"),
              CONTINUE_FROM) + KEY_INPUTS + kept_region.INPUTS
    size_ports = length_ports = ("inpaint_video",)  # 'frames', 'width', 'height' 0: the inpainted clip's
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a red fox running through snow, cinematic", help=WEIGHTS_HELP),
              Text("negative_prompt", "", help="what the picture should not show; " + WEIGHTS_HELP)) + COMMON + \
        guidance_steps.PARAMS + \
        KEY_PARAMS + CONTINUE_PARAMS

    def run(self, ctx, model, prompt=None, features=None, negative=None, schedule=None, continue_from=None,
            inpaint_video=None, inpaint_mask=None, **keys):
        p = ctx.params
        text = prompt_of(ctx, prompt)
        if features is None and schedule is None and not text.strip():
            raise StudioError("no prompt: type one, or connect a Text or Features input")
        neg = negative if isinstance(negative, str) else p.negative_prompt
        inpaint = self._inpaint(ctx, model, inpaint_video, inpaint_mask, continue_from, keys)
        if _video_model(model).fam.modular:  # MiniMax H3: one call of its modular pipeline (modular_run.py)
            return self._modular(ctx, _video_model(model), text, neg, features, schedule, keys)
        from .prompt_cache import all_cached  # every prompt cached: the text encoder is not loaded
        cached = features is None and schedule is None and all_cached(ctx, _video_model(model), self.task, text, neg)
        s, n, win, fps = self._start(ctx, model, text=not cached)
        keyed = self._keyframes(ctx, s, n, win, keys)
        from ..takes.long_take import CONTINUE
        if continue_from is not None and p.long_take == "auto" and n > win:  # windows continued from it
            p["long_take"] = CONTINUE
        win = self._long_take(ctx, s, n, win, schedule is not None)
        like = (continue_from.width, continue_from.height) if continue_from is not None else first_size(keyed)
        like = (inpaint[0].width, inpaint[0].height) if inpaint is not None else like
        w, h = output_size(ctx, s, p.width, p.height, like, preview=self.preview)
        s.fam.refuse_call(self.task, win, h, w)
        if inpaint is not None:  # the clip encoded, the mask on the latent grid (kept_region.py)
            if n > win or s.one_take:
                raise StudioError(f"{self.title}: an inpainted take is made in one model call of at most {win} frames "
                                  f"here, {n} asked: set 'frames' to {win} or fewer")
            s.kept_region = kept_region.prepared(ctx, s, self.title, *inpaint, win, w, h)
        from ..takes.continuation import frames_condition, shift_fixed, still_frames
        lead = None
        if continue_from is not None:  # its last frames start the first window (continue_from.py)
            from ..takes.continue_from import lead_clip
            lead = lead_clip(ctx, s, continue_from, n, win, self.take, self.title)
        continued = self.take == CONTINUE and n > win
        if continued or keyed or lead is not None:  # the condition pipeline: a size-dependent shift fixed for this size
            shift_fixed(ctx, s, win, w, h)
        from .sampler import filter_kwargs, to_pil
        base = filter_kwargs(s.pipe, {"height": h, "width": w, "num_frames": win, "num_inference_steps": self.steps,
                                      "guidance_scale": p.guidance, "guidance_scale_2": p.guidance_2 or None,
                                      **told_rate(s.pipe, s.fam, fps, ctx.info),
                                      **self._text_kwargs(ctx, s, text, neg, features, schedule is None)}, ctx.warn)
        conds = None
        if keyed:  # one call (keyframes_at.py)
            from ..takes.keyframes_at import ltx_conditions
            conds = ltx_conditions(ctx, s, keyed, p.keyframe_strength)
        sched = None
        if schedule is not None:  # the prompt window by window (schedule.py)
            from .schedule import ScheduledPrompts
            from .sampler import window_starts  # the prompts of the windows the take makes
            sched = ScheduledPrompts(ctx, s, schedule, text, neg, n, win, self.overlap,
                                     starts=window_starts(n, win, self.overlap, self.blend, self.lead))
            if s.context is not None:  # inside one take: each context window's own prompt (context_windows.py)
                s.context_cond, s.context_tag = sched.in_one_take(ctx, n)

        def make(start, still):
            kw = dict(base, **sched.window(start)) if sched is not None else dict(base)
            if conds is not None:
                kw["conditions"] = conds
            if continued and still is not None:  # the last frames of the window before (continuation.py)
                kw.update(frames_condition(s.fam, [to_pil(f) for f in still_frames(still)]))
            elif lead is not None and start == 0:  # the clip it continues, before the first window
                first = frames_condition(s.fam, [to_pil(f) for f in lead])["conditions"]
                kw["conditions"] = first + list(kw.get("conditions") or [])
            return kw
        from ..takes.continue_from import cut_lead, unstreamed
        unstreamed(ctx, lead)  # (its first frames cut: made whole, then cut)
        return self._made(ctx, cut_lead(ctx, s.generate(n, win, self.overlap, make, fps, previews=p.previews,
                                                        steps=self.steps, size=(w, h), blend=self.blend,
                                                        hold=self.hold, lead=self.lead), lead), w, h)


    def _inpaint(self, ctx, model, video, mask, continue_from, keys: dict):
        """(clip, mask) of an inpainted take (kept_region.py), checked in words before the model's parts load, with
        'frames' 0 set to the clip's length; None where neither is wired."""
        if video is None and mask is None:
            return None
        got = kept_region.checked(self.title, video, mask)
        fam, p = _video_model(model).fam, ctx.params
        if fam.modular or continue_from is not None or any(v is not None for v in keys.values()):
            what = f"{fam.title}'s modular pipeline" if fam.modular else "'continue_from'" \
                if continue_from is not None else "keyframes"
            raise StudioError(f"{self.title}: an inpainted take is not made with {what}: leave 'inpaint_video' and "
                              "'inpaint_mask' unconnected, or that")
        if not p.frames:
            p["frames"] = got[0].n_frames
        elif p.frames > got[0].n_frames:
            raise StudioError(f"{self.title}: {p.frames} frames asked, 'inpaint_video' has {got[0].n_frames}: set "
                              f"'frames' to {got[0].n_frames} or fewer (0: the clip's)")
        return got


class VideoToVideo(GeneratorNode):
    """Restyle a clip with a pretrained model (Wan, CogVideoX, AnimateDiff, LTX-Video, LTX-2, HunyuanVideo,
    EasyAnimate InP): the input video is noised by 'strength' and denoised toward the prompt. Long clips go in
    overlapping windows."""
    id = "video_models.video_to_video"
    keywords = ("restyle", "style transfer")
    title = "Video to Video"
    task = "v2v"
    source_ports = rate_ports = ("video",)
    inputs = (In("model", "Video Model"), In("video", "Video"), In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a watercolour painting", help=WEIGHTS_HELP), Text("negative_prompt", ""),
              Float("strength", 0.6, min=0.01, max=1.0, help="how far from the input (1: ignore it)")) + COMMON + \
        guidance_steps.PARAMS

    def run(self, ctx, model, video, prompt=None):
        from .sampler import filter_kwargs, to_pil
        s, _, _, fps = self._start(ctx, model, text=not self._prompts_cached(ctx, model, prompt_of(ctx, prompt)))
        p = ctx.params
        n_in = len(video)
        n = min(n_in, p.frames) if p.frames else n_in
        if p.frames > n_in:
            ctx.warn(f"{p.frames} frames asked but the video has {n_in}: making {n_in}")
        from .sampler import frames_and_window
        _, win = frames_and_window(s.fam, n, p.window, s.native_frames())
        say_frame_rule(ctx, s.fam, n, n, win, p.window)
        win = self._long_take(ctx, s, n, win, False)
        refuse_past_limits(s, frames=win)
        if win > n:  # the clip's frames repeated to the call's length: said, not done in silence
            ctx.info(f"{s.fam.title} takes {win} frames a call: the clip's {n} are given with its last frame repeated "
                     f"to {win} (the {n} asked are kept)")
        fps = p.fps or video.fps
        w, h = output_size(ctx, s, p.width, p.height, (video.width, video.height), self.preview)
        from ..takes.continuation import shift_fixed  # a condition pipeline's (LTX-Video's): its shift fixed
        shift_fixed(ctx, s, win, w, h)
        asked = {"height": h, "width": w, "num_inference_steps": self.steps, "guidance_scale": p.guidance,
                 "guidance_scale_2": p.guidance_2 or None, "strength": p.strength,
                 **told_rate(s.pipe, s.fam, fps, ctx.info),
                 **self._text_kwargs(ctx, s, prompt_of(ctx, prompt), p.negative_prompt)}
        from ..base.capabilities import RestyleCall  # a call its family's pipeline_call adapts (LTX-2's)
        restyle = s.fam.capability(RestyleCall) or RestyleCall()
        adapted = {k: asked.pop(k) for k in restyle.args if k in asked}
        base = dict(filter_kwargs(s.pipe, asked, ctx.warn), **adapted)
        if restyle.said:
            ctx.info(restyle.said)

        def make(start, still):
            idx = np.minimum(np.arange(start, start + win), n - 1)  # the last window is padded with the end
            chunk = video.chunk(start, min(n, start + win))
            frames = [to_pil(chunk[min(i - start, len(chunk) - 1)]) for i in idx]
            return dict(base, video=frames)
        steps = max(1, int(self.steps * p.strength))  # the steps an img2img pipeline runs
        return self._made(ctx, s.generate(n, win, self.overlap, make, fps, previews=p.previews, steps=steps,
                                          size=(w, h), blend=self.blend, hold=self.hold), w, h)

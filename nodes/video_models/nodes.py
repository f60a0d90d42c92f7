"""Pretrained video model nodes: Load Video Model, Image to Video, Text to Video, Video to Video, LoRA.

diffusers is imported only when one of these runs (see loading.py)."""
from __future__ import annotations

import os

import numpy as np

from studio.core import models as model_paths
from studio.core.errors import StudioError
from studio.core.params import Bool, Choice, Float, Int, Path, Seed, Text
from studio.core.spec import CLIP, SOURCE, In, Node, Out
from studio.core.values import Features

from .checks import ModelError, model_files
from .inputs import graph_base_dir as _base_dir, video_model_input as _video_model  # one copy: inputs.py
from .loading import DTYPES, lora_check
from .memory import MEMORY_HELP, MEMORY_MODES
from .speed import (ATTENTION_CHOICES, ATTENTION_HELP, CACHE_CHOICES, CACHE_HELP, COMPILE_CHOICES,
                    COMPILE_HELP)

CATEGORY = "Pretrained Video"
FILTERS = "Video models (model_index.json *.safetensors)"


def find_model(name: str, base_dir: str | None) -> str:
    if not name.strip():
        raise ModelError("no model chosen: set 'model' to a diffusers folder or a .safetensors file, or a name "
                         f"under the models folders ({', '.join(model_paths.model_dirs())})")
    path = model_paths.resolve(name, base_dir)
    if path is None:
        dirs = model_paths.model_dirs()
        want = (f"a .safetensors file '{name}'" if name.lower().endswith(".safetensors") else
                f"a diffusers folder '{name}' with model_index.json and its component folders")
        hf = "" if "/" not in name.strip("/") or name.lower().endswith(".safetensors") else \
            f", or the Hugging Face cache's models--{name.strip('/').replace('/', '--')}"
        found = [m.name for m in model_paths.scan(dirs)]
        there = (f" Models found there: {', '.join(found[:8])}{' ...' if len(found) > 8 else ''}." if found
                 else " No model was found there.")
        raise ModelError(f"model '{name}' not found: looked in {', '.join(dirs)}. Wanted: {want} under one of "
                         f"them{hf} (choose where your models are in Edit > Preferences… (Pretrained models), "
                         f"or set STUDIO_MODELS, or give a full path). Studio never downloads.{there}")
    return path


def _stoppable(ctx, load, what: str = "a model"):
    """``load()`` on a helper thread, with Stop checked every 50 ms: reading gigabytes of weights
    (minutes from a cold disk) cannot be interrupted, so Stop returns at once and the load ends
    on its own in the background; what it made is then dropped (freed)."""
    import threading
    box: dict = {}

    def work():
        try:
            box["value"] = load()
        except BaseException as e:  # noqa: BLE001 - handed to the node's thread
            box["error"] = e
    t = threading.Thread(target=work, name="studio-load-model", daemon=True)
    t.start()
    try:
        while t.is_alive():
            t.join(0.05)
            ctx.check_cancelled()
    except BaseException:
        from studio.engine.model_cache import background_load
        background_load(t, what)  # the next run waits for it
        raise
    if "error" in box:
        raise box["error"]
    return box["value"]


DENOISER_DIRS = ("transformer", "transformer_2", "unet")


def _memory_param(params) -> str:
    """The memory mode asked: 'memory', or 'model_offload' from an older graph's cpu_offload."""
    mode = params.get("memory", "auto") or "auto"
    return "model_offload" if mode == "auto" and params.get("cpu_offload") else mode


class LoadVideoModel(Node):
    """Open a pretrained video model from your disk: a diffusers folder (with model_index.json) or
    a single .safetensors denoiser (then 'base' gives the rest of the pipeline). The family (SVD,
    Wan, LTX-Video, CogVideoX, AnimateDiff, HunyuanVideo) is detected and shown. Never downloads."""
    id = "video_models.load"
    title = "Load Video Model"
    category = CATEGORY
    timing = SOURCE
    outputs = (Out("model", "Model"), Out("family", "Text", help="the detected family"))
    params = (Path("model", "", mode="open", filters=FILTERS, lookup=True,
                   help="a diffusers folder, its model_index.json, a .safetensors file, or a name under the "
                        "models folders (org/name for the Hugging Face cache)"),
              Path("base", "", mode="dir", lookup=True, help="single file only: a diffusers folder of the same family that "
                                                "gives the VAE, text encoder and scheduler"),
              Choice("dtype", "auto", choices=DTYPES, help="auto: bf16 (or fp16) on CUDA, fp16 on MPS, fp32 on CPU"),
              Choice("device", "auto", choices=("auto", "cuda", "mps", "cpu"),
                     help="auto: the graph's device"),
              Choice("memory", "auto", choices=MEMORY_MODES, help=MEMORY_HELP),
              Bool("cpu_offload", False, help="older graphs: the same as memory 'model_offload' (used when "
                                              "memory is auto)"),
              Bool("vae_tiling", False, help="decode in tiles: less memory for large frames"),
              Bool("vae_slicing", False, help="decode one clip at a time"))

    keeps_model = True  # the engine keeps what it loads in its model cache (studio.engine.model_cache)

    @classmethod
    def weight_numbers(cls, params, device, base_dir=None) -> tuple[str, int, int, int]:
        """(device, denoiser weights, other weights, bytes per weight at the load dtype), from the
        weight files' headers: nothing is loaded."""
        from .checks import safetensors_numel
        dev = str(device) if params.get("device", "auto") == "auto" else params["device"]
        kind = dev.split(":")[0]
        dt = params.get("dtype", "auto")
        size = {"fp32": 4, "bf16": 2, "fp16": 2}.get(dt, 4 if kind == "cpu" else 2)
        if kind == "cpu":
            size = 4 if dt in ("auto", "fp16") else size  # fp16 is loaded as fp32 on the CPU
        den = other = 0
        for f in cls.signature_files(params, base_dir):
            if f.endswith(".safetensors"):
                n = safetensors_numel(f)
                if os.path.basename(os.path.dirname(f)) in DENOISER_DIRS or not os.path.isfile(
                        os.path.join(os.path.dirname(os.path.dirname(f)), "model_index.json")):
                    den += n  # a denoiser folder of a diffusers model, or a single file
                else:
                    other += n
        return dev, den, other, size

    @classmethod
    def model_footprint(cls, params, device, base_dir=None) -> tuple[str, int]:
        """(device the weights will live on, bytes they will take there), from the weight files'
        headers (nothing is loaded): the model cache makes that much room before the load."""
        dev, den, other, size = cls.weight_numbers(params, device, base_dir)
        kind = dev.split(":")[0]
        mode = _memory_param(params)
        if mode == "auto" and kind == "cuda":
            from .memory import Sizes, choose_memory, free_memory
            mode, _ = choose_memory(Sizes(den * size, (other * size,)), free_memory(dev), size == 2)
        if kind == "cpu" or mode == "gpu" or mode == "auto":
            return dev, (den + other) * size
        # offloaded modes: every part on the host between runs; fp8 stores the denoiser in 1 byte a weight
        return "cpu", (den if mode.startswith("fp8") else den * size) + other * size

    @classmethod
    def preflight(cls, params, base_dir):
        """The model (and base) are found where the run would look: validate says so, not the run."""
        problems = []
        for key in ("model", "base"):
            if key == "model" or (params.get(key) or "").strip():
                try:
                    find_model(params.get(key) or "", base_dir)
                except ModelError as e:
                    problems.append(str(e))
        return problems

    @classmethod
    def signature_files(cls, params, base_dir=None) -> list[str]:
        """Every weight and config file: replacing a model's files re-runs what uses it."""
        out = []
        for key in ("model", "base"):
            v = params.get(key) or ""
            p = model_paths.resolve(v, base_dir) if v.strip() else None
            if p:
                out += model_files(os.path.dirname(p) if p.endswith("model_index.json") else p)
        return out

    def run(self, ctx):
        from studio.engine.device import resolve_device

        from .loading import load_video_model
        p = ctx.params
        path = find_model(p.model, _base_dir(ctx))
        base = find_model(p.base, _base_dir(ctx)) if p.base.strip() else None
        device = ctx.device if p.device == "auto" else resolve_device(p.device)
        planned = self._plan_before_load(ctx, device)
        warnings: list[str] = []
        said: list[str] = []
        ref = _stoppable(ctx, lambda: load_video_model(
            path, base=base, device=device, dtype_name=p.dtype, memory=_memory_param(p),
            tiling=p.vae_tiling, slicing=p.vae_slicing, warn=warnings.append, info=said.append, planned=planned), what=f"'{os.path.basename(path.rstrip(os.sep))}'")
        for w in warnings:
            ctx.warn(w)
        ctx.info(f"{ref.summary()} on {device} ({str(ref.dtype).replace('torch.', '')})")
        ctx.info(f"memory: {ref.memory} ({ref.memory_why})")  # the details, in the Log
        ctx.note(ref.setup())  # in plain words, under the node and in the status bar (and with its model status)
        return {"model": ref, "family": ref.fam.title}

    def _plan_before_load(self, ctx, device) -> bool:
        """On a GPU, before gigabytes are read: the peak the memory mode asked for is predicted to
        need (weights from the files' headers), said, and, when it will not fit the card's free
        memory, warned about naming the mode that would. True when the plan was said (the load
        does not say it again)."""
        from .memory import Sizes, choose_memory, fmt_gb, free_memory, plan_note, predicted_peak
        if getattr(device, "type", str(device)).split(":")[0] != "cuda":
            return False
        free = free_memory(device)
        if free is None:
            return False
        _, den, other, size = self.weight_numbers(ctx.params, device, _base_dir(ctx))
        sizes, fp8_ok = Sizes(den * size, (other * size,)), size == 2
        mode = _memory_param(ctx.params)
        if mode == "auto":
            mode, why = choose_memory(sizes, free, fp8_ok)
            ctx.info(f"planned before loading: memory {mode} ({why})")
            return True
        note = plan_note(mode, sizes, free, fp8_ok)
        if note:
            ctx.warn(f"before loading: {note}")
        else:
            ctx.info(f"planned before loading: memory {mode}, peak about {fmt_gb(predicted_peak(mode, sizes, free))} of "
                     f"{fmt_gb(free)} free on the GPU")
        return True


class LoRA(Node):
    """Apply a LoRA (.safetensors) to a loaded video model, with a strength. Chain several.
    The LoRA is applied when a generator node runs, so the model upstream stays unchanged."""
    id = "video_models.lora"
    title = "Video LoRA"
    category = CATEGORY
    timing = CLIP
    inputs = (In("model", "Model"),
              In("lora", "Model", optional=True, help="a trained LoRA (Train Video LoRA's output): its file is "
                                                     "applied, the 'lora' path is not used"))
    outputs = (Out("model", "Model"),)
    params = (Path("lora", "", mode="open", filters="LoRA (*.safetensors)"),
              Float("strength", 1.0, min=-4.0, max=4.0, help="0 turns it off; negative pushes away from it"))

    def run(self, ctx, model, lora=None):
        ref = _video_model(model)
        path = ctx.params.lora
        if lora is not None:
            path = getattr(lora, "lora_file", "")
            if not path:
                raise ModelError("the lora input is not a trained LoRA: connect Train Video LoRA's output")
            if ctx.params.lora.strip():
                ctx.warn("the lora input is connected: the 'lora' path is not used")
        if not path.strip():
            raise ModelError("no LoRA chosen: set 'lora' to a .safetensors file")
        if not os.path.isabs(path) and _base_dir(ctx):
            path = os.path.join(_base_dir(ctx), path)
        if not os.path.isfile(path):
            raise ModelError(f"LoRA '{path}' not found")
        lora_check(path)
        return ref.with_lora(os.path.abspath(path), ctx.params.strength)


PREVIEW_SIDE = 256  # 'preview size': the longest side, in pixels
PREVIEW_STEPS = 8  # 'preview size' shrinks the pixels and the steps, never the clip's length or timing
PREVIEW_CHOICES = ("on CPU", "always", "off")


def preview_and_steps(ctx, on_cpu: bool) -> tuple[bool, int]:
    """(sample at preview size, the steps to run). 'preview size' shrinks the picture and the
    steps, never the frames: the clip keeps its length and its timing (a schedule's prompt change
    at frame 60 is still made). Said as information: it is what the setting asks."""
    p = ctx.params
    preview = p.preview_size == "always" or (p.preview_size == "on CPU" and on_cpu)
    steps = p.steps
    if preview and p.steps > PREVIEW_STEPS:
        steps = PREVIEW_STEPS
        ctx.info(f"preview size: {PREVIEW_STEPS} steps instead of {p.steps}")
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
    """Width and height for the pipeline: asked, else the input's, else the pipeline's default;
    at 'preview size' scaled down to PREVIEW_SIDE on the longest side; rounded down to the
    family's multiple (said when it changes)."""
    from .sampling import call_defaults
    d = call_defaults(sampler.pipe)
    w = width or (like[0] if like else None) or int(d.get("width") or 512)
    h = height or (like[1] if like else None) or int(d.get("height") or 512)
    m = sampler.fam.size_multiple
    if preview and max(w, h) > PREVIEW_SIDE:
        k = PREVIEW_SIDE / max(w, h)
        pw, ph = max(m, int(w * k) // m * m), max(m, int(h * k) // m * m)
        ctx.info(f"preview size: {pw}x{ph} instead of {w}x{h}, every frame kept (set 'preview size' to off for "
                 "the full size)")
        return pw, ph
    w2, h2 = max(m, w // m * m), max(m, h // m * m)
    if (w2, h2) != (w, h) and (width or height):
        ctx.warn(f"{sampler.fam.title} needs sizes in multiples of {m}: {w}x{h} asked, making {w2}x{h2}")
    return w2, h2


def prompt_of(ctx, wired) -> str:
    return wired if isinstance(wired, str) and wired.strip() else ctx.params.prompt


COMMON = (Int("frames", 0, min=0, max=100000, help="0: the model's own clip length; longer clips are made in "
                                                   "overlapping windows"),
          Int("width", 0, min=0, max=4096, help="0: the input's size, else the model's default"),
          Int("height", 0, min=0, max=4096, help="0: the input's size, else the model's default"),
          Int("steps", 25, min=1, max=500, help="denoising steps"),
          Float("guidance", 5.0, min=0.0, max=30.0, help="classifier-free guidance (SVD: the largest guidance)"),
          Float("guidance_2", 0.0, min=0.0, max=30.0, help="Wan 2.2 A14B: the low-noise expert's guidance "
                                                           "(guidance_scale_2); 0: the same as guidance"),
          Float("fps", 0.0, min=0.0, max=240.0, help="0: the family's frame rate"),
          Int("window", 0, min=0, max=1000, help="frames per model call; 0: the model's own length"),
          Int("overlap", 4, min=0, max=100, help="frames blended between windows"),
          Seed("seed", 0),
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


class GeneratorNode(Node):
    category = CATEGORY
    timing = CLIP
    streams_output = True  # a clip of several windows goes to Save Video as they finish (windows.py)
    task = ""

    def _start(self, ctx, model):
        from .sampling import Sampler, frames_and_window
        ref = _video_model(model)
        s = Sampler(ctx, ref, self.task)
        p = ctx.params
        self.preview, self.steps = preview_and_steps(ctx, s.on_cpu)
        n, win = frames_and_window(s.fam, p.frames, p.window, s.native_frames())
        if self.task != "v2v":  # v2v: the input's frames (its run says the window)
            say_frame_rule(ctx, s.fam, n, n, win, p.window)
        if p.overlap >= win and n > win:
            raise StudioError(f"overlap ({p.overlap}) must be smaller than the window ({win} frames)")
        fps = p.fps or s.fam.fps
        return s, n, win, fps

    def _made(self, ctx, clip, w: int, h: int):
        """Say what was made (the node's label and the log show the frames made, as asked): once it
        is, for a clip streamed to its outputs as it is made (windows.py)."""
        steps = self.steps

        def say():
            ctx.info(f"made {clip.n_frames} frames at {w}x{h}, {steps} steps")
        if hasattr(clip, "when_made"):
            clip.when_made(say)
        else:
            say()
        return clip

    def _text_kwargs(self, ctx, s, prompt, negative, features=None) -> dict:
        if features is None:
            return {"prompt": prompt, "negative_prompt": negative or None}
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
        device = getattr(s.pipe, "_execution_device", None) or s.ref.device  # the GPU under CPU offload too
        return {"prompt_embeds": x[None].to(device, dtype),
                "negative_prompt": negative or None}


class ImageToVideo(GeneratorNode):
    """Animate a still with a pretrained model (SVD, Wan I2V, LTX-Video, CogVideoX I2V, HunyuanVideo I2V).
    Progress per step, latent previews, cancel at the next step; longer clips in overlapping windows,
    each starting from a frame of the last."""
    id = "video_models.image_to_video"
    title = "Image to Video"
    task = "i2v"
    inputs = (In("model", "Model"), In("image", "Image"),
              In("prompt", "Text", optional=True, help="families that take a prompt (not SVD)"))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "", help="families that take a prompt (not SVD)"),
              Text("negative_prompt", ""),) + COMMON + (
              Int("motion", 127, min=1, max=255, help="SVD: motion bucket (more = more motion)"),
              Float("noise_aug", 0.02, min=0.0, max=1.0, help="SVD: noise added to the still (more = freer)"))

    def run(self, ctx, model, image, prompt=None):
        s, n, win, fps = self._start(ctx, model)
        p = ctx.params
        img = np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)
        w, h = output_size(ctx, s, p.width, p.height, (img.shape[1], img.shape[0]), self.preview)
        from .sampling import to_pil
        if s.fam.key == "svd":
            if prompt is not None or p.prompt.strip():
                ctx.warn("Stable Video Diffusion takes no prompt: the prompt is ignored")
            base = {"height": h, "width": w, "num_frames": win, "num_inference_steps": self.steps,
                    "min_guidance_scale": 1.0, "max_guidance_scale": p.guidance, "fps": max(1, int(round(fps))),
                    "motion_bucket_id": p.motion, "noise_aug_strength": p.noise_aug,
                    "decode_chunk_size": min(8, win)}
        else:
            base = {"height": h, "width": w, "num_frames": win, "num_inference_steps": self.steps,
                    "guidance_scale": p.guidance, "guidance_scale_2": p.guidance_2 or None,
                    **self._text_kwargs(ctx, s, prompt_of(ctx, prompt), p.negative_prompt)}

        from .sampling import filter_kwargs
        base = filter_kwargs(s.pipe, base, ctx.warn)

        def make(start, still):
            return dict(base, image=to_pil(still))
        return self._made(ctx, s.generate(n, win, p.overlap, make, fps, image=img, previews=p.previews, size=(w, h),
                                          steps=self.steps), w, h)


class TextToVideo(GeneratorNode):
    """Make a clip from a prompt with a pretrained model (Wan, LTX-Video, CogVideoX, AnimateDiff,
    HunyuanVideo). Features whose width matches the model's text encoder can stand in for the prompt."""
    id = "video_models.text_to_video"
    title = "Text to Video"
    task = "t2v"
    inputs = (In("model", "Model"), In("prompt", "Text", optional=True),
              In("features", "Features", optional=True, help="prompt embeddings [tokens, D] or [D] with D the "
                                                            "text encoder's width"),
              In("negative", "Text", optional=True),
              In("schedule", "Features", optional=True, help="a Prompt Schedule: the prompt changes window by window"))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a red fox running through snow, cinematic"), Text("negative_prompt", "")) + COMMON

    def run(self, ctx, model, prompt=None, features=None, negative=None, schedule=None):
        s, n, win, fps = self._start(ctx, model)
        p = ctx.params
        text = prompt_of(ctx, prompt)
        if features is None and schedule is None and not text.strip():
            raise StudioError("no prompt: type one, or connect a Text or Features input")
        neg = negative if isinstance(negative, str) else p.negative_prompt
        w, h = output_size(ctx, s, p.width, p.height, preview=self.preview)
        from .sampling import filter_kwargs
        base = filter_kwargs(s.pipe, {"height": h, "width": w, "num_frames": win, "num_inference_steps": self.steps,
                                      "guidance_scale": p.guidance, "guidance_scale_2": p.guidance_2 or None,
                                      **self._text_kwargs(ctx, s, text, neg, features)}, ctx.warn)
        make = lambda start, still: dict(base)  # noqa: E731
        if schedule is not None:  # the prompt window by window (schedule.py)
            from .schedule import ScheduledPrompts
            sched = ScheduledPrompts(ctx, s, schedule, text, neg, n, win, p.overlap)
            make = lambda start, still: dict(base, **sched.window(start))  # noqa: E731
        return self._made(ctx, s.generate(n, win, p.overlap, make, fps,
                                          previews=p.previews, steps=self.steps, size=(w, h)), w, h)


class VideoToVideo(GeneratorNode):
    """Restyle a clip with a pretrained model (Wan, CogVideoX, AnimateDiff): the input video is
    noised by 'strength' and denoised toward the prompt. Long clips go in overlapping windows."""
    id = "video_models.video_to_video"
    title = "Video to Video"
    task = "v2v"
    inputs = (In("model", "Model"), In("video", "Video"), In("prompt", "Text", optional=True))
    outputs = (Out("video", "Video"),)
    params = (Text("prompt", "a watercolour painting"), Text("negative_prompt", ""),
              Float("strength", 0.6, min=0.01, max=1.0, help="how far from the input (1: ignore it)")) + COMMON

    def run(self, ctx, model, video, prompt=None):
        from .sampling import filter_kwargs, to_pil
        s, _, _, fps = self._start(ctx, model)
        p = ctx.params
        n_in = len(video)
        n = min(n_in, p.frames) if p.frames else n_in
        if p.frames > n_in:
            ctx.warn(f"{p.frames} frames asked but the video has {n_in}: making {n_in}")
        from .sampling import frames_and_window
        _, win = frames_and_window(s.fam, n, p.window, s.native_frames())
        say_frame_rule(ctx, s.fam, n, n, win, p.window)
        fps = p.fps or video.fps
        w, h = output_size(ctx, s, p.width, p.height, (video.width, video.height), self.preview)
        base = filter_kwargs(s.pipe, {"height": h, "width": w, "num_inference_steps": self.steps,
                                      "guidance_scale": p.guidance, "guidance_scale_2": p.guidance_2 or None,
                                      "strength": p.strength,
                                      **self._text_kwargs(ctx, s, prompt_of(ctx, prompt), p.negative_prompt)},
                             ctx.warn)

        def make(start, still):
            idx = np.minimum(np.arange(start, start + win), n - 1)  # the last window is padded with the end
            chunk = video.chunk(start, min(n, start + win))
            frames = [to_pil(chunk[min(i - start, len(chunk) - 1)]) for i in idx]
            return dict(base, video=frames)
        steps = max(1, int(self.steps * p.strength))  # the steps an img2img pipeline runs
        return self._made(ctx, s.generate(n, win, p.overlap, make, fps, previews=p.previews, steps=steps,
                                          size=(w, h)), w, h)

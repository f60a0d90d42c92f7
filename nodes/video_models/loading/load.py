"""Load a checked model with diffusers, offline, safetensors only; hand it on the Model wire.

diffusers is imported here, inside functions, so listing nodes and starting the app never pay
for it."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from studio.core.values import ModelRef

from ..base.errors import ModelError
from ..base.loaded import LoadedState
from ..files.headers import safetensors_keys
from .checks import check_folder, runnable
from .deferred_text import EAGER_MEMORY
from ..base.tasks import TASKS
from ..base.capabilities import Modular, PartReader, TwoExperts, single_file
from ..base.family import Family
from ..base.registry import family_of, variant_title
from ..memory.modes import apply_memory

DTYPES = ("auto", "bf16", "fp16", "fp32")
EXPERTS = ("auto", "both", "high noise", "low noise")  # which of Wan 2.2 A14B's two experts a LoRA goes on


class LoRAUse(NamedTuple):
    """One LoRA on the Model wire: its file, strength and, for a two-expert model, which expert
    (EXPERTS; loras.py says what 'auto' chose)."""
    path: str
    strength: float
    expert: str = "auto"


def diffusers_offline():
    """diffusers, imported with the Hugging Face hub switched offline (never a download)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import diffusers
    diffusers.utils.logging.disable_progress_bar()
    try:
        import transformers
        transformers.utils.logging.disable_progress_bar()
    except (ImportError, AttributeError):  # pragma: no cover
        pass
    return diffusers


def pick_dtype(name: str, device) -> tuple[Any, str | None]:
    """(torch dtype, warning or None)."""
    import torch
    kind = getattr(device, "type", str(device))
    if name == "auto":
        if kind == "cuda":
            return (torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16), None
        if kind == "mps":
            return torch.float16, None
        return torch.float32, None
    dt = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[name]
    if kind == "cpu" and dt is torch.float16:
        return torch.float32, "fp16 is not supported on the CPU: loaded in fp32"
    return dt, None


@dataclass
class VideoModelRef(ModelRef):
    """A loaded video pipeline on the Model wire. ``loras`` is the stack the LoRA nodes put on
    it; they are applied (and removed) at sampling time, so one cached pipeline serves every branch."""
    family: str = ""
    path: str = ""
    device: Any = None
    dtype: Any = None
    variant: str = ""  # 'Wan 2.1 14B'... (families.variant_title)
    weights: str = ""  # a single file's format: 'bf16', 'fp8 e4m3 (scaled)', 'GGUF Q8_0' (weight_formats.describe),
    # then its part files': 'text encoder UMT5-XXL (Wan), fp8 e4m3 (scaled)' (parts.parts_words)
    memory: str = "gpu"  # memory.MEMORY_MODES less 'auto': what was applied
    memory_why: str = ""  # why (auto's reason, or 'asked')
    tiling: bool = False
    slicing: bool = False
    loras: tuple[LoRAUse, ...] = ()
    shared: LoadedState = field(default_factory=LoadedState, repr=False)  # task pipelines, preview fits, flags
    held_on: str | None = None  # a device besides model_device some weights stay on (block offload's kept blocks)
    dtype_asked: str = "auto"  # the loader's 'dtype'

    def setup(self) -> str:
        """What loading did on this device and what the generators' defaults do there, in plain
        words: 'CPU: weights in RAM (memory auto: no GPU), fp32 (auto); generators' defaults here:
        no compile (auto: CPU), SDPA attention, step cache off'."""
        from ..memory.speed import device_words, speed_words
        dev = device_words(self.device)
        on_cpu = getattr(self.device, "type", str(self.device)) == "cpu"
        where = {"gpu": "weights in RAM" if on_cpu else "all weights on the GPU",
                 "model_offload": "each part on the GPU only while it runs (model offload)",
                 "block_offload": "the denoiser's blocks streamed from RAM (block offload)",
                 "fp8": "fp8 weights on the GPU, the other parts streamed from RAM while they run",
                 "fp8+block_offload": "fp8 weights, the denoiser's blocks streamed from RAM"}.get(self.memory, self.memory)
        why = "memory auto: no GPU" if on_cpu and self.memory_why.startswith("auto") else \
            ("memory auto" if self.memory_why.startswith("auto") else "asked")
        dt = str(self.dtype).replace("torch.", "").replace("float", "fp").replace("bfp16", "bf16")
        asked = {"fp16": "fp16", "bf16": "bf16", "fp32": "fp32"}.get(self.dtype_asked)
        dtype = f"{asked}→{dt}" if asked and asked != dt else f"{dt} ({'auto' if not asked else 'asked'})"
        return (f"{dev}: {where} ({why}), {dtype}; generators' defaults here: "
                f"{speed_words('auto', 'native', 'off', self.device)}")

    @property
    def fam(self) -> Family:
        """The family as this folder does its tasks (a diffusion-forcing folder's: families.family_of)."""
        return family_of(self.family, type(self.module).__name__)

    @property
    def offload(self) -> bool:
        """Components moved to the GPU by accelerate's hooks while they run (model offload); one set
        of hooks per task pipeline. (fp8's other parts are group-offloaded: hooks on the components,
        shared by every task pipeline, as block offload's.)"""
        return self.memory == "model_offload" and getattr(self.device, "type", "cpu") != "cpu"

    @property
    def model_device(self) -> str:
        """Where the weights live between runs (the model cache budgets that device's memory)."""
        on_host = self.offload or self.memory in ("block_offload", "fp8+block_offload") or (
            self.memory == "fp8" and getattr(self.device, "type", "cpu") != "cpu")
        return "cpu" if on_host else str(self.device)

    def execution_device(self, pipe):
        """Where ``pipe``'s models compute: this model's device when every weight lives there (no offload),
        without asking diffusers' ``_execution_device``, which walks every module of every component for
        offload hooks on each call (1.5 ms on a tiny Wan, asked several times a run); under offload,
        diffusers' answer (the GPU the hooks move each part to)."""
        if self.model_device == str(self.device):
            return self.device
        return getattr(pipe, "_execution_device", None) or self.device

    def release(self) -> None:
        """Free the weights for good (the model cache unloads this model to make room): every
        tensor moves to the ``meta`` device, so a reference kept elsewhere holds no memory."""
        if self.shared.released:
            return
        for pipe in list(self.shared.pipes.values()) + [self.module]:
            if hasattr(pipe, "remove_all_hooks"):
                try:
                    pipe.remove_all_hooks()
                except Exception:  # noqa: BLE001 - no hooks to remove
                    pass
        from ..memory.modes import remove_memory_hooks
        for c in self.module.components.values():
            if hasattr(c, "to") and hasattr(c, "parameters"):
                remove_memory_hooks(c)
                c.to("meta")
        self.shared.release()

    def summary(self) -> str:
        if self.shared.released:
            return f"{self.fam.title} ({os.path.basename(self.path.rstrip(os.sep))}): unloaded"
        n = 0
        for c in self.module.components.values():
            if hasattr(c, "parameters"):
                n += sum(weight_count(p) for p in c.parameters())
        extra = f", {len(self.loras)} LoRA" if self.loras else ""
        name = os.path.basename(self.path.rstrip(os.sep)) + (f", {self.weights}" if self.weights else "")
        return f"{self.variant or self.fam.title} ({name}): {n:,} parameters{extra}"

    def with_lora(self, path: str, strength: float, expert: str = "auto") -> "VideoModelRef":
        from dataclasses import replace
        return replace(self, loras=self.loras + (LoRAUse(path, float(strength), expert),))

    def load_text_encoder(self) -> bool:
        """Load the text encoder(s) that waited for a prompt not in the cache (deferred_text.py) into
        every task pipeline; False when none waited."""
        load, self.shared.text_loader = self.shared.text_loader, None
        if load is None or self.shared.released:
            return False
        import time
        t0 = time.perf_counter()
        encoders = load.components()  # the text encoder, and a second one that waited with it
        from ..base.own_memory import own_memory
        own_memory(encoders.values())
        if not self.offload and getattr(self.device, "type", str(self.device)) != "cpu":
            for te in encoders.values():
                te.to(self.device)
        for p in {id(x): x for x in [self.module, *self.shared.pipes.values()]}.values():
            p.register_modules(**encoders)
        hooked = self.shared.hooked
        if self.offload and hooked in self.shared.pipes:  # hooked again, with the encoder, by pipeline()
            self.shared.pipes[hooked].remove_all_hooks()
            self.shared.hooked = None
        self.shared.text_load_s += time.perf_counter() - t0
        return True

    def own_pipeline(self, text: bool = True):
        """The loaded folder's own pipeline, as it was loaded (a family node's that runs no generic task:
        Framepack's, Sana Video's, a control folder's), with its text encoder loaded unless ``text`` is False."""
        if text and self.shared.text_loader is not None:
            self.load_text_encoder()
        if self.shared.released:
            raise ModelError(f"the model '{self.path}' was unloaded to make room for another: run again to load it")
        return self.module

    def pipeline(self, task: str, text: bool = True):
        """The diffusers pipeline for ``task`` ('i2v', 't2v', 'v2v'), sharing the loaded components;
        with its text encoder loaded unless ``text`` is False (every prompt of the run cached)."""
        if text and self.shared.text_loader is not None:
            self.load_text_encoder()
        fam = self.fam
        cls_name = getattr(fam, task)
        if cls_name is None:
            can = [TASKS[t] for t in TASKS if getattr(fam, t)]
            if not can:  # a family run by its own node only (Sana Video, Framepack): which
                from ..base.tasks import own_nodes
                own = " or ".join(own_nodes(fam))
                raise ModelError(f"{fam.title} models do not do {TASKS[task]} in this node"
                                 + (f": they are run by their own node, {own}" if own else ""))
            raise ModelError(f"{fam.title} models do not do {TASKS[task]} (they do: {', '.join(can)})")
        if self.shared.released:
            raise ModelError(f"the model '{self.path}' was unloaded to make room for another: run again to load it")
        if fam.animate and type(self.module).__name__ == fam.animate and task != "animate":
            raise ModelError(f"model '{self.path}' is a Wan Animate model: it does {TASKS['animate']} only "
                             "(the Wan Animate node), not " + TASKS[task])
        pipes = self.shared.pipes
        if task in pipes:
            if self.offload and self.shared.hooked != task:
                self.move_offload_hooks(task)
            return pipes[task]
        diffusers = diffusers_offline()
        cls = getattr(diffusers, cls_name)
        base = self.module
        if type(base).__name__ == cls_name:
            pipe = base
        else:
            fam.refuse_pipeline(task, base.components, base.config, self.path)  # in the family's words
            later = self.shared.text_loader
            waiting = set(later.names) if not text and later is not None else set()  # cached prompts
            missing = [n for n in _required_components(cls) if base.components.get(n) is None and n not in waiting]
            if missing:
                raise ModelError(f"model '{self.path}' has no {', '.join(missing)} component, which "
                                 f"{TASKS[task]} with {fam.title} ({cls_name}) needs")
            pipe = from_pipe(cls, base)
        if hasattr(pipe, "set_progress_bar_config"):
            pipe.set_progress_bar_config(disable=True)
        from .clip_text_compat import give_text_model
        give_text_model(pipe)  # diffusers' clip_skip path under transformers 5 (I2VGen-XL's default)
        pipes[task] = pipe
        if self.offload:
            self.move_offload_hooks(task)
        vae = getattr(pipe, "vae", None)
        if vae is not None:
            if self.tiling and hasattr(vae, "enable_tiling"):
                vae.enable_tiling()
            if self.slicing and hasattr(vae, "enable_slicing"):
                vae.enable_slicing()
        return pipe

    def derived_pipeline(self, key: str, cls, base_task: str = "t2v"):
        """A pipeline of ``cls`` made once from the model's text-to-video pipeline (``base_task``'s: Wan FlowEdit's
        image-to-video one) (diffusers' from_pipe, Studio's own components kept: :func:`own_parts`) and kept with the
        task pipelines under ``key``; its text encoder loaded, and the CPU-offload hooks moved onto it when the model
        is offloaded (a family node's own pipeline: LTX-2's HDR and DFR)."""
        pipes = self.shared.pipes
        pipe = pipes.get(key)
        if pipe is None:
            base = self.pipeline(base_task)
            pipe = from_pipe(cls, base)
            pipe.set_progress_bar_config(disable=True)
            pipes[key] = pipe
        elif self.shared.text_loader is not None:
            self.load_text_encoder()
        if self.offload:
            self.move_offload_hooks(key)
        return pipe

    def move_offload_hooks(self, task: str) -> None:
        """Task pipelines share their components: one set of CPU-offload hooks at a time, on the
        pipeline about to run (two sets on one module would fight over its device)."""
        pipes = self.shared.pipes
        old = self.shared.hooked
        if old is not None and old in pipes and pipes[old] is not pipes[task]:
            pipes[old].remove_all_hooks()
        pipes[task].enable_model_cpu_offload(device=self.device)
        self.shared.hooked = task


def weight_count(p) -> int:
    """The number of weights a parameter holds (a GGUF-quantised one is stored as bytes; a ComfyUI
    NVFP4 one two a byte: files/comfy_quant.py)."""
    qtype = getattr(p, "quant_type", None)
    if qtype is None:
        return p.numel() * (2 if getattr(p, "nvfp4", False) else 1)
    import math

    import gguf
    return math.prod(gguf.quants.quant_shape_from_byte_shape(tuple(p.shape), qtype))


def _required_components(cls) -> list[str]:
    import inspect
    opt = set(getattr(cls, "_optional_components", []) or [])
    params = inspect.signature(cls.__init__).parameters
    return [n for n, p in params.items() if n != "self" and p.default is inspect.Parameter.empty and n not in opt]


def weights_signature(files: list[str]) -> str:
    h = hashlib.sha256()
    for f in files:
        st = os.stat(f)
        h.update(f"{f}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def _checked_source(path: str, base: str | None, given: dict):
    """(family, model_index, weight files, the single denoiser file, the folder to load from) of what
    the artist gave, checked before anything is loaded: a diffusers folder, a single file alone, or a
    single file with a base folder of the same family."""
    files = None
    if os.path.isfile(path) and os.path.basename(path) == "model_index.json":
        path = os.path.dirname(path)
    from ..files.weight_formats import check_single_file
    if os.path.isdir(path):
        if given:
            from ..files.parts import PART_TITLES
            titles = {**PART_TITLES, "transformer_2": "second expert"}
            raise ModelError(f"'{path}' is a diffusers folder, which has its own {', '.join(titles[c] for c in given)}: "
                             "the text-encoder, VAE, CLIP-vision and second-expert files go with a single denoiser file")
        fam, index, files = check_folder(path)
        single = None
    elif not base:
        fam, single = check_single_file(path)
        _refused_file(fam, path, given)
        index = None
    else:
        fam, wf = check_single_file(path)
        _refused_file(fam, path)
        bfam, index, files = check_folder(base)
        if bfam.key != fam.key and bfam.key not in single_file(fam).bases:  # (SkyReels V1's over HunyuanVideo's)
            raise ModelError(f"'{path}' is a {fam.title} file but the base '{base}' is a {bfam.title} model")
        from .family_parts import denoiser_tensors
        single, path = denoiser_tensors(fam, wf), base  # an LTX-2 checkpoint: its transformer's tensors only
    runnable(fam)
    return fam, index, files, single, path


def _image_model_read(fam: Family, given: dict) -> None:
    """An image model's checkpoint ('image_model') is refused where the family's part reader does not add its
    denoiser file to one (AnimateDiff's motion module does), naming the families that read one."""
    reader = fam.capability(PartReader)
    if given.get("image_model") and not (reader is not None and reader.image_model):
        from ..base.registry import all_families
        readers = [f.title for f in all_families() if (r := f.capability(PartReader)) is not None and r.image_model]
        raise ModelError(f"an image model's checkpoint ('image_model': '{given['image_model']}') is read beside "
                         f"{' and '.join(readers)} motion modules only, but the model is {fam.title}'s: leave it empty")


def _refused_file(fam: Family, path: str, given: dict | None = None) -> None:
    """A single file of a family read from its folder only (its SingleFile capability's refusal), refused in its
    words (with the part files ``given`` beside it) before the part files or a base are asked for."""
    sf = single_file(fam)
    why = sf.refusal_with(given or {}) if sf.refusal else ""
    if why:  # '' : the part files given make it whole (MiniMax H3's DiT, VAE and Qwen3-VL files)
        raise ModelError(f"'{path}': {why}")


def _vae_switches(pipe, tiling: bool, slicing: bool, warn) -> tuple[bool, bool]:
    """VAE tiling and slicing as asked, each turned off (and said) where the VAE has none."""
    vae = getattr(pipe, "vae", None)
    for want, name, what in ((tiling, "tiling", "decodes in tiles"), (slicing, "slicing", "decodes a clip at a time")):
        if want and vae is not None:
            try:
                getattr(vae, f"enable_{name}")()
                getattr(vae, f"disable_{name}")()
            except (NotImplementedError, AttributeError):
                warn(f"VAE {name} is not available for {type(vae).__name__}: it is off (the VAE never {what})")
                tiling, slicing = (False, slicing) if name == "tiling" else (tiling, False)
    return tiling, slicing


def load_video_model(path: str, *, base: str | None, device, dtype_name: str = "auto", offload: bool = False,
                     tiling: bool = False, slicing: bool = False, warn=None, memory: str = "",
                     info=None, planned: bool = False, parts: dict | None = None) -> VideoModelRef:
    """Check, then load, a diffusers folder or a single .safetensors / .gguf denoiser, with the other
    components from ``base`` (a diffusers folder of the same family) and / or ``parts`` (files of
    the text encoder, VAE and CLIP vision: {'text_encoder': path, 'vae': path, 'image_encoder':
    path}, as ComfyUI's loaders take them; parts.py). ``memory``: one of memory.MEMORY_MODES
    ('' : 'model_offload' when ``offload``, else 'gpu'); what 'auto' chose, and why, is said
    through ``info``."""
    warn = warn or (lambda s: None)
    info = info or (lambda s: None)
    memory = memory or ("model_offload" if offload else "gpu")
    given = {k: v for k, v in (parts or {}).items() if v}  # with 'transformer_2': Wan 2.2 A14B's second expert
    from .modular import INDEX, modular_folder
    if os.path.isfile(path) and os.path.basename(path) == INDEX:
        path = os.path.dirname(path)
    if modular_folder(path):  # MiniMax H3's: a modular pipeline (modular.py)
        return _modular_ref(path, given, device, dtype_name, memory, warn, info)
    if os.path.isfile(path) and base and modular_folder(base):  # a denoiser file read into a modular folder
        return _modular_ref(base, given, device, dtype_name, memory, warn, info, single=path)
    from ..files.module_merge import MODULES, VACE_MODULE, vace_checked, with_vace_modules
    parts = {k: v for k, v in given.items() if k not in ("transformer_2", *MODULES)}
    fam, index, files, single, path = _checked_source(path, base, {k: v for k, v in given.items() if k not in MODULES})
    single, second = with_vace_modules(fam, single, given, info)  # (the second expert a WeightFile where merged)
    _image_model_read(fam, given)
    if second:
        fam.one_denoiser(single.path, given["transformer_2"])
    if index is None and fam.modular and fam.capability(PartReader):  # Wan Animate 2 from ComfyUI's files: modular
        return _modular_ref("", parts, device, dtype_name, memory, warn, info, single=single, fam=fam)
    torch_dtype, why = pick_dtype(dtype_name, device)
    if why:
        warn(why)
    on_cpu = getattr(device, "type", str(device)) == "cpu"
    if memory == "model_offload" and on_cpu:
        warn("CPU offload only helps with a GPU: ignored on the CPU")
        memory = "gpu"
    diffusers = diffusers_offline()
    later = None  # the text encoder's loader while it waits for a prompt not in the cache (deferred_text.py)
    if index is None:  # no folder: the denoiser file and its parts' files (ComfyUI's loaders)
        from .deferred_text import defer_part, part_waits
        from .family_parts import build_pipeline, checkpoint_parts
        parts, single = checkpoint_parts(fam, single, parts, info)  # an all-in-one checkpoint's text encoder, VAE
        waits = part_waits(fam, parts)
        pipe, weights, index, checked = build_pipeline(diffusers, fam, single, parts, torch_dtype, info,
                                                       second, waiting=waits)
        if waits:
            later = defer_part(index, checked["text_encoder"], torch_dtype, {})
            if later is None:  # not a pipeline whose prompts are cached after all: loaded now
                from ..files.parts import load_part
                pipe.register_modules(text_encoder=load_part(checked["text_encoder"], torch_dtype))
    else:
        pipe, weights, checked, later = _from_folder(diffusers, path, index, files, fam, single, parts, torch_dtype,
                                                     info, second)
    vace_checked(fam, pipe, given.get(VACE_MODULE))
    from ..files.parts import parts_words
    weights = "; ".join(w for w in (weights, parts_words(checked)) if w)
    tiling, slicing = _vae_switches(pipe, tiling, slicing, warn)
    den = getattr(pipe, fam.denoiser, None)
    variant = variant_title(fam, index, dict(getattr(den, "config", None) or {}))
    waiting = later.nbytes if later is not None else 0  # counted as loaded: it may be, at the first new prompt
    memory, why, budget, counted = settle_memory(pipe, fam, variant, memory, device, torch_dtype, warn, planned,
                                                 waiting)
    if later is not None and memory in EAGER_MEMORY:
        pipe.register_modules(**later.components())
        later = None
    done: list[str] = []
    try:
        for note in apply_memory(pipe, memory, device, torch_dtype, fam.denoiser, offload_hooks=False,
                                 resident_budget=budget, done=done):
            warn(note)
    except ValueError as e:
        raise ModelError(f"memory '{memory}': {e}") from None
    why = "; ".join([why] + done)
    info(f"memory: {memory} ({why})")
    pipe.set_progress_bar_config(disable=True)
    from ..base.own_memory import own_memory
    own_memory(pipe.components.values())  # a folder's memory-mapped weights: the frames a file of them makes
    file = single.path if single is not None else path
    folder = path if single is not None and path != file else None
    ref = VideoModelRef(module=pipe, config={"family": fam.key, "path": file, "base": folder, "parts": given},
                        kind=f"video:{fam.key}", family=fam.key, path=file, variant=variant, weights=weights,
                        device=device, dtype=torch_dtype, dtype_asked=dtype_name, memory=memory, memory_why=why,
                        tiling=tiling,
                        slicing=slicing, held_on=str(device) if resident(pipe, fam.denoiser, memory) else None)
    ref.shared.text_loader = later
    ref.shared.memory_plan = counted
    if later is not None:
        info("text encoder: loaded when a prompt is not in the prompt-embedding cache")
    return ref


def _modular_ref(path: str, given: dict, device, dtype_name: str, memory: str, warn, info,
                 single=None, fam: Family | None = None) -> VideoModelRef:
    """A modular pipeline folder, checked then loaded whole on ``device`` (no memory modes: said);
    ``single``: a denoiser file of the same family read in place of the folder's (modular.py), with the
    part files in ``given`` its family reads into the folder (its Modular capability's files: MiniMax H3's VAEs); with
    no folder (``path`` ''), ``single`` is the header of a denoiser file of ``fam`` read with ``given``'s
    part files (Wan Animate 2 from ComfyUI's files: the family's part reader's build_modular)."""
    from .modular import check_modular_folder, load_modular, modular_family, single_denoiser
    if not path:
        from ..files.parts import parts_words
        torch_dtype = _modular_dtype(fam, dtype_name, device, memory, warn)
        reader = fam.capability(PartReader).reader()
        pipe, weights, index, checked = reader.build_modular(diffusers_offline(), fam, single, given, torch_dtype, device,
                                                             info)
        weights = "; ".join(w for w in (weights, parts_words(checked)) if w)
        return _modular_model_ref(fam, pipe, index, weights, single.path, None, given, device, torch_dtype,
                                  dtype_name, info)
    if given and not single:
        raise ModelError(f"'{path}' is a diffusers folder, which has its own text encoder, VAE and denoiser: "
                         "part files go with a single denoiser file")
    bfam = modular_family(path) if given else None  # a denoiser file's part files, read as its family says
    files = bfam.capability(Modular).files(bfam, given, path, single) if bfam is not None else {}  # (MiniMax H3's VAEs), headers checked
    fam, index, found = check_modular_folder(path, supplied=tuple(files))
    runnable(fam)
    own = single_denoiser(fam, found, single) if single else None  # checked before any load
    torch_dtype = _modular_dtype(fam, dtype_name, device, memory, warn)
    diffusers_offline()
    pipe, weights = load_modular(fam, path, found, torch_dtype, device, info, own, files)
    return _modular_model_ref(fam, pipe, index, weights, single or path, path if single else None, {}, device,
                              torch_dtype, dtype_name, info)


def _modular_dtype(fam: Family, dtype_name: str, device, memory: str, warn):
    torch_dtype, why = pick_dtype(dtype_name, device)
    if why:
        warn(why)
    if memory not in ("gpu", "auto"):
        warn(f"{fam.title} (a modular pipeline) is loaded whole on {device}: memory '{memory}' is not applied")
    return torch_dtype


def _modular_model_ref(fam: Family, pipe, index: dict, weights: str, file: str, base: str | None, parts: dict,
                       device, torch_dtype, dtype_name: str, info) -> VideoModelRef:
    den = getattr(pipe, fam.denoiser, None)
    variant = variant_title(fam, index, dict(getattr(den, "config", None) or {}))
    info(f"memory: gpu ({fam.title} is a modular pipeline: loaded whole)")
    from ..base.own_memory import own_memory
    own_memory(pipe.components.values())  # a folder's memory-mapped weights: the frames a file of them makes
    return VideoModelRef(module=pipe, config={"family": fam.key, "path": file, "base": base, "parts": parts},
                         kind=f"video:{fam.key}", family=fam.key, path=file, variant=variant, weights=weights,
                         device=device, dtype=torch_dtype, dtype_asked=dtype_name, memory="gpu",
                         memory_why="a modular pipeline: loaded whole")


def _from_folder(diffusers, path: str, index: dict, files: list[str], fam: Family, single, parts: dict,
                 torch_dtype, info, second: str | None = None):
    """(pipeline, the single file's format or '') from a diffusers folder, its denoiser replaced by
    the single file ``single`` (and ``second``: Wan 2.2 A14B's other expert) and its components by
    ``parts``' files (each checked before any load)."""
    from .checks import check_folder_configs
    own = single_file(fam).own_modules  # the family's own modules in its denoisers' files
    check_folder_configs(path, index, files, diffusers, {fam.denoiser: own, f"{fam.denoiser}_2": own})
    cls = getattr(diffusers, index["_class_name"])
    kwargs: dict[str, Any] = fam.load_kwargs(info)
    weights = ""
    checked = {}
    if parts:
        from ..files.headers import read_json
        from .family_parts import check_parts
        den_cfg = read_json(os.path.join(path, fam.denoiser, "config.json"))
        checked = check_parts(fam, den_cfg, single.path if single is not None else path, parts, diffusers)
    experts = None
    if second:
        experts = fam.capability(TwoExperts).check(diffusers, fam, single, second)  # one_denoiser refused others
        single = experts.high
    if single is not None:
        from ..files.single_file import load_denoiser
        kwargs[fam.denoiser], weights, how = load_denoiser(diffusers, index, path, fam, single, torch_dtype)
        info(f"weights: {how}")
    if experts:
        kwargs.update(fam.capability(TwoExperts).folder(diffusers, index, path, fam, experts, torch_dtype, info))
        weights = f"{weights}; {experts.short}"
    from .deferred_text import defer
    later = defer(index, path, checked, torch_dtype, kwargs)  # text encoders, a part file or the folder's, wait
    if checked:
        from ..files.parts import part_components
        kwargs.update(part_components(checked, path, torch_dtype, info, waiting=later.names if later else ()))
    try:
        pipe = cls.from_pretrained(path, dtype=torch_dtype, use_safetensors=True, local_files_only=True,
                                   **kwargs)
    except (OSError, ValueError, EnvironmentError) as e:
        raise ModelError(f"model '{path}' could not be loaded: {str(e).splitlines()[0]}") from None
    return pipe, weights, checked, later


def resident(pipe, denoiser: str, memory: str) -> bool:
    """Block offload kept some of the denoisers' blocks on the device (memory/residency.py), or fp8
    keeps the denoisers there (memory/modes.py keep_denoisers)."""
    if "block" not in memory and memory != "fp8":
        return False
    from ..memory.modes import denoisers
    return any(p.device.type not in ("cpu", "meta") for d in denoisers(pipe, denoiser) for p in d.parameters())


def settle_memory(pipe, fam: Family, title: str, memory: str, device, torch_dtype, warn,
                  planned: bool = False, waiting: int = 0) -> tuple[str, str, int | None, tuple | None]:
    """(mode, why, bytes of blocks block offload keeps or None: as many as the card allows, the counted
    plan (parts, plan, free bytes) or None):
    on a CUDA card, while the weights are still on the host, the plan counted part by part
    (memory/plan.py): an asked mode that will not fit is replaced by the fastest that does, said,
    and none fitting is an error; 'auto' is the fastest that fits. Where the denoiser's facts are
    not known (no blocks or widths), 'auto' is chosen from the weights' sizes and an asked mode
    is warned about (unless ``planned``: the node said it before loading). fp8 without a
    bf16/fp16 model falls back to its bf16 twin, said. ``waiting``: the bytes of a text encoder
    not loaded yet (deferred_text.py), counted as a part."""
    from dataclasses import replace

    from ..memory.modes import choose_memory, fp8_available, free_memory, pipeline_sizes, plan_note
    fp8_ok = fp8_available(torch_dtype)
    asked = memory
    if memory.startswith("fp8") and not fp8_ok:
        alt = "block_offload" if "block" in memory else "gpu"
        warn(f"fp8 weights need a bf16 or fp16 model (dtype {str(torch_dtype).replace('torch.', '')}): {alt} instead")
        memory = alt
    from .memory_plan import block_bytes, counted_plan
    counted = counted_plan(pipe, fam, memory, device, fp8_ok, waiting)
    if counted is not None:
        got, said, counted = counted
        if said:
            warn(said)
        per_block = block_bytes(pipe, fam.denoiser, got.mode) if "block" in got.mode else 0
        return got.mode, (f"auto: {title}, " if memory == "auto" else "asked; " if not said else "planned; ") + \
            got.words(), (got.kept * per_block + per_block // 2 if "block" in got.mode else None), counted
    if memory == "auto":
        sizes = pipeline_sizes(pipe, fam.denoiser)
        sizes = replace(sizes, others=tuple(sizes.others) + ((waiting,) if waiting else ()))
        mode, why = choose_memory(sizes, free_memory(device), fp8_ok)
        return mode, f"auto: {title}, {why}", None, None
    free = None if planned else free_memory(device)
    sizes = pipeline_sizes(pipe, fam.denoiser)
    sizes = replace(sizes, others=tuple(sizes.others) + ((waiting,) if waiting else ()))
    note = plan_note(memory, sizes, free, fp8_ok) if free is not None else None
    if note:
        warn(note)
    return memory, "asked" if memory == asked else "fp8 asked, not possible at this dtype", None, None


def lora_check(path: str) -> None:
    """A LoRA file Studio will open: no pickle, a .safetensors, a regular file (checked before it
    is opened) whose header holds every byte it promises."""
    from ..files.headers import refuse_pickle
    refuse_pickle(path)
    if not path.lower().endswith(".safetensors"):
        raise ModelError(f"'{path}' is not a .safetensors LoRA")
    safetensors_keys(path)


def from_pipe(cls, base):
    """A pipeline of ``cls`` sharing ``base``'s components: diffusers' from_pipe (Studio's own parts kept: own_parts);
    with a quantised component (a GGUF denoiser), the class built on the components it takes, as from_pipe builds it
    but for its last step, which casts every component to a dtype and which a quantised model refuses (SkyReels V1's
    GGUF file over HunyuanVideo's folder: its image-to-video pipeline made from the folder's)."""
    if not any(getattr(m, "is_quantized", False) for m in base.components.values()):
        return cls.from_pipe(base, **own_parts(base, cls))
    import inspect
    takes = inspect.signature(cls.__init__).parameters
    return cls(**{k: v for k, v in base.components.items() if k in takes})


def own_parts(pipe, cls) -> dict:
    """``pipe``'s components that are Studio's subclasses of diffusers' models (LTX-2.5's VAE decoding
    with its diffusion decoder), which diffusers' from_pipe would drop (it keeps exact types only),
    for ``cls`` (a pipeline class) to be handed by name."""
    import inspect
    takes = inspect.signature(cls.__init__).parameters
    return {k: v for k, v in pipe.components.items() if k in takes and v is not None
            and type(v).__module__.startswith(("nodes.", "studio."))}

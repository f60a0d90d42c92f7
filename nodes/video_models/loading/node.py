"""Load Video Model and LoRA: a model from the artist's disk (checked, planned, loaded in the
background) and LoRAs put on it, handed on the Model wire.

diffusers is imported only when one of these runs (see load.py)."""
from __future__ import annotations

import os
import time

from studio.core import models as model_paths
from studio.core.errors import StudioError
from studio.core.params import Bool, Choice, Float, Path
from studio.core.spec import CLIP, SOURCE, In, Node, Out

from ..catalog.listing import choices as model_choices
from ..catalog.listing import report as models_report
from ..base.errors import ModelError
from .checks import model_files
from .inputs import graph_base_dir as _base_dir, video_model_input as _video_model  # one copy: inputs.py
from .load import DTYPES, EXPERTS, lora_check
from ..memory.modes import MEMORY_HELP, MEMORY_MODES


CATEGORY = "Pretrained Video"
FILTERS = "Video models (model_index.json modular_model_index.json *.safetensors *.gguf)"
PART_FILTERS = "Model parts (*.safetensors)"
MODULE_FILTERS = "VACE modules (*.safetensors *.gguf)"
PARTS = {"text_encoder": "text_encoder", "text_encoder_2": "text_encoder_2", "vae": "vae",
         "clip_vision": "image_encoder", "image_model": "image_model"}  # param -> pipeline component (an image model's
# checkpoint: the one an AnimateDiff motion module animates, read by its family's part reader)
FILES = {"model_2": "transformer_2", "vace_module": "vace_module", "vace_module_2": "vace_module_2", **PARTS}  # and Wan 2.2 A14B's second expert (files/wan22.py)


def stored_quantised(path: str) -> bool:
    """A weight file whose weights stay as it stores them when loaded: fp8 (scaled or not), ComfyUI's
    NVFP4 or int8, GGUF (from its header; a file that cannot be read counts as not)."""
    from ..files.weight_formats import read_weight_file
    try:
        fmt = read_weight_file(path).fmt
    except (ModelError, OSError, ValueError):
        return False
    return fmt.startswith(("fp8", "NVFP4", "int8", "GGUF"))


def find_model(name: str, base_dir: str | None) -> str:
    if not name.strip():
        raise ModelError("no model chosen: set 'model' to a diffusers folder or a .safetensors file, or a name "
                         f"under the models folders ({', '.join(model_paths.model_dirs())})")
    path = model_paths.resolve(name, base_dir)
    if path is None:
        _no_loop(name, base_dir, "model")
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


def _no_loop(name: str, base_dir: str | None, what: str) -> None:
    """A name that is a symbolic link loop refused as one (os.path.exists calls it missing)."""
    from studio.core.link_loops import loop_of
    loop = loop_of(name, base_dir, model_paths.model_dirs())
    if loop:
        raise ModelError(f"{what} '{name}': '{loop}' is a symbolic link loop (it leads back to itself), not a file")


def part_problems(key: str, name: str, base_dir: str | None) -> list[str]:
    """What validate says of a file parameter (a LoRA's): nothing when it is empty or found where the
    run would look (beside the graph, or in the models folders), else why not (the run is not needed)."""
    if not (name or "").strip():
        return []
    try:
        find_part(key, name, base_dir)
    except ModelError as e:
        return [str(e)]
    return []


def find_part(key: str, name: str, base_dir: str | None) -> str:
    """A text-encoder, VAE or CLIP-vision file's path, from what the artist typed or picked."""
    path = model_paths.resolve(name, base_dir)
    if path is None:
        _no_loop(name, base_dir, key.replace("_", " "))
        raise ModelError(f"{'second expert (model_2)' if key == 'model_2' else 'LoRA' if key == 'lora' else key.replace('_', ' ')} file '{name}' "
                         "not found: looked beside the graph and in "
                         f"{', '.join(model_paths.model_dirs())} (give a full path, or a name under a models folder)")
    return path


def _held_by(folders: list[str], key: str) -> str:
    """What to do where a part file is missing and the model's diffusers folder holds that part: seen under Xvfb, a
    ComfyUI Fun Camera workflow kept its text encoder, VAE and CLIP vision file names after the artist picked a
    diffusers folder that has all three, and the run was refused for files it did not need."""
    comp = FILES[key]
    for folder in folders:
        if os.path.isfile(os.path.join(folder, "model_index.json")) and os.path.isdir(os.path.join(folder, comp)):
            return (f"; the model '{os.path.basename(folder)}' has its own {key.replace('_', ' ')} ({comp}/): clear "
                    f"'{key.replace('_', ' ')}' to use it")
    return ""


def part_files(params, base_dir: str | None) -> dict[str, str]:
    """{pipeline component: path} of the part files set (text encoder, VAE, CLIP vision, second expert)."""
    return {comp: find_part(key, params.get(key) or "", base_dir)
            for key, comp in FILES.items() if (params.get(key) or "").strip()}


def _stoppable(ctx, load, what: str = "a model", progress=None):
    """``load()`` on a helper thread, with Stop checked every 50 ms: reading gigabytes of weights
    (minutes from a cold disk) cannot be interrupted, so Stop returns at once and the load ends
    on its own in the background; what it made is then dropped (freed). ``progress``: a LoadProgress
    (load_progress.py) whose count of files read is noted under the node as it changes."""
    import threading
    box: dict = {}
    looks = [0]

    def look():
        if progress is not None and looks[0] % 4 == 0:  # every 0.2 s
            text = progress.look()
            if text:
                ctx.note(text, logged=False)
        looks[0] += 1

    def work():
        try:
            box["value"] = load()
        except BaseException as e:  # noqa: BLE001 - handed to the node's thread
            box["error"] = e
    t = threading.Thread(target=work, name="studio-load-model", daemon=True)
    t.start()
    try:
        while t.is_alive():
            look()
            t.join(0.05)
            ctx.check_cancelled()
    except BaseException:
        from studio.engine.model_cache import background_load
        background_load(t, what)  # the next run waits for it
        raise
    if "error" in box:
        raise box["error"]
    return box["value"]


def _model_name(path: str, base: str | None) -> str:
    """The model in words for the load's progress ('Wan 2.1 1.3B'), from its headers; else its file's name."""
    from .foresee import model_facts
    try:
        facts = model_facts(path, base)
    except Exception:  # noqa: BLE001 - headers that do not tell: the load says what is wrong
        facts = {}
    return str(facts.get("variant") or facts.get("title") or os.path.basename(path.rstrip(os.sep)))


DENOISER_DIRS = ("transformer", "transformer_2", "unet")


def _memory_param(params) -> str:
    """The memory mode asked: 'memory', or 'model_offload' from an older graph's cpu_offload."""
    mode = params.get("memory", "auto") or "auto"
    return "model_offload" if mode == "auto" and params.get("cpu_offload") else mode


def _unavailable(path: str) -> str:
    """Why the model's family cannot run on this machine (its Requires: Cosmos without its guardrail),
    from its headers; '' when it can or the headers do not tell."""
    from ..base.capabilities import unavailable
    from ..base.registry import FAMILIES
    from .foresee import model_facts
    try:
        key = model_facts(path, None).get("family")
    except (StudioError, OSError, ValueError):  # a file its headers do not tell: the load's own check says why
        return ""
    return unavailable(FAMILIES[key]) if key in FAMILIES else ""


def _start_libraries() -> float:
    """Seconds the process's first load spends starting diffusers (its pipeline and model machinery, transformers,
    accelerate: 2.8 s of the tiny Wan's 3.9 s load in a new window, the next model's load then 0.15 s), 0 once they
    are in: a load's record keeps them apart, and an estimate adds them only where they are not in yet."""
    from ..base.loaded import libraries_started
    if libraries_started():
        return 0.0
    from studio.engine.quiet_gc import imports_quietly
    t0 = time.perf_counter()
    try:
        with imports_quietly():  # its five full collections stalled the window 160-300 ms each (quiet_gc.py)
            import diffusers
            diffusers.DiffusionPipeline, diffusers.ModelMixin  # noqa: B018 - their modules imported (lazy)
    except Exception:  # noqa: BLE001 - the load says what is missing
        pass
    return time.perf_counter() - t0


def _index_problem(path: str) -> str | None:
    """Why the diffusers folder ``path``'s model_index.json cannot be read as the loader reads it (a FIFO, a file
    too large, a link leading out of the folders a graph may read: files/headers.read_json), or None; validate
    says it as the run would."""
    index = os.path.join(path, "model_index.json")
    if not os.path.isdir(path) or not os.path.lexists(index):
        return None
    from ..files.headers import read_json
    try:
        read_json(index)
    except ModelError as e:
        return str(e)
    return None


class LoadVideoModel(Node):
    """Open a pretrained video model from your disk: a diffusers folder (with model_index.json; MiniMax H3's
    modular folder with modular_model_index.json) or
    a single denoiser file, .safetensors (bf16, fp16, fp32, fp8, scaled fp8) or .gguf (then 'base'
    gives the rest of the pipeline; the file's format is said). For Wan, LTX-Video and HunyuanVideo 1.5, the text encoder(s),
    VAE and CLIP vision may be ComfyUI's separate files (each recognised from its tensors, checked against
    the denoiser; the tokenizer inside the text-encoder file or in a tokenizer/ folder beside it), and Wan 2.2
    A14B's two experts two denoiser files ('model' and 'model_2'). The family
    (SVD, Wan, LTX-Video, CogVideoX, AnimateDiff, HunyuanVideo, SkyReels-V2, MiniMax H3...) is detected and
    shown. Never downloads."""
    id = "video_models.load"
    title = "Load Video Model"
    category = CATEGORY
    timing = SOURCE
    outputs = (Out("model", "Video Model"), Out("family", "Text", help="the detected family"))
    params = (Path("model", "", mode="open", filters=FILTERS, lookup=True, models="pipeline denoiser checkpoint",
                   help="a diffusers folder, its model_index.json, a single denoiser file (.safetensors in bf16, "
                        "fp16, fp32 or fp8, or .gguf), or a name under the models folders (org/name for the "
                        "Hugging Face cache)"),
              Path("model_2", "", mode="open", filters=FILTERS, lookup=True, models="denoiser",
                   help="Wan 2.2 A14B only: the second expert's file (ComfyUI's wan2.2_*_low_noise_*; 'model' takes "
                        "the high_noise one, swapped when their names say the other way round); both experts are "
                        "loaded, checked to be one architecture, and switched at the model's boundary"),
              Path("base", "", mode="dir", lookup=True, models="pipeline", help="single file only: a diffusers folder of the same family that "
                                                "gives the VAE, text encoder and scheduler"),
              Path("vace_module", "", mode="open", filters=MODULE_FILTERS, lookup=True, models="denoiser",
                   help="single Wan T2V file only: a Wan VACE module file (Wan2_1-VACE_module_*, "
                        "Wan2_2_Fun_VACE_module_*; .safetensors beside a .safetensors model, .gguf beside a .gguf "
                        "one) merged beside 'model' into a Wan VACE model"),
              Path("vace_module_2", "", mode="open", filters=MODULE_FILTERS, lookup=True, models="denoiser",
                   help="Wan 2.2 A14B's two experts only: the second expert's VACE module (..._LOW_...), merged "
                        "beside 'model_2' as 'vace_module' beside 'model'"),
              Path("text_encoder", "", mode="open", filters=PART_FILTERS, lookup=True, models="text_encoder",
                   help="single Wan / LTX-Video / HunyuanVideo 1.5 / Kandinsky 5 file only: the text-encoder file (ComfyUI's "
                        "text_encoders/umt5_xxl_*, t5xxl_* for LTX-Video, qwen_2.5_vl_7b* for HunyuanVideo 1.5 and "
                        "Kandinsky 5), instead of base's"),
              Path("text_encoder_2", "", mode="open", filters=PART_FILTERS, lookup=True, models="text_encoder",
                   help="single HunyuanVideo 1.5 / Kandinsky 5 file only: the second text encoder (ComfyUI's "
                        "text_encoders/byt5_small_glyphxl_fp16.safetensors, the byT5 glyph encoder, for HunyuanVideo "
                        "1.5; clip_l.safetensors for Kandinsky 5), instead of base's"),
              Path("vae", "", mode="open", filters=PART_FILTERS, lookup=True, models="vae",
                   help="single Wan / LTX-Video / HunyuanVideo 1.5 / Kandinsky 5 / MiniMax H3 file only: the VAE file "
                        "(ComfyUI's vae/; hunyuan_video_vae_bf16 for Kandinsky 5; MiniMax H3's video VAE, its audio VAE "
                        "read from beside it), instead of base's or the checkpoint's"),
              Path("clip_vision", "", mode="open", filters=PART_FILTERS, lookup=True, models="clip_vision",
                   help="single Wan 2.1 I2V / FLF2V file only: the CLIP-vision file (ComfyUI's "
                        "clip_vision/clip_vision_h.safetensors)"),
              Path("image_model", "", mode="open", filters=PART_FILTERS, lookup=True, models="checkpoint",
                   help="single AnimateDiff motion-module file only (ComfyUI's animatediff_models/): the Stable "
                        "Diffusion 1.5 checkpoint it animates (ComfyUI's checkpoints/: its UNet, VAE and CLIP text "
                        "encoder)"),
              Choice("dtype", "auto", choices=DTYPES, help="auto: bf16 (or fp16) on CUDA, fp16 on MPS, fp32 on CPU"),
              Choice("device", "auto", choices=("auto", "cuda", "mps", "cpu"),
                     help="auto: the graph's device"),
              Choice("memory", "auto", choices=MEMORY_MODES, help=MEMORY_HELP),
              Bool("cpu_offload", False, help="older graphs: the same as memory 'model_offload' (used when "
                                              "memory is auto)"),
              Bool("vae_tiling", False, help="decode in tiles: less memory for large frames"),
              Bool("vae_slicing", False, help="decode one clip at a time"))

    keeps_model = True  # the engine keeps what it loads in its model cache (studio.engine.model_cache)
    model_choices = staticmethod(model_choices)  # the window's model picker (catalog/listing.py)
    models_report = staticmethod(models_report)  # `main.py models` (catalog/listing.py)

    @classmethod
    def model_families(cls) -> list[dict]:
        """The video model families of the registry (catalog/family_records.py)."""
        from ..catalog.family_records import family_records
        return family_records()

    @classmethod
    def weight_numbers(cls, params, device, base_dir=None) -> tuple[str, int, int, int]:
        """(device, denoiser weights, other weights, bytes per weight at the load dtype), from the
        weight files' headers: nothing is loaded."""
        from studio.engine.device import check_device

        from ..files.headers import safetensors_numel
        from ..files.weight_formats import gguf_numel
        dev = str(device) if params.get("device", "auto") == "auto" else check_device(params["device"])
        kind = dev.split(":")[0]
        dt = params.get("dtype", "auto")
        size = {"fp32": 4, "bf16": 2, "fp16": 2}.get(dt, 4 if kind == "cpu" else 2)
        if kind == "cpu":
            size = 4 if dt in ("auto", "fp16") else size  # fp16 is loaded as fp32 on the CPU
        den = other = 0
        parts = {model_paths.resolve(params.get(k) or "", base_dir) for k in PARTS if (params.get(k) or "").strip()}
        model = model_paths.resolve(params.get("model") or "", base_dir) if (params.get("model") or "").strip() else None
        replaced = set()  # a base folder's denoisers that single files replace (not loaded)
        if model and os.path.isfile(model) and model.endswith((".safetensors", ".gguf")):
            replaced = {"transformer", "unet"} | ({"transformer_2"} if (params.get("model_2") or "").strip() else set())
        for f in cls.signature_files(params, base_dir):
            if replaced and f != model and os.path.basename(os.path.dirname(f)) in replaced:
                continue
            if f in parts:
                other += safetensors_numel(f) if f.endswith(".safetensors") else gguf_numel(f)
            elif f.endswith((".safetensors", ".gguf")):
                n = safetensors_numel(f) if f.endswith(".safetensors") else gguf_numel(f)
                if stored_quantised(f):  # kept in 8 or 4 bits (or GGUF's): its bytes, as weights of ``size``
                    n = min(n, -(-os.path.getsize(f) // size))
                top = os.path.dirname(os.path.dirname(f))
                if os.path.basename(os.path.dirname(f)) in DENOISER_DIRS or not any(
                        os.path.isfile(os.path.join(top, i)) for i in ("model_index.json", "modular_model_index.json")):
                    den += n  # a denoiser folder of a diffusers model, or a single file
                else:
                    other += n
        return dev, den, other, size

    @classmethod
    def quantised_model(cls, params, base_dir=None) -> bool:
        """The model is a single file kept as it stores its weights (fp8, NVFP4, GGUF): the fp8 memory
        modes have nothing to store in fewer bits."""
        f = model_paths.resolve(params.get("model") or "", base_dir) if (params.get("model") or "").strip() else None
        return bool(f) and os.path.isfile(f) and stored_quantised(f)

    @classmethod
    def model_footprint(cls, params, device, base_dir=None) -> tuple[str, int]:
        """(device the weights will live on, bytes they will take there), from the weight files'
        headers (nothing is loaded): the model cache makes that much room before the load."""
        dev, den, other, size = cls.weight_numbers(params, device, base_dir)
        kind = dev.split(":")[0]
        mode = _memory_param(params)
        if mode == "auto" and kind == "cuda":
            from ..memory.modes import choose_memory, free_memory
            from ..memory.sizes import Sizes
            mode, _ = choose_memory(Sizes(den * size, (other * size,)), free_memory(dev),
                                    size == 2 and not cls.quantised_model(params, base_dir))
        if kind == "cpu" or mode == "gpu" or mode == "auto":
            return dev, (den + other) * size
        # offloaded modes: every part on the host between runs; fp8 stores the denoiser in 1 byte a weight
        return "cpu", (den if mode.startswith("fp8") else den * size) + other * size

    @classmethod
    def preflight(cls, params, base_dir):
        """The device setting is one this machine has, and the model (and base) are found where the run
        would look: validate says so, not the run."""
        from studio.engine.device import setting_problem
        problems = [why for why in (setting_problem(params.get("device", "auto")),) if why]
        folders = []  # the model's and base's diffusers folders: a part they hold needs no file of its own
        for key in ("model", "base"):
            if key == "model" or (params.get(key) or "").strip():
                try:
                    path = find_model(params.get(key) or "", base_dir)
                except ModelError as e:
                    problems.append(str(e))
                    continue
                folders += [path] if os.path.isdir(path) else []
                if key == "model":  # a VAE or text encoder typed as the model: said as the part pickers see it
                    from .foresee import other_part
                    problems += [why for why in (_index_problem(path), other_part(path), _unavailable(path)) if why]
        for key in FILES:
            if (params.get(key) or "").strip():
                try:
                    find_part(key, params[key], base_dir)
                except ModelError as e:
                    problems.append(str(e) + _held_by(folders, key))
        return problems

    @classmethod
    def warm_up(cls) -> None:
        """Started by the window's engine loader off the GUI thread (studio/engine/warmup.py): diffusers' pipeline
        machinery, which the first load would import (2.8 s), and which the estimates before F5 count VAEs with."""
        _start_libraries()

    @classmethod
    def foresee(cls, params, base_dir, inputs):
        """The family and pipeline of the model, from its headers (loading/foresee.py)."""
        from .foresee import model_facts
        base = (params.get("base") or "").strip()
        found = find_model(params.get("model") or "", base_dir)
        facts = model_facts(found, find_model(base, base_dir) if base else None)
        if not facts:
            return {}
        if (params.get("model_2") or "").strip():  # a second expert's file: two experts, whatever the first is
            facts["experts"] = 2
        elif os.path.isfile(found) and not found.endswith("model_index.json"):  # one denoiser file and no second: one expert (a folder's index says its own)
            facts.setdefault("experts", 1)
        try:  # the weights, from the headers: a generator's time before its run is scaled by them (foresee_time.py)
            _, den, other, _ = cls.weight_numbers({**params, "device": "cpu"}, "cpu", base_dir)
            facts.update(weights=den, all_weights=den + other)
        except (StudioError, OSError, ValueError):
            pass
        return {"model": {**facts, "path": found}}  # the path: a distilled checkpoint told by name

    @classmethod
    def signature_files(cls, params, base_dir=None) -> list[str]:
        """Every weight and config file: replacing a model's files re-runs what uses it."""
        from ..files.parts import audio_vaes_beside
        out = []
        for key in ("model", "base", *FILES):
            v = params.get(key) or ""
            p = model_paths.resolve(v, base_dir) if v.strip() else None
            if p:
                out += model_files(os.path.dirname(p) if p.endswith("model_index.json") else p)
                if key in ("model", "vae") and os.path.isfile(p):  # an audio VAE read from beside the file
                    out += audio_vaes_beside(p)  # (LTX-2.5's and MiniMax H3's ComfyUI files)
        return list(dict.fromkeys(out))

    def run(self, ctx):
        from studio.engine.device import resolve_device, setting_problem

        from .load import load_video_model
        p = ctx.params
        why = setting_problem(p.device)
        if why:
            raise ModelError(why)
        path = find_model(p.model, _base_dir(ctx))
        base = find_model(p.base, _base_dir(ctx)) if p.base.strip() else None
        parts = part_files(p, _base_dir(ctx))
        device = ctx.device if p.device == "auto" else resolve_device(p.device)
        planned = self._plan_before_load(ctx, device)
        warnings: list[str] = []
        said: list[str] = []
        from .load_progress import LoadProgress, weight_files
        from ..base import warm_files
        how = warm_files.how(path, weight_files(path, parts))  # a reload, in the page cache: kept with its time
        t0 = time.perf_counter()
        imports = _start_libraries()
        progress = LoadProgress(_model_name(path, base), weight_files(path, parts))
        ref = _stoppable(ctx, lambda: load_video_model(
            path, base=base, device=device, dtype_name=p.dtype, memory=_memory_param(p),
            tiling=p.vae_tiling, slicing=p.vae_slicing, warn=warnings.append, info=said.append, planned=planned,
            parts=parts), what=f"'{os.path.basename(path.rstrip(os.sep))}'", progress=progress)
        ref.shared.load_seconds = time.perf_counter() - t0 - imports  # kept by its first run: the estimates before F5
        ref.shared.import_seconds = imports
        ref.shared.load_how = how
        warm_files.loaded(path)
        warm_files.loaded(ref.path)
        for w in warnings:
            ctx.warn(w)
        ctx.info(f"{ref.summary()} on {device} ({str(ref.dtype).replace('torch.', '')})")
        for line in said:
            if not line.startswith("memory:"):
                ctx.info(line)  # the denoiser file's format, which file is which part and what it is
        ctx.info(f"memory: {ref.memory} ({ref.memory_why})")  # the details, in the Log
        # in plain words, under the node and in the status bar (and with its model status); with part files,
        # what each is ('fp8 e4m3 (scaled); text encoder UMT5-XXL (Wan), bf16; VAE Wan 2.1 VAE, bf16')
        ctx.note(ref.setup() + (f" — files: {ref.weights}" if parts else ""))
        return {"model": ref, "family": ref.fam.title}

    def _plan_before_load(self, ctx, device) -> bool:
        """On a GPU, before gigabytes are read: the peak the memory mode asked for is predicted to
        need (weights from the files' headers), said, and, when it will not fit the card's free
        memory, warned about naming the mode that would. True when the plan was said (the load
        does not say it again)."""
        from ..memory.modes import choose_memory, free_memory, plan_note, predicted_peak
        from ..memory.sizes import Sizes, fmt_gb
        if getattr(device, "type", str(device)).split(":")[0] != "cuda":
            return False
        free = free_memory(device)
        if free is None:
            return False
        _, den, other, size = self.weight_numbers(ctx.params, device, _base_dir(ctx))
        sizes, fp8_ok = Sizes(den * size, (other * size,)), size == 2 and not self.quantised_model(ctx.params,
                                                                                                    _base_dir(ctx))
        mode = _memory_param(ctx.params)
        from ..memory.header_plan import folder_configs, header_plan  # the loader's part-by-part plan, from headers
        said = header_plan(den * size, other * size, folder_configs(ctx.params, _base_dir(ctx)), mode, free, fp8_ok)
        if said is not None:
            (ctx.info if said[0] == "info" else ctx.warn)(said[1])
            return True
        if mode == "auto":  # no config with the blocks and widths (a single file): the sizes alone
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
    inputs = (In("model", "Video Model"),
              In("lora", "Video Model", optional=True, help="a trained LoRA (Train Video LoRA's output): its file is "
                                                     "applied, the 'lora' path is not used"))
    outputs = (Out("model", "Video Model"),)
    model_choices = staticmethod(model_choices)
    params = (Path("lora", "", mode="open", filters="LoRA (*.safetensors)", models="lora", lookup=True),
              Float("strength", 1.0, min=-4.0, max=4.0, help="0 turns it off; negative pushes away from it"),
              Choice("expert", "auto", choices=EXPERTS,
                     help="Wan 2.2 A14B's two experts: which one the LoRA goes on. auto: the one its file name says "
                          "('high_noise', 'low'), else both"))

    @classmethod
    def preflight(cls, params, base_dir):
        """The LoRA file is found where the run would look (beside the graph, or in the models
        folders' loras/ as a ComfyUI workflow names it): validate says so, not the run."""
        return part_problems("lora", params.get("lora") or "", base_dir)

    @classmethod
    def foresee(cls, params, base_dir, inputs):
        """The model upstream, as it comes in (a LoRA changes no family)."""
        return {"model": inputs["model"]} if inputs.get("model") else {}

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
        if lora is None:
            path = find_part("lora", path, _base_dir(ctx))  # beside the graph, else in the models folders (loras/)
        elif not os.path.exists(path):
            raise ModelError(f"LoRA '{path}' not found")
        lora_check(path)  # a folder, a FIFO or a device is refused here, before it is opened
        return ref.with_lora(os.path.abspath(path), ctx.params.strength, ctx.params.expert)

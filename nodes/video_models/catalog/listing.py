"""The models in the models folders, as the picker and ``main.py models`` list them: diffusers
folders (``model_index.json``), the Hugging Face cache, and ComfyUI's kind folders of single
``.safetensors``/``.gguf`` files. Each entry: its family and variant, its kind, its size on disk,
its dtype or quantisation, and whether it fits this machine's GPU (or memory) in each memory mode,
from the loader's planner (memory.py).

Only headers are read (base/recognise.py, headers.py): never a weight. What a file is, is cached by
(path, size, mtime) in the user's cache folder (one JSON file, written atomically), so the next
listing stats files and reads nothing. Plain stdlib: no torch (except to ask the GPU's size,
:func:`machine`), no Qt."""
from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field

from studio.core import models as model_paths
from studio.core.errors import StudioError

from ..base.capabilities import unavailable
from ..base.registry import FAMILIES, family_from_index, family_of, variant_title
from .headers import FileInfo, HeaderError, read_info
from ..memory.modes import MEMORY_MODES, predicted_peak
from ..memory.sizes import GB, Sizes, fmt_gb, usable
from ..base.recognise import KIND_TITLES, KINDS, recognise

CACHE_FILE = "model_catalog.json"
CACHE_VERSION = 1
PLAN_MODES = tuple(m for m in MEMORY_MODES if m != "auto")
DENOISER_COMPONENTS = ("transformer", "transformer_2", "unet")
RUNNABLE = ("pipeline", "denoiser", "checkpoint")  # what the planner plans for


@dataclass
class ModelEntry:
    name: str  # what the Load Video Model node takes (relative to its models folder, or org/name)
    path: str
    kind: str  # recognise.KINDS
    family: str = ""  # families.FAMILIES key
    family_title: str = ""
    variant: str = ""
    size: int = 0  # bytes on disk
    dtype: str = ""  # 'bf16', 'fp8_e4m3fn scaled', 'GGUF Q4_K' ...
    params: int = 0  # numbers in the weights (all components)
    denoiser_params: int = 0
    root: str = ""
    hint: str = ""  # the kind its ComfyUI kind folder gives it
    note: str = ""
    needs: str = ""  # why its family cannot run here, what to install and where (its Requires: Cosmos's guardrail)
    fits: dict = field(default_factory=dict)  # memory mode -> True / False (RUNNABLE kinds on a known machine)
    peaks: dict = field(default_factory=dict)  # memory mode -> predicted peak bytes

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def kind_title(self) -> str:
        return KIND_TITLES.get(self.kind, self.kind)


@dataclass(frozen=True)
class Machine:
    device: str  # 'cuda' or 'cpu'
    name: str
    memory: int  # bytes: the card's total memory (a free card), or the host's memory


MACHINE_FILE = "machine.json"


def _gpus() -> list[str]:
    d = "/proc/driver/nvidia/gpus"
    try:
        return sorted(os.listdir(d)) if os.path.isdir(d) else []
    except OSError:
        return []


def machine() -> Machine:
    """This machine's GPU, else its memory. torch is asked when it is imported already, or on Linux
    when the NVIDIA driver lists a GPU; what it said is kept in the user's cache folder against the
    driver's list of GPUs, so the picker does not import torch (seconds) to hear it again."""
    gpus = _gpus()
    path = os.path.join(os.path.dirname(cache_path()), MACHINE_FILE)
    if "torch" not in sys.modules and gpus:
        from studio.core.paths import read_json_dict
        kept = read_json_dict(path)
        if kept.get("gpus") == gpus and isinstance(kept.get("machine"), dict):
            try:
                return Machine(**kept["machine"])
            except TypeError:
                pass
    try:
        if "torch" not in sys.modules and sys.platform.startswith("linux") and not gpus:
            raise ImportError("no NVIDIA driver: torch is not imported just to hear so")
        import torch
        if torch.cuda.is_available():
            p = torch.cuda.get_device_properties(0)
            m = Machine("cuda", p.name, int(p.total_memory))
            if gpus:
                from studio.core.paths import write_atomic
                try:
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                    write_atomic(path, json.dumps({"gpus": gpus, "machine": asdict(m)}))
                except OSError:
                    pass
            return m
    except Exception:  # noqa: BLE001 - no torch, no driver: the host's memory it is
        pass
    try:
        import psutil
        ram = int(psutil.virtual_memory().total)
    except Exception:  # noqa: BLE001
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return Machine("cpu", "this computer's memory", ram)


# -- describing one model ------------------------------------------------------------------------
def _read_json(path: str) -> dict:
    from studio.core.json_limits import load_file
    try:
        if not os.path.isfile(path):  # a FIFO or a device would block
            return {}
        d = load_file(path)
        return d if isinstance(d, dict) else {}
    except (OSError, ValueError):
        return {}


def _component_files(d: str) -> list[str]:
    """The weight files of a diffusers component folder (one dtype variant: the plain one first)."""
    try:
        names = sorted(e.name for e in os.scandir(d) if e.name.endswith(".safetensors") and e.is_file())
    except OSError:
        return []
    plain = [n for n in names if not any(f".{v}." in n for v in ("fp16", "bf16", "fp32"))]
    return [os.path.join(d, n) for n in (plain or names[:1])]


def _folder_signature(path: str) -> list:
    """What a diffusers folder's entry depends on: every json and weight file's (name, size, mtime)."""
    sig = []
    for cur in [path] + sorted(e.path for e in os.scandir(path) if e.is_dir() and not e.name.startswith(".")):
        try:
            for e in sorted(os.scandir(cur), key=lambda e: e.name):
                if e.name.endswith((".json", ".safetensors")):
                    st = e.stat()
                    sig.append([os.path.relpath(e.path, path), st.st_size, st.st_mtime_ns])
        except OSError:
            continue
    return sig


def _task(index: dict, cfg: dict, fam) -> str:
    cls = str(index.get("_class_name", ""))
    if fam.modular:  # one modular pipeline for all its tasks (MiniMax H3: text and image to video)
        return ""
    for field in ("vace", "animate"):  # a task pipeline of the family's own, labelled by its Family field
        if cls and cls == getattr(fam, field):
            return field.upper() if len(field) <= 4 else field.title()  # 'VACE', 'Animate'
    if family_of(fam.key, cls).forcing:  # SkyReels-V2 DF: text and image to video by one model (its title says DF)
        return "DF"
    if cfg.get("pos_embed_seq_len"):
        return "FLF2V"
    kinds = fam.task_kinds_by_inputs  # a family run by its own node (Framepack) says its tasks there
    image_only = fam.t2v is None and (fam.i2v or ("image" in kinds and "text" not in kinds))  # SVD, Framepack
    own_i2v = cls == fam.i2v and cls != fam.t2v  # its image-to-video class by another name (EasyAnimate's InP)
    if "ImageToVideo" in cls or "Image2Video" in cls or "I2V" in cls or image_only or own_i2v:
        return "I2V"
    if "VideoToVideo" in cls:
        return "V2V"
    return "T2V" if cls and (fam.t2v or "text" in kinds) else ""  # none for a family doing no text to video


def describe_folder(path: str) -> ModelEntry:
    index = _read_json(os.path.join(path, "model_index.json"))  # {} when there is none
    modular = os.path.isfile(os.path.join(path, "modular_model_index.json")) and family_from_index(index) is None
    if modular:  # modular_model_index.json (MiniMax H3's; Wan Animate 2's beside a model_index.json)
        index = _read_json(os.path.join(path, "modular_model_index.json"))
    fam = family_from_index(index)
    e = ModelEntry("", path, "pipeline", fam.key if fam else "", fam.title if fam else "")
    den_cfg: dict = {}
    den_dtype = ""
    for comp, spec in index.items():
        if comp.startswith("_") or not isinstance(spec, list) or len(spec) != 2 + modular or spec[0] is None:
            continue
        d = os.path.join(path, spec[2].get("subfolder") or comp if modular and isinstance(spec[2], dict) else comp)
        files = _component_files(d)
        n = 0
        for f in files:
            e.size += os.path.getsize(f)
            try:
                info = read_info(f)
            except HeaderError as err:
                e.note = f"{comp}/{os.path.basename(f)}: {err}"
                continue
            n += info.numel
            if comp in DENOISER_COMPONENTS and not den_dtype:
                den_dtype = info.dtype()
            if info.note and not e.note:
                e.note = f"{comp}: {info.note}"
        e.params += n
        if comp in DENOISER_COMPONENTS:
            e.denoiser_params += n
            if not den_cfg:
                den_cfg = _read_json(os.path.join(d, "config.json"))
    e.dtype = den_dtype
    if fam is None:
        e.note = e.note or f"a '{index.get('_class_name', '?')}' folder, not a video model Studio opens"
    else:
        title = variant_title(fam, index, den_cfg)
        task = _task(index, den_cfg, fam)
        e.variant = title + (f" {task}" if task and task not in title and "TI2V" not in title else "")
    return e


def describe_file(path: str, hint: str = "") -> ModelEntry:
    e = ModelEntry("", path, "unknown")
    try:
        e.size = os.path.getsize(path)
        info: FileInfo = read_info(path)
    except HeaderError as err:
        e.note = str(err)
        return e
    e.dtype = info.dtype()
    e.params = info.numel
    if not info.details:  # a GGUF file without the gguf package: its kind from its folder only
        e.kind = hint if hint in ("denoiser", "text_encoder", "vae", "clip_vision", "lora") else "unknown"
        e.note = info.note
        return e
    r = recognise(info.shapes, hint, os.path.basename(path))
    e.kind, e.family, e.variant = r.kind, r.family, r.variant
    e.note = "; ".join(n for n in (r.note, info.note) if n)
    if e.kind in ("denoiser", "checkpoint"):
        e.denoiser_params = info.numel
    fam = FAMILIES.get(r.family)
    e.family_title = fam.title if fam else ""
    return e


def _described(f) -> ModelEntry:
    """One found model's entry; whatever goes wrong reading it is a note on that entry, never the
    end of the listing."""
    try:
        return describe_folder(f.path) if f.kind == "folder" else describe_file(f.path, f.hint)
    except (Exception, RecursionError) as err:  # noqa: BLE001 - one bad file is a note, the others still listed
        words = str(err).splitlines()[0][:200] if isinstance(err, (OSError, StudioError)) else ""
        return ModelEntry("", f.path, "unknown", note=f"cannot be read ({type(err).__name__}{': ' + words if words else ''})")


# -- the memory plan -----------------------------------------------------------------------------
STORED = ("GGUF", "fp8", "nvfp4", "int8")  # files whose weights stay as the file stores them when loaded


def weight_bytes(e: ModelEntry, m: Machine) -> tuple[int, int]:
    """(denoiser bytes, other bytes) as loaded on ``m``: bf16 on a GPU (the loader's auto dtype),
    fp32 on the CPU; a GGUF file's quantised size on disk (diffusers dequantises it on the fly), and
    so an fp8 or NVFP4 file's (kept in 8 or 4 bits, computed in the load dtype layer by layer)."""
    per = 2 if m.device == "cuda" else 4
    if e.dtype.startswith(STORED):
        return e.size, 0
    return e.denoiser_params * per, (e.params - e.denoiser_params) * per


def plan(e: ModelEntry, m: Machine) -> None:
    """``fits`` and ``peaks`` for each memory mode (the planner's predicted peak against 90 % of
    the card's memory; on the CPU only 'gpu', all in memory, applies)."""
    e.fits, e.peaks = {}, {}
    if e.kind not in RUNNABLE or not e.denoiser_params and not e.dtype.startswith(STORED):
        return
    den, other = weight_bytes(e, m)
    s = Sizes(den, (other,) if other else ())
    counted = None
    if m.device == "cuda" and os.path.isdir(e.path):  # the loader's part-by-part plan, from the folder's configs
        from ..memory.header_plan import folder_configs, header_peaks
        cfg, vae, experts = folder_configs({"model": e.path})
        counted = header_peaks(den, other, cfg, m.memory, PLAN_MODES, experts, vae)
    for mode in PLAN_MODES if m.device == "cuda" else ("gpu",):
        if mode.startswith("fp8") and e.dtype.startswith(STORED + ("fp32",)):
            continue  # fp8 storage applies to bf16/fp16 weights (an fp8 file is in 8 bits already)
        if counted and mode in counted:
            e.peaks[mode], e.fits[mode] = counted[mode].peak, counted[mode].fits
            continue
        peak = predicted_peak(mode, s)
        e.peaks[mode] = peak
        e.fits[mode] = peak <= usable(m.memory)


def fit_summary(e: ModelEntry) -> str:
    """'fits: gpu, model_offload, ...' / 'does not fit' / '' (nothing planned)."""
    if not e.fits:
        return ""
    if list(e.fits) == ["gpu"] and "model_offload" not in e.peaks and not e.dtype.startswith(STORED):
        return "fits in memory (fp32 on the CPU)" if e.fits["gpu"] else "too big for this memory (fp32 on the CPU)"
    ok = [m for m, f in e.fits.items() if f]
    return "fits: " + ", ".join(ok) if ok else "does not fit in any mode"


# -- the cache and the listing -------------------------------------------------------------------
def cache_path() -> str:
    from studio.core.manifest import cache_dir
    return os.path.join(cache_dir(), CACHE_FILE)


def _code_version() -> list:
    """The cache's version: its format and the recognising code's files (a new rule re-reads every
    header once)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out: list = [CACHE_VERSION]
    fams = os.path.join(root, "families")
    each = [os.path.join("families", d, f) for d in sorted(os.listdir(fams)) if os.path.isdir(os.path.join(fams, d))
            for f in ("family.py", "recognise.py")]  # every family's recogniser, found by path (none imported)
    for f in [os.path.join("catalog", "headers.py"), os.path.join("base", "recognise.py"), *each]:
        try:
            st = os.stat(os.path.join(root, f))
            out.append([f, st.st_size, st.st_mtime_ns])
        except OSError:
            out.append([f, 0, 0])
    return out


def _load_cache(path: str) -> dict:
    from studio.core.paths import read_json_dict
    data = read_json_dict(path)
    if data.get("version") != _code_version() or not isinstance(data.get("entries"), dict):
        return {}
    return data["entries"]


def _save_cache(path: str, entries: dict) -> None:
    from studio.core.paths import write_atomic
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomic(path, json.dumps({"version": _code_version(), "entries": entries}))
    except OSError:
        pass  # a read-only cache folder: the next listing reads the headers again


UNCACHED = ("fits", "peaks", "needs")  # what depends on this machine as it is now, not on the file


def _say_needs(entries: list[ModelEntry], notes: list[str]) -> None:
    """Each entry whose family cannot run here says why (its ``needs``), and the notes once per family: installing
    what it names is seen at the next listing (never cached)."""
    said: dict[str, str] = {}
    for e in entries:
        fam = FAMILIES.get(e.family)
        if fam is None or e.kind not in RUNNABLE:
            continue
        if fam.key not in said:
            said[fam.key] = unavailable(fam)
            if said[fam.key]:
                notes.append(said[fam.key])
        e.needs = said[fam.key]


def list_models(roots: list | None = None, m: Machine | None = None, notes: list[str] | None = None,
                use_cache: bool = True) -> list[ModelEntry]:
    """Every model under ``roots`` (default: the models folders of the settings), sorted by family,
    variant and name, with its memory plan on ``m`` (default: :func:`machine`; pass ``False``-y
    ``Machine`` to skip)."""
    notes = notes if notes is not None else []
    found = model_paths.scan(roots, notes=notes)
    cpath = cache_path() if use_cache else ""
    cache = _load_cache(cpath) if cpath else {}
    fresh: dict = {}
    out: list[ModelEntry] = []
    for f in found:
        sig = [f.size, f.mtime_ns, f.hint] if f.kind == "file" else _folder_signature(f.path)
        hit = cache.get(f.path)
        if hit and hit.get("sig") == sig:
            try:
                e = ModelEntry(**hit["entry"])
            except TypeError:
                e = None
        else:
            e = None
        if e is None:
            e = _described(f)
        fresh[f.path] = {"sig": sig, "entry": {k: v for k, v in e.as_dict().items() if k not in UNCACHED}}
        e.name, e.root, e.hint = f.name, f.root, f.hint
        out.append(e)
    _say_needs(out, notes)
    if cpath and fresh != cache:
        _save_cache(cpath, fresh)
    if m is None:
        m = machine()
    for e in out:
        plan(e, m)
    out.sort(key=lambda e: (e.family_title or "~", KINDS.index(e.kind) if e.kind in KINDS else len(KINDS),
                            e.variant or "~", e.name.lower()))
    return out


FASTEST_FIRST = ("gpu", "model_offload", "fp8", "fp8+block_offload", "block_offload")  # as auto tries them


def best_mode(e: ModelEntry) -> str:
    """The fastest memory mode predicted to fit ('' : none, or nothing planned)."""
    return next((m for m in FASTEST_FIRST if e.fits.get(m)), "")


def fit_short(e: ModelEntry) -> str:
    """A word for a list's column: the fastest mode that fits, 'in memory' (the CPU), or why not."""
    if not e.fits:
        return ""
    if "gpu" in e.fits and len(e.fits) == 1 and not e.dtype.startswith("GGUF"):
        return "in memory" if e.fits["gpu"] else "too big"
    return best_mode(e) or "none fits"


def size_text(n: int) -> str:
    return fmt_gb(n) if n >= GB / 10 else f"{n / 1024 ** 2:.1f} MB"


def choices(kinds, refresh: bool = False) -> dict:
    """What the window's model picker shows for a path that takes ``kinds`` ('lora' or 'pipeline
    denoiser checkpoint', as a Path parameter's ``models`` declares them): ``{"machine": its
    words, "notes": [...], "models": [entry dicts with 'fit' (a line), 'fit_short' (a word),
    'best' (the fastest mode that fits), 'size_text' and 'kind_title']}``. A file its kind folder says is one of ``kinds`` but that is not recognised
    is listed too (kind 'unknown', its note saying what it holds)."""
    notes: list[str] = []
    m = machine()
    entries = list_models(m=m, notes=notes, use_cache=not refresh)
    kinds = set(kinds.split() if isinstance(kinds, str) else kinds)
    out = []
    for e in entries:
        if e.kind in kinds or (e.kind == "unknown" and e.hint in kinds):
            out.append({**e.as_dict(), "fit": fit_summary(e), "best": best_mode(e),
                        "fit_short": "needs an install" if e.needs else fit_short(e),
                        "size_text": size_text(e.size),
                        "kind_title": e.kind_title})
    return {"machine": f"{m.name} ({fmt_gb(m.memory)})", "notes": notes, "models": out}


def report(refresh: bool = False) -> dict:
    """Every model found, for ``main.py models`` (Load Video Model's ``models_report``): the machine, the entries
    and the notes, and the table of them in words."""
    import io
    notes: list[str] = []
    m = machine()
    entries = list_models(m=m, notes=notes, use_cache=not refresh)
    table = io.StringIO()
    if entries:
        print_table(entries, m, [], out=table)
    return {"machine": asdict(m), "models": [e.as_dict() for e in entries], "notes": notes,
            "table": table.getvalue()}


def print_table(entries: list[ModelEntry], m: Machine, notes: list[str], out=None) -> None:
    out = out or sys.stdout
    print(f"{len(entries)} model(s); memory plans for {m.name} ({fmt_gb(m.memory)})", file=out)
    group = None
    for e in entries:
        g = e.family_title or "Other"
        if g != group:
            group = g
            print(f"\n[{g}]", file=out)
        bits = [e.variant or "?", e.kind_title, size_text(e.size), e.dtype or "?"]
        fit = fit_summary(e)
        print(f"  {e.name}\n      {' · '.join(bits)}" + (f" · {fit}" if fit else "") +
              (f"\n      {e.note}" if e.note else ""), file=out)
    for n in notes:
        print(f"note: {n}", file=out)

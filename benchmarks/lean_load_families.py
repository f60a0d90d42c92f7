"""Peak host memory of Load Video Model's load, family by family, against the files' size (issue 72 item 1: lean
loads, <= 1.15x the files' size in host memory).

For each family, its tiny random folder (a tests/tiny_models.py BUILDERS key, or ``module:function`` for a family
with no key) is built, and a copy of it with the denoiser widened (benchmarks/bench_families.py's widening: the
heads times ``--wide``, four layers; the smallest of WIDTHS that makes the denoiser at least ``--mb`` MB) and saved
in bf16. Each case then runs in a fresh interpreter: the tiny folder loaded first and dropped (every lazy import
and first-call cost paid before the baseline), the peak resident memory reset (benchmarks/lean_load.MEASURE:
VmHWM through /proc/self/clear_refs), then the widened folder loaded by ``load_video_model`` (the node's own
load) as bf16 on the CPU, its deferred text encoder too, then every weight read once (a weight left in the
mapped file, as safetensors hands out a folder's, is resident from its first use); the peak less the baseline
is the load's, set against
the sum of the folder's weight files (every .safetensors). ``single``: the widened denoiser's file alone (its
diffusers names, as Studio reads a denoiser file of any family that reads one) with the widened folder as its base, for the
families that read a single denoiser file; the files then are the single file and the base's others (its own
denoiser file is not read).

    .venv/bin/python -m benchmarks.lean_load_families [--only wan,mochi] [--wide 0] [--mb 100] [--single 1] [--old 1]

``--old 1`` also measures each folder as the loader did before issue 72's mend (base/own_memory.py: a copied
weight's pages of the mapped file kept resident until the load ends), in a fresh interpreter of its own.

Columns: the files' MB, the peak's MB and its ratio to the files, what is resident after the load (end) and the
bytes of the tensors the pipeline holds (held): a peak well above end is a copy made and dropped during the load;
end well above held is memory kept besides the weights (a second copy held, or a memory-mapped file's pages).

Measured (this machine, CPU, 2 cores shared with other work, 24 GB; --old 1 --mb 80; HunyuanVideo 1.5 at its
smallest width, 294 MB; benchmarks/results/lean_load_families_cpu.json): every one of the 30 families' folders
at 0.91x-1.09x its files after issue 72's mend (base/own_memory.py hands a copied weight's pages of the mapped
file back), 1.83x-2.04x before it in 24 of them (each weight in memory of its own beside the mapped file's
pages read to copy it; in 11 the pages stayed after the load too: end about twice held); the six at
1.00x-1.35x before were those whose weights all or mostly start on a 64-byte line in their files (kept in place,
not copied). Not measured: AnimateDiff (no tiny builder), Wan S2V and SCAIL-2 (single files with ComfyUI's part
files only: benchmarks/lean_load.py --parts measures that path for Wan, 1.06x). The single denoiser files (the 13 families that read one): 0.98x-1.07x, unchanged (Studio's own
plain reads); a Cosmos Predict2.5 transformer file in diffusers' names is told as Predict2 and refused against
its 2.5 base (a recogniser's matter, not the load's)."""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.cli import settings  # noqa: E402
from benchmarks.lean_load import run_child  # noqa: E402

# family key -> tiny builder (BUILDERS key, or module:function with keyword arguments as JSON after a '|')
FAMILIES = {
    "svd": "svd", "wan": "wan-t2v", "ltx": "ltx", "ltx2": "ltx2", "cogvideox": "cogvideox",
    "hunyuan15": "tests.video_models.tiny_hunyuan15:build_hunyuan15", "hunyuan": "hunyuan",
    "skyreels": "tests.video_models.tiny_skyreels:build_skyreels", "kandinsky5": "kandinsky5",
    "lucy": "tests.video_models.tiny_lucy:build_lucy", "minimax_h3": "minimax-h3", "wan_animate2": "wan-animate-2",
    "cosmos": "cosmos1", "cosmos2": "cosmos2", "cosmos25": "cosmos25", "cosmos3": "cosmos3", "helios": "helios",
    "helios_pyramid": "helios-distilled", "mochi": "mochi", "kandinsky6": "kandinsky6",
    "hunyuan_skyreels": "hunyuan-skyreels", "framepack": "framepack", "sana_video": "sana-video",
    "motif_video": "motif-video", "allegro": "allegro", "chronoedit": "chronoedit", "easyanimate": "easyanimate",
    "i2vgen_xl": "i2vgen-xl", "latte": "latte", "modelscope_t2v": "modelscope-t2v",
}
WIDTHS = (8, 16, 24, 32, 48, 64, 96, 128)


def _cosmos3(cfg: dict, w: int) -> dict:  # a language model's names: heads, key-value heads, hidden and MLP widths
    return {"num_attention_heads": cfg["num_attention_heads"] * w, "num_key_value_heads": cfg["num_key_value_heads"] * w,
            "hidden_size": cfg["hidden_size"] * w, "intermediate_size": cfg["intermediate_size"] * w,
            "num_hidden_layers": 4}


def _kandinsky(cfg: dict, w: int) -> dict:  # its heads are model_dim over the rope axes' width: model_dim widened
    return {"model_dim": cfg["model_dim"] * w, "ff_dim": cfg["ff_dim"] * w, "num_visual_blocks": 4}


def _minimax(cfg: dict, w: int) -> dict:  # its width is hidden_size (heads x head size), not tied by name
    return {"hidden_size": cfg["hidden_size"] * w, "num_attention_heads": cfg["num_attention_heads"] * w,
            "ffn_dim": cfg["ffn_dim"] * w, "num_layers": 4}


def _animate2(cfg: dict, w: int) -> dict:  # Wan's original names: dim, num_heads
    return {"dim": cfg["dim"] * w, "num_heads": cfg["num_heads"] * w, "ffn_dim": cfg["ffn_dim"] * w, "num_layers": 4}


def _heads(cfg: dict, w: int) -> dict:  # the heads alone (HunyuanVideo 1.5: its text and image widths stay)
    return {"num_attention_heads": cfg["num_attention_heads"] * w, "num_layers": 4}


WIDEN = {"HunyuanVideo15Transformer3DModel": _heads, "Cosmos3OmniTransformer": _cosmos3, "Kandinsky6Transformer3DModel": _kandinsky,
         "Kandinsky5Transformer3DModel": _kandinsky, "MiniMaxH3Transformer3DModel": _minimax,
         "WanAnimate2Transformer3DModel": _animate2}  # denoisers whose widths bench_families' _widen does not name

CHILD = r"""
import gc, json, os, sys, time
import torch
import nodes.video_models.families  # noqa: F401  (the registry filled)
from nodes.video_models.loading.load import load_video_model
warm, path, base = sys.argv[1], sys.argv[2], sys.argv[3] or None
warm_base = sys.argv[4] or None
if sys.argv[5] == "old":  # the loader before issue 72's mend: a copied weight's mapped pages kept till the end
    import nodes.video_models.base.own_memory as own
    own._hand_back = lambda *a: False
def load(p, b):
    ref = load_video_model(p, base=b, device=torch.device("cpu"), dtype_name="bf16")
    ref.load_text_encoder()
    return ref
ref = load(warm, warm_base)  # the tiny model: every import and first call paid before the baseline
del ref
gc.collect()
baseline = reset_peak()
t = time.perf_counter()
ref = load(path, base)
secs = time.perf_counter() - t
peak = peak_rss()
end = status("VmRSS")
seen, held = set(), 0
with torch.no_grad():
    for c in ref.module.components.values():
        if isinstance(c, torch.nn.Module):
            for x in list(c.parameters()) + list(c.buffers()):
                key = x.untyped_storage().data_ptr() if x.device.type == "cpu" else id(x)
                if key not in seen:
                    seen.add(key)
                    held += x.untyped_storage().nbytes()
                    x.sum()  # read as a run reads it: a weight left in a mapped file is resident from then on
peak = max(peak, peak_rss())
print(json.dumps({"baseline": baseline, "peak": peak, "end": end, "held": held, "seconds": secs,
                  "weights": ref.weights}))
"""


def _builder(spec: str):
    """A builder's function of one argument (the folder) for a FAMILIES value."""
    if ":" not in spec:
        from tests.tiny_models import _builder as key_builder
        return key_builder(spec)
    import importlib
    module, _, rest = spec.partition(":")
    func, _, kw = rest.partition("|")
    fn = getattr(importlib.import_module(module), func)
    return lambda path: fn(path, **(json.loads(kw) if kw else {}))


def widen(folder: str, denoiser: str, wide: int, mb: float, case) -> tuple[int, int]:
    """``folder``'s denoiser rebuilt from its config widened (``wide``, else the smallest of WIDTHS reaching ``mb``
    MB in bf16), random weights, saved in bf16: (the width used, the denoiser's bytes)."""
    import diffusers
    import torch
    from accelerate import init_empty_weights

    from benchmarks.bench_families import _widen
    part = os.path.join(folder, denoiser)
    with open(os.path.join(part, "config.json"), encoding="utf-8") as f:
        cls = getattr(diffusers, json.load(f)["_class_name"])
    base = {k: v for k, v in cls.load_config(part).items() if not k.startswith("_")}

    def unet(cfg, w):  # a UNet's block widths times w / 8 (its group norms and head counts still divide them)
        return {"block_out_channels": [c * max(1, w // 8) for c in cfg["block_out_channels"]]}

    def config(w):
        how = case.widen if case and case.widen else WIDEN.get(cls.__name__) or (
            unet if "block_out_channels" in base else _widen)
        return {**base, **how(base, w)}
    if not wide:
        for wide in WIDTHS:
            with init_empty_weights():
                n = sum(p.numel() for p in cls(**config(wide)).parameters())
            if n * 2 >= mb * 1e6:
                break
    torch.manual_seed(0)
    model = cls(**config(wide)).to(torch.bfloat16)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0, 0.02)
    for name in os.listdir(part):
        if name.endswith((".safetensors", ".json")) and name != "config.json":
            os.remove(os.path.join(part, name))
    model.save_pretrained(part)
    return wide, sum(p.numel() * p.element_size() for p in model.parameters())


def weight_files(folder: str, skip: str = "") -> list[str]:
    out = []
    for d, _, names in os.walk(folder):
        out += [os.path.join(d, n) for n in names if n.endswith(".safetensors") and os.path.join(d, n) != skip]
    return out


def single_file(folder: str, denoiser: str, out: str) -> str:
    """The folder's denoiser as one file, its names under ComfyUI's prefix (streamed through a plain read)."""
    from safetensors import safe_open
    from safetensors.torch import save_file
    files = [f for f in weight_files(os.path.join(folder, denoiser))]
    state = {}
    for f in files:
        with safe_open(f, "pt") as h:
            state.update({k: h.get_tensor(k) for k in h.keys()})
    save_file(state, out)
    return out


def reads_single(fam_key: str) -> bool:
    """Whether the family reads a single denoiser file (its tensor names told, no refusal of its own)."""
    from nodes.video_models.base.capabilities import single_file as sf
    from nodes.video_models.base.registry import FAMILIES as REG
    fam = REG[fam_key]
    return bool(fam.key_patterns) and not sf(fam).refusal


def measure(fam_key: str, spec: str, wide: int, mb: float, single: bool, tmp: str, old: bool = False) -> list[dict]:
    from benchmarks.bench_families import CASES
    from nodes.video_models.base.registry import family_from_index
    key = spec.split(":")[-1]
    case = CASES.get(spec) or next((c for c in CASES.values() if c.builder == spec and not c.build), None)
    tiny, wide_dir = os.path.join(tmp, fam_key, "tiny"), os.path.join(tmp, fam_key, "wide")
    _builder(spec)(tiny)
    index_path = os.path.join(tiny, "model_index.json")
    if os.path.exists(index_path):
        with open(index_path, encoding="utf-8") as f:
            fam = family_from_index(json.load(f))
    else:  # a modular pipeline's folder (MiniMax H3, Wan Animate 2)
        from nodes.video_models.loading.modular import modular_family
        fam = modular_family(tiny)
    den = case.denoiser if case and case.denoiser != "transformer" else fam.denoiser
    shutil.copytree(tiny, wide_dir, symlinks=True)
    w, den_bytes = widen(wide_dir, den, wide, mb, case)
    rows = []
    cases = [("folder", tiny, wide_dir, "", "", weight_files(wide_dir))]
    if old:
        cases.append(("old", tiny, wide_dir, "", "", weight_files(wide_dir)))
    if single and reads_single(fam.key):
        wf = single_file(wide_dir, den, os.path.join(tmp, fam_key, "wide.safetensors"))
        tf = single_file(tiny, den, os.path.join(tmp, fam_key, "tiny.safetensors"))
        own = set(weight_files(os.path.join(wide_dir, den)))
        cases.append(("single", tf, wf, wide_dir, tiny, [wf] + [f for f in weight_files(wide_dir) if f not in own]))
    for name, warm, path, base, warm_base, files in cases:
        size = sum(os.path.getsize(f) for f in files)
        try:
            r = run_child(CHILD, warm, path, base, warm_base, name, what=f"{fam_key} {name}")
        except SystemExit as e:
            rows.append({"family": fam_key, "case": name, "error": str(e).strip().splitlines()[-1][:160]})
            continue
        used = r["peak"] - r["baseline"]
        rows.append({"family": fam_key, "builder": key, "case": name, "wide": w, "denoiser_mb": den_bytes / 1e6,
                     "files_mb": size / 1e6, "peak_mb": used / 1e6, "ratio": used / size,
                     "end_mb": (r["end"] - r["baseline"]) / 1e6, "held_mb": r["held"] / 1e6,
                     "seconds": r["seconds"], "weights": r["weights"]})
    return rows


def main() -> int:
    from benchmarks.child_env import own_tiny_cosmos
    own_tiny_cosmos()  # its Cosmos models are its own tiny, random ones
    a = settings(only="", wide=0, mb=100.0, single=1, old=0, json="")
    import nodes.video_models.families  # noqa: F401
    from studio.core.confine import allow_reading_for_session
    wanted = [k for k in a.only.split(",") if k] or list(FAMILIES)
    rows = []
    print(f"{'family':16s} {'case':6s} {'wide':>4s} {'files MB':>9s} {'peak MB':>8s} {'ratio':>6s} {'end MB':>7s} "
          f"{'held MB':>8s} {'s':>5s}")
    for fam_key in wanted:
        tmp = tempfile.mkdtemp(prefix="lean-families-")
        allow_reading_for_session(tmp)
        try:
            got = measure(fam_key, FAMILIES[fam_key], a.wide, a.mb, bool(a.single), tmp, bool(a.old))
        except Exception as e:  # noqa: BLE001 - one family's failure is a row, not the end of the table
            got = [{"family": fam_key, "case": "folder", "error": f"{type(e).__name__}: {str(e)[:150]}"}]
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        for r in got:
            if "error" in r:
                print(f"{r['family']:16s} {r['case']:6s} error: {r['error']}")
            else:
                print(f"{r['family']:16s} {r['case']:6s} {r['wide']:4d} {r['files_mb']:9.1f} {r['peak_mb']:8.1f} "
                      f"{r['ratio']:6.2f} {r['end_mb']:7.1f} {r['held_mb']:8.1f} {r['seconds']:5.1f}", flush=True)
        rows += got
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The field's benchmark and the artists' recipe on a lent GPU (issue 117 item 3), each step timed on the card.

    python benchmarks/gpu_field.py --cases field,distilled [--steps 2] [--modes plain,compile,compile+cudnn] --out DIR
    python benchmarks/gpu_field.py --tiny --out /tmp/field       # the same code on narrow models, any device

Cases (real transformer configurations, random bf16 weights scaled by 0.5, seeded; a 2-layer UMT5 of the real width
stands in for UMT5-XXL, as in real_video_modes.py):

* ``field``: the field's benchmark (LightX2V's, SGL-Diffusion's and FastVideo's tables: one H100, LightX2V 5.18 s a
  step, SGL-Diffusion 6.13, FastVideo 7.35, diffusers 9.77): Wan 2.1 image to video 14B (in 36 channels, a CLIP
  ViT-H/14 image encoder, the image's keys and values in every block), 832x480, 81 frames, CFG (guidance 5: two
  denoiser passes a step). The field times 40 steps; the step is what it compares, so ``--steps`` timed steps after
  one warm-up call, each step timed by CUDA events recorded in the step callback (no host sync per step), the
  decode left out (``output_type='latent'``).
* ``distilled``: the recipe artists run (Wan 2.2 A14B image to video, two experts with boundary 0.9, a 4-step
  distilled LoRA: 4 steps, CFG off), 832x480x81, the whole call timed, decode included; the warm-up call runs 2
  steps so both experts are traced before the timed call.

Modes, each on the same pipeline (nothing rebuilt): ``plain`` (diffusers' call as it comes: SDPA attention),
``compile`` (regional compile of the repeated blocks, as Studio's generator does on CUDA by default:
memory/speed.py set_compiled, ``compile_repeated_blocks(fullgraph=False)``), ``cudnn`` (cuDNN's SDPA through
diffusers' set_attention_backend, as Studio's attention 'auto' picks it when FlashAttention 3, Sage and
FlashAttention 2 are not installed: memory/speed.py attention_on), ``compile+cudnn``.

Each row: the mode, the step times (median, min, max, in seconds), the whole call, the time before the first step
(text, image encoding and the VAE's encoding of the window) and after the last (the decode), the peak GPU memory,
and the counts the estimates weigh (tokens a pass, passes a step). The JSON (``gpu_field.json``) is rewritten after
every row, so a call cut off keeps what was measured."""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

WAN14 = dict(patch_size=(1, 2, 2), num_attention_heads=40, attention_head_dim=128, out_channels=16, text_dim=4096,
             freq_dim=256, ffn_dim=13824, num_layers=40, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
             eps=1e-6, rope_max_seq_len=1024, in_channels=36)
CASES = {  # name: (experts, image encoder, guidance, steps of a timed call (0: --steps), width, height, frames)
    "field": (1, True, 5.0, 0, 832, 480, 81),
    "distilled": (2, False, 1.0, 4, 832, 480, 81),
    # for the estimates' GPU weights (issue 117 item 4): another family's step, and Wan at another size and width
    "ltx": (1, False, 3.0, 0, 768, 512, 49),    # LTX-Video 2B (diffusers' defaults), text to video
    "wan13": (1, False, 5.0, 0, 832, 480, 33),  # Wan 2.1 1.3B, text to video
}
T2V = ("ltx", "wan13")
MODES = ("plain", "compile", "cudnn", "compile+cudnn")


def _narrow(kw: dict) -> dict:
    return dict(kw, num_attention_heads=2, attention_head_dim=16, ffn_dim=64, num_layers=2,
                text_dim=64)


def build_t2v(case: str, tiny: bool, device: str):
    """The text-to-video cases, as real_video_models.py builds and saves them (read back on ``device``)."""
    import torch
    from diffusers import DiffusionPipeline

    from benchmarks.real_video_models import build_ltx, build_wan
    d = tempfile.mkdtemp(prefix="studio-field-")
    with torch.device(device):
        (build_ltx if case == "ltx" else build_wan)(d, tiny)
    pipe = DiffusionPipeline.from_pretrained(d, dtype=torch.bfloat16).to(device)
    if tiny:
        pipe.vae.float()
    pipe.set_progress_bar_config(disable=True)
    return pipe


def build(case: str, tiny: bool, device: str):
    """The case's WanImageToVideoPipeline built on ``device`` in bf16 from seed 0."""
    if case in T2V:
        return build_t2v(case, tiny, device)
    import torch
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanImageToVideoPipeline, WanTransformer3DModel
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModel

    from benchmarks.real_video_models import _text_encoder
    experts, image_encoder, *_ = CASES[case]
    kw = _narrow(WAN14) if tiny else dict(WAN14)
    if image_encoder:
        kw.update(image_dim=64 if tiny else 1280, added_kv_proj_dim=kw["num_attention_heads"] * kw["attention_head_dim"])
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16)  # a 14 B model initialised in fp32 would need 57 GB
    try:
        with torch.device(device):
            torch.manual_seed(0)
            with tempfile.TemporaryDirectory(prefix="studio-bench-tok-") as tok_dir:
                tok, te, _width = _text_encoder(tiny, tok_dir)
            trs = [WanTransformer3DModel(**kw) for _ in range(experts)]
            vae = AutoencoderKLWan(base_dim=8 if tiny else 96, z_dim=16, dim_mult=[1, 2, 4, 4],
                                   num_res_blocks=1 if tiny else 2, temperal_downsample=[False, True, True])
            enc = None
            if image_encoder:
                enc = CLIPVisionModel(CLIPVisionConfig(
                    hidden_size=64 if tiny else 1280, num_hidden_layers=2 if tiny else 32,
                    num_attention_heads=4 if tiny else 16, intermediate_size=128 if tiny else 5120,
                    patch_size=32 if tiny else 14, image_size=224))
            with torch.no_grad():
                for m in [te, vae, *trs] + ([enc] if enc is not None else []):
                    for p in m.parameters():
                        p.mul_(0.5)
    finally:
        torch.set_default_dtype(old)
    sched = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0)
    pipe = WanImageToVideoPipeline(
        tokenizer=tok, text_encoder=te, vae=vae.float() if tiny else vae, scheduler=sched, transformer=trs[0],
        transformer_2=trs[1] if experts == 2 else None, boundary_ratio=0.9 if experts == 2 else None,
        image_encoder=enc, image_processor=CLIPImageProcessor(crop_size=224, size=224) if enc is not None else None)
    pipe.set_progress_bar_config(disable=True)
    return pipe


class StepClock:
    """CUDA events at the call's start, at each step's end (the pipeline's step callback) and at its end: the card's
    own times, read once after the call (no sync per step). On a CPU, the host's clock."""

    def __init__(self, device: str):
        import torch
        self.cuda = device == "cuda"
        self.marks: list = []
        self._event = (lambda: torch.cuda.Event(enable_timing=True)) if self.cuda else None

    def mark(self):
        if self.cuda:
            e = self._event()
            e.record()
            self.marks.append(e)
        else:
            self.marks.append(time.perf_counter())

    def callback(self, pipe, i, t, kw):
        self.mark()
        return kw

    def seconds(self) -> list[float]:
        """Seconds between consecutive marks."""
        if self.cuda:
            import torch
            torch.cuda.synchronize()
            return [a.elapsed_time(b) / 1000.0 for a, b in zip(self.marks, self.marks[1:])]
        return [b - a for a, b in zip(self.marks, self.marks[1:])]


def call(pipe, case: str, steps: int, tiny: bool, device: str, clock: StepClock | None = None):
    import torch
    from PIL import Image
    _e, _enc, guidance, _s, w, h, frames = CASES[case]
    if tiny:
        w, h, frames = 64, 64, 9 if case == "ltx" else 5
    image = Image.new("RGB", (w, h), (120, 80, 40))
    g = torch.Generator("cpu").manual_seed(1)
    kw = dict(prompt="a red fox running in snow", negative_prompt="blurry", height=h, width=w,
              num_frames=frames, num_inference_steps=steps, guidance_scale=guidance, generator=g,
              output_type="pt" if case == "distilled" else "latent")
    if case not in T2V:
        kw["image"] = image
    if clock is not None:
        kw["callback_on_step_end"] = clock.callback
        clock.mark()
    with torch.inference_mode():
        out = pipe(**kw)
    if clock is not None:
        clock.mark()
    if device == "cuda":
        torch.cuda.synchronize()
    return out


def tokens(case: str, tiny: bool) -> int:
    _e, _enc, _g, _s, w, h, frames = CASES[case]
    if tiny:
        w, h, frames = 64, 64, 9 if case == "ltx" else 5
    if case == "ltx":  # its VAE's 32x32x8 and a patch of 1
        return ((frames - 1) // 8 + 1) * (h // 32) * (w // 32)
    return ((frames - 1) // 4 + 1) * (h // 16) * (w // 16)


def apply_mode(pipe, mode: str, stack):
    """``mode`` on ``pipe``'s denoisers, as Studio's speed setting applies it (memory/speed.py)."""
    from nodes.video_models.memory.speed import COMPILE_KWARGS, attention_on, compiled_blocks, uncompile
    dens = [d for d in (pipe.transformer, getattr(pipe, "transformer_2", None)) if d is not None]
    for d in dens:
        if "compile" not in mode:
            uncompile(d)
        elif not compiled_blocks(d):
            d.compile_repeated_blocks(**COMPILE_KWARGS)
    if "cudnn" in mode:
        stack.enter_context(attention_on(dens, "_native_cudnn"))


def run_case(case: str, modes: list[str], steps: int, tiny: bool, device: str, rows: list, write) -> None:
    import contextlib

    import torch
    t0 = time.perf_counter()
    pipe = build(case, tiny, device)
    built = time.perf_counter() - t0
    experts, _enc, guidance, fixed, *_ = CASES[case]
    n_steps = fixed or steps
    # 2 steps: both experts traced; LTX-Video's scheduler (shift_terminal) fails at 1 step in diffusers itself
    warm_steps = 2 if experts == 2 or case == "ltx" else 1
    for mode in modes:
        if mode == "cudnn" and device != "cuda" or (mode == "compile+cudnn" and device != "cuda"):
            rows.append({"case": case, "mode": mode, "skipped": "cuDNN attention needs CUDA"})
            write()
            continue
        with contextlib.ExitStack() as stack:
            try:
                apply_mode(pipe, mode, stack)
                w0 = time.perf_counter()
                call(pipe, case, warm_steps, tiny, device)
                warm = time.perf_counter() - w0
                if device == "cuda":
                    torch.cuda.reset_peak_memory_stats()
                clock = StepClock(device)
                c0 = time.perf_counter()
                call(pipe, case, n_steps, tiny, device, clock)
                whole = time.perf_counter() - c0
                gaps = clock.seconds()  # start->step 1, step i->i+1 ..., last step->end
            except Exception as e:  # noqa: BLE001 - a benchmark row: the failure is the result
                rows.append({"case": case, "mode": mode, "error": f"{type(e).__name__}: {str(e)[:300]}"})
                write()
                continue
        step_s = gaps[1:-1] if len(gaps) > 2 else gaps[:1]
        med = statistics.median(step_s)
        row = {"case": case, "mode": mode, "steps": n_steps, "step_s": round(med, 4),
               "step_min_s": round(min(step_s), 4), "step_max_s": round(max(step_s), 4),
               "first_step_and_before_s": round(gaps[0], 3), "after_last_step_s": round(gaps[-1], 3),
               "call_s": round(whole, 3), "warm_call_s": round(warm, 2), "build_s": round(built, 1),
               "tokens": tokens(case, tiny), "passes_a_step": 2 if guidance > 1.0 else 1, "experts": experts,
               "peak_gb": round(torch.cuda.max_memory_allocated() / 1e9, 2) if device == "cuda" else None,
               "before_steps_s": round(max(0.0, gaps[0] - med), 3)}
        rows.append(row)
        print(f"{case:10s} {mode:14s} step {med:7.3f} s (min {min(step_s):.3f}, max {max(step_s):.3f}) call "
              f"{whole:7.2f} s before steps {row['before_steps_s']:6.2f} s after {gaps[-1]:6.2f} s warm-up "
              f"{warm:6.1f} s peak {row['peak_gb']} GB", flush=True)
        write()
    del pipe
    gc.collect()
    if device == "cuda":
        torch.cuda.empty_cache()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", default="field,distilled")
    ap.add_argument("--modes", default="plain,compile,compile+cudnn")
    ap.add_argument("--steps", type=int, default=2, help="timed steps of the field's case (its 40 are not run)")
    ap.add_argument("--tiny", action="store_true", help="narrow models, any device: a check of this script")
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "gpu_field"))
    a = ap.parse_args(argv)
    import torch
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if device != "cuda" and not a.tiny:
        print("no CUDA GPU here: the field's benchmark needs one (--tiny checks the script on any device)")
        return 0
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, "gpu_field.json")
    rows: list = []
    head = {"device": torch.cuda.get_device_name(0) if device == "cuda" else "cpu", "torch": torch.__version__,
            "tiny": a.tiny, "rows": rows}

    def write():
        with open(path + ".tmp", "w") as f:
            json.dump(head, f, indent=1)
        os.replace(path + ".tmp", path)
    modes = [m for m in a.modes.split(",") if m]
    bad = [m for m in modes if m not in MODES] + [c for c in a.cases.split(",") if c not in CASES]
    if bad:
        ap.error(f"unknown: {', '.join(bad)} (cases: {', '.join(CASES)}; modes: {', '.join(MODES)})")
    for case in a.cases.split(","):
        run_case(case, modes, a.steps, a.tiny, device, rows, write)
    write()
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

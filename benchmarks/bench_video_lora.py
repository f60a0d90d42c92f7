"""Train Video LoRA's training step against a plain diffusers + peft loop written here: same Wan
transformer (random weights from one seed), same LoRA (rank, targets), same batch, resolution,
optimizer, gradient clip and loss. Each loop runs in its own child process so its peak memory is
its own (CUDA: max allocated; CPU: peak RSS of the process).

    .venv/bin/python benchmarks/bench_video_lora.py            # CPU, a small Wan config
    .venv/bin/python benchmarks/bench_video_lora.py --cuda     # the real Wan 2.1 1.3B config, 480x832,
                                                               # 33 frames, bf16, gradient checkpointing,
                                                               # rank 32 (says so and exits 0 without a GPU)

Reports s/step (median after warm-up; CPU: process CPU time, one torch thread) for both, the ratio
Studio / plain (aim <= 1.05) and peak memory
(aim on CUDA: <= 16 GB at rank 32). Latents and text tokens are random tensors of the right shapes:
the training step never runs the VAE or the text encoder, in either loop."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from benchmarks.child_env import extend_pythonpath  # noqa: E402
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")

CONFIGS = {
    # small enough for a CPU, big enough that the step is the model's work, not Python's
    "cpu": dict(transformer=dict(patch_size=(1, 2, 2), num_attention_heads=4, attention_head_dim=32, in_channels=16,
                                 out_channels=16, text_dim=64, freq_dim=256, ffn_dim=256, num_layers=4,
                                 cross_attn_norm=True, qk_norm="rms_norm_across_heads", rope_max_seq_len=64),
                latent=(16, 3, 12, 16), tokens=64, rank=16, batch=1, dtype="fp32", ckpt=False),
    # Wan 2.1 T2V 1.3B (diffusers config); 33 frames of 480x832 -> latents 16 x 9 x 60 x 104
    "wan1.3b": dict(transformer=dict(patch_size=(1, 2, 2), num_attention_heads=12, attention_head_dim=128,
                                     in_channels=16, out_channels=16, text_dim=4096, freq_dim=256, ffn_dim=8960,
                                     num_layers=30, cross_attn_norm=True, qk_norm="rms_norm_across_heads", eps=1e-6,
                                     rope_max_seq_len=1024),
                    latent=(16, 9, 60, 104), tokens=512, rank=32, batch=1, dtype="bf16", ckpt=True),
}
TARGETS = ["to_q", "to_k", "to_v", "to_out.0"]


def _setup(cfg: dict, device: str, seed: int = 0):
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, WanTransformer3DModel
    dt = {"bf16": torch.bfloat16, "fp32": torch.float32}[cfg["dtype"]]
    torch.manual_seed(seed)
    with torch.device(device):
        tr = WanTransformer3DModel(**cfg["transformer"])
    tr.to(dt)
    keep = set(getattr(tr, "_keep_in_fp32_modules", None) or ())
    for name, prm in tr.named_parameters():  # as from_pretrained(torch_dtype=...) loads it
        if keep & set(name.split(".")):
            prm.data = prm.data.float()
    g = torch.Generator().manual_seed(seed + 1)
    n = 4
    mean = torch.randn((n,) + tuple(cfg["latent"]), generator=g)
    std = torch.full_like(mean, 0.01)
    text = torch.randn(n, cfg["tokens"], cfg["transformer"]["text_dim"], generator=g)
    return tr, FlowMatchEulerDiscreteScheduler(shift=3.0), mean, std, text


def _clock(device: str) -> float:
    """CUDA: wall clock (the GPU's work, synchronised by the loss read each step). CPU: this
    process's CPU time with one torch thread - on a shared machine the wall clock swings by 2x from
    run to run, the CPU time a step consumes stays close to the work it does."""
    return time.perf_counter() if device == "cuda" else time.process_time()


def _peak(device: str) -> float:
    import resource

    import torch
    if device == "cuda":
        return torch.cuda.max_memory_allocated() / 2**30
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB -> GiB


class _Stub:
    """The few things LoRATrainer reads from a dataset (the clips are already encoded)."""

    def __init__(self, cfg):
        c, t, h, w = cfg["latent"]
        self.n_frames, self.height, self.width, self.fps = (t - 1) * 4 + 1, h * 8, w * 8, 16.0
        self.name, self.hash = "bench", "0" * 16

    def indices(self, split="train"):
        return [0, 1, 2, 3]


def run_studio(cfg: dict, device: str, steps: int, warm: int) -> dict:
    import torch
    from diffusers import WanPipeline

    from nodes.video_models.base.registry import FAMILIES
    from nodes.video_models.loading.load import VideoModelRef
    from nodes.video_models.lora.data import Encoded
    from nodes.video_models.lora.train import LoRASettings, LoRATrainer
    tr, sched, mean, std, text = _setup(cfg, device)
    pipe = WanPipeline(tokenizer=None, text_encoder=None, vae=None, transformer=tr, scheduler=sched)
    ref = VideoModelRef(module=pipe, config={}, kind="video:wan", family="wan", path="bench",
                        device=torch.device(device), dtype=tr.dtype)
    ref.shared["pipes"] = {"t2v": pipe}
    s = LoRASettings(output="", rank=cfg["rank"], alpha=float(cfg["rank"]), lr=1e-4, steps=warm + steps,
                     batch=cfg["batch"], targets=tuple(TARGETS), gradient_checkpointing=cfg["ckpt"],
                     mixed_precision="bf16" if cfg["dtype"] == "bf16" else "no", checkpoint_every=0)
    times = []

    def progress(step, total, preview=None, **v):
        if "loss" in v:
            times.append(_clock(device))
    trainer = LoRATrainer(ref, _Stub(cfg), s, progress)
    enc = Encoded(list(mean), list(std), [{"text": t} for t in text], ["x"] * 4)
    trainer.loss.max_tokens = cfg["tokens"]
    trainer.train_encoded(enc)
    dts = [b - a for a, b in zip(times[warm - 1:], times[warm:])]
    return {"s_per_step": sorted(dts)[len(dts) // 2], "peak_gib": _peak(device)}


def run_plain(cfg: dict, device: str, steps: int, warm: int) -> dict:
    """What a diffusers + peft user writes (the diffusers LoRA training scripts' loop)."""
    import torch
    from peft import LoraConfig
    tr, sched, mean, std, text = _setup(cfg, device)
    tr.requires_grad_(False)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        tr.add_adapter(LoraConfig(r=cfg["rank"], lora_alpha=cfg["rank"], target_modules=TARGETS,
                                  init_lora_weights=True))
    params = [p for p in tr.parameters() if p.requires_grad]
    for p in params:
        p.data = p.data.float()
    if cfg["ckpt"]:
        tr.enable_gradient_checkpointing()
    tr.train()
    opt = torch.optim.AdamW(params, lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-4)
    mean, std, text = mean.to(device), std.to(device), text.to(device, tr.dtype)
    g = torch.Generator().manual_seed(0)
    shift = float(sched.config.shift)
    times = []
    amp = torch.autocast("cuda", dtype=torch.bfloat16) if (device == "cuda" and cfg["dtype"] == "bf16") else None
    for _ in range(warm + steps):
        i = torch.randint(0, len(mean), (cfg["batch"],), generator=g).to(device)
        u = torch.rand(cfg["batch"], generator=g)
        sigma = (shift * u / (1 + (shift - 1) * u)).to(device)
        x0 = mean[i] + std[i] * torch.randn_like(mean[i])
        noise = torch.randn_like(x0)
        s = sigma.view(-1, 1, 1, 1, 1)
        noisy = (1 - s) * x0 + s * noise
        if amp is not None:
            amp.__enter__()
        pred = tr(hidden_states=noisy.to(tr.dtype), timestep=sigma * 1000, encoder_hidden_states=text[i],
                  return_dict=False)[0]
        if amp is not None:
            amp.__exit__(None, None, None)
        loss = torch.nn.functional.mse_loss(pred.float(), noise - x0)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        loss.item()  # logged every step, as the scripts do
        times.append(_clock(device))
    dts = [b - a for a, b in zip(times[warm - 1:], times[warm:])]
    return {"s_per_step": sorted(dts)[len(dts) // 2], "peak_gib": _peak(device)}


def child(which: str, preset: str, device: str, steps: int, warm: int, threads: int) -> dict:
    cmd = [sys.executable, __file__, "--child", which, "--preset", preset, "--device", device,
           "--steps", str(steps), "--warm", str(warm), "--threads", str(threads)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=extend_pythonpath(ROOT))
    if out.returncode:
        raise SystemExit(f"{which} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cuda", action="store_true", help="the real Wan 2.1 1.3B config on a CUDA GPU")
    ap.add_argument("--steps", type=int, default=0)
    ap.add_argument("--warm", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=2, help="Studio/plain pairs, interleaved")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--child")
    ap.add_argument("--preset", default="cpu")
    ap.add_argument("--device", default="cpu")
    a = ap.parse_args()
    if a.child:
        import torch
        torch.set_num_threads(a.threads)
        cfg = CONFIGS[a.preset]
        fn = run_studio if a.child == "studio" else run_plain
        print(json.dumps(fn(cfg, a.device, a.steps, a.warm)))
        return 0
    if a.cuda:
        import torch
        if not torch.cuda.is_available():
            print("no CUDA GPU on this machine: the Wan 2.1 1.3B benchmark (480x832, 33 frames, bf16, gradient "
                  "checkpointing, rank 32) needs one; nothing run")
            return 0
        preset, device, steps = "wan1.3b", "cuda", a.steps or 10
    else:
        preset, device, steps = "cpu", "cpu", a.steps or 20
    res = {"studio": [], "plain": []}
    for _ in range(a.rounds):
        for which in ("plain", "studio"):
            res[which].append(child(which, preset, device, steps, a.warm, a.threads))
    st = min(r["s_per_step"] for r in res["studio"])
    pl = min(r["s_per_step"] for r in res["plain"])
    out = {"preset": preset, "device": device, "steps": steps, "studio_s_per_step": round(st, 4),
           "plain_s_per_step": round(pl, 4), "ratio": round(st / pl, 3),
           "studio_peak_gib": round(max(r["peak_gib"] for r in res["studio"]), 3),
           "plain_peak_gib": round(max(r["peak_gib"] for r in res["plain"]), 3),
           "peak_kind": "max allocated (CUDA)" if device == "cuda" else "peak RSS of the process (CPU)"}
    print(json.dumps(out, indent=1))
    os.makedirs(os.path.join(ROOT, "benchmarks", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "benchmarks", "results", f"video_lora_{device}.json"), "w") as f:
        json.dump(out, f, indent=1)
    return 0



if __name__ == "__main__":
    sys.exit(main())

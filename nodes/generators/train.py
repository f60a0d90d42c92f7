"""Training: one loop for every generator family, and the Train node.

The loop reports the loss every step (``ctx.progress(step, total, loss=...)``: the UI plots it),
pushes a sample filmstrip every ``preview_every`` steps, writes a checkpoint every
``checkpoint_every`` steps (and on cancel and at the end), keeps EMA weights for sampling,
resumes from a checkpoint (weights, optimiser, random state: a resumed run continues as the
uninterrupted one would), and checks for cancel every step and inside preview sampling, so a
cancel stops within a second and leaves the last checkpoint loadable. Torch's thread count is the
app's business (all cores but one in the window): nodes never change it.
"""
from __future__ import annotations

import copy
import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch

from studio.core.errors import Cancelled, StudioError
from studio.core.params import Bool, Choice, Float, Int, Path, Seed
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import ArrayClip

from .checkpoint import build_model, load_checkpoint, model_ref, restore_training, save_checkpoint
from .conditioning import conditioning_info, encode_with
from .dataset import VideoDataset
from .flow import clip_velocity
from .nets import to_frames, to_model
from .step import Capture, Ema, LossLog, capture_wanted


def filmstrip(video: np.ndarray, scale: int = 2, max_frames: int = 8) -> np.ndarray:
    """[T, H, W, 3] -> one image with the frames side by side (a preview of motion)."""
    t = video.shape[0]
    pick = np.linspace(0, t - 1, min(t, max_frames)).round().astype(int)
    strip = np.concatenate([video[i] for i in pick], axis=1)
    if scale > 1:
        strip = strip.repeat(scale, 0).repeat(scale, 1)
    return np.ascontiguousarray(strip.clip(0, 1).astype(np.float32))


@dataclass
class TrainSettings:
    steps: int = 1000
    batch: int = 16
    lr: float = 1e-3
    ema: float = 0.995
    preview_every: int = 200
    checkpoint_every: int = 500
    checkpoint: str = ""
    resume: bool = True
    seed: int = 0
    amp: bool = True
    preview_steps: int = 10
    max_minutes: float = 0.0  # stop (and checkpoint) after this long; 0: no limit
    max_clips_in_memory: int = 4096
    capture: str = "auto"  # compile the networks: "auto" (on CUDA), "on", "off" (see step.py)
    capture_backend: str = "inductor"
    read_every: int | None = None  # read the losses back every N steps (None: 1 on the CPU, 50 on a GPU)


@dataclass
class TrainResult:
    model: Any
    ema: Any
    step: int
    history: list = field(default_factory=list)
    seconds: float = 0.0
    resumed_from: int = 0
    stopped_by_budget: bool = False  # the time budget ended training before ``steps``
    prep_seconds: float = 0.0  # preparing the data (decoding, optical flow, text features): not budgeted
    batch: int = 0  # the batch trained at (batch 0 'auto' resolved)
    lr: float = 0.0  # the learning rate trained at (scaled with an auto batch)

    @property
    def final_loss(self) -> float:
        return float(self.history[-1][1]) if self.history else float("nan")


def _noop_progress(step, total, **kw):
    pass


def model_config(family: str, dataset: VideoDataset, conditioning: str, **arch) -> dict:
    info = conditioning_info(conditioning)
    return {"family": family, "frames": dataset.n_frames, "width": dataset.width, "height": dataset.height,
            "fps": dataset.fps, "cond_dim": info["dim"], "conditioning": info,
            "dataset": {"name": dataset.name, "hash": dataset.hash, "clips": len(dataset.indices("train"))},
            **arch}


class _Data:
    """The training split in memory as model tensors, with conditioning and, where the model
    wants it, per-clip velocity from optical flow."""

    def __init__(self, dataset: VideoDataset, model, device, check: Callable[[], None], settings: TrainSettings,
                 split: str = "train"):
        idx = dataset.indices(split)
        if not idx:
            raise StudioError(f"{dataset.name}: no clips in the {split} split")
        idx = idx[:settings.max_clips_in_memory]
        cfg = model.config
        if (dataset.n_frames, dataset.height, dataset.width) != (cfg["frames"], cfg["height"], cfg["width"]):
            raise StudioError(f"the dataset's clips are {dataset.n_frames} frames {dataset.width}x{dataset.height} "
                              f"but the model makes {cfg['frames']} frames {cfg['width']}x{cfg['height']}")
        frames = []
        for k, i in enumerate(idx):
            if k % 32 == 0:
                check()
            frames.append(dataset.frames(i))
        frames = np.stack(frames)
        self.video = to_model(frames).to(device)
        caps = [dataset.items[i].caption for i in idx]
        self.cond = None
        self.extra: dict[str, torch.Tensor] = {}
        if hasattr(model, "conditioning_inputs"):  # the model makes its conditioning from the clips (audio+image)
            self.extra = {k: v.to(device) for k, v in model.conditioning_inputs(dataset, idx, frames, check).items()}
        else:
            self.cond = encode_with(cfg["conditioning"], caps).to(device)
            if self.cond.shape[1] != cfg["cond_dim"]:
                raise StudioError(f"conditioning gives {self.cond.shape[1]}-d features, the model expects "
                                  f"{cfg['cond_dim']}")
        if getattr(model, "uses_tokens", False) and self.cond is not None:
            from .conditioning import encode_tokens
            tk, mask = encode_tokens(cfg["conditioning"], caps, cfg.get("tokens", 48))
            self.extra["tokens"], self.extra["token_mask"] = tk.to(device), mask.to(device)
        if getattr(model, "needs_flows", False):  # dense motion: the flow from the key frame to each frame
            from .flow import key_flows
            fl = np.empty(frames.shape[:4] + (2,), np.float32)
            for k, f in enumerate(frames):
                if k % 16 == 0:
                    check()
                fl[k] = key_flows(f, model.key_index)
            self.extra["flows"] = torch.from_numpy(fl).permute(0, 1, 4, 2, 3).contiguous().to(device)
        self.velocity = None
        if getattr(model, "needs_velocity", False):
            vs = []
            for k, f in enumerate(frames):
                if k % 16 == 0:
                    check()
                vs.append(clip_velocity(f))
            self.velocity = torch.from_numpy(np.stack(vs)).float().to(device)
        self.n = len(idx)
        self.captions = caps

    def tensors(self) -> dict[str, torch.Tensor]:
        """Every per-clip tensor, by batch key."""
        out = {"video": self.video, **self.extra}
        if self.cond is not None:
            out["cond"] = self.cond
        if self.velocity is not None:
            out["velocity"] = self.velocity
        return out

    def batch(self, size: int, gen: torch.Generator) -> dict:
        """A batch drawn with ``gen`` on its device (the training device: no host round trip)."""
        if self._tensors is None:
            self._tensors = self.tensors()
        i = torch.randint(0, self.n, (min(size, self.n) if size > 0 else self.n,), generator=gen, device=gen.device)
        return {k: v[i] for k, v in self._tensors.items()}

    _tensors: dict | None = None


def train_generator(device: torch.device, seed: int) -> torch.Generator:
    """The trainer's generator: batches and noise are drawn on the training device (CUDA), so a
    step never waits for the host; on the CPU (and MPS) a CPU generator, as before."""
    g = torch.Generator(device=device if device.type == "cuda" else "cpu")
    g.manual_seed(seed)
    return g


def train(model_or_config, dataset: VideoDataset, settings: TrainSettings, device="cpu",
          progress: Callable = _noop_progress, check: Callable[[], None] = lambda: None,
          fixed_batch: dict | None = None, warn: Callable[[str], None] = lambda s: None,
          info: Callable[[str], None] = lambda s: None,
          note: Callable[[str], None] = lambda s: None) -> TrainResult:
    """Train a generator. ``progress(step, total, preview=..., **values)``; ``check()`` raises
    Cancelled. With ``fixed_batch`` every step sees that batch (the overfit test). ``batch`` 0 in
    the settings is 'auto' (batching.py: ``info`` gets the batch chosen and why). On a GPU the
    losses are read back every few steps (step.LossLog): ``progress`` then gets several steps at
    once, each with its own losses."""
    device = torch.device(device)
    s = settings
    if isinstance(model_or_config, torch.nn.Module):
        model = model_or_config
    else:
        with torch.random.fork_rng(devices=[]):  # initial weights from the seed, global RNG untouched
            torch.manual_seed(s.seed)
            model = build_model(model_or_config)
    model.to(device).train()
    ema = copy.deepcopy(model).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    opts = model.make_optimizers(s.lr)
    base_lrs = {k: [g["lr"] for g in o.param_groups] for k, o in opts.items()}  # as made for batch 16
    gen = train_generator(device, s.seed)
    history: list = []
    start = 0
    prior_seconds = 0.0
    if s.checkpoint and s.resume and os.path.exists(s.checkpoint):
        note(f"resuming from {os.path.basename(s.checkpoint)}…")  # issue 35: seconds of silence before
        ck = load_checkpoint(s.checkpoint, expect=model.config, device=device)
        have_hash = ck["meta"]["config"].get("dataset", {}).get("hash")
        want_hash = model.config.get("dataset", {}).get("hash")
        if have_hash and want_hash and have_hash != want_hash:
            raise StudioError(f"checkpoint '{os.path.basename(s.checkpoint)}' was trained on another dataset "
                              f"(hash {have_hash}, this one {want_hash}): turn resume off or choose a new file")
        model.load_state_dict(ck["model"].state_dict())
        ema.load_state_dict(ck["ema"].state_dict())
        restore_training(ck, opts, gen)
        start = int(ck["meta"]["step"])
        history = list(ck["meta"].get("history", []))
        prior_seconds = float(ck["meta"].get("train", {}).get("seconds", 0.0))

    t_prep = time.perf_counter()
    # max_minutes is the training time in all, across resumes; preparing the data (decoding the
    # clips, measuring their flow, encoding captions) is not training and is not counted
    done = start >= s.steps or (s.max_minutes > 0 and prior_seconds >= s.max_minutes * 60.0)
    # a finished checkpoint (re-running a graph whose training is done) needs no data
    if not (fixed_batch is not None or done):
        note(f"preparing the training data ({len(dataset.indices('train'))} clips: decoding, features)…")
    data = None if (fixed_batch is not None or done) else _Data(dataset, model, device, check, s)
    val = None
    if data is not None and dataset.indices("val") and hasattr(model, "losses"):
        val = _Data(dataset, model, device, check, s, split="val")
    batch, lr_factor, batch_rule = s.batch, 1.0, f"batch {s.batch}"
    if data is not None:  # batch 0: auto (batching.py); the learning rate follows the rule it states
        from .batching import choose_batch, probe_cuda
        batch, lr_factor, batch_rule = choose_batch(s.batch, device, data.n,
                                                    lambda: probe_cuda(model, data, s.amp and device.type == "cuda"))
        for k, o in opts.items():
            for g, lr in zip(o.param_groups, base_lrs[k]):
                g["lr"] = lr * lr_factor
        info(f"{batch_rule}; learning rate {s.lr * lr_factor:.3g}")  # the Training dock: samples/s, the rule
    t0 = time.perf_counter()
    prep_seconds = t0 - t_prep
    if data is not None:
        note(f"data ready in {prep_seconds:.1f} s" + (f", resumed at step {start}" if start else ""))

    def save(step):
        if s.checkpoint:
            meta = {"lr": s.lr * lr_factor, "batch": batch, "ema": s.ema, "seed": s.seed,
                    "seconds": round(prior_seconds + time.perf_counter() - t0, 3)}
            save_checkpoint(s.checkpoint, model, ema, opts, gen, step, history[-2000:], meta)

    deadline = t0 + s.max_minutes * 60.0 - prior_seconds if s.max_minutes > 0 else None
    stopped = False
    step = start
    amp = s.amp and device.type == "cuda"
    averager = Ema(ema, model)
    losses = LossLog(device, s.read_every)
    capture = Capture(model, backend=s.capture_backend, warn=warn) \
        if not done and capture_wanted(device, s.capture) else None

    def report(extra: dict | None = None, preview=None, quiet: bool = False) -> None:
        """Read the losses back (one sync for every step since the last read) and report them:
        the history gets every step, the progress display each step (it keeps what it can show);
        ``quiet``: the history only (on cancel, where reporting would raise Cancelled again)."""
        rows = losses.read()
        for k, (st, logs) in enumerate(rows):
            history.append([st, round(logs["loss"], 6)])
            if quiet:
                continue
            last = k == len(rows) - 1
            end = _budget_end(st, start, t0, deadline, s.steps) if last else None  # where the time budget stops it
            progress(st, s.steps, preview=preview if last else None, **logs, **((extra or {}) if last else {}),
                     **({"budget_end": end} if end is not None else {}))

    def one_step(b: dict) -> dict:
        return model.train_step(b, opts, gen, amp)

    try:
        while step < s.steps:
            check()
            if deadline is not None and time.perf_counter() >= deadline:
                stopped = True
                break
            b = fixed_batch if fixed_batch is not None else data.batch(batch, gen)
            logs = capture.run(lambda: one_step(b), gen) if capture is not None else one_step(b)
            averager.update(s.ema if step > 20 else 0.0)
            step += 1
            losses.add(step, logs)
            preview = None
            extra = {}
            if s.preview_every and step % s.preview_every == 0:
                preview = _preview(ema, {k: v[:1] for k, v in b.items()}, s, step, check)
                if val is not None:
                    extra["val_loss"] = validation_loss(ema, val)
            ckpt = bool(s.checkpoint_every and step % s.checkpoint_every == 0 and step < s.steps)
            if preview is not None or extra or ckpt or step >= s.steps or losses.due():
                report(extra, preview)
            if ckpt:
                save(step)
    except Cancelled:
        report(quiet=True)  # the steps done count: the checkpoint holds them, the history says so
        save(step)  # keep what was learned: the last checkpoint is the current state
        raise
    finally:
        if capture is not None:
            capture.undo()
    report()
    if not done:
        save(step)
    model.eval()
    stopped = stopped or (done and start < s.steps)
    return TrainResult(model, ema, step, history, time.perf_counter() - t0, start, stopped, prep_seconds,
                       batch=batch, lr=s.lr * lr_factor)


def _budget_end(step: int, start: int, t0: float, deadline: float | None, steps: int) -> int | None:
    """The step the time budget will stop training near, at the rate so far (None: no budget,
    or it ends after ``steps``)."""
    if deadline is None or step <= start:
        return None
    now = time.perf_counter()
    rate = (step - start) / max(1e-6, now - t0)
    end = step + int(rate * max(0.0, deadline - now))
    return end if end < steps else None


@torch.no_grad()
def validation_loss(model, val: "_Data", max_clips: int = 64) -> float:
    """The model's loss on the validation clips, with fixed noise (comparable from step to step)."""
    g = torch.Generator(device="cpu")
    g.manual_seed(0)
    n = min(max_clips, val.n)
    b = {k: v[:n] for k, v in val.tensors().items()}
    return float(sum(model.losses(b, g).values()))


def token_kw(model, batch: dict) -> dict:
    """The token inputs of a model that cross-attends to text tokens (else none)."""
    if getattr(model, "uses_tokens", False) and "tokens" in batch:
        return {"tokens": batch["tokens"], "token_mask": batch["token_mask"]}
    return {}


def _preview(ema, batch: dict, s: TrainSettings, step: int, check) -> np.ndarray:
    g = torch.Generator(device="cpu")
    g.manual_seed(1234)

    def prog(k, n, x):
        check()
    was = ema.training
    ema.eval()
    if hasattr(ema, "sample_batch"):  # conditioned on the clip's own inputs (audio+image)
        vid = ema.sample_batch(batch, g, steps=s.preview_steps, progress=prog)
    else:
        vid = ema.sample(batch["cond"], g, steps=s.preview_steps, guidance=2.0, progress=prog, **token_kw(ema, batch))
    ema.train(was)
    return filmstrip(to_frames(vid)[0])


def latent_spec(vae, dataset: VideoDataset, family: str, motion: str, cond: dict) -> dict:
    """The ``latent`` config of a diffusion working in a trained VAE's latent space, with the
    scale that brings the latents of (up to 64) training clips to unit variance."""
    cfg = getattr(vae, "config", {}) or {}
    if cfg.get("family") != "vae":
        raise StudioError(f"the vae input is a {cfg.get('family') or type(vae).__name__}, not a video VAE")
    if family != "diffusion" or motion != "joint":
        raise StudioError("a VAE latent space is for diffusion with motion 'joint' (set model and motion, "
                          "or disconnect the vae input)")
    want = (dataset.n_frames, dataset.height, dataset.width)
    if (cfg["frames"], cfg["height"], cfg["width"]) != want:
        raise StudioError(f"the VAE makes {cfg['frames']} frames {cfg['width']}x{cfg['height']}, the dataset has "
                          f"{want[0]} frames {want[2]}x{want[1]}")
    if cfg["conditioning"].get("encoder") != cond["encoder"] or cfg["cond_dim"] != cond["dim"]:
        raise StudioError(f"the VAE was trained with {cfg['conditioning'].get('encoder')} conditioning "
                          f"({cfg['cond_dim']}-d), this run uses {cond['encoder']} ({cond['dim']}-d)")
    idx = dataset.indices("train")[:64]
    with torch.no_grad():
        mu = vae.module.encode(to_model(dataset.batch(idx)).to(next(vae.module.parameters()).device))[0]
    keep = {k: v for k, v in cfg.items() if k not in ("checkpoint", "trained_steps")}
    return {"config": keep, "scale": float(1.0 / max(1e-6, float(mu.std())))}


def say_note(ctx) -> Callable[[str], None]:
    """A line under the running node and in the status bar (what a long silent phase is doing)."""
    from studio.engine.events import NodeNote
    return lambda text: ctx.runtime.emit(NodeNote(ctx.node_id, text))


def step_progress(ctx) -> Callable:
    """The trainer's progress as the node's, counted in optimiser steps (unit "step")."""
    def progress(step, total, preview=None, budget_end=None, **values):
        ctx.progress(step, total, preview=preview, unit="step", budget_end=budget_end, **values)
    return progress


def loss_weights_text(weights: dict[str, float]) -> str:
    """'loss weights: diffusion 1, flow 1, adversarial 0 (off), ...' (the training dock shows it)."""
    return "loss weights: " + ", ".join(f"{k} {v:g}" + (" (off)" if v == 0 else "") for k, v in weights.items())


def report_training(ctx, res: TrainResult, s: TrainSettings) -> None:
    """Say how training ended: the step reached and the final loss always; a warning when the time
    budget cut it short; an error when no step was ever trained (untrained weights are no model)."""
    if res.step == 0:
        raise StudioError(f"trained 0 steps: the time budget (max_minutes {s.max_minutes:g}) was spent before the "
                          f"first step (preparing the data took {res.prep_seconds:.1f} s, not counted): raise "
                          "max_minutes, or turn resume off to start again")
    loss = res.final_loss
    ctx.info(f"trained steps {res.resumed_from}..{res.step} of {s.steps} in {res.seconds:.1f} s "
             f"(+ {res.prep_seconds:.1f} s preparing the data, not counted in the budget); final loss {loss:.4f}")
    if res.stopped_by_budget:
        ctx.warn(f"stopped by its time budget ({s.max_minutes:g} min) at step {res.step} of {s.steps}; "
                 f"final loss {loss:.4f}")


class Train(Node):
    """Train a video generator on a captioned dataset: a video VAE, a spatio-temporal GAN or
    video diffusion, conditioned on text features of the captions, or (conditioning 'audio+image')
    on each clip's first frame and sound through the encoders and a fusion trained with it.
    Live loss plot, sample previews, checkpoints (safetensors + JSON), resume, cancel that keeps
    the last checkpoint, EMA weights, mixed precision on CUDA."""
    id = "gen.train"
    title = "Train Generator"
    category = "Generate"
    timing = CLIP
    inputs = (In("dataset", "Dataset"),
              In("vae", "Model", optional=True, help="diffusion (motion 'joint'): a trained video VAE whose latent "
                                                     "space the diffusion works in"),
              In("image_encoder", "Model", optional=True,
                 help="conditioning 'audio+image': the Image Encoder's model output (frozen; the same encoder "
                      "must make the still's features when sampling); default: a seeded one"))
    outputs = (Out("model", "Model"), Out("preview", "Video"), Out("loss", "Number"), Out("info", "Text"))
    params = (Choice("model", "diffusion", choices=("diffusion", "vae", "gan"), help="generator family"),
              Choice("motion", "dense-flow", choices=("dense-flow", "keyframe-flow", "joint"),
                     help="diffusion: 'dense-flow' - a key frame, a generated flow field per frame (trained on "
                          "the optical flow of the training clips), frames by splatting the key frame along it and a "
                          "refinement network; 'keyframe-flow' - one velocity per clip slides the key frame; "
                          "'joint' - all frames together by the space-time UNet"),
              Choice("keyframe", "diffusion", choices=("diffusion", "slots"),
                     help="dense-flow: how the key frame is made - 'diffusion' (a UNet denoiser reading the "
                          "caption's words) or 'slots' (the caption's objects as slots, each a learned shape in its "
                          "colour over a still ground: learns shapes and counts in minutes on a CPU)"),
              Bool("object_motion", True,
                   help="keyframe 'slots': each object moves as its phrase says (an affine motion per frame, "
                        "learned from the measured flow on its pixels), spread over its pixels as the flow field; "
                        "off: the flow generator makes the field from the key frame"),
              Choice("conditioning", "text", choices=("text", "caption-parser", "audio+image"),
                     help="text encoder features of the captions, or one-hot colour/shape/direction, or "
                          "each clip's first frame and sound through the encoders and a fusion"),
              Choice("fusion", "gated", choices=("gated", "film", "cross_attention"),
                     help="conditioning 'audio+image': how the still's and the sound's features are fused "
                          "(trained with the generator)"),
              Int("steps", 3000, min=1, max=10_000_000, help="optimiser steps in all (a resumed run continues to this)"),
              Int("batch", 32, min=0, max=4096, special="auto",
                  help="clips per step; 0 (auto): on a GPU the largest batch that fits (up to 1024) with the "
                       "learning rate x sqrt(batch/16), on the CPU 16"),
              Float("lr", 1e-3, min=1e-7, max=1.0, step=1e-4, decimals=6, help="learning rate"),
              Int("width", 16, min=4, max=512, help="network width (base channels)"),
              Float("ema", 0.995, min=0.0, max=0.99999, decimals=5, help="EMA decay of the sampling weights"),
              Int("preview_every", 250, min=0, max=1_000_000, help="steps between sample previews; 0: none"),
              Int("checkpoint_every", 500, min=0, max=1_000_000, help="steps between checkpoints"),
              Path("checkpoint", "out/generator.safetensors", mode="save", filters="Checkpoint (*.safetensors)"),
              Bool("resume", True, help="continue from the checkpoint when it exists and matches"),
              Float("motion_weight", 0.0, min=0.0, max=100.0,
                    help="vae/gan: weight of the optical-flow motion loss; dense-flow: of the motion consistency of "
                         "the generated frames with the generated flow"),
              Float("content_weight", 0.0, min=0.0, max=100.0,
                    help="gan: weight of the L1 content loss; dense-flow: of the feature (perceptual) loss"),
              Float("adversarial_weight", 0.0, min=0.0, max=100.0,
                    help="dense-flow: weight of the adversarial loss of a temporal (3-D) discriminator on whole clips"),
              Float("max_minutes", 0.0, min=0.0, max=100_000.0,
                    help="training time in all, across resumes (0: no limit; preparing the data is not counted); "
                         "raise it to train on"),
              Seed("seed", 0))

    def run(self, ctx, dataset, vae=None, image_encoder=None):
        p = ctx.params
        if not isinstance(dataset, VideoDataset):
            raise StudioError(f"expected a Dataset, got {type(dataset).__name__}")
        if p.conditioning == "audio+image":
            return self._run_av(ctx, dataset, vae, image_encoder)
        arch: dict[str, Any] = {"base": p.width}
        if p.model == "diffusion":
            arch["motion"] = p.motion
            if p.motion == "dense-flow":
                arch.update({"motion_weight": p.motion_weight, "content_weight": p.content_weight,
                             "adversarial_weight": p.adversarial_weight, "keyframe": p.keyframe,
                             "slot_motion": bool(p.object_motion)})
        else:
            arch.update({"motion_weight": p.motion_weight, "content_weight": p.content_weight})
        if vae is not None:
            arch["latent"] = latent_spec(vae, dataset, p.model, p.motion, conditioning_info(p.conditioning))
        cfg = model_config(p.model, dataset, p.conditioning, **arch)
        s = TrainSettings(steps=p.steps, batch=p.batch, lr=p.lr, ema=p.ema, preview_every=p.preview_every,
                          checkpoint_every=p.checkpoint_every, checkpoint=p.checkpoint, resume=p.resume, seed=ctx.seed,
                          max_minutes=p.max_minutes)

        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(s.seed)
            net = build_model(cfg)
        if vae is not None:
            net.vae.load_state_dict(vae.module.state_dict())
        if hasattr(net, "loss_weights"):
            ctx.info(loss_weights_text(net.loss_weights()))
        res = train(net, dataset, s, ctx.device, step_progress(ctx), ctx.check_cancelled, warn=ctx.warn,
                    info=ctx.info, note=say_note(ctx))
        report_training(ctx, res, s)
        ref = model_ref(res.ema, res.model.config, p.checkpoint or None)
        ref.config["trained_steps"] = res.step
        g = ctx.torch_generator(device="cpu")
        cap = dataset.items[dataset.indices("train")[0]].caption
        cond = encode_with(cfg["conditioning"], [cap])
        from .sample import prompt_tokens
        kw = {k: v.to(ctx.device) for k, v in prompt_tokens(ref, [cap]).items()}
        with torch.no_grad():
            vid = to_frames(res.ema.sample(cond.to(ctx.device), g, steps=25, guidance=2.0, **kw))[0]
        loss = res.history[-1][1] if res.history else float("nan")
        info = (f"{ref.summary()}; trained steps {res.resumed_from}..{res.step} in {res.seconds:.1f} s; "
                f"last loss {loss:.4f}; conditioning {cfg['conditioning']['encoder']}")
        return {"model": ref, "preview": ArrayClip(vid, dataset.fps), "loss": loss, "info": info}

    def _run_av(self, ctx, dataset, vae, image_encoder):
        """Conditioning 'audio+image': a key-frame diffusion of the first frame from the still,
        moved by the motion read from the fused still-and-sound features (av_conditioning)."""
        from .av_conditioning import av_model_config, default_image_encoder
        p = ctx.params
        if p.model != "diffusion" or p.motion != "keyframe-flow" or vae is not None:
            raise StudioError("conditioning 'audio+image' trains model 'diffusion' with motion 'keyframe-flow' "
                              "(and no vae input)")
        enc = image_encoder.module if image_encoder is not None else default_image_encoder()
        cfg = av_model_config(dataset, enc, p.fusion, base=p.width)
        s = TrainSettings(steps=p.steps, batch=p.batch, lr=p.lr, ema=p.ema, preview_every=p.preview_every,
                          checkpoint_every=p.checkpoint_every, checkpoint=p.checkpoint, resume=p.resume, seed=ctx.seed,
                          max_minutes=p.max_minutes)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(s.seed)
            net = build_model(cfg)
        net.image_encoder.load_state_dict(enc.state_dict())
        res = train(net, dataset, s, ctx.device, step_progress(ctx), ctx.check_cancelled, warn=ctx.warn,
                    info=ctx.info, note=say_note(ctx))
        report_training(ctx, res, s)
        ref = model_ref(res.ema, res.model.config, p.checkpoint or None)
        ref.config["trained_steps"] = res.step
        i0 = dataset.indices("train")[:1]
        frames = dataset.batch(i0)
        b = {k: v.to(ctx.device) for k, v in res.ema.conditioning_inputs(dataset, i0, frames).items()}
        b["video"] = to_model(frames).to(ctx.device)
        with torch.no_grad():
            vid = to_frames(res.ema.sample_batch(b, ctx.torch_generator(device="cpu"), steps=25))[0]
        loss = res.history[-1][1] if res.history else float("nan")
        info = (f"{ref.summary()}; trained steps {res.resumed_from}..{res.step} in {res.seconds:.1f} s; "
                f"last loss {loss:.4f}; conditioning {cfg['conditioning']['encoder']}")
        return {"model": ref, "preview": ArrayClip(vid, dataset.fps), "loss": loss, "info": info}

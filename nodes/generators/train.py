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

from studio.core.errors import StudioError
from studio.core.params import Bool, Choice, Float, Int, Path, Seed
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import ArrayClip

from nodes.training.loop import LoopSettings, Resumed, run_loop
from nodes.training.settings import node_settings, settings_from
from nodes.training.shared import filmstrip, step_progress  # noqa: F401 - step_progress: the node's progress

from .clip_work import per_clip
from .checkpoint import build_model, load_checkpoint, model_ref, restore_training, save_checkpoint
from .conditioning import conditioning_info, encode_with
from .dataset import VideoDataset
from .flow import clip_velocity
from .nets import to_frames, to_model
from .step import Capture, Ema, capture_wanted


# The Train node's parameters: declared once. The training settings take their defaults from them
# and a run's values by name (nodes.training.settings); the others describe the model.
TRAIN_PARAMS = (Choice("model", "diffusion", choices=("diffusion", "vae", "gan"), help="generator family"),
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
                Int("steps", 3000, min=1, max=10_000_000,
                    help="optimiser steps in all (a resumed run continues to this)"),
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
                      help="dense-flow: weight of the adversarial loss of a temporal (3-D) discriminator on whole "
                           "clips"),
                Float("max_minutes", 0.0, min=0.0, max=100_000.0,
                      help="training time in all, across resumes (0: no limit; preparing the data is not counted); "
                           "raise it to train on"),
                Seed("seed", 0))
ARCH_PARAMS = ("model", "motion", "keyframe", "object_motion", "conditioning", "fusion", "width", "motion_weight",
               "content_weight", "adversarial_weight")


@node_settings(TRAIN_PARAMS)
class TrainSettings:
    """How a generator trains. The fields named like the node's parameters take the node's
    defaults (``checkpoint`` excepted: none unless asked, outside the node)."""
    steps: int
    batch: int
    lr: float
    ema: float
    preview_every: int
    checkpoint_every: int
    checkpoint: str = ""
    resume: bool
    seed: int
    amp: bool = True
    preview_steps: int = 10
    max_minutes: float  # stop (and checkpoint) after this long; 0: no limit
    max_clips_in_memory: int = 4096
    capture: str = "auto"  # compile the networks: "auto" (on CUDA), "on", "off" (see step.py)
    capture_backend: str = "inductor"
    background_flows: str = "auto"  # a large set's flows measured while training starts: "auto" (off the CPU), "on", "off"
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
    setup_seconds: float = 0.0  # compiling the networks (the first steps on CUDA): not budgeted

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
                 split: str = "train", background: bool = False):
        idx = dataset.indices(split)
        if not idx:
            raise StudioError(f"{dataset.name}: no clips in the {split} split")
        idx = idx[:settings.max_clips_in_memory]
        cfg = model.config
        if (dataset.n_frames, dataset.height, dataset.width) != (cfg["frames"], cfg["height"], cfg["width"]):
            raise StudioError(f"the dataset's clips are {dataset.n_frames} frames {dataset.width}x{dataset.height} "
                              f"but the model makes {cfg['frames']} frames {cfg['width']}x{cfg['height']}")
        frames = np.stack(per_clip(dataset.frames, idx, check))
        self.video = to_model(frames).to(device)
        caps = [dataset.items[i].caption for i in idx]
        self.cond = None
        self.extra: dict[str, torch.Tensor] = {}
        if hasattr(model, "conditioning_inputs"):  # the model makes its conditioning from the clips (audio+image)
            self.extra = {k: v.to(device) for k, v in model.conditioning_inputs(dataset, idx, frames, check).items()}
        else:
            if getattr(model, "uses_tokens", False):  # the pooled and the per-token features in one pass
                from .conditioning import encode_with_tokens
                cond, tk, mask = encode_with_tokens(cfg["conditioning"], caps, cfg.get("tokens", 48))
                self.extra["tokens"], self.extra["token_mask"] = tk.to(device), mask.to(device)
            else:
                cond = encode_with(cfg["conditioning"], caps)
            self.cond = cond.to(device)
            if self.cond.shape[1] != cfg["cond_dim"]:
                raise StudioError(f"conditioning gives {self.cond.shape[1]}-d features, the model expects "
                                  f"{cfg['cond_dim']}")
        self.check, self.flows_in_background, self._synced = check, None, 0
        if getattr(model, "needs_flows", False):  # dense motion: the flow from the key frame to each frame
            from .background_flows import FIRST, BackgroundFlows
            from .flow import key_flows

            def flow_of(k: int) -> np.ndarray:
                return key_flows(frames[k], model.key_index)
            if background and len(frames) > FIRST:  # measured while training starts (background_flows.py)
                from studio.engine.device import worker_threads
                self.flows_in_background = BackgroundFlows(flow_of, frames.shape[1:4] + (2,), len(frames),
                                                           worker_threads())
                t, h, w = frames.shape[1:4]
                self.extra["flows"] = torch.empty((len(frames), t, 2, h, w), device=device)
            else:
                fl = np.empty(frames.shape[:4] + (2,), np.float32)

                def flows(k: int) -> None:
                    fl[k] = flow_of(k)
                per_clip(flows, range(len(frames)), check)
                self.extra["flows"] = torch.from_numpy(fl).permute(0, 1, 4, 2, 3).contiguous().to(device)
        self.velocity = None
        if getattr(model, "needs_velocity", False):
            self.velocity = torch.from_numpy(np.stack(per_clip(clip_velocity, frames, check))).float().to(device)
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

    def batch(self, size: int, gen: torch.Generator, step: int = 0) -> dict:
        """A batch drawn with ``gen`` on its device (the training device: no host round trip); with
        the flows measured in the background, from the clips step ``step`` may draw from."""
        if self._tensors is None:
            self._tensors = self.tensors()
        n = self.n
        if self.flows_in_background is not None:
            from .background_flows import available
            n = available(step, self.n)
            self._sync(n)
        i = torch.randint(0, n, (min(size, self.n) if size > 0 else self.n,), generator=gen, device=gen.device)
        return {k: v[i] for k, v in self._tensors.items()}

    def _sync(self, k: int) -> None:
        """The flows of clips up to ``k`` on the training device (copied from the training thread)."""
        if k > self._synced:
            fl = self.flows_in_background.wait_for(k, self.check)
            src = torch.from_numpy(fl[self._synced:k]).permute(0, 1, 4, 2, 3)
            self.extra["flows"][self._synced:k].copy_(src)
            self._synced = k

    def close(self) -> None:
        if self.flows_in_background is not None:
            self.flows_in_background.close()

    _tensors: dict | None = None


def train_generator(device: torch.device, seed: int) -> torch.Generator:
    """The trainer's generator: batches and noise are drawn on the training device (CUDA), so a
    step never waits for the host; on the CPU (and MPS) a CPU generator, as before."""
    g = torch.Generator(device=device if device.type == "cuda" else "cpu")
    g.manual_seed(seed)
    return g


class _Run:
    """A generator as the training loop's trainable (nodes.training.loop): the model, its EMA copy,
    optimisers and generator; the data (prepared when there is training to do), the batch rule, the
    compiled networks on CUDA."""

    def __init__(self, model, dataset: VideoDataset, s: TrainSettings, device: torch.device, check, fixed_batch,
                 warn, info, note=lambda text: None):
        self.model, self.dataset, self.s, self.device = model, dataset, s, device
        self.check, self.fixed_batch, self.warn, self.info = check, fixed_batch, warn, info
        self.note = note  # a line under the running node: what a long silent phase is doing (issue 35)
        model.to(device).train()
        self.ema = copy.deepcopy(model).eval()
        for p in self.ema.parameters():
            p.requires_grad_(False)
        self.opts = model.make_optimizers(s.lr)
        self.base_lrs = {k: [g["lr"] for g in o.param_groups] for k, o in self.opts.items()}  # as made for batch 16
        self.gen = train_generator(device, s.seed)
        self.batch, self.lr_factor = s.batch, 1.0
        self.data = self.val = self.capture = self.last = None
        self.amp = s.amp and device.type == "cuda"
        self.averager = Ema(self.ema, model)
        self.setup_steps = 0
        self.resumed_at = 0  # the step a resumed run goes on from

    def load(self) -> Resumed | None:
        s = self.s
        if not (s.checkpoint and os.path.exists(s.checkpoint)):
            return None
        self.note(f"resuming from {os.path.basename(s.checkpoint)}…")
        ck = load_checkpoint(s.checkpoint, expect=self.model.config, device=self.device)
        have_hash = ck["meta"]["config"].get("dataset", {}).get("hash")
        want_hash = self.model.config.get("dataset", {}).get("hash")
        if have_hash and want_hash and have_hash != want_hash:
            raise StudioError(f"checkpoint '{os.path.basename(s.checkpoint)}' was trained on another dataset "
                              f"(hash {have_hash}, this one {want_hash}): turn resume off or choose a new file")
        self.model.load_state_dict(ck["model"].state_dict())
        self.ema.load_state_dict(ck["ema"].state_dict())
        restore_training(ck, self.opts, self.gen)
        self.resumed_at = int(ck["meta"]["step"])  # said when the data is ready
        return Resumed(int(ck["meta"]["step"]), float(ck["meta"].get("train", {}).get("seconds", 0.0)),
                       list(ck["meta"].get("history", [])))

    def prepare(self, done: bool) -> None:
        """The data in memory (not for a finished checkpoint, nor a fixed batch), the batch rule,
        the compiled networks (the batch probe and compiling are not counted in the budget)."""
        s, model, dataset = self.s, self.model, self.dataset
        if done:
            return
        if self.fixed_batch is None:
            self.note(f"preparing the training data ({len(dataset.indices('train'))} clips: decoding, features)…")
            t = time.perf_counter()
            background = s.background_flows == "on" or (s.background_flows == "auto" and self.device.type != "cpu")
            self.data = _Data(dataset, model, self.device, self.check, s, background=background)
            try:
                self._prepare_rest(dataset, t)
            except BaseException:
                self.data.close()
                raise
        if capture_wanted(self.device, s.capture):
            self.capture = Capture(model, backend=s.capture_backend, warn=self.warn)
            self.setup_steps = CAPTURE_SETUP_STEPS if self.capture.active else 0

    def _prepare_rest(self, dataset: VideoDataset, t: float) -> None:
        """After the training data: the validation data, the batch rule (``t``: when preparing began)."""
        s, model = self.s, self.model
        if self.data.flows_in_background is not None:
            from .background_flows import FIRST, PER_STEP, full_at
            n = self.data.n
            self.info(f"training starts on the first {FIRST} of {n} clips while the optical flow of the others is "
                      f"measured in the background; each step adds {PER_STEP}, all {n} from step {full_at(n)}")
        if dataset.indices("val") and hasattr(model, "losses"):
            self.val = _Data(dataset, model, self.device, self.check, s, split="val")
        self.note(f"data ready in {time.perf_counter() - t:.1f} s"
                  + (f", resumed at step {self.resumed_at}" if self.resumed_at else ""))
        from .batching import choose_batch, probe_cuda  # batch 0: auto; the learning rate follows its rule
        t = time.perf_counter()
        self.batch, self.lr_factor, rule = choose_batch(s.batch, self.device, self.data.n,
                                                        lambda: probe_cuda(model, self.data, self.amp))
        probe = time.perf_counter() - t
        for k, o in self.opts.items():
            for g, lr in zip(o.param_groups, self.base_lrs[k]):
                g["lr"] = lr * self.lr_factor
        self.info(f"{rule}; learning rate {s.lr * self.lr_factor:.3g}"  # the Training dock: the rule
                  + (f" (the batch probe took {probe:.1f} s, not counted in the budget)" if probe >= 0.05 else ""))

    def begin(self) -> None:
        pass

    def step(self, step: int) -> dict:
        b = self.fixed_batch if self.fixed_batch is not None else self.data.batch(self.batch, self.gen, step)
        self.last = b

        def one() -> dict:
            return self.model.train_step(b, self.opts, self.gen, self.amp)
        logs = self.capture.run(one, self.gen) if self.capture is not None else one()
        self.averager.update(self.s.ema if step > 20 else 0.0)
        return logs

    def preview(self, step: int):
        extra = {"val_loss": validation_loss(self.ema, self.val)} if self.val is not None else {}
        return _preview(self.ema, {k: v[:1] for k, v in self.last.items()}, self.s, step, self.check), extra

    def save(self, step: int, history: list, seconds: float) -> None:
        s = self.s
        if s.checkpoint:
            meta = {"lr": s.lr * self.lr_factor, "batch": self.batch, "ema": s.ema, "seed": s.seed,
                    "seconds": seconds}
            save_checkpoint(s.checkpoint, self.model, self.ema, self.opts, self.gen, step, history[-2000:], meta)

    def end(self) -> None:
        if self.data is not None:
            self.data.close()
        if self.capture is not None:
            self.capture.undo()


CAPTURE_SETUP_STEPS = 3  # compiling (and recording the CUDA graphs) happens in a compiled run's first steps


def train(model_or_config, dataset: VideoDataset, settings: TrainSettings, device="cpu",
          progress: Callable = _noop_progress, check: Callable[[], None] = lambda: None,
          fixed_batch: dict | None = None, warn: Callable[[str], None] = lambda s: None,
          info: Callable[[str], None] = lambda s: None,
          note: Callable[[str], None] = lambda s: None) -> TrainResult:
    """Train a generator through the studio's training loop (nodes.training.loop: resume, budget,
    cancel, read-back, cadence). ``progress(step, total, preview=..., **values)``; ``check()``
    raises Cancelled. With ``fixed_batch`` every step sees that batch (the overfit test). ``batch``
    0 in the settings is 'auto' (batching.py: ``info`` gets the batch chosen and why)."""
    device = torch.device(device)
    s = settings
    if isinstance(model_or_config, torch.nn.Module):
        model = model_or_config
    else:
        with torch.random.fork_rng(devices=[]):  # initial weights from the seed, global RNG untouched
            torch.manual_seed(s.seed)
            model = build_model(model_or_config)
    run = _Run(model, dataset, s, device, check, fixed_batch, warn, info, note)
    loop = LoopSettings(steps=s.steps, max_minutes=s.max_minutes, resume=bool(s.checkpoint and s.resume),
                        preview_every=s.preview_every, checkpoint_every=s.checkpoint_every, read_every=s.read_every)
    res = run_loop(run, loop, progress, check, info)
    model.eval()
    return TrainResult(model, run.ema, res.step, res.history, res.seconds, res.resumed_from, res.stopped_by_budget,
                       res.prep_seconds, batch=run.batch, lr=s.lr * run.lr_factor, setup_seconds=res.setup_seconds)


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


def node_model_config(p, dataset: VideoDataset, vae=None) -> dict:
    """The model config of the Train node's parameters ``p`` (text or caption conditioning; the
    architecture parameters, ARCH_PARAMS) for ``dataset``, in ``vae``'s latent space if given."""
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
    return model_config(p.model, dataset, p.conditioning, **arch)


def node_settings(ctx) -> TrainSettings:
    """The Train node's settings from its parameters by name (the seed: the run's)."""
    return settings_from(TrainSettings, TRAIN_PARAMS, ctx.params, skip=ARCH_PARAMS, seed=ctx.seed)


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
    setup = f", {res.setup_seconds:.1f} s compiling" if res.setup_seconds > 0 else ""
    ctx.info(f"trained steps {res.resumed_from}..{res.step} of {s.steps} in {res.seconds:.1f} s "
             f"(+ {res.prep_seconds:.1f} s preparing the data{setup}, not counted in the budget); "
             f"final loss {loss:.4f}")
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
    params = TRAIN_PARAMS

    def run(self, ctx, dataset, vae=None, image_encoder=None):
        p = ctx.params
        if not isinstance(dataset, VideoDataset):
            raise StudioError(f"expected a Dataset, got {type(dataset).__name__}")
        if p.conditioning == "audio+image":
            return self._run_av(ctx, dataset, vae, image_encoder)
        cfg = node_model_config(p, dataset, vae)
        s = node_settings(ctx)

        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(s.seed)
            net = build_model(cfg)
        if vae is not None:
            net.vae.load_state_dict(vae.module.state_dict())
        if hasattr(net, "loss_weights"):
            ctx.info(loss_weights_text(net.loss_weights()))
        res = train(net, dataset, s, ctx.device, step_progress(ctx), ctx.check_cancelled, warn=ctx.warn,
                    info=ctx.info, note=ctx.note)
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
        s = node_settings(ctx)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(s.seed)
            net = build_model(cfg)
        net.image_encoder.load_state_dict(enc.state_dict())
        res = train(net, dataset, s, ctx.device, step_progress(ctx), ctx.check_cancelled, warn=ctx.warn,
                    info=ctx.info, note=ctx.note)
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

"""LoRA training for a loaded video model, a trainable of the studio's training loop
(nodes.training.loop: resume, time budget, Stop within a second keeping a loadable LoRA, the loss
read-back, the validation and checkpoint cadence): peft LoRA on the denoiser, AdamW with a
gradient-norm clip, optimizer and random state saved for the resume.

The loaded pipeline is shared (Load Video Model's output may be cached and serve other nodes and
later runs): the adapter is added for the run and removed in a ``finally``, with every other
change (frozen weights, gradient checkpointing, train mode, the text encoder's device, the memory
mode's placement and the speed settings: modes.py, session.py) undone, so the model upstream is exactly what
it was."""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch

from studio.core.errors import Cancelled, StudioError

from nodes.training.loop import LoopSettings, Resumed, run_loop
from nodes.training.settings import node_settings
from nodes.training.shared import filmstrip as strip

from ..base.capabilities import LoraTraining
from .data import Bucket, cache_key, cache_path, choose_bucket, encode_dataset
from .file import export_lora, load_state, restore_optimizer, save_state
from .loss import FlowBatch, family_loss
from .modes import plan_training
from .params import LORA_PARAMS
from .session import AdapterSession

@node_settings(LORA_PARAMS)
class LoRASettings:
    """How a LoRA trains. The fields named like Train Video LoRA's parameters take the node's
    defaults (declared there once; the node fills them by name: nodes.training.settings)."""
    output: str = ""
    rank: int
    alpha: float
    lr: float
    steps: int
    max_minutes: float
    batch: int
    frames: int
    width: int
    height: int
    targets: tuple[str, ...] = ()  # the node's target_modules, split; empty: the family's defaults
    gradient_checkpointing: bool
    mixed_precision: str  # auto | bf16 | no
    seed: int
    validation_prompt: str
    validate_every: int
    validation_steps: int
    validation_guidance: float = 5.0
    checkpoint_every: int
    resume: bool
    timesteps: str  # uniform | logit_normal
    lr_schedule: str  # constant | cosine (to 0 at 'steps') | linear
    warmup: int
    shift: float
    max_grad_norm: float
    weight_decay: float = 1e-4
    offload_text_encoder: bool
    compile: str  # regional compile of the step: auto | on | off
    attention: str  # the step's attention backend (speed.TRAIN_ATTENTION_CHOICES)


@dataclass
class LoRAResult:
    path: str
    step: int
    resumed_from: int
    history: list = field(default_factory=list)
    seconds: float = 0.0
    prep_seconds: float = 0.0
    stopped_by_budget: bool = False
    bucket: Bucket | None = None
    info: dict = field(default_factory=dict)

    @property
    def final_loss(self) -> float:
        """The mean loss of the last (up to) 20 steps: one step's loss swings with its noise level."""
        last = [v for _, v in self.history[-20:]]
        return float(np.mean(last)) if last else float("nan")


def lr_factor(schedule: str, step: int, steps: int, warmup: int = 0) -> float:
    """The learning rate's factor at ``step`` (0-based): a linear warm-up, then constant, cosine
    or linear decay to 0 at ``steps``. A function of the step alone: a resume needs no state."""
    if warmup and step < warmup:
        return (step + 1) / warmup
    if schedule == "constant" or steps <= warmup:
        return 1.0
    t = min(1.0, (step - warmup) / max(1, steps - warmup))
    if schedule == "cosine":
        return 0.5 * (1 + math.cos(math.pi * t))
    return 1.0 - t


def _noop(*a, **k):
    pass


def filmstrip(frames: np.ndarray, max_frames: int = 6) -> np.ndarray:
    scale = max(1, int(np.ceil(96 / max(1, frames.shape[1]))))
    return strip(frames, scale=min(scale, 4), max_frames=max_frames)


class LoRATrainer:
    """One training run of a LoRA on ``ref`` (a VideoModelRef) with ``dataset`` (a VideoDataset).
    ``progress(step, total, preview=None, **values)``; ``check()`` raises Cancelled."""

    def __init__(self, ref, dataset, s: LoRASettings, progress: Callable = _noop, check: Callable = lambda: None,
                 info: Callable[[str], None] = _noop, warn: Callable[[str], None] = _noop):
        self.ref, self.dataset, self.s = ref, dataset, s
        self.progress, self.check, self.info, self.warn = progress, check, info, warn
        fam = ref.fam
        if ref.loras:
            raise StudioError("the model input carries LoRAs: train on the base model (connect Train Video LoRA "
                              "straight to Load Video Model) and stack LoRAs after it")
        self.pipe = ref.pipeline("t2v")
        self.fam = fam
        self.loss = family_loss(fam, self.pipe, dataset.fps, s.shift, s.timesteps)
        self.transformer = getattr(self.pipe, fam.denoiser)
        self.device = torch.device(ref.device) if ref.device is not None else torch.device("cpu")
        self.training = fam.capability(LoraTraining)  # family_loss refused a family without it
        self.targets = list(s.targets or self.training.targets)
        self.bucket, notes = choose_bucket(fam, dataset, s.frames, s.width, s.height)
        for n in notes:
            warn(n)
        self.idx = dataset.indices("train")
        if not self.idx:
            raise StudioError(f"{dataset.name}: no clips in the train split")
        self._check_targets()
        self.plan = plan_training(ref, self.pipe, self.transformer, s, self.bucket, self.targets)  # before the encode
        for n in (self.plan.said, *self.plan.notes):
            info(n)
        if self.plan.warning:
            warn(self.plan.warning)
        self.sync_seconds: float | None = None  # read the losses back after this long (None: the loop's policy)
        self.setup_steps = 0
        self._enc = self._val = self._given_state = self._state = self._sess = None
        self._given_prep, self._done, self._sess_ready, self._step_saved = 0.0, False, False, 0

    # -- identity of the run ----------------------------------------------------------------
    def model_signature(self) -> str:
        from ..loading.checks import model_files
        from ..loading.load import weights_signature
        try:
            return weights_signature(model_files(self.ref.path))
        except Exception:  # noqa: BLE001 - a model with no files on disk (built in memory): its path
            return str(self.ref.path)

    def run_info(self) -> dict[str, Any]:
        """What the LoRA was trained from: a resume must match it (the JSON state and the LoRA header)."""
        b = self.bucket
        return {"base_model": os.path.basename(str(self.ref.path).rstrip(os.sep)), "base_path": str(self.ref.path),
                "family": self.fam.key, "rank": int(self.s.rank), "alpha": float(self.s.alpha),
                "target_modules": sorted(self.targets), "dataset_hash": self.dataset.hash,
                "dataset": self.dataset.name, "clips": len(self.idx), "resolution": f"{b.width}x{b.height}",
                "frames": b.frames, "fps": self.dataset.fps, "shift": self.loss.shift, "sampling": self.s.timesteps}

    def _check_targets(self) -> None:
        lin = torch.nn.Linear
        names = [n for n, m in self.transformer.named_modules()  # a loaded LoRA wraps its layers
                 if isinstance(m, lin) or isinstance(getattr(m, "base_layer", None), lin)]
        missing = [t for t in self.targets if not any(n == t or n.endswith("." + t) for n in names)]
        if missing:
            raise StudioError(f"target modules {', '.join(missing)} are not linear layers of this {self.fam.title} "
                              f"{self.fam.denoiser} (defaults: {', '.join(self.training.targets)})")

    def _check_resume(self, state: dict) -> None:
        want = self.run_info()
        diffs = [f"{k}: saved {state.get(k)!r}, now {want[k]!r}" for k in
                 ("family", "rank", "alpha", "target_modules", "dataset_hash", "resolution", "frames", "base_model")
                 if state.get(k) != want[k]]
        if diffs:
            raise StudioError(f"the LoRA '{os.path.basename(self.s.output)}' was trained differently "
                              f"({'; '.join(diffs)}): turn resume off to start again, or choose another output file")

    # -- the run: a trainable of the studio's training loop (nodes.training.loop) -------------
    def run(self) -> LoRAResult:
        """Resume (when the settings say so), encode the clips (cached), train."""
        return self._run(LoopSettings(self.s.steps, self.s.max_minutes, bool(self.s.resume and self.s.output)))

    def train_encoded(self, enc, val=None, state=None, prep: float = 0.0) -> LoRAResult:
        """Train on encoded clips (``data.Encoded``), from ``state`` when given: the adapter is
        on the shared denoiser only inside this call."""
        self._enc, self._val, self._given_state, self._given_prep = enc, val, state, prep
        return self._run(LoopSettings(self.s.steps, self.s.max_minutes, state is not None))

    def _run(self, loop: LoopSettings) -> LoRAResult:
        s = self.s
        loop.preview_every, loop.preview_at_end = s.validate_every, bool(s.validate_every)
        loop.checkpoint_every = s.checkpoint_every
        sync = self.sync_seconds
        if sync is not None:  # the read-back policy, by time: every step (0), or after this long
            loop.read_every, loop.read_seconds = (1, 0.0) if sync <= 0 else (10 ** 9, sync)
        try:
            res = run_loop(self, loop, self.progress, self.check, self.info)
        except Cancelled:
            if s.output and self._sess_ready:
                self.info(f"stopped at step {self._step_saved} of {s.steps}: the LoRA is saved "
                          f"({os.path.basename(s.output)}); Run again resumes")
            raise
        return LoRAResult(s.output, res.step, res.resumed_from, res.history, res.seconds,
                          res.prep_seconds + self._given_prep, res.stopped_by_budget, self.bucket, self.run_info())

    def load(self) -> Resumed | None:
        s = self.s
        if self._given_state is not None:
            state = self._given_state
        else:
            state = load_state(s.output) if s.output else None
            if state is not None:
                self._check_resume(state)
        self._state = state
        if state is None:
            return None
        return Resumed(int(state["step"]), float(state.get("seconds", 0.0)), list(state.get("history", [])),
                       complete=bool(s.output) and os.path.isfile(s.output))

    def prepare(self, done: bool) -> None:
        """Encode the clips (VAE and text encoder, cached beside the LoRA) and the validation prompt."""
        self._done = done
        if done or self._enc is not None:
            return
        s = self.s
        key = cache_key(self.dataset, self.model_signature(), self.fam.key, self.bucket, self.dataset.fps)
        enc = encode_dataset(self.pipe, self.loss, self.dataset, self.idx, self.bucket, key,
                             cache_path(s.output) if s.output else None, self.device, self.check,
                             lambda k, n: self.progress(0, s.steps, message=f"encoding clips {k}/{n}"))
        self.info(("read" if enc.from_cache else "encoded") + f" {len(self.idx)} clips at {self.bucket} "
                  f"({'latent cache' if enc.from_cache else 'VAE and text encoder, cached'})")
        self._enc = enc
        self._val = self._validation_inputs() if s.validate_every and s.validation_prompt.strip() else None

    def begin(self) -> None:
        """The adapter on the shared denoiser (undone in ``end``), the optimiser, the saved state."""
        if self._done:
            return
        s, dev, enc = self.s, self.device, self._enc
        self._sess = AdapterSession(self).__enter__()
        self._sess_ready = True
        params = self._sess.params
        self._names = sorted(params)
        self.opt = torch.optim.AdamW([params[n] for n in self._names], lr=s.lr, betas=(0.9, 0.999), eps=1e-8,
                                     weight_decay=s.weight_decay)
        gen = torch.Generator(device="cpu").manual_seed(s.seed)
        self.dgen = torch.Generator(device=dev).manual_seed(s.seed + 1) if dev.type != "cpu" else gen
        self.gens = {"cpu": gen} if self.dgen is gen else {"cpu": gen, "device": self.dgen}
        state = self._state
        if state is not None:
            self.info(f"resuming from step {int(state['step'])} of {s.steps} ({os.path.basename(s.output)}, "
                      "optimizer state included)")
            self._sess.load_weights(state["tensors"])
            restore_optimizer(self.opt, self._names, state)
            for k, g in self.gens.items():
                if f"rng.{k}" in state["tensors"]:
                    g.set_state(state["tensors"][f"rng.{k}"].to(torch.uint8))
        self._mean = torch.stack(enc.mean).to(dev)
        self._std = torch.stack(enc.std).to(dev)
        texts = self.loss.collate(enc.text)
        self._text = texts["text"].to(dev, self.transformer.dtype)
        self._mask = texts["mask"].to(dev) if "mask" in texts else None
        n = len(enc.mean)
        self._batch = min(s.batch, n)
        if s.batch > n:
            self.warn(f"batch {s.batch} is more than the {n} training clips: batches of {n}")
        self._autocast = self._sess.autocast()

    def step(self, step: int) -> dict:
        s, dev, loss_fn, sess, dgen = self.s, self.device, self.loss, self._sess, self.dgen
        lr_now = s.lr * lr_factor(s.lr_schedule, step, s.steps, s.warmup)
        for grp in self.opt.param_groups:
            grp["lr"] = lr_now
        # all on the device (a host-to-device copy would wait for the GPU every step)
        ii = torch.randint(0, len(self._mean), (self._batch,), generator=dgen, device=dev)
        u = loss_fn.draw_u(self._batch, dgen)
        m, sd = self._mean[ii], self._std[ii]
        x0 = m + sd * torch.randn(m.shape, generator=dgen, device=dev)
        noise = torch.randn(m.shape, generator=dgen, device=dev)
        sig = loss_fn.shift_sigmas(u, x0.shape)
        b = FlowBatch(x0, self._text[ii], self._mask[ii] if self._mask is not None else None)
        with self._autocast:
            sess.in_forward = True
            try:
                loss = loss_fn(self.transformer, b, sig, noise)
            finally:
                sess.in_forward = False
        self.check()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(sess.trainable, s.max_grad_norm)
        self.opt.step()
        self.opt.zero_grad(set_to_none=True)
        return {"loss": loss.detach()}

    def preview(self, step: int):
        return (self.validate(self._sess, self._val) if self._val is not None else None), {}

    def save(self, step: int, history: list, seconds: float) -> None:
        s = self.s
        self._step_saved = step
        if not s.output or self._sess is None:
            return
        w = self._sess.weights()
        info = {**self.run_info(), "steps": step, "seconds": seconds}
        export_lora(s.output, w, s.rank, s.alpha, self.targets, info)
        save_state(s.output, w, self.opt, self._names, self.gens, step, history[-5000:], info)

    def end(self) -> None:
        if self._sess is not None:
            sess, self._sess = self._sess, None
            sess.__exit__(None, None, None)

    def _validation_inputs(self) -> dict[str, Any]:
        texts = self.loss.encode_text([self.s.validation_prompt, ""], self.device)
        pos, neg = self.loss.collate(texts[:1]), self.loss.collate(texts[1:])
        dt = self.transformer.dtype
        kw = {"prompt_embeds": pos["text"].to(self.device, dt),
              "negative_prompt_embeds": neg["text"].to(self.device, dt)}
        if "mask" in pos:
            kw.update(prompt_attention_mask=pos["mask"].to(self.device),
                      negative_prompt_attention_mask=neg["mask"].to(self.device))
        return kw

    @torch.no_grad()
    def validate(self, sess, val: dict) -> np.ndarray:
        """A sample of the validation prompt with the LoRA as it is now (fixed seed: comparable)."""
        s, b = self.s, self.bucket
        self.transformer.eval()
        try:
            g = torch.Generator(device="cpu").manual_seed(s.seed + 7)

            def cb(p, i, t, kw):
                self.check()
                return kw
            kw = dict(val, height=b.height, width=b.width, num_frames=b.frames, num_inference_steps=s.validation_steps,
                      guidance_scale=s.validation_guidance, generator=g, output_type="np",
                      callback_on_step_end=cb)
            if self.training.frame_rate:
                kw["frame_rate"] = self.dataset.fps
            out = self.pipe(**kw)
            frames = np.asarray(out.frames[0], np.float32)
        finally:
            self.transformer.train()
        return filmstrip(np.clip(frames, 0, 1))

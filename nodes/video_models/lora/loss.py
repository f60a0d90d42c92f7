"""The training loss of each video family, as the family was trained (flow matching for Wan 2.1
and LTX-Video), written against diffusers' own components.

Flow matching (rectified flow): for clean latents ``x0``, noise ``n`` and a noise level
``sigma`` in (0, 1), the denoiser sees ``x_t = (1 - sigma) * x0 + sigma * n`` at timestep
``sigma * num_train_timesteps`` and predicts the velocity ``n - x0`` (what diffusers'
``FlowMatchEulerDiscreteScheduler.scale_noise`` and ``step`` assume). ``sigma`` is drawn from a
uniform (or logit-normal) ``u`` moved by the family's shift: Wan a fixed shift
(``shift * u / (1 + (shift - 1) * u)``, 3.0 for Wan 2.1 480p), LTX-Video the resolution-dependent
shift its pipeline samples with (``mu`` from the token count, the scheduler's ``time_shift``).

torch and diffusers are imported by the caller; this module imports torch only."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from studio.core.errors import StudioError

from ..base.registry import all_families


def scheduler_shift(cfg) -> float:
    """The fixed flow shift a scheduler config samples with (FlowMatchEuler 'shift', UniPC 'flow_shift')."""
    get = cfg.get if hasattr(cfg, "get") else (lambda k, d=None: getattr(cfg, k, d))
    for k in ("shift", "flow_shift"):
        v = get(k, None)
        if v is not None:
            return float(v)
    return 1.0


@dataclass
class FlowBatch:
    """One training batch in the denoiser's space: clean latents [B, C, F, H, W], text tokens."""
    latents: torch.Tensor
    text: torch.Tensor
    mask: torch.Tensor | None = None


class FlowMatchingLoss:
    """Wan 2.1's loss. Subclasses change how latents are normalised, how the timestep is shifted
    and how the transformer is called."""

    def __init__(self, pipe, fps: float = 16.0, shift: float = 0.0, sampling: str = "uniform"):
        self.pipe = pipe
        self.sched_cfg = dict(pipe.scheduler.config)
        self.shift = float(shift) if shift > 0 else scheduler_shift(self.sched_cfg)
        self.train_steps = int(self.sched_cfg.get("num_train_timesteps", 1000) or 1000)
        self.sampling = sampling
        self.fps = float(fps)

    # -- data ------------------------------------------------------------------------------
    def normalise(self, mean: torch.Tensor, std: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The VAE posterior (mean, std) of raw latents [B, C, F, H, W] in the denoiser's space."""
        cfg = self.pipe.vae.config
        shape = (1, -1, 1, 1, 1)
        m = torch.tensor(cfg.latents_mean, dtype=torch.float32, device=mean.device).view(shape)
        s = torch.tensor(cfg.latents_std, dtype=torch.float32, device=mean.device).view(shape)
        return (mean.float() - m) / s, std.float() / s

    def encode_text(self, prompts: list[str], device) -> list[dict[str, torch.Tensor]]:
        """Per prompt: the tokens the pipeline gives the transformer (Wan: trimmed at the prompt's
        length; ``collate`` pads them with zeros to 512 as WanPipeline does)."""
        emb, _ = self.pipe.encode_prompt(prompt=list(prompts), do_classifier_free_guidance=False,
                                         max_sequence_length=self.max_tokens, device=device)
        out = []
        for e in emb.detach().cpu():
            nz = e.abs().amax(-1).nonzero()
            n = int(nz[-1]) + 1 if len(nz) else 0  # WanPipeline pads with exact zeros after the prompt
            out.append({"text": e[:n].contiguous()})
        return out

    max_tokens = 512

    def collate(self, items: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
        d = items[0]["text"].shape[-1]
        out = torch.zeros(len(items), self.max_tokens, d, dtype=items[0]["text"].dtype)
        for i, it in enumerate(items):
            out[i, :it["text"].shape[0]] = it["text"]
        return {"text": out}

    # -- timesteps ---------------------------------------------------------------------------
    def draw_u(self, n: int, gen: torch.Generator) -> torch.Tensor:
        if self.sampling == "logit_normal":
            return torch.sigmoid(torch.randn(n, generator=gen, device=gen.device))
        return torch.rand(n, generator=gen, device=gen.device)

    def shift_sigmas(self, u: torch.Tensor, latents_shape) -> torch.Tensor:
        s = self.shift
        return s * u / (1 + (s - 1) * u)

    # -- the loss ------------------------------------------------------------------------------
    def noisy(self, x0, noise, sigmas):
        s = sigmas.view(-1, *([1] * (x0.ndim - 1))).to(x0.dtype)
        return (1 - s) * x0 + s * noise

    def predict(self, transformer, noisy, sigmas, batch: FlowBatch) -> torch.Tensor:
        dt = transformer.dtype
        return transformer(hidden_states=noisy.to(dt), timestep=(sigmas * self.train_steps).to(noisy.device),
                           encoder_hidden_states=batch.text.to(dt), return_dict=False)[0]

    def __call__(self, transformer, batch: FlowBatch, sigmas: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        x0 = batch.latents.float()
        noise = noise.float()
        pred = self.predict(transformer, self.noisy(x0, noise, sigmas), sigmas, batch)
        target = noise - x0
        return torch.nn.functional.mse_loss(pred.float(), target.reshape(pred.shape) if pred.shape != target.shape
                                            else target)


class LTXFlowMatchingLoss(FlowMatchingLoss):
    """LTX-Video: latents scaled by the VAE's mean, std and scaling factor, packed into tokens; the
    shift depends on the token count as in LTXPipeline; the text mask and RoPE scale go in."""
    max_tokens = 128

    def normalise(self, mean, std):
        vae = self.pipe.vae
        shape = (1, -1, 1, 1, 1)
        m = vae.latents_mean.float().to(mean.device).view(shape)
        s = vae.latents_std.float().to(mean.device).view(shape)
        sf = float(vae.config.scaling_factor)
        return (mean.float() - m) * sf / s, std.float() * sf / s

    def encode_text(self, prompts, device):
        emb, mask, _, _ = self.pipe.encode_prompt(prompt=list(prompts), do_classifier_free_guidance=False,
                                                  max_sequence_length=self.max_tokens, device=device)
        return [{"text": e.detach().cpu().contiguous(), "mask": m.detach().cpu().contiguous()}
                for e, m in zip(emb, mask)]

    def collate(self, items):
        return {"text": torch.stack([it["text"] for it in items]), "mask": torch.stack([it["mask"] for it in items])}

    def shift_sigmas(self, u, latents_shape):
        from diffusers.pipelines.ltx.pipeline_ltx import calculate_shift
        _, _, f, h, w = latents_shape
        p, pt = self._patch()
        cfg = self.sched_cfg
        if not cfg.get("use_dynamic_shifting", False):
            return super().shift_sigmas(u, latents_shape)
        mu = calculate_shift(f * h * w, cfg.get("base_image_seq_len", 256), cfg.get("max_image_seq_len", 4096),
                             cfg.get("base_shift", 0.5), cfg.get("max_shift", 1.15))
        return self.pipe.scheduler.time_shift(mu, 1.0, u)

    def _patch(self) -> tuple[int, int]:
        c = self.pipe.transformer.config
        return int(getattr(c, "patch_size", 1) or 1), int(getattr(c, "patch_size_t", 1) or 1)

    def predict(self, transformer, noisy, sigmas, batch):
        from diffusers import LTXPipeline
        p, pt = self._patch()
        _, _, f, h, w = noisy.shape
        packed = LTXPipeline._pack_latents(noisy, p, pt)
        dt = transformer.dtype
        tcr = int(getattr(self.pipe, "vae_temporal_compression_ratio", 8))
        scr = int(getattr(self.pipe, "vae_spatial_compression_ratio", 32))
        return transformer(hidden_states=packed.to(dt), encoder_hidden_states=batch.text.to(dt),
                           timestep=(sigmas * self.train_steps).to(noisy.device),
                           encoder_attention_mask=batch.mask.to(noisy.device),
                           num_frames=f // pt, height=h // p, width=w // p,
                           rope_interpolation_scale=(tcr / self.fps, scr, scr), return_dict=False)[0]

    def __call__(self, transformer, batch, sigmas, noise):
        from diffusers import LTXPipeline
        x0 = batch.latents.float()
        noise = noise.float()
        pred = self.predict(transformer, self.noisy(x0, noise, sigmas), sigmas, batch)
        p, pt = self._patch()
        target = LTXPipeline._pack_latents(noise - x0, p, pt)
        return torch.nn.functional.mse_loss(pred.float(), target)


class CogVideoXLoss(FlowMatchingLoss):
    """CogVideoX: v-prediction on its DDIM schedule, as diffusers' train_cogvideox_lora trains it.
    An integer timestep t uniform in [0, T); x_t = add_noise(x0, noise, t); the transformer's
    v-output becomes an x0 estimate through the scheduler's get_velocity; the loss is the squared
    error to x0 weighted by 1 / (1 - alphas_cumprod[t]). Latents are [B, F, C, H, W] times the VAE's
    scaling factor; the rotary embeddings are the pipeline's. ``u`` (the trainer's noise level) maps
    to t = floor(u * T)."""

    def __init__(self, pipe, fps: float = 8.0, shift: float = 0.0, sampling: str = "uniform"):
        super().__init__(pipe, fps, shift, sampling)
        self.max_tokens = int(getattr(pipe.transformer.config, "max_text_seq_length", 226) or 226)

    def normalise(self, mean, std):
        sf = float(self.pipe.vae.config.scaling_factor)
        return mean.float() * sf, std.float() * sf

    def encode_text(self, prompts, device):
        emb, _ = self.pipe.encode_prompt(prompt=list(prompts), do_classifier_free_guidance=False,
                                         max_sequence_length=self.max_tokens, device=device)
        return [{"text": e.detach().cpu().contiguous()} for e in emb]

    def collate(self, items):
        return {"text": torch.stack([it["text"] for it in items])}

    def shift_sigmas(self, u, latents_shape):
        return u  # no shift: the timestep is drawn uniformly over the DDIM schedule

    def timesteps(self, u: torch.Tensor) -> torch.Tensor:
        return (u * self.train_steps).long().clamp_(0, self.train_steps - 1)

    def __call__(self, transformer, batch, sigmas, noise):
        sched, pipe = self.pipe.scheduler, self.pipe
        x0 = batch.latents.float().permute(0, 2, 1, 3, 4)  # [B, F, C, H, W]
        noise = noise.float().permute(0, 2, 1, 3, 4)
        b, f, c, h, w = x0.shape
        pt = getattr(transformer.config, "patch_size_t", None)
        if pt and f % pt:
            raise StudioError(f"CogVideoX 1.5 trains on latent frame counts divisible by {pt} ({f} here): change "
                              "the frames so that (frames - 1) / 4 + 1 is a multiple of it")
        t = self.timesteps(sigmas.to(x0.device))
        noisy = sched.add_noise(x0, noise, t)
        rotary = None
        if transformer.config.use_rotary_positional_embeddings:
            s = pipe.vae_scale_factor_spatial
            rotary = pipe._prepare_rotary_positional_embeddings(h * s, w * s, f, x0.device)
        dt = transformer.dtype
        out = transformer(hidden_states=noisy.to(dt), encoder_hidden_states=batch.text.to(dt), timestep=t,
                          image_rotary_emb=rotary, return_dict=False)[0]
        pred_x0 = sched.get_velocity(out.float(), noisy, t)
        alphas = sched.alphas_cumprod.to(x0.device, torch.float32)[t]
        weights = (1 / (1 - alphas)).view(b, 1, 1, 1, 1)
        return (weights * (pred_x0 - x0) ** 2).reshape(b, -1).mean(1).mean()


# each the ``loss`` of a family's LoraTraining (base/capabilities.py)
LOSSES = {"flow_matching": FlowMatchingLoss, "ltx_flow_matching": LTXFlowMatchingLoss,
          "ddim_v_prediction": CogVideoXLoss}


def _loss(fam) -> str:
    """The loss the family was trained with ('' : Train Video LoRA does not train it)."""
    from ..base.capabilities import LoraTraining
    t = fam.capability(LoraTraining)
    return t.loss if t is not None else ""


def family_loss(fam, pipe, fps: float, shift: float = 0.0, sampling: str = "uniform") -> FlowMatchingLoss:
    cls = LOSSES.get(_loss(fam))
    if cls is None:
        titles = [f.title for f in all_families() if _loss(f) in LOSSES]
        raise StudioError(f"Train Video LoRA trains {', '.join(titles[:-1])} and {titles[-1]} models; {fam.title} "
                          "is not supported yet")
    return cls(pipe, fps=fps, shift=shift, sampling=sampling)


"""Video diffusion: a factorised space-time UNet, DDPM training (v-prediction, cosine schedule),
DDIM sampling with a step count and classifier-free guidance.

Two ways to get motion (``motion`` in the config):

* ``keyframe-flow`` (default): diffusion makes the key (middle) frame; a velocity head, trained
  on the per-clip motion that optical flow measures on the training clips, moves it over time.
  Measured on 2 CPU cores (see benchmarks/bench_text_to_video.py) this gets direction right
  where joint video diffusion at the same budget only learns colour: motion is modelled
  explicitly instead of hoping 1M parameters find it in the pixels. It models one global
  translation per clip (shapes on a plain ground, camera pans), wrapping at the frame edges.
* ``joint``: the UNet denoises all frames together, its temporal convolutions carry motion.
  Slower to learn; kept for real footage whose motion is not a translation. It can run in the
  latent space of a trained video VAE (``latent`` in the config: the VAE's config and a scale
  that brings its latents to unit variance; the frozen VAE's weights travel in the checkpoint).

With ``ground`` 'plain' (default) the key frame is split into a still plain ground (its median
colour) and a moving layer (what differs from it): the ground stays put as in real footage.
'none' moves the whole frame (camera pans).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .nets import GeneratorModel, STUNet, VelocityHead, animate, rand_on, randint_on, randn_on


def cosine_alphas_cumprod(n: int = 1000, s: float = 0.008) -> torch.Tensor:
    t = torch.linspace(0, n, n + 1, dtype=torch.float64) / n
    f = torch.cos((t + s) / (1 + s) * math.pi / 2) ** 2
    a = (f / f[0])[1:]
    return a.clamp(1e-5, 0.9999).float()


class VideoDiffusion(GeneratorModel):
    family = "diffusion"

    DEFAULTS = {"base": 16, "mults": [1, 2, 4], "emb": 128, "timesteps": 1000, "p_uncond": 0.1,
                "motion": "keyframe-flow", "ground": "plain"}

    def __init__(self, config: dict):
        cfg = {**self.DEFAULTS, **config}
        super().__init__(cfg)
        self.keyframe = cfg["motion"] == "keyframe-flow"
        if cfg["motion"] not in ("keyframe-flow", "joint"):
            raise ValueError(f"unknown motion mode '{cfg['motion']}' (use keyframe-flow or joint)")
        self.needs_velocity = self.keyframe
        self.vae = None
        channels, self.shape = 3, (cfg["height"], cfg["width"])
        if cfg.get("latent"):
            if self.keyframe:
                raise ValueError("a VAE latent space needs motion 'joint' (the whole clip is encoded)")
            from .vae import VideoVAE
            self.vae = VideoVAE(cfg["latent"]["config"]).eval()
            for p in self.vae.parameters():
                p.requires_grad_(False)
            lc, _, lh, lw = self.vae.latent_shape()
            channels, self.shape = lc, (lh, lw)
        self.channels = channels
        self.unet = STUNet(channels, cfg["base"], tuple(cfg["mults"]), cfg["emb"], cfg["cond_dim"],
                           temporal=not self.keyframe)
        self.velocity = VelocityHead(cfg["cond_dim"]) if self.keyframe else None
        self.register_buffer("acp", cosine_alphas_cumprod(cfg["timesteps"]), persistent=False)
        self.n_frames = cfg["frames"]
        self.key_index = self.n_frames // 2

    def _target(self, video: torch.Tensor) -> torch.Tensor:
        if self.vae is not None:
            with torch.no_grad():
                return self.vae.encode(video)[0] * self.config["latent"]["scale"]
        return video[:, :, self.key_index:self.key_index + 1] if self.keyframe else video

    def train(self, mode: bool = True):
        super().train(mode)
        if self.vae is not None:
            self.vae.eval()  # frozen
        return self

    def v_loss(self, x0: torch.Tensor, cond: torch.Tensor, gen: torch.Generator, **unet_kw) -> torch.Tensor:
        """DDPM with v-prediction: noise ``x0`` at a random step, drop the condition for
        classifier-free guidance with probability p_uncond, and score the UNet's v."""
        b, dev = x0.shape[0], x0.device
        t = randint_on(dev, gen, 0, self.config["timesteps"], (b,))
        noise = randn_on(dev, gen, x0.shape)
        a = self.acp[t].reshape(b, 1, 1, 1, 1)
        xt = a.sqrt() * x0 + (1 - a).sqrt() * noise
        v_target = a.sqrt() * noise - (1 - a).sqrt() * x0
        drop = rand_on(dev, gen, b) < self.config["p_uncond"]
        return F.mse_loss(self.unet(xt, t, cond, drop, **unet_kw), v_target)

    def losses(self, batch: dict, gen: torch.Generator) -> dict[str, torch.Tensor]:
        cond = batch["cond"]
        out = {"diffusion": self.v_loss(self._target(batch["video"]), cond, gen)}
        if self.keyframe:
            out["velocity"] = F.mse_loss(self.velocity(cond), batch["velocity"])
        return out

    def _v(self, x, t, cond, guidance):
        b = x.shape[0]
        tt = torch.full((b,), int(t), device=x.device, dtype=torch.long)
        if guidance == 1.0:
            return self.unet(x, tt, cond)
        both = self.unet(torch.cat([x, x]), torch.cat([tt, tt]), torch.cat([cond, cond]),
                         torch.cat([torch.zeros(b, dtype=torch.bool, device=x.device),
                                    torch.ones(b, dtype=torch.bool, device=x.device)]))
        vc, vu = both.chunk(2)
        return vu + guidance * (vc - vu)

    @torch.no_grad()
    def sample(self, cond, gen, steps=25, guidance=2.0, progress=None):
        cfg = self.config
        n = cond.shape[0]
        t_len = 1 if self.keyframe else self.n_frames
        x = randn_on(cond.device, gen, (n, self.channels, t_len) + self.shape)
        ts = torch.linspace(cfg["timesteps"] - 1, 0, max(1, steps)).round().long().tolist()
        x0 = x
        for k, t in enumerate(ts):
            a = self.acp[t]
            v = self._v(x, t, cond, guidance)
            x0 = a.sqrt() * x - (1 - a).sqrt() * v
            if self.vae is None:
                x0 = x0.clamp(-1, 1)
            eps = ((x - a.sqrt() * x0) / (1 - a).sqrt().clamp_min(1e-4))
            a_prev = self.acp[ts[k + 1]] if k + 1 < len(ts) else torch.tensor(1.0, device=x.device)
            x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
            if progress is not None:
                progress(k + 1, len(ts), self._finish(x0, cond))
        return self._finish(x0, cond)

    def _finish(self, x0, cond):
        if self.vae is not None:
            return self.vae.decode(x0 / self.config["latent"]["scale"], cond)
        if not self.keyframe:
            return x0
        key, vel = x0[:, :, 0], self.velocity(cond)
        if self.config.get("ground") != "plain":
            return animate(key, vel, self.n_frames, self.key_index)
        ground, layer = split_plain_ground(key)
        return ground[:, :, None] + animate(layer, vel, self.n_frames, self.key_index)


def split_plain_ground(key: torch.Tensor, lo: float = 0.1, hi: float = 0.25) -> tuple[torch.Tensor, torch.Tensor]:
    """A key frame [B, C, H, W] as a still plain ground (its median colour) plus a moving layer:
    the difference from the ground under a soft matte (differences below ``lo`` are ground,
    above ``hi`` fully layer, in [-1, 1] units). The ground stays put as in the training clips;
    faint sampling noise on it is dropped instead of being dragged along with the shape."""
    ground = key.flatten(2).median(dim=2).values[:, :, None, None].expand_as(key)
    d = key - ground
    matte = ((d.abs().amax(1, keepdim=True) - lo) / (hi - lo)).clamp(0, 1)
    return ground, matte * d

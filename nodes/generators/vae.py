"""A conditional video VAE: a 3-D convolutional encoder to a per-pixel latent (4x smaller in
space, same length in time), a 3-D convolutional decoder modulated (FiLM) by the conditioning
Features, a KL term, and an optional motion loss against the per-clip velocity that optical flow
measures on the training clips. Its ``encode``/``decode`` make a latent space for other models."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .nets import CondEmbed, GeneratorModel, groups, motion_loss, randn_on


class _Block3d(nn.Module):
    def __init__(self, cin: int, cout: int, emb: int | None = None):
        super().__init__()
        self.n = nn.GroupNorm(groups(cin), cin)
        self.c = nn.Conv3d(cin, cout, 3, padding=1)
        self.film = nn.Linear(emb, 2 * cout) if emb else None

    def forward(self, x, e=None):
        h = self.c(F.silu(self.n(x)))
        if self.film is not None and e is not None:
            s, b = self.film(e).chunk(2, dim=1)
            h = h * (1 + s[:, :, None, None, None]) + b[:, :, None, None, None]
        return h


class VideoVAE(GeneratorModel):
    family = "vae"
    DEFAULTS = {"base": 16, "latent_channels": 4, "emb": 64, "kl_weight": 1e-3, "motion_weight": 0.0}

    def __init__(self, config: dict):
        cfg = {**self.DEFAULTS, **config}
        super().__init__(cfg)
        b, lc, emb = cfg["base"], cfg["latent_channels"], cfg["emb"]
        self.needs_velocity = cfg["motion_weight"] > 0
        self.enc = nn.Sequential(
            nn.Conv3d(3, b, 3, padding=1), nn.SiLU(),
            nn.Conv3d(b, 2 * b, (3, 4, 4), stride=(1, 2, 2), padding=1), nn.SiLU(),
            nn.Conv3d(2 * b, 2 * b, (3, 4, 4), stride=(1, 2, 2), padding=1), nn.SiLU(),
            nn.Conv3d(2 * b, 2 * lc, 3, padding=1))
        self.cond = CondEmbed(cfg["cond_dim"], emb)
        self.dec_in = nn.Conv3d(lc, 2 * b, 3, padding=1)
        self.dec1 = _Block3d(2 * b, 2 * b, emb)
        self.up1 = nn.ConvTranspose3d(2 * b, 2 * b, (3, 4, 4), stride=(1, 2, 2), padding=1)
        self.dec2 = _Block3d(2 * b, b, emb)
        self.up2 = nn.ConvTranspose3d(b, b, (3, 4, 4), stride=(1, 2, 2), padding=1)
        self.dec3 = _Block3d(b, b, emb)
        self.out = nn.Conv3d(b, 3, 3, padding=1)

    def latent_shape(self) -> tuple[int, int, int, int]:
        c = self.config
        return (c["latent_channels"], c["frames"], c["height"] // 4, c["width"] // 4)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """[B, 3, T, H, W] -> (mean, log variance) [B, lc, T, H/4, W/4]."""
        mu, logvar = self.enc(x).chunk(2, dim=1)
        return mu, logvar.clamp(-20, 10)

    def decode(self, z: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        e = self.cond(cond)
        h = self.dec_in(z)
        h = self.up1(F.silu(self.dec1(h, e)))
        h = self.up2(F.silu(self.dec2(h, e)))
        return torch.tanh(self.out(F.silu(self.dec3(h, e))))

    def losses(self, batch, gen):
        x = batch["video"]
        mu, logvar = self.encode(x)
        z = mu + randn_on(mu.device, gen, mu.shape) * (0.5 * logvar).exp()
        rec = self.decode(z, batch["cond"])
        out = {"recon": F.mse_loss(rec, x),
               "kl": self.config["kl_weight"] * (-0.5 * (1 + logvar - mu ** 2 - logvar.exp())).mean()}
        if self.needs_velocity:
            out["motion"] = self.config["motion_weight"] * motion_loss(rec, batch["velocity"])
        return out

    @torch.no_grad()
    def sample(self, cond, gen, steps=25, guidance=1.0, progress=None):
        z = randn_on(cond.device, gen, (cond.shape[0],) + self.latent_shape())
        x = self.decode(z, cond)
        if progress is not None:
            progress(1, 1, x)
        return x

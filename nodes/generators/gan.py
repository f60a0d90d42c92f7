"""A spatio-temporal GAN with a content/motion split (as in MoCoGAN): one content code per clip,
a recurrent motion code per frame, both with the conditioning embedding, decoded by a 3-D
convolutional generator; a 3-D convolutional video discriminator with a projection of the
conditioning; hinge loss; optional L1 content loss against the paired training clip and a motion
loss against the per-clip velocity that optical flow measures on the training clips."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import spectral_norm

from .nets import (CondEmbed, GeneratorModel, adam, autocast, groups, loss_logs, motion_loss, randn_on,
                   step_optimizer)


class Generator3d(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        b, emb = cfg["base"], cfg["emb"]
        self.cfg = cfg
        self.h0, self.w0 = cfg["height"] // 4, cfg["width"] // 4
        self.cond = CondEmbed(cfg["cond_dim"], emb)
        self.gru = nn.GRUCell(cfg["motion_dim"], cfg["motion_dim"])
        self.fc = nn.Linear(cfg["zdim"] + cfg["motion_dim"] + emb, 4 * b * self.h0 * self.w0)
        self.body = nn.Sequential(
            nn.GroupNorm(groups(4 * b), 4 * b), nn.ReLU(), nn.Conv3d(4 * b, 4 * b, 3, padding=1),
            nn.Upsample(scale_factor=(1, 2, 2)), nn.Conv3d(4 * b, 2 * b, 3, padding=1),
            nn.GroupNorm(groups(2 * b), 2 * b), nn.ReLU(),
            nn.Upsample(scale_factor=(1, 2, 2)), nn.Conv3d(2 * b, b, 3, padding=1),
            nn.GroupNorm(groups(b), b), nn.ReLU(), nn.Conv3d(b, 3, 3, padding=1), nn.Tanh())

    def forward(self, cond: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
        c = self.cfg
        n, t = cond.shape[0], c["frames"]
        dev = cond.device
        zc = randn_on(dev, gen, (n, c["zdim"]))
        h = torch.zeros((n, c["motion_dim"]), device=dev)
        e = self.cond(cond)
        codes = []
        for _ in range(t):
            h = self.gru(randn_on(dev, gen, (n, c["motion_dim"])), h)
            codes.append(torch.cat([zc, h, e], dim=1))
        x = self.fc(torch.stack(codes, 1))  # [n, t, 4b*h0*w0]
        x = x.reshape(n, t, -1, self.h0, self.w0).permute(0, 2, 1, 3, 4)
        return self.body(x)


class Discriminator3d(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        b = cfg["base"]
        sn = spectral_norm
        self.body = nn.Sequential(
            sn(nn.Conv3d(3, b, (3, 4, 4), stride=(1, 2, 2), padding=1)), nn.LeakyReLU(0.2),
            sn(nn.Conv3d(b, 2 * b, (3, 4, 4), stride=(1, 2, 2), padding=1)), nn.LeakyReLU(0.2),
            sn(nn.Conv3d(2 * b, 4 * b, (3, 4, 4), stride=(1, 2, 2), padding=1)), nn.LeakyReLU(0.2))
        self.lin = sn(nn.Linear(4 * b, 1))
        self.proj = sn(nn.Linear(cfg["cond_dim"], 4 * b))

    def forward(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        h = self.body(x).sum(dim=(2, 3, 4))
        return self.lin(h)[:, 0] + (self.proj(cond) * h).sum(1)


class VideoGAN(GeneratorModel):
    family = "gan"
    DEFAULTS = {"base": 16, "emb": 64, "zdim": 32, "motion_dim": 8, "content_weight": 0.0,
                "motion_weight": 0.0}

    def __init__(self, config: dict):
        cfg = {**self.DEFAULTS, **config}
        super().__init__(cfg)
        self.needs_velocity = cfg["motion_weight"] > 0
        self.G = Generator3d(cfg)
        self.D = Discriminator3d(cfg)

    def make_optimizers(self, lr):
        return {"G": adam(torch.optim.Adam, self.G.parameters(), lr=lr, betas=(0.5, 0.999)),
                "D": adam(torch.optim.Adam, self.D.parameters(), lr=lr, betas=(0.5, 0.999))}

    def train_step(self, batch, opts, gen, amp=False):
        real, cond = batch["video"], batch["cond"]
        with autocast(real.device, amp):
            fake = self.G(cond, gen)
            d_loss = F.relu(1 - self.D(real, cond)).mean() + F.relu(1 + self.D(fake.detach(), cond)).mean()
        step_optimizer(opts["D"], d_loss)
        with autocast(real.device, amp):
            parts = {"adv": -self.D(fake, cond).mean()}
            if self.config["content_weight"] > 0:
                parts["content"] = self.config["content_weight"] * (fake - real).abs().mean()
            if self.needs_velocity:
                parts["motion"] = self.config["motion_weight"] * motion_loss(fake, batch["velocity"])
        g_loss = sum(parts.values())
        step_optimizer(opts["G"], g_loss)
        return loss_logs(g_loss, {"d_loss": d_loss, **parts})

    @torch.no_grad()
    def sample(self, cond, gen, steps=25, guidance=1.0, progress=None):
        x = self.G(cond, gen)
        if progress is not None:
            progress(1, 1, x)
        return x

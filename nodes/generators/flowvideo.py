"""Motion as a generated dense flow field (diffusion with ``motion`` 'dense-flow', the default).

After Latent Flow Diffusion (Ni et al., CVPR 2023: image-to-video as a generated flow field that
warps a key frame, the occluded parts filled by a second network), made text-to-video and sized
for a CPU:

1. **Key frame**: a diffusion (v-prediction, cosine schedule, DDIM with classifier-free guidance)
   of the middle frame, its UNet cross-attending to the caption's tokens (MiniLM, frozen) and
   FiLM-conditioned on the pooled (or fused text/image/audio) features.
2. **Flow generator**: from the key frame and the same conditioning, a displacement field per
   frame relative to the key frame ``[T, 2, H, W]`` - each object its own motion, rotation or
   growth. Trained on the optical flow that the motion package's DIS measures from the key frame
   to every frame of the training clips (L1 + MSE), on clean, noised and the denoiser's own
   predicted key frames (so it keeps objects whole on generated ones). Its fields are smoothed
   within the key frame's colour regions (``splat.guided_smooth``, a joint bilateral filter): an
   object moves whole instead of smearing at its edges (measured on real key frames after 800
   steps: shapes read right 48 % -> 77 %).
3. **Frames**: the key frame forward-splatted along each field (``splat``: no ghost where an
   object leaves), the disoccluded holes pre-filled, then a **refinement network** (per frame,
   seeing the splat, its hole mask and the key frame) repairs holes and edges. Trained on splats
   of the real key frame along the measured flow against the real frames.

``keyframe`` 'slots' (``.slots``) replaces step 1 with a compositional key frame: the caption's
objects as slots (presence, colour, a shape from a learned vocabulary, where and how large), drawn
over a still ground; with ``slot_motion`` each object's motion comes from its phrase too (an affine
map per frame, fit to the measured flow on its pixels), spread over its pixels as the flow field,
and the flow generator stays trained for key frames from elsewhere.

Optional losses (Train's weights; 0 turns one off): ``adversarial_weight`` - a temporal 3-D
discriminator on whole generated clips (key frame, generated flow, refinement) against real ones;
``content_weight`` - feature-space L1 of refined frames (``FeatureNet``); ``motion_weight`` -
motion consistency: the generated frame sampled along the generated flow must give the key frame
back (the generated frames' motion agrees with the generated field; a differentiable stand-in for
measuring their flow).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .diffusion import cosine_alphas_cumprod
from .flownets import AttnUNet, Conditioner, FeatureNet, TemporalDiscriminator
from .nets import (GeneratorModel, adam, autocast, loss_logs, rand_on, randint_on, randn_on, step_optimizer,
                   timestep_embedding)
from .splat import guided_smooth, splat_clip


def _divides(cfg: dict, n: int) -> bool:
    return cfg["width"] % n == 0 and cfg["height"] % n == 0


def _mults(cfg: dict, patch: int, levels: int) -> list[int]:
    """Channel multipliers of a UNet on ``patch``-sized cells: up to ``levels`` levels, as many as
    the frame size halves into evenly."""
    out = [1]
    while len(out) < levels and _divides(cfg, patch * 2 ** len(out)):
        out.append(2)
    return out


def w_all(config: dict) -> bool:
    """Whether the flow and refinement losses use half the batch (config 'half_batch', default on)."""
    return bool(config.get("half_batch", True))


class FlowVideoDiffusion(GeneratorModel):
    family = "diffusion"
    uses_tokens = True
    needs_flows = True

    DEFAULTS = {"base": 48, "emb": 128, "timesteps": 1000, "p_uncond": 0.1,
                "motion": "dense-flow", "tokens": 48, "flow_base": 16, "refine_base": 16,
                "mix": 9, "min_snr": 5.0, "guide_radius": 3, "adversarial_weight": 0.0, "content_weight": 0.0,
                "motion_weight": 0.0, "flow_scale": 0.3, "keyframe": "diffusion", "slot_motion": True,
                "slot_shapes": 6}

    def __init__(self, config: dict):
        cfg = {**self.DEFAULTS, **config}
        cfg["token_dim"] = int(cfg.get("token_dim") or cfg["cond_dim"])
        # the key frame is denoised on a grid of about 16x16 cells (space-to-depth patches: the
        # cost of a 32x32 UNet at half the convolution work), two levels below 32x32 cells
        side = min(cfg["width"], cfg["height"])
        cfg.setdefault("patch", 2 if side >= 32 and _divides(cfg, 4) else 1)
        cfg.setdefault("mults", _mults(cfg, cfg["patch"], 3 if side // cfg["patch"] > 16 else 2))
        cfg.setdefault("flow_patch", min(cfg["patch"], 2))
        super().__init__(cfg)
        t, h, w, p = cfg["frames"], cfg["height"], cfg["width"], cfg["patch"]
        if h % (p * 2 ** (len(cfg["mults"]) - 1)) or w % (p * 2 ** (len(cfg["mults"]) - 1)):
            raise ValueError(f"{w}x{h} must divide by patch x 2^(levels - 1) = {p * 2 ** (len(cfg['mults']) - 1)}")
        self.n_frames, self.key_index, self.patch = t, t // 2, p
        emb, td = cfg["emb"], cfg["token_dim"]
        self.slots = None
        if cfg.get("keyframe", "diffusion") == "slots":  # a compositional key frame (see .slots)
            from .slots import SlotKeyFrame
            self.slots = SlotKeyFrame(td, h, w, window=cfg["mix"], frames=t if cfg["slot_motion"] else 0,
                                      shapes=int(cfg["slot_shapes"]))
        else:
            self.cond = Conditioner(cfg["cond_dim"], td, emb, cfg["mix"])
            self.t_mlp = nn.Sequential(nn.Linear(emb, emb), nn.SiLU(), nn.Linear(emb, emb))
            self.unet = AttnUNet(3 * p * p, 3 * p * p, cfg["base"], cfg["mults"], emb, td)
        # the flow generator works on patches too (at most 2x2): per-pixel fields at a quarter of the cost
        fp = self.flow_patch = int(cfg["flow_patch"])
        if not _divides(cfg, fp):
            raise ValueError(f"{w}x{h} does not divide into flow patches of {fp}x{fp}")
        fm = _mults(cfg, fp, 3 if min(h, w) // fp >= 16 else 2)
        self.flow_cond = Conditioner(cfg["cond_dim"], td, emb, cfg["mix"])
        self.flow_net = AttnUNet((3 + 2) * fp * fp, 2 * t * fp * fp, cfg["flow_base"], fm, emb, td, attn_from=1)
        self.refine = AttnUNet(3 + 1 + 3 + 2, 3, cfg["refine_base"], _mults(cfg, 1, 2), emb, td, attn_from=9)
        self.t_frame = nn.Embedding(t, emb)
        self.disc = TemporalDiscriminator() if cfg["adversarial_weight"] > 0 else None
        self.features = FeatureNet() if cfg["content_weight"] > 0 else None
        self.register_buffer("acp", cosine_alphas_cumprod(cfg["timesteps"]), persistent=False)
        ys, xs = torch.meshgrid(torch.linspace(-1, 1, h), torch.linspace(-1, 1, w), indexing="ij")
        self.register_buffer("coords", torch.stack([xs, ys])[None], persistent=False)

    # -- pieces ------------------------------------------------------------------------------------
    @property
    def flow_scale(self) -> float:
        return float(self.config["flow_scale"]) * min(self.config["width"], self.config["height"])

    def _s2d(self, x):
        return F.pixel_unshuffle(x, self.patch) if self.patch > 1 else x

    def _d2s(self, x):
        return F.pixel_shuffle(x, self.patch) if self.patch > 1 else x

    def denoise(self, x, t, cond, tokens, mask, drop=None):
        e, tk, m = self.cond(cond, tokens, mask, drop)
        e = e + self.t_mlp(timestep_embedding(t, self.config["emb"]))
        return self._d2s(self.unet(self._s2d(x), e, tk, m))

    def flows(self, key, cond, tokens, mask) -> torch.Tensor:
        """Key frames [B, 3, H, W] in [-1, 1] -> displacement fields [B, T, 2, H, W] in pixels."""
        e, tk, m = self.flow_cond(cond, tokens, mask)
        b = key.shape[0]
        x = torch.cat([key, self.coords.expand(b, -1, -1, -1)], dim=1)
        fp = self.flow_patch
        x = F.pixel_unshuffle(x, fp) if fp > 1 else x
        f = self.flow_net(x, e, tk, m)
        f = F.pixel_shuffle(f, fp) if fp > 1 else f
        if self.config["guide_radius"] > 0:  # one motion per object: smoothed within the key frame's colours
            f = guided_smooth(f, key, int(self.config["guide_radius"]), 0.15, 2)
        return self._still_key(f.reshape(b, self.n_frames, 2, *key.shape[2:]) * self.flow_scale)

    def _still_key(self, f: torch.Tensor) -> torch.Tensor:
        """Fields [B, T, 2, H, W] with the key frame's set to zero: the key frame does not move."""
        keep = torch.ones(self.n_frames, device=f.device, dtype=f.dtype)
        keep[self.key_index] = 0
        return f * keep[None, :, None, None, None]

    def refine_frames(self, key, warped, holes, idx) -> torch.Tensor:
        """Refine splatted frames [N, 3, H, W] (holes [N, 1, H, W], frame indices [N]) of key frames
        [N, 3, H, W]; residual on the splat."""
        n = warped.shape[0]
        x = torch.cat([warped, holes, key, self.coords.expand(n, -1, -1, -1)], dim=1)
        e = self.t_frame(idx)
        dummy_tok = key.new_zeros(n, 1, self.config["token_dim"])
        return warped + self.refine(x, e, dummy_tok, key.new_ones(n, 1))

    def animate(self, key, flows) -> torch.Tensor:
        """A clip [B, 3, T, H, W] from key frames and their flows: splat, then refine."""
        b, t = flows.shape[:2]
        warped, holes = splat_clip(key, flows)
        h, w = key.shape[2:]
        wf = warped.permute(0, 2, 1, 3, 4).reshape(b * t, 3, h, w)
        hf = holes.permute(0, 2, 1, 3, 4).reshape(b * t, 1, h, w)
        kf = key[:, None].expand(b, t, 3, h, w).reshape(b * t, 3, h, w)
        idx = torch.arange(t, device=key.device).repeat(b)
        out = self.refine_frames(kf, wf, hf, idx).reshape(b, t, 3, h, w)
        out[:, self.key_index] = key
        return out.permute(0, 2, 1, 3, 4)

    # -- training ---------------------------------------------------------------------------------
    def loss_weights(self) -> dict[str, float]:
        """The weight of each loss term (0: off), as the Train node reports them."""
        c = self.config
        from .slots import WEIGHTS
        first = dict(WEIGHTS) if self.slots is not None else {"diffusion": 1.0}
        return {**first, "flow": 1.0, "refine": 1.0, "adversarial": float(c["adversarial_weight"]),
                "content": float(c["content_weight"]), "motion": float(c["motion_weight"])}

    def make_optimizers(self, lr: float) -> dict[str, torch.optim.Optimizer]:
        main = [p for n, p in self.named_parameters() if not n.startswith("disc.")]
        opts = {"main": adam(torch.optim.AdamW, main, lr=lr, weight_decay=0.0)}
        if self.disc is not None:
            opts["disc"] = adam(torch.optim.AdamW, self.disc.parameters(), lr=lr * 0.5, betas=(0.5, 0.9))
        return opts

    def _tokens(self, batch):
        cond = batch["cond"]
        tk = batch.get("tokens")
        if tk is None:
            return cond[:, None], torch.ones(cond.shape[0], 1, device=cond.device)
        return tk, batch["token_mask"]

    def losses(self, batch: dict, gen: torch.Generator, extra: dict | None = None) -> dict[str, torch.Tensor]:
        video, cond = batch["video"], batch["cond"]
        tokens, mask = self._tokens(batch)
        b, dev, K = video.shape[0], video.device, self.key_index
        key = video[:, :, K]
        if self.slots is not None:  # 1. the compositional key frame
            out, drawn = self.slots.losses(key, video, batch["flows"], tokens, mask)
            with torch.no_grad():
                r, noisy = self._noised(key, gen)
                r = r.reshape(b, 1, 1, 1)
                key_in = torch.where(r < 0.35, drawn, torch.where(r < 0.7, noisy, key))
            return self._motion_losses(batch, gen, out, key, key_in, tokens, mask, extra)
        # 1. key frame diffusion
        t = randint_on(dev, gen, 0, self.config["timesteps"], (b,))
        noise = randn_on(dev, gen, key.shape)
        a = self.acp[t].reshape(b, 1, 1, 1)
        xt = a.sqrt() * key + (1 - a).sqrt() * noise
        v_target = a.sqrt() * noise - (1 - a).sqrt() * key
        drop = rand_on(dev, gen, b) < self.config["p_uncond"]
        v = self.denoise(xt, t, cond, tokens, mask, drop)
        # Min-SNR-gamma weighting (Hang et al., ICCV 2023; for v-prediction min(SNR, g) / (SNR + 1)):
        # the easy low-noise steps stop dominating, which converges several times faster
        snr = (a / (1 - a)).reshape(b)
        wt = snr.clamp(max=float(self.config["min_snr"])) / (snr + 1) if self.config["min_snr"] > 0 else 1.0
        out = {"diffusion": ((v - v_target) ** 2).mean(dim=(1, 2, 3)).mul(wt).mean()}
        # 2. flows, from clean, noised and predicted key frames
        with torch.no_grad():
            x0_hat = (a.sqrt() * xt - (1 - a).sqrt() * v).clamp(-1, 1)
            r, noisy = self._noised(key, gen)
            use_pred = ((r < 0.35) & (t < self.config["timesteps"] * 0.4)).reshape(b, 1, 1, 1)
            key_in = torch.where(use_pred, x0_hat, torch.where((r < 0.7).reshape(b, 1, 1, 1), noisy, key))
        return self._motion_losses(batch, gen, out, key, key_in, tokens, mask, extra)

    @staticmethod
    def _noised(key, gen):
        """A uniform draw per clip (which key frame the flow generator sees) and the key frames
        with Gaussian noise of a random strength up to 0.15: the flow generator trains on clean,
        noised and generated key frames."""
        b, dev = key.shape[0], key.device
        r = rand_on(dev, gen, b)
        sigma = rand_on(dev, gen, b).reshape(b, 1, 1, 1) * 0.15
        return r, key + sigma * randn_on(dev, gen, key.shape)

    def _motion_losses(self, batch, gen, out, key, key_in, tokens, mask, extra):
        """2. flows from the given key frames; 3. refinement; the optional losses."""
        video, cond = batch["video"], batch["cond"]
        b, dev = video.shape[0], video.device
        # the flow and refinement networks learn faster than the key frame: half the batch is enough
        hb = max(1, (b + 1) // 2) if w_all(self.config) else b
        target = batch["flows"]
        pred = self.flows(key_in[:hb], cond[:hb], tokens[:hb], mask[:hb])
        d = (pred - target[:hb]) / self.flow_scale
        out["flow"] = d.abs().mean() * 4.0 + (d ** 2).mean() * 16.0
        # 3. refinement: two frames per clip, the real key splatted along the measured flow
        fi = randint_on(dev, gen, 0, self.n_frames, (hb,))
        bi = torch.arange(hb, device=dev)
        warped, holes = splat_clip(key[bi], target[bi, fi][:, None])
        real = video[bi, :, fi]
        refined = self.refine_frames(key[bi], warped[:, :, 0], holes[:, :, 0], fi)
        out["refine"] = (refined - real).abs().mean()
        w = self.config
        if w["content_weight"] > 0:
            fr, fg = self.features(real), self.features(refined)
            out["content"] = w["content_weight"] * sum((x - y).abs().mean() for x, y in zip(fg, fr))
        if w["motion_weight"] > 0 or w["adversarial_weight"] > 0:
            # whole generated clips from the real key frame and the generated flow
            gen_clip = self.animate(key[:hb], pred)
            if extra is not None:
                extra["fake"] = gen_clip
            if w["motion_weight"] > 0:
                out["motion"] = w["motion_weight"] * self._consistency(key[:hb], gen_clip, pred)
            if self.disc is not None and w["adversarial_weight"] > 0:
                out["adversarial"] = w["adversarial_weight"] * F.relu(1.0 - self.disc(gen_clip)).mean()
        return out

    def _consistency(self, key, clip, flows) -> torch.Tensor:
        """Frame t sampled at x + flow_t(x) must give the key frame back at x (where x stays in view)."""
        b, _, t, h, w = clip.shape
        base = self.coords.permute(0, 2, 3, 1)  # [1, H, W, 2] in [-1, 1]
        scale = torch.tensor([2.0 / max(1, w - 1), 2.0 / max(1, h - 1)], device=key.device)
        grid = base + flows.permute(0, 1, 3, 4, 2).reshape(b * t, h, w, 2) * scale
        frames = clip.permute(0, 2, 1, 3, 4).reshape(b * t, 3, h, w)
        back = F.grid_sample(frames, grid, mode="bilinear", padding_mode="border", align_corners=True)
        inside = (grid.abs() <= 1).all(-1, keepdim=True).permute(0, 3, 1, 2).float()
        keys = key[:, None].expand(b, t, 3, h, w).reshape(b * t, 3, h, w)
        return ((back - keys).abs() * inside).mean()

    def train_step(self, batch: dict, opts: dict, gen: torch.Generator, amp: bool = False) -> dict[str, torch.Tensor]:
        extra: dict = {}
        with autocast(batch["video"].device, amp):
            parts = self.losses(batch, gen, extra)
        loss = sum(parts.values())
        step_optimizer(opts["main"], loss)  # the parameters outside disc.*, listed once by the optimiser
        logs = loss_logs(loss, parts)
        if self.disc is not None and "fake" in extra:
            with autocast(batch["video"].device, amp):
                d_loss = F.relu(1.0 - self.disc(batch["video"][:extra["fake"].shape[0]])).mean() + \
                    F.relu(1.0 + self.disc(extra["fake"].detach())).mean()
            step_optimizer(opts["disc"], d_loss)
            logs["discriminator"] = d_loss.detach()
        return logs

    # -- sampling ---------------------------------------------------------------------------------
    def _v(self, x, t, cond, tokens, mask, guidance):
        b = x.shape[0]
        tt = torch.full((b,), int(t), device=x.device, dtype=torch.long)
        if guidance == 1.0:
            return self.denoise(x, tt, cond, tokens, mask)
        no = torch.zeros(b, dtype=torch.bool, device=x.device)
        both = self.denoise(torch.cat([x, x]), torch.cat([tt, tt]), torch.cat([cond, cond]),
                            torch.cat([tokens, tokens]), torch.cat([mask, mask]), torch.cat([no, ~no]))
        vc, vu = both.chunk(2)
        return vu + guidance * (vc - vu)

    @torch.no_grad()
    def sample(self, cond, gen, steps=25, guidance=2.0, progress=None, tokens=None, token_mask=None):
        if tokens is None:
            tokens, token_mask = cond[:, None], torch.ones(cond.shape[0], 1, device=cond.device)
        cfg = self.config
        n, (h, w) = cond.shape[0], (cfg["height"], cfg["width"])
        if self.slots is not None:
            x0, fl = self.slots.sample(tokens, token_mask, gen)  # fl: each object's motion, from its phrase
            if progress is not None:
                progress(1, 2, x0[:, :, None].expand(n, 3, self.n_frames, h, w))
            fl = self._still_key(fl) if fl is not None else self.flows(x0, cond, tokens, token_mask)
            clip = self.animate(x0, fl).clamp(-1, 1)
            if progress is not None:
                progress(2, 2, clip)
            return clip
        x = randn_on(cond.device, gen, (n, 3, h, w))
        ts = torch.linspace(cfg["timesteps"] - 1, 0, max(1, steps)).round().long().tolist()
        x0 = x
        for k, t in enumerate(ts):
            a = self.acp[t]
            v = self._v(x, t, cond, tokens, token_mask, guidance)
            x0 = (a.sqrt() * x - (1 - a).sqrt() * v).clamp(-1, 1)
            eps = (x - a.sqrt() * x0) / (1 - a).sqrt().clamp_min(1e-4)
            a_prev = self.acp[ts[k + 1]] if k + 1 < len(ts) else torch.tensor(1.0, device=x.device)
            x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
            if progress is not None and k + 1 < len(ts):
                progress(k + 1, len(ts), x0[:, :, None].expand(n, 3, self.n_frames, h, w))
        clip = self.animate(x0, self.flows(x0, cond, tokens, token_mask)).clamp(-1, 1)
        if progress is not None:
            progress(len(ts), len(ts), clip)
        return clip

    @torch.no_grad()
    def sample_flows(self, key, cond, tokens=None, token_mask=None) -> torch.Tensor:
        if tokens is None:
            tokens, token_mask = cond[:, None], torch.ones(cond.shape[0], 1, device=cond.device)
        return self.flows(key, cond, tokens, token_mask)

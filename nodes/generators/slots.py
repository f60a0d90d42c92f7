"""A compositional key frame (``keyframe`` 'slots' of the dense-flow generator): the caption's
objects as slots, each drawn as a learned shape in its own colour over a still background.

Why: at 32x32 on a CPU, the key-frame diffusion learns colours long before shapes (after 20
minutes objects were blobs: shapes read right 20 % of the time) and it binds words to objects
slowly. Here the structure the frames have (a few objects over a still ground) is built into the
model, and what is learned is the language: which colour, which shape and how many objects a
caption asks for.

* **Text -> slots.** Slot attention (Locatello et al., NeurIPS 2020) over the caption's MiniLM
  tokens (mixed over a phrase-wide window, each with the words that follow it): the slots compete
  for the tokens, so each object phrase ends up in one slot. Each slot gives a presence, a colour,
  a choice from the shape vocabulary, a Gaussian prior over where the object sits and how large it
  is, and (``frames``) the object's motion: an affine map per frame, read from the words just
  after the slot's own ("a red circle moving left and ...").
* **Shapes** are a small vocabulary of implicit functions: an MLP of (object-local, rotated and
  scaled) coordinates gives each shape's coverage at every pixel, so any shape the data has can
  be learned, at any position, size and angle, without a grid.
* **Training (analysis by synthesis).** The training clip says what the objects are: its still
  ground is its median over time (filled in where anything passed); an object is a connected piece
  of the key frame's *cores* (pixels far from the ground in some channel, ``CORE``) with its
  anti-aliased rim attached, and each piece goes to the slot of the nearest colour (hard: one
  object, one slot), which gives the slot its position (the centroid), size (the area) and
  presence. (Pixel by pixel, rims became a third object and ground specks parts of objects: on 200
  training clips the right count of objects 65 % -> 92 %.) Each object's silhouette is its
  coverage projected on its own colour; its shape and angle are the vocabulary's best fit to the
  silhouette over a set of angles, balanced over the batch (Sinkhorn) so that the vocabulary
  clusters the silhouettes instead of collapsing onto one blob. Its motion is an affine fit to the
  measured flow on its pixels. Losses: the key frame drawn from these against the real one, the
  silhouette, each slot's colour, shape choice, presence and motion, and the priors' likelihood
  of the positions and sizes found.
* **Sampling** draws each present slot's position and size from its prior (kept clear of each
  other and inside the frame), the angle at random, and the ground from a bank of training
  grounds; objects are drawn with a sharper edge than the learned coverage (about a pixel). Each
  object's motion, given to the pixels it covers, is the clip's flow field.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .flownets import TokenMixer

ANGLES = 24  # rotations tried per object when reading its angle (every 15 degrees)
BANK = 64    # training backgrounds kept for sampling (low resolution)
BG_RES = 8
CORE = 0.4  # a key-frame pixel this far from the ground (in one channel, of [-1, 1]) is inside an object
EDGE = 0.1   # coverage from which a pixel belongs to an object (it moves with it)
SHARP = 4.0  # sampling: an object's edge this much sharper than the learned coverage (about a pixel
# wide, as the data's anti-aliased shapes: soft edges read as rounded corners)
# loss weights (the Train node reports them through the model's loss_weights)
WEIGHTS = {"keyframe": 1.0, "silhouette": 1.0, "shape": 0.3, "colour": 1.0, "presence": 1.0, "layout": 0.05,
           "object_motion": 4.0}


def balanced_assignment(err: torch.Tensor, present: torch.Tensor, eps: float = 0.05, iters: int = 3) -> torch.Tensor:
    """Each object's shape [B, K] from its fitting errors [B, K, S]: the best fit, under the
    condition that the batch's objects spread over the whole vocabulary (Sinkhorn-Knopp as in SwAV,
    Caron et al., NeurIPS 2020). Plain best fits collapse: the first shape that fits everything a
    little wins every object, and the others never learn."""
    b, k, ns = err.shape
    flat = err.reshape(-1, ns)
    idx = flat.argmin(-1)
    sel = present.reshape(-1) > 0
    n = int(sel.sum())
    if n < ns:
        return idx.reshape(b, k)
    e = flat[sel]
    e = (e - e.mean(-1, keepdim=True)) / (e.std() + 1e-6)
    q = torch.exp(-(e - e.min()) / (eps * 20))
    for _ in range(iters):
        q = q / q.sum(0, keepdim=True) / ns  # every shape gets its share of the objects
        q = q / q.sum(1, keepdim=True) / n   # every object is one shape
    idx[sel] = q.argmax(-1)
    return idx.reshape(b, k)


class SlotAttention(nn.Module):
    """Slots ``[B, K, D]`` from tokens ``[B, L, D]`` (masked): attention normalised over the
    slots (they compete for each token), then a GRU update, ``iters`` times."""

    def __init__(self, slots: int, dim: int, iters: int = 3):
        super().__init__()
        self.k_slots, self.iters, self.scale = slots, iters, dim ** -0.5
        self.init = nn.Parameter(torch.randn(slots, dim) * 0.3)  # learned, distinct starting points
        self.norm_in, self.norm_slot, self.norm_mlp = nn.LayerNorm(dim), nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.q, self.k, self.v = nn.Linear(dim, dim, bias=False), nn.Linear(dim, dim, bias=False), nn.Linear(dim, dim, bias=False)
        self.gru = nn.GRUCell(dim, dim)
        self.mlp = nn.Sequential(nn.Linear(dim, dim * 2), nn.SiLU(), nn.Linear(dim * 2, dim))

    def forward(self, tokens: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, _, d = tokens.shape
        x = self.norm_in(tokens)
        k, v = self.k(x), self.v(x)
        slots = self.init[None].expand(b, -1, -1)
        m = mask[:, None, :].to(tokens.dtype)  # [B, 1, L]
        for _ in range(self.iters):
            q = self.q(self.norm_slot(slots))
            logits = torch.einsum("bkd,bld->bkl", q, k) * self.scale
            attn = logits.softmax(dim=1) * m + 1e-8  # over slots: competition for each token
            attn = attn / attn.sum(dim=2, keepdim=True)
            upd = torch.einsum("bkl,bld->bkd", attn, v)
            slots = self.gru(upd.reshape(-1, d), slots.reshape(-1, d)).reshape(b, -1, d)
            slots = slots + self.mlp(self.norm_mlp(slots))
        self.last_attn = attn  # [B, K, L]: which tokens each slot took
        return slots


class SlotKeyFrame(nn.Module):
    def __init__(self, token_dim: int, height: int, width: int, slots: int = 3, dim: int = 64,
                 shapes: int = 6, window: int = 9, frames: int = 0):
        super().__init__()
        self.h, self.w, self.k_slots, self.frames = height, width, slots, frames
        self.mix = TokenMixer(token_dim, window)
        # each token with the words that follow it (a caption names an object, then how it moves:
        # "a red circle moving left", "a box in green, falling"): a slot that takes an object's words
        # also gets its motion
        self.ahead = 6
        self.proj = nn.Linear(2 * token_dim, dim)
        self.slot_attn = SlotAttention(slots, dim)
        # presence 1, colour 3, shape code, position mean 2 + log-std 2, size mean 1 + log-std 1
        self.n_shapes = shapes
        self.head = nn.Sequential(nn.Linear(dim, dim), nn.SiLU(), nn.Linear(dim, 1 + 3 + shapes + 6))
        # each object's motion: an affine map per frame (relative to the key frame) from its phrase
        self.motion_in = nn.Linear(token_dim, dim) if frames else None
        self.motion = nn.Sequential(nn.Linear(2 * dim, dim), nn.SiLU(), nn.Linear(dim, max(1, frames) * 6)) \
            if frames else None
        if self.motion is not None:
            nn.init.zeros_(self.motion[-1].weight)
            nn.init.zeros_(self.motion[-1].bias)
        # Fourier features of the local coordinates: sharp edges and corners early in training
        self.register_buffer("freqs", torch.tensor([1.0, 2.0, 4.0]) * math.pi / 2.5, persistent=False)
        # a vocabulary of shapes: one implicit function with an output per shape
        self.sprite = nn.Sequential(nn.Linear(2 + 12, 64), nn.SiLU(), nn.Linear(64, 64), nn.SiLU(),
                                    nn.Linear(64, shapes))
        ys, xs = torch.meshgrid(torch.linspace(-1, 1, height), torch.linspace(-1, 1, width), indexing="ij")
        self.register_buffer("grid", torch.stack([xs, ys], -1).reshape(-1, 2), persistent=False)  # [HW, 2]
        a = torch.arange(ANGLES) * (2 * math.pi / ANGLES)
        self.register_buffer("angles", a, persistent=False)
        # object-local sample points (a 16x16 patch over +-1.8 sizes: a triangle's corners reach 1.7),
        # and the same patch rotated by each angle: where a rotated object's pixels fall in its own
        # unrotated frame
        g = torch.linspace(-1.8, 1.8, 16)
        yy, xx = torch.meshgrid(g, g, indexing="ij")
        offs = torch.stack([xx, yy], -1).reshape(-1, 2)
        c, s_ = torch.cos(a)[:, None], torch.sin(a)[:, None]
        rot = torch.stack([c * offs[:, 0] + s_ * offs[:, 1], -s_ * offs[:, 0] + c * offs[:, 1]], -1)  # [A, P, 2]
        self.register_buffer("offs", offs, persistent=False)
        self.register_buffer("offs_rot", rot, persistent=False)
        self.register_buffer("bg_bank", torch.zeros(BANK, 3, BG_RES, BG_RES))
        self.register_buffer("bg_count", torch.zeros((), dtype=torch.long))

    # -- text --------------------------------------------------------------------------------------
    def slots(self, tokens, mask) -> dict[str, torch.Tensor]:
        t = self.mix(tokens, mask) * mask[..., None]
        # mean of the next `ahead` tokens (within the caption), by a cumulative sum
        cs = F.pad(t.cumsum(1), (0, 0, 1, 0))
        n = t.shape[1]
        hi = torch.clamp(torch.arange(n, device=t.device) + 1 + self.ahead, max=n)
        lo = torch.arange(n, device=t.device) + 1
        cnt = F.pad(mask.cumsum(1), (1, 0))
        num = cs[:, hi] - cs[:, torch.clamp(lo, max=n)]
        den = (cnt[:, hi] - cnt[:, torch.clamp(lo, max=n)]).clamp_min(1)[..., None]
        s = self.slot_attn(self.proj(torch.cat([t, num / den], -1)), mask)
        o = self.head(s)
        sd = self.n_shapes
        extra = {}
        if self.motion is not None:
            # the words just after a slot's own words say how that object moves ("a red circle moving
            # left and ..."): pool the tokens that follow the slot's tokens, nearer ones weighing more
            a = self.slot_attn.last_attn  # [B, K, L]
            follow = sum(F.pad(a, (j, 0))[..., :a.shape[-1]] * (0.8 ** j) for j in range(1, self.ahead + 1))
            follow = follow * mask[:, None]
            follow = follow / follow.sum(-1, keepdim=True).clamp_min(1e-6)
            words = torch.einsum("bkl,bld->bkd", follow, self.motion_in(t))
            extra["motion"] = self.motion(torch.cat([s, words], -1)).reshape(*s.shape[:2], self.frames, 6)
        return {**extra, "presence": o[..., 0], "colour": torch.tanh(o[..., 1:4]), "shape": o[..., 4:4 + sd],
                "pos_mu": torch.tanh(o[..., 4 + sd:6 + sd]) * 0.9, "pos_logstd": o[..., 6 + sd:8 + sd].clamp(-4, 1),
                "size_mu": 0.05 + 0.4 * torch.sigmoid(o[..., 8 + sd]), "size_logstd": o[..., 9 + sd].clamp(-5, 0)}

    # -- drawing -----------------------------------------------------------------------------------
    def shapes_at(self, u) -> torch.Tensor:
        """Coverage in [0, 1] of every shape of the vocabulary at object-local points u [..., P, 2]
        (in units of the object's size, unrotated) -> [..., P, S]."""
        f = (u[..., None] * self.freqs).flatten(-2)
        cov = torch.sigmoid(self.sprite(torch.cat([u, f.sin(), f.cos()], -1)))
        far = (u.abs() > 2.5).any(-1, keepdim=True)  # outside the object's box: empty (keeps shapes local)
        return cov.masked_fill(far, 0.0)

    def coverage(self, shape, pos, size, angle) -> torch.Tensor:
        """Coverage of slots (shape index [B, K], pos [B, K, 2], size [B, K], angle [B, K]) at every
        pixel -> [B, K, HW]."""
        rel = self.grid - pos[..., None, :]  # [B, K, HW, 2]
        c, s = torch.cos(angle)[..., None], torch.sin(angle)[..., None]
        u = torch.stack([c * rel[..., 0] + s * rel[..., 1], -s * rel[..., 0] + c * rel[..., 1]], -1)
        cov = self.shapes_at(u / size[..., None, None].clamp_min(1e-3))  # [B, K, HW, S]
        return cov.gather(-1, shape[..., None, None].expand(*cov.shape[:-1], 1))[..., 0]

    def compose(self, bg, colour, alpha) -> torch.Tensor:
        """Background [B, 3, H, W], colours [B, K, 3], coverage [B, K, HW] (presence applied) -> image."""
        img = bg.flatten(2)  # [B, 3, HW]
        for k in range(alpha.shape[1]):
            a = alpha[:, k][:, None]
            img = img * (1 - a) + colour[:, k][..., None] * a
        return img.reshape(bg.shape)

    # -- training ----------------------------------------------------------------------------------
    def losses(self, key, video, flows, tokens, mask) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
        """Key frames [B, 3, H, W], clips [B, 3, T, H, W], measured flows [B, T, 2, H, W], all in
        model units. Returns the loss terms and the key frames drawn from what was found."""
        b = key.shape[0]
        sl = self.slots(tokens, mask)
        with torch.no_grad():
            bg, passed = self.still_ground(video)
            self._remember(bg)
            # the objects: pixels of the key frame unlike the still ground, where something moved
            fg = (((key - bg).abs().amax(1, keepdim=True) > 0.1).float() * passed).flatten(1)  # [B, HW]
        px = key.flatten(2).transpose(1, 2)  # [B, HW, 3]
        d = ((px[:, None] - sl["colour"][:, :, None]) ** 2).sum(-1)  # [B, K, HW]
        # each object to the slot of the nearest colour (hard: of two slots with one colour the first
        # takes the object and the second is empty, so a caption's object is drawn once)
        cover, own = self.segment(key, bg, fg, sl["colour"].detach())  # [B, K, HW]
        mass = cover.sum(-1)  # [B, K]
        area = mass / (self.h * self.w / 4)  # in [-1, 1]^2 units
        # a slot that got an object's worth of pixels has an object (smallest: a triangle of radius
        # 0.12 of the frame, ~2 % of it; a duplicate of a slot that took the object gets next to none)
        present = (mass > 0.01 * self.h * self.w).float()
        n_own = own.sum(-1)
        out = {"colour": ((own * d).sum(-1) / n_own.clamp_min(1)).mul(present).sum() / present.sum().clamp_min(1)}
        out["presence"] = F.binary_cross_entropy_with_logits(sl["presence"], present)
        with torch.no_grad():
            wts = cover / mass.clamp_min(1e-6)[..., None]
            pos = torch.einsum("bkp,pc->bkc", wts, self.grid)
            size = (area.clamp_min(1e-4) / 4).sqrt() * 1.1  # half the side of a square of that area
        # priors: where and how large the objects of such a phrase are (Gaussian likelihood)
        z = (pos - sl["pos_mu"]) / sl["pos_logstd"].exp()
        nll_pos = (0.5 * z ** 2 + sl["pos_logstd"]).sum(-1)
        zs = (size - sl["size_mu"]) / sl["size_logstd"].exp()
        nll_size = 0.5 * zs ** 2 + sl["size_logstd"]
        out["layout"] = WEIGHTS["layout"] * ((nll_pos + nll_size) * present).sum() / present.sum().clamp_min(1)
        with torch.no_grad():
            k = self.k_slots
            world = pos[:, :, None, :] + size[:, :, None, None] * self.offs  # [B, K, P, 2]
            seen = F.grid_sample(cover.reshape(b * k, 1, self.h, self.w), world.reshape(b * k, 1, -1, 2),
                                 mode="bilinear", padding_mode="zeros", align_corners=True).reshape(b, k, -1)
            # each object's shape and angle: the vocabulary's best fit to its pixels over all angles
            # (hard EM: the shapes become a clustering of the silhouettes the data has)
            na, ns = self.angles.numel(), self.n_shapes
            table = self.shapes_at(self.offs_rot)  # [A, P, S]: one evaluation for the whole batch
            err = ((table[None, None] - seen[:, :, None, :, None]) ** 2).sum(-2)  # [B, K, A, S]
            e, a_best = err.min(dim=2)  # [B, K, S]: each shape at its best angle
            s_idx = balanced_assignment(e, present)
            a_idx = a_best.gather(-1, s_idx[..., None])[..., 0]
            angle = self.angles[a_idx]
        # the silhouette: that shape at that angle against the object's own pixels, and the caption's
        # slot learns to name that shape
        sil = self.shapes_at(self.offs_rot[a_idx]).gather(-1, s_idx[..., None, None].expand(b, k, seen.shape[-1], 1))
        # float32 and outside autocast: CUDA's autocast refuses binary_cross_entropy on probabilities
        # (unsafe in bf16); the logits form would change the clamped loss the trace was made with
        with torch.autocast(device_type=sil.device.type, enabled=False):
            bce = F.binary_cross_entropy(sil[..., 0].float().clamp(1e-4, 1 - 1e-4), seen.float().clamp(0, 1),
                                         reduction="none").mean(-1)
        out["silhouette"] = (bce * present).sum() / present.sum().clamp_min(1)
        ce = F.cross_entropy(sl["shape"].reshape(-1, ns), s_idx.reshape(-1), reduction="none").reshape(b, k)
        out["shape"] = WEIGHTS["shape"] * (ce * present).sum() / present.sum().clamp_min(1)
        alpha = self.coverage(s_idx, pos, size, angle) * present[..., None]
        if self.motion is not None:  # each object's measured motion: an affine fit to the flow on its pixels
            target = self.fit_motion(flows, own, pos)
            diff = sl["motion"] - target  # L1 and squared: L1 alone sits at "nothing moves" while
            err = diff.abs().mean((-1, -2)) + 4 * (diff ** 2).mean((-1, -2))  # the binding is unknown
            out["object_motion"] = WEIGHTS["object_motion"] * (err * present).sum() / present.sum().clamp_min(1)
        drawn = self.compose(bg, sl["colour"], alpha)
        out["keyframe"] = (drawn - key).abs().mean() * 4 + ((drawn - key) ** 2).mean() * 8
        return out, drawn.detach()

    @torch.no_grad()
    def segment(self, key, bg, fg, colours) -> tuple[torch.Tensor, torch.Tensor]:
        """The objects of key frames [B, 3, H, W] over their still grounds: the connected pieces of
        the moving pixels ``fg`` [B, HW], each to the slot of the nearest colour ``colours``
        [B, K, 3] -> (each slot's coverage in [0, 1], its pixels), [B, K, HW].

        An object is flat-coloured: its colour is that of its piece's strongest pixels, and a
        pixel's coverage is how far it lies from the ground towards that colour (the anti-aliased
        edge keeps its fraction: sub-pixel shape). Pieces too small to be an object are no one's.
        Pixel by pixel, an object's blended rim went to whichever slot's colour was nearest and the
        ground's specks to the nearest object: the shape vocabulary clustered good and bad
        segmentations instead of circles and squares (on 1185 training objects, 3 shapes: 59 %
        pure; by pieces 99 %), and a third slot took the rims (of 200 training clips, 65 % got the
        right count of objects; by pieces 92 %, the rest two objects of near colours in one slot;
        the pieces alone are right in 99 %)."""
        b, hw = fg.shape
        k, dev, dt = colours.shape[1], key.device, key.dtype
        kp, gp = key.flatten(2), bg.flatten(2)  # [B, 3, HW]
        diff = kp - gp
        dist = diff.abs().amax(1)  # [B, HW]
        on = fg > 0
        # the pieces: the objects' cores (pixels far from the ground; the rims and the ground's specks
        # are not: through them, neighbouring objects joined into one piece), each pixel taking the
        # largest index in its piece (max-pool propagation); then the rims join the piece they touch
        core = (on & (dist > CORE)).to(dt).reshape(b, 1, self.h, self.w)
        lab = torch.arange(1, hw + 1, device=dev, dtype=dt).reshape(1, 1, self.h, self.w) * core
        for _ in range(hw):  # until no label changes (about a piece's diameter)
            nxt = F.max_pool2d(lab, 3, 1, 1) * core
            if torch.equal(nxt, lab):
                break
            lab = nxt
        rim = on.reshape(b, 1, self.h, self.w) & (core == 0)
        for _ in range(2):
            lab = torch.where(rim & (lab == 0), F.max_pool2d(lab, 3, 1, 1), lab)
        n = b * (hw + 1)
        gid = (lab.reshape(b, hw).long() + torch.arange(b, device=dev)[:, None] * (hw + 1)).flatten()
        size = torch.bincount(gid, minlength=n)
        peak = torch.zeros(n, device=dev, dtype=dt).scatter_reduce(0, gid, dist.flatten(), "amax")
        strong = (dist.flatten() > 0.6 * peak[gid]).to(dt)
        csum = torch.zeros(n, 3, device=dev, dtype=dt).index_add_(0, gid, kp.transpose(1, 2).reshape(-1, 3) * strong[:, None])
        colour = csum / torch.bincount(gid, weights=strong, minlength=n).clamp_min(1).to(dt)[:, None]  # [n, 3]
        keep = size >= 0.01 * hw
        keep[::hw + 1] = False  # each image's id 0: no piece
        image = torch.arange(n, device=dev) // (hw + 1)
        slot = ((colour[:, None] - colours[image]) ** 2).sum(-1).argmin(-1)  # [n]
        resp = F.one_hot(slot[gid], k).to(dt) * keep[gid, None].to(dt)  # [B * HW, K]
        resp = resp.reshape(b, hw, k).permute(0, 2, 1)
        towards = colour[gid].reshape(b, hw, 3).transpose(1, 2) - gp  # [B, 3, HW]
        cover = ((diff * towards).sum(1) / (towards ** 2).sum(1).clamp_min(1e-3)).clamp(0, 1)
        return resp * cover[:, None], resp * (cover[:, None] > 0.5).to(dt)

    def _units(self, device) -> torch.Tensor:
        """Pixels -> [-1, 1] units, per axis (x, y)."""
        return torch.tensor([2.0 / max(1, self.w - 1), 2.0 / max(1, self.h - 1)], device=device)

    @torch.no_grad()
    def fit_motion(self, flows, own, pos) -> torch.Tensor:
        """Per object and frame, the affine motion that best explains the measured flow on its
        pixels: flows [B, T, 2, H, W] (pixels), pixel weights [B, K, HW], centres [B, K, 2] ->
        [B, K, T, 6] (a 2x2 matrix on the offset from the centre, then the shift; [-1, 1] units).
        Ridge-regularised: a small object's matrix stays near zero."""
        with torch.autocast(device_type=flows.device.type, enabled=False):  # a float32 ridge solve
            return self._fit_motion(flows.float(), own.float(), pos.float())

    def _fit_motion(self, flows, own, pos) -> torch.Tensor:
        b, t = flows.shape[:2]
        f = flows.flatten(3).permute(0, 1, 3, 2) * self._units(flows.device)  # [B, T, HW, 2]
        rel = self.grid[None, None] - pos[:, :, None]  # [B, K, HW, 2]
        x = torch.cat([rel, torch.ones_like(rel[..., :1])], -1)  # [B, K, HW, 3]
        w = own[..., None]
        xtx = torch.einsum("bkpi,bkpj->bkij", x * w, x) + torch.diag(torch.tensor([0.05, 0.05, 1e-4],
                                                                                   device=x.device))
        xty = torch.einsum("bkpi,btpj->bktij", x * w, f)  # [B, K, T, 3, 2]
        sol = torch.linalg.solve(xtx[:, :, None].expand(-1, -1, t, -1, -1), xty)  # [B, K, T, 3, 2]
        a = sol[..., :2, :].transpose(-1, -2).reshape(b, -1, t, 4)  # rows: d(flow)/d(x, y)
        return torch.cat([a, sol[..., 2, :]], -1)

    def flows_from(self, motion, alpha, pos) -> torch.Tensor:
        """A dense flow field [B, T, 2, H, W] (pixels) from each object's affine motion [B, K, T, 6]
        over its coverage [B, K, HW] (centres [B, K, 2]): motion per pixel, each object its own.
        Every pixel moves with the object on top of it (drawn later, over the earlier ones) or,
        where none covers it, stays: an object's soft edge moves with it. Weighted by coverage,
        the edge lagged behind and the splatted frames frayed (warping error 0.0020 -> 0.0012 with the
        learned edge)."""
        b, k, t, _ = motion.shape
        rel = self.grid[None, None] - pos[:, :, None]  # [B, K, HW, 2]
        a = motion[..., :4].reshape(b, k, t, 2, 2)
        d = torch.einsum("bktij,bkpj->bktpi", a, rel) + motion[..., None, 4:]  # [B, K, T, HW, 2]
        seen = alpha.clone()  # how much of each slot shows in the composite
        for j in range(k - 1):
            seen[:, j] = alpha[:, j] * torch.prod(1 - alpha[:, j + 1:], dim=1)
        owner = F.one_hot(seen.argmax(1), k).permute(0, 2, 1).to(d.dtype)
        owner = owner * (seen.amax(1, keepdim=True) > EDGE).to(d.dtype)
        field = (d * owner[:, :, None, :, None]).sum(1) / self._units(motion.device)  # [B, T, HW, 2]
        return field.permute(0, 1, 3, 2).reshape(b, t, 2, self.h, self.w)

    @torch.no_grad()
    def still_ground(self, video: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The still background of clips [B, 3, T, H, W] and where objects pass [B, 1, H, W]. The
        median over time, except where anything moved: a slow object covers its key-frame place in
        most frames, so the median keeps it there; those places take the ground around them
        (averaged over cells of 1/8 of the frame)."""
        med = video.median(dim=2).values
        passed = ((video - med[:, :, None]).abs().amax(1) > 0.08).any(1, keepdim=True).float()
        passed = F.max_pool2d(passed, 3, 1, 1)
        keep = 1 - passed
        w = F.adaptive_avg_pool2d(keep, BG_RES)
        small = F.adaptive_avg_pool2d(med * keep, BG_RES) / w.clamp_min(1e-3)
        mean = (med * keep).sum((2, 3), keepdim=True) / keep.sum((2, 3), keepdim=True).clamp_min(1)
        small = torch.where(w > 0.05, small, mean.expand_as(small))
        fill = F.interpolate(small, size=med.shape[2:], mode="bilinear", align_corners=False)
        return torch.where(passed > 0, fill, med), passed

    @torch.no_grad()
    def _remember(self, bg: torch.Tensor) -> None:
        """Keep low-resolution still grounds [B, 3, H, W] for sampling."""
        if not self.training:
            return
        small = F.adaptive_avg_pool2d(bg, BG_RES)
        n = small.shape[0]
        i = (self.bg_count + torch.arange(n, device=bg.device)) % BANK
        self.bg_bank[i] = small
        self.bg_count += n

    # -- sampling ----------------------------------------------------------------------------------
    @torch.no_grad()
    def sample(self, tokens, mask, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Key frames [B, 3, H, W] in [-1, 1] for the captions' tokens, and (with object motion)
        their flow fields [B, T, 2, H, W]: each object's motion spread over its pixels."""
        from .nets import rand_on, randint_on, randn_on
        b, dev = tokens.shape[0], tokens.device
        sl = self.slots(tokens, mask)
        filled = int(min(int(self.bg_count), BANK))
        if filled:
            idx = randint_on(dev, gen, 0, filled, (b,))
            bg = F.interpolate(self.bg_bank[idx], size=(self.h, self.w), mode="bilinear", align_corners=False)
        else:
            bg = torch.full((b, 3, self.h, self.w), -0.6, device=dev)
        present = (sl["presence"] > 0).float()
        # a caption names at least one object: the likeliest slot draws even when none is sure
        present.scatter_(1, sl["presence"].argmax(1, keepdim=True), 1.0)
        size = (sl["size_mu"] + sl["size_logstd"].exp() * randn_on(dev, gen, (b, self.k_slots)) * 0.5)
        size = size.clamp(0.05, 0.5)
        pos = torch.zeros(b, self.k_slots, 2, device=dev)
        for i in range(b):  # each object clear of those placed before it (a few tries)
            for k in range(self.k_slots):
                best = None
                for n in range(32):  # wider after a few misses
                    spread = sl["pos_logstd"][i, k].exp() * (1.0 + n / 8)
                    edge = float(0.98 - 1.5 * size[i, k])  # the whole object in view
                    p = (sl["pos_mu"][i, k] + spread * randn_on(dev, gen, (2,))).clamp(-edge, edge)
                    gap = min([float((p - pos[i, j]).norm() - 1.6 * (size[i, k] + size[i, j])) for j in range(k)
                               if present[i, j] > 0] or [1.0])
                    if best is None or gap > best[0]:
                        best = (gap, p)
                    if gap > 0:
                        break
                pos[i, k] = best[1]
        angle = rand_on(dev, gen, (b, self.k_slots)) * (2 * math.pi)
        cov = self.coverage(sl["shape"].argmax(-1), pos, size, angle).clamp(1e-4, 1 - 1e-4)
        alpha = torch.sigmoid(torch.logit(cov) * SHARP) * present[..., None]
        key = self.compose(bg, sl["colour"], alpha).clamp(-1, 1)
        return key, (self.flows_from(sl["motion"], alpha, pos) if self.motion is not None else None)

"""What a model's diffusers folder says of the work its denoiser does a step, read from its configs before the
model is loaded (cross_scale.py scales another model's measured step by it):

* **the token grid**: the pixels a token spans a side and the frames a latent frame makes (the VAE's
  compression times the denoiser's patch), as the pipeline works them out. A family's published grid is not a
  folder's: the tiny LTX-Video's VAE makes a token of 4x4 pixels where the family's makes one of 32x32, so its
  step saw 5,376 tokens where the family's grid said 48 (benchmarks/bench_cross_family_estimate.py: its step
  scaled to others 16x-59x off);
* **the attention's multiply-adds** a token pair costs: the layers that attend over all the video's tokens
  and their width. A step's multiply-adds are two a weight a token (its linear layers) and four a token pair a
  width a layer (attention); the second grows with the square of the tokens, and on the tiny models at the
  templates' sizes it is most of a step (the tiny SVD's spatial attention: 94 % of its 22 s step);
* **a UNet's levels** (SVD, AnimateDiff, ModelScope): each level halves the side; its attention sees one frame's
  pixels at that level, its convolutions weigh in by their channels (a weight at level i meets a 4^i-th of the
  pixels).

* **the calls a pass makes**: a small model's step is mostly its modules' calls, not their arithmetic (the
  tiny LTX-2's 164 modules, audio and video, against the tiny Wan's 53: 12 ms a pass against 4). Counted on a
  copy of the denoiser built on the meta device from its config (no weights), where diffusers is imported.

Plain Python: the configs are JSON; torch and diffusers only where imported already. Importing it costs
nothing."""
from __future__ import annotations

import math
import os
from dataclasses import dataclass

from ..base.capabilities import COMMON_COST, Cost, cost

# floats a CPU's attention kernel works on at once: a head narrower wastes the rest (this machine's flash
# attention: 43, 20, 11 and 7.4 ps a multiply-add at heads of 4, 8, 12 and 16 wide, 5-6 at 32-128; the tiny SVD's
# heads are 4 wide). A real model's heads are 64-128 wide
LANE = 16
DEPTH_GUESS = 40  # layers of a video transformer whose folder does not say (a single file): Wan 14B's


@dataclass(frozen=True)
class StepShape:
    grid: tuple[int, int]           # (pixels a token spans a side, frames a latent frame makes)
    layers: int = 0                 # blocks attending over all the video's tokens (a transformer's)
    width: int = 0                  # their attention's width (heads x head size)
    levels: tuple[tuple[int, int, int], ...] = ()  # a UNet's (channels, attending layers, resnets) by level
    attends: bool = True            # its attention costs a token pair (False: linear attention, Sana Video's Cost)
    heads: int = 0                  # attention heads (a UNet's at every level; 0: not said)

    @property
    def unet(self) -> bool:
        return bool(self.levels)


_SHAPES: dict = {}  # (folder, its configs' times) -> StepShape or None
_MODULES: dict = {}  # (folder, its config's time) -> the denoiser's leaf modules, or None


def folder_of(path: str) -> str:
    """The diffusers folder of ``path`` (the folder, or its model_index.json)."""
    return os.path.dirname(path) if path.endswith("model_index.json") else path


def _denoiser_config(folder: str) -> tuple[str, str] | None:
    """(the denoiser's part, its config.json) of a diffusers folder: its transformer's, else its UNet's; None:
    neither."""
    return next(((d, os.path.join(folder, d, "config.json")) for d in ("transformer", "unet")
                 if os.path.isfile(os.path.join(folder, d, "config.json"))), None)


def module_count(path: str) -> int | None:
    """The leaf modules of the denoiser of the diffusers folder ``path`` (a pass calls each about once), counted on
    a copy built on the meta device from its config; None: not a folder, a class diffusers does not carry, or
    diffusers not imported yet (nothing is imported for an estimate)."""
    import sys
    if "diffusers" not in sys.modules or "torch" not in sys.modules:
        return None
    from .reads import COURTESY, as_the_loader, readable
    folder = folder_of(path)
    den = _denoiser_config(folder)
    if den is None:
        return None
    _, cfg_path = den
    key = (folder, os.path.getmtime(cfg_path))
    if key not in _MODULES:
        _MODULES[key] = None
        try:
            import diffusers
            import torch

            from ..base.config_check import check_sane
            from ..files.headers import read_json
            with as_the_loader():
                if not readable(folder):
                    return None  # read only where the loader would read it: the calls are then taken as the run's
                cfg = read_json(cfg_path)
            check_sane(cfg_path, cfg)  # no meta copy of a config claiming 10^12 layers
            cls = getattr(diffusers, str(cfg.get("_class_name")), None)
            if cls is not None and hasattr(cls, "from_config"):
                with torch.device("meta"):
                    model = cls.from_config(cfg)
                _MODULES[key] = sum(1 for m in model.modules() if next(m.children(), None) is None) or None
        except COURTESY:  # a courtesy: the calls are then taken as the run's
            pass
    return _MODULES[key]


def folder_shape(path: str) -> StepShape | None:
    """The step shape of the diffusers folder ``path`` (or its model_index.json); None: not a folder, or configs
    that do not say (a single file: the family's grid stands, cross_scale.py)."""
    from .reads import COURTESY, as_the_loader, readable
    folder = folder_of(path)
    index = os.path.join(folder, "model_index.json")
    den, vae_cfg = _denoiser_config(folder), os.path.join(folder, "vae", "config.json")
    if not os.path.isfile(index) or den is None or not os.path.isfile(vae_cfg):
        return None
    part, den_cfg = den
    key = (folder, os.path.getmtime(den_cfg), os.path.getmtime(vae_cfg))
    if key not in _SHAPES:
        try:
            from ..base.config_check import check_sane
            from ..base.registry import family_from_index
            from ..files.headers import read_json
            with as_the_loader():
                if not readable(folder):
                    return None  # a folder the loader would not read (a record's, say): the family's grid stands
                fam = family_from_index(read_json(index))
                vae, den_ = read_json(vae_cfg), read_json(den_cfg)
            check_sane(vae_cfg, vae)
            check_sane(den_cfg, den_)
            _SHAPES[key] = shape_of(vae, den_, part == "unet", cost=cost(fam))
        except COURTESY:  # a config that cannot be read: the family's grid stands
            _SHAPES[key] = None
    return _SHAPES[key]


def _int(v) -> int | None:
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 else None


def _prod(v) -> int | None:
    if isinstance(v, (list, tuple)) and v and all(_int(x) for x in v):
        return math.prod(int(x) for x in v)
    return None


def vae_ratios(cfg: dict) -> tuple[int, int | None]:
    """(spatial, temporal) compression of a VAE by its config, as diffusers' pipelines work them out (temporal
    None: the config does not say; the family's stands)."""
    scaling = cfg.get("spatio_temporal_scaling")  # LTX-Video's and LTX-2's: the patch times a halving a stage
    stages = sum(bool(x) for x in scaling) if isinstance(scaling, (list, tuple)) else None
    down = cfg.get("temperal_downsample")  # (sic) Wan's
    s = next((v for v in (_int(cfg.get("spatial_compression_ratio")), _int(cfg.get("scale_factor_spatial")),
                          (_int(cfg.get("patch_size")) or 1) * 2 ** stages if stages is not None else None,
                          _prod(cfg.get("spatial_expansions")),
                          2 ** len(down) if isinstance(down, (list, tuple)) else None,
                          2 ** (len(cfg["block_out_channels"]) - 1)
                          if isinstance(cfg.get("block_out_channels"), (list, tuple)) else None) if v), 8)
    t = next((v for v in (_int(cfg.get("temporal_compression_ratio")), _int(cfg.get("scale_factor_temporal")),
                          (_int(cfg.get("patch_size_t")) or 1) * 2 ** stages if stages is not None else None,
                          _prod(cfg.get("temporal_expansions")),
                          2 ** sum(bool(x) for x in down) if isinstance(down, (list, tuple)) else None,
                          1 if keeps_frames(cfg.get("_class_name")) else None) if v), None)
    return s, t


def keeps_frames(vae_class) -> bool:
    """Whether a family declares the VAE class ``vae_class`` as keeping every frame (Cost.frame_vaes: an image VAE,
    SVD's temporal decoder): a latent frame a frame."""
    from ..base.registry import capability_for
    return isinstance(vae_class, str) and capability_for(Cost, vae_class) is not None


def patch(cfg: dict) -> tuple[int, int]:
    """(spatial, temporal) patch of a denoiser by its config: Wan's [1, 2, 2], HunyuanVideo's 2 and 1."""
    p = cfg.get("patch_size", cfg.get("latent_patch_size"))
    if isinstance(p, (list, tuple)) and len(p) == 3 and all(_int(x) for x in p):
        return int(p[-1]), int(p[0])
    return _int(p) or 1, _int(cfg.get("patch_size_t")) or 1


def shape_of(vae: dict, den: dict, unet: bool, frames_per_latent: int = 4, cost: Cost = COMMON_COST) -> StepShape:
    """A step's shape from the VAE's and the denoiser's configs (``frames_per_latent``: where the VAE's does not
    say; ``cost``: the family's declared Cost, the config keys counting its blocks and how its attention grows)."""
    s, t = vae_ratios(vae)
    if unet:
        heads = den.get("num_attention_heads") or den.get("attention_head_dim")  # (sic: a UNet's heads)
        heads = _int(heads[0] if isinstance(heads, (list, tuple)) and heads else heads) or 8
        return StepShape((s, t or 1), levels=_levels(den), heads=heads)
    ps, pt = patch(den)
    layers = sum(_int(den.get(k)) or 0 for k in cost.layer_keys)
    vace = den.get("vace_layers")
    layers += len(vace) if isinstance(vace, (list, tuple)) else 0  # VACE's blocks see the same tokens
    heads = _int(den.get("num_attention_heads"))
    size = _int(den.get("attention_head_dim")) or _int(den.get("head_dim"))
    width = heads * size if heads and size else _int(den.get("model_dim")) or _int(den.get("hidden_size")) or 0
    return StepShape((s * ps, (t or frames_per_latent) * pt), layers, width, attends=cost.attends, heads=heads or 0)


def _levels(cfg: dict) -> tuple[tuple[int, int, int], ...]:
    """A UNet's levels: (channels, layers attending over a frame's pixels, resnets), down and up blocks and the
    middle one (at the last level)."""
    chans = cfg.get("block_out_channels") or []
    downs, ups = cfg.get("down_block_types") or [], cfg.get("up_block_types") or []
    n = len(chans)

    def at(v, i, default):
        return (_int(v[i]) if isinstance(v, (list, tuple)) and i < len(v) else _int(v)) or default
    per = cfg.get("layers_per_block", 2)
    deep = cfg.get("transformer_layers_per_block", 1)
    out = []
    for i in range(n):
        c = int(chans[i])
        down, up = at(per, i, 2), at(per, n - 1 - i, 2) + 1
        attn = 0
        if i < len(downs) and "CrossAttn" in str(downs[i]):
            attn += down * at(deep, i, 1)
        j = n - 1 - i  # the up block at this level
        if j < len(ups) and "CrossAttn" in str(ups[j]):
            attn += up * at(deep, i, 1)
        if i == n - 1 and "CrossAttn" in str(cfg.get("mid_block_type") or "CrossAttn"):
            attn += at(deep, i, 1)
        out.append((c, attn, down + up))
    return tuple(out)


def tokens(grid: tuple[int, int], width: int, height: int, frames: int) -> int:
    """The tokens a denoiser sees a step for ``frames`` frames of ``width`` x ``height``."""
    s, t = grid
    return max(1, ((max(1, frames) - 1) // t + 1) * -(-max(1, height) // s) * -(-max(1, width) // s))


def lanes(width: float, heads: int) -> float:
    """What a head's width costs against its multiply-adds: a head narrower than LANE pays for a LANE."""
    if heads <= 0 or width <= 0:
        return 1.0
    size = width / heads
    return max(1.0, math.ceil(size / LANE) * LANE / size)


def step_flops(shape: StepShape | None, weights: int, grid: tuple[int, int], width: int, height: int,
               frames: int) -> float:
    """Multiply-adds (x2) of one pass of the denoiser over ``frames`` frames of ``width`` x ``height``: two a weight
    a token, and the attention's four a token pair a width a layer (a UNet's by level, over a frame's pixels).
    ``shape`` None (a single file): the attention's layers guessed (DEPTH_GUESS) and its width from the weights,
    a block's being about twelve times its width squared."""
    n = tokens(shape.grid if shape else grid, width, height, frames)
    if shape is not None and shape.unet:
        s = shape.grid[0]
        h, w = max(1, -(-height // s)), max(1, -(-width // s))
        f = max(1, n // (h * w))
        mass = sum(c * c * r for c, _, r in shape.levels) or 1
        linear = 2.0 * weights * n * sum(c * c * r / 4 ** i for i, (c, _, r) in enumerate(shape.levels)) / mass
        attn = sum(4.0 * f * (h * w / 4 ** i) ** 2 * c * a * lanes(c, shape.heads)
                   for i, (c, a, _) in enumerate(shape.levels))
        return linear + attn
    if shape is not None and not shape.attends:
        layers, width_ = 0, 0.0
    elif shape is not None and shape.layers and shape.width:
        layers, width_ = shape.layers, shape.width
    else:
        layers = DEPTH_GUESS
        width_ = math.sqrt(max(0, weights) / (12.0 * layers))
    wide = lanes(width_, shape.heads) if shape is not None else 1.0
    return 2.0 * weights * n + 4.0 * n * n * width_ * layers * wide

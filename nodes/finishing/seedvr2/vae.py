"""SeedVR2's causal video VAE (8x spatial, 4x temporal, 16 latent channels) in the reference's
state-dict names, so ComfyUI's ``seedvr2_ema_vae_fp16.safetensors`` loads as it is.

Follows ByteDance-Seed/SeedVR (Apache-2.0) at commit 673b563:
``models/video_vae_v3/modules/attn_video_vae.py`` (VideoAutoencoderKL, Encoder3D, Decoder3D),
``causal_inflation_lib.py`` (InflatedCausalConv3d, extend_head/remove_head), ``configs_3b/main.yaml``
(scaling_factor 0.9152, slicing split_size 4) and ``projects/video_diffusion_sr/infer.py``
(vae_encode / vae_decode: ``(latent - shift) * scale`` and its inverse).

Checked against the reference code itself (673b563 run here with its distributed helpers stubbed,
its slicing and 0.5 GiB conv memory limit on, float64, tiny random weights): the encoder's moments
agree to 2e-15 and the decoded video to 1.3e-14 (widths 32-64, 17 frames; also with a 'half'
receptive field, no attention, quant convs and one temporal level); the released config built on
the meta device has the reference's 250 tensor names and shapes. With both convolution memory limits
at 2 MB (convolutions in bands of rows), 128x96 frames: moments 9e-15, video 1.2e-14.

Interface (agreed with the DiT / pipeline side):
- ``config_from_state_dict(sd_or_header_shapes) -> dict``
- ``SeedVR2VAE(config)``: ``encode(video) -> latent``, ``decode(latent) -> video``
- ``load_vae(path, dtype, device) -> SeedVR2VAE``
"""
from __future__ import annotations

from studio.engine.meta_device import meta_device

import torch

from studio.core.errors import ModelError, StudioError

from .vae_blocks import Decoder3D, Encoder3D
from .vae_config import FULL_CONFIG, WHAT, check_shapes, factors, rename
from .vae_config import config_from_state_dict as _config_from_shapes
from .vae_layers import CausalConv3d, Memory
from .vae_tiles import blended

SCALING_FACTOR = FULL_CONFIG["scaling_factor"]  # configs_3b/main.yaml vae.scaling_factor (7B: the same)
SHIFTING_FACTOR = FULL_CONFIG["shifting_factor"]  # infer.py: vae.get("shifting_factor", 0.0)


def config_from_state_dict(sd_or_header_shapes: dict, where: str = "") -> dict:
    """The VAE's config read from tensor shapes: a state dict ({name: tensor}) or a safetensors
    header ({name: {"shape": [...]}} or {name: shape}). Keys: in_channels, out_channels,
    latent_channels, block_out_channels, layers_per_block, norm_num_groups, temporal_scale_num,
    attention, time_receptive_field, use_quant_conv, use_post_quant_conv, inflation_mode,
    scaling_factor, shifting_factor, slicing_sample_min_size. Raises ModelError (naming SeedVR2 VAE,
    what was seen and what is missing) when the names are not this VAE's."""
    return _config_from_shapes(sd_or_header_shapes, where)


class SeedVR2VAE(torch.nn.Module):
    """The VAE: ``encoder.*`` / ``decoder.*`` (and ``quant_conv`` / ``post_quant_conv`` when a
    config has them) in the reference's names.

    ``encode(video)``: video [B, 3, T, H, W] in [-1, 1], T = 1 + 4k, H and W multiples of 8 ->
    latent [B, 16, 1 + k, H/8, W/8], already ``(z - shift) * scale`` as infer.py's vae_encode.
    ``decode(latent)``: the inverse scaling inside, then the decoder -> [B, 3, 1 + 4k, H, W].
    Long clips go through in the reference's causal temporal slices (slicing_encode /
    slicing_decode with split_size 4: the first frame and 4 more, then 4 frames at a time; 1 latent
    frame at a time decoding), each causal convolution carrying its last frames to the next slice,
    so the result is the whole clip's and the working memory is one slice's. The input may stay on
    the CPU: each slice is moved to the VAE's device and its result back."""

    def __init__(self, config: dict | None = None):
        super().__init__()
        self.config = dict(FULL_CONFIG, **(config or {}))
        cfg = self.config
        self.encoder = Encoder3D(cfg)
        self.decoder = Decoder3D(cfg)
        latent = cfg["latent_channels"]
        self.quant_conv = CausalConv3d(2 * latent, 2 * latent, 1) if cfg["use_quant_conv"] else None
        self.post_quant_conv = CausalConv3d(latent, latent, 1) if cfg["use_post_quant_conv"] else None
        self.temporal_factor, self.spatial_factor = factors(cfg)

    @property
    def slice_frames(self) -> int:
        return int(self.config["slicing_sample_min_size"])

    def _check(self, x: torch.Tensor, channels: int, step: int, pixel: int, what: str) -> None:
        if x.dim() != 5 or x.shape[1] != channels:
            raise StudioError(f"{WHAT}: {what} must be [batch, {channels}, frames, height, width], got {list(x.shape)}")
        t, h, w = x.shape[2:]
        if (t - 1) % step or h % pixel or w % pixel:
            raise StudioError(f"{WHAT}: {what} of {t} frames at {w}x{h} cannot go through it: it takes "
                              f"1 + {step}k frames and sizes that are multiples of {pixel}")

    def _slices(self, x: torch.Tensor, size: int) -> list[tuple[torch.Tensor, Memory]]:
        """slicing_encode / slicing_decode: the whole clip when it is short, else its first frame
        with the next ``size``, then ``size`` at a time."""
        if size <= 0 or x.shape[2] - 1 <= size:
            return [(x, Memory.DISABLED)]
        rest = x[:, :, 1:].split(size, dim=2)
        first = torch.cat((x[:, :, :1], rest[0]), dim=2)
        return [(first, Memory.INITIALIZING)] + [(r, Memory.ACTIVE) for r in rest[1:]]

    def _forget(self) -> None:
        for m in self.modules():
            if isinstance(m, CausalConv3d):
                m.memory = None

    def _param(self) -> torch.Tensor:
        return next(self.parameters())

    @torch.no_grad()
    def moments(self, video: torch.Tensor) -> torch.Tensor:
        """The encoder's [B, 2 * latent, 1 + k, H/8, W/8] (mean and log-variance), slice by slice."""
        self._check(video, self.config["in_channels"], self.temporal_factor, self.spatial_factor, "the video")
        p = self._param()
        out = []
        try:
            for x, memory in self._slices(video, self.slice_frames):
                h = self.encoder(x.to(p.device, p.dtype), memory)
                if self.quant_conv is not None:
                    h = self.quant_conv(h, memory)
                out.append(h.to(video.device))
        finally:
            self._forget()
        return torch.cat(out, dim=2)

    def _check_tile(self, tile: int, overlap: int) -> None:
        s = self.spatial_factor
        if tile < 0 or overlap < 0 or tile % s or overlap % s or (tile and overlap >= tile):
            raise StudioError(f"{WHAT}: tiles of {tile} pixels overlapping by {overlap}: both must be multiples "
                              f"of {s} and the overlap less than the tile (tile 0: no tiles)")

    @torch.no_grad()
    def encode(self, video: torch.Tensor, sample: bool = True, generator: torch.Generator | None = None,
               tile: int = 0, overlap: int = 64) -> torch.Tensor:
        """The scaled latent of ``video`` ([-1, 1]), in the video's dtype and on its device.
        ``sample``: a draw from the posterior, as infer.py (``use_sample`` defaults to True);
        False gives its mean (deterministic). ``tile``: encode in spatial tiles of that many pixels
        overlapping by ``overlap`` (multiples of 8), cross-faded (vae_tiles.py); 0: whole frames."""
        self._check_tile(tile, overlap)
        h = blended(self.moments, video, tile, overlap, 1, self.spatial_factor)
        mean, logvar = h.to(torch.promote_types(h.dtype, torch.float32)).chunk(2, dim=1)
        z = mean
        if sample:
            std = torch.exp(0.5 * logvar.clamp(-30.0, 20.0))
            dev = generator.device if generator is not None else mean.device
            z = mean + std * torch.randn(mean.shape, generator=generator, device=dev).to(mean)
        shift, scale = self.config["shifting_factor"], self.config["scaling_factor"]
        return ((z - shift) * scale).to(video.dtype)

    @torch.no_grad()
    def decode(self, latent: torch.Tensor, tile: int = 0, overlap: int = 64) -> torch.Tensor:
        """The video ([-1, 1], not clamped) of a scaled ``latent``, in its dtype and on its device.
        ``tile`` / ``overlap``: spatial tiles in output pixels, as encode's."""
        self._check(latent, self.config["latent_channels"], 1, 1, "the latent")
        self._check_tile(tile, overlap)
        z = latent.to(torch.promote_types(latent.dtype, torch.float32)) / self.config["scaling_factor"]
        z = z + self.config["shifting_factor"]
        s = self.spatial_factor
        return blended(self._decode_slices, z, tile // s, overlap // s, s, 1).to(latent.dtype)

    def _decode_slices(self, z: torch.Tensor) -> torch.Tensor:
        p = self._param()
        out = []
        try:
            for x, memory in self._slices(z, self.slice_frames // self.temporal_factor):
                x = x.to(p.device, p.dtype)
                if self.post_quant_conv is not None:
                    x = self.post_quant_conv(x, memory)
                out.append(self.decoder(x, memory).to(z.device, z.dtype))
        finally:
            self._forget()
        return torch.cat(out, dim=2)


def expected_shapes(config: dict) -> dict[str, tuple[int, ...]]:
    """{name: shape} of the VAE a config builds, with nothing allocated (the meta device)."""
    with meta_device():
        vae = SeedVR2VAE(config)
    return {k: tuple(v.shape) for k, v in vae.state_dict().items()}


def read_checked(path: str) -> tuple[dict, dict]:
    """(config, {file name: module name}) of a .safetensors file after its header is checked: a
    SeedVR2 VAE's names, shapes and float dtypes, else one ModelError. Nothing is allocated."""
    from studio.core.safetensors_header import read_safetensors_header, refuse_pickle
    try:
        refuse_pickle(path)
        header = read_safetensors_header(path)[0]
    except ModelError as e:
        raise ModelError(f"{WHAT}: {e}") from None
    tensors = {k: v for k, v in header.items() if k != "__metadata__" and isinstance(v, dict)}
    cfg = config_from_state_dict(tensors, f"'{path}'")
    names = {k: rename(k) for k in tensors}
    check_shapes(expected_shapes(cfg), {names[k]: v.get("shape", ()) for k, v in tensors.items()}, f"'{path}'")
    odd = sorted({v.get("dtype") for v in tensors.values()} - {"F16", "BF16", "F32", "F64"})
    if odd:
        raise ModelError(f"{WHAT} '{path}' holds {', '.join(map(str, odd))} tensors; Studio reads its weights "
                         "as floats (F16, BF16, F32)")
    return cfg, names


def load_vae(path: str, dtype: torch.dtype = torch.float16, device="cpu") -> SeedVR2VAE:
    """The VAE in ``path`` (a .safetensors file only): its header read and checked first (a wrong
    file is refused in one ModelError naming SeedVR2 VAE, what was seen and what is missing), then
    the module built on the meta device and each tensor read, cast to ``dtype`` and put on
    ``device`` in turn (the host never holds more than one tensor beyond the file's page cache)."""
    from safetensors import safe_open
    cfg, names = read_checked(path)
    with meta_device():
        vae = SeedVR2VAE(cfg)
    state = {}
    with safe_open(path, framework="pt", device="cpu") as f:
        for k, name in names.items():
            state[name] = f.get_tensor(k).to(device=device, dtype=dtype)
    vae.load_state_dict(state, strict=True, assign=True)
    return vae.requires_grad_(False).eval()

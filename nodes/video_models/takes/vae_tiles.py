"""A video VAE's decode given out a time tile at a time: generators of device tensors [B, 3, T, H, W] whose
concatenation along T is the library's own decode of the same latent, so that a long take's frames reach the
host tile by tile and no tensor of the whole clip is made (time_tiles.py puts them in the clip's buffer).

Each follows the loop diffusers itself runs; what is written here is only the loop, made a generator, because
the library's loops keep every tile and concatenate the whole clip before returning (no tile callback):

* Wan (``AutoencoderKLWan._decode``): causal in time, one latent frame a decoder call with a cache of the
  frames before; the cache is kept across tiles: the frames of the whole decode exactly. Only with the VAE's
  spatial tiling off (its tiled decode caches per spatial tile).
* CogVideoX (``AutoencoderKLCogVideoX._decode``): causal, ``num_latent_frames_batch_size`` latent frames a
  decoder call with a convolution cache carried over: the whole decode exactly (spatial tiling off).
* LTX-Video, LTX-2, HunyuanVideo (``_temporal_tiled_decode``, the library's ``use_framewise_decoding``):
  overlapping time tiles (``tile_sample_min_num_frames``, stride ``tile_sample_stride_num_frames``) decoded
  apart and blended linearly over the overlap (``blend_t``); a tile is given out once the next has been
  blended into it. Exactly the library's framewise decode, whether or not the VAE has it switched on; against
  a decode of the whole clip at once (LTX-Video's default) the frames differ inside the blends, which is the
  price the library's own framewise decode pays (their decoders see the whole clip in time otherwise).

HunyuanVideo 1.5's VAE (``AutoencoderKLHunyuanVideo15``) has no time tiling in diffusers 0.42 and a decoder
that sees the whole clip: not tiled here (:func:`can_tile` says no; the pipeline's own decode is used).

Which way a VAE class is tiled is the family's word (its ``VaeTiles``, declared in its folder:
base/capabilities.py), found through the registry by the VAE's class."""
from __future__ import annotations

from ..base.capabilities import BLENDED, CONV_CACHE, FRAME_CACHE, VaeTiles

TILE = 4  # latent frames a tile of a frame-cache VAE (Wan's: 16 video frames)


def declared(vae) -> VaeTiles | None:
    """The VaeTiles a family declares for the VAE's class, else None."""
    from ..base.registry import capability_for
    return capability_for(VaeTiles, type(vae).__name__)


def kind(vae) -> VaeTiles | None:
    """How the VAE's decode is given out in time tiles here, None when it is not."""
    d = declared(vae)
    if d is None:
        return None
    if d.how in (FRAME_CACHE, CONV_CACHE):
        return None if getattr(vae, "use_tiling", False) else d  # a spatially tiled decode caches per tile
    return d if d.how == BLENDED and hasattr(vae, "blend_t") else None


def can_tile(vae) -> bool:
    """The VAE's decode can be given out in time tiles here."""
    return kind(vae) is not None


def most_frames(vae, n: int) -> int:
    """At most how many video frames a latent of ``n`` frames decodes to (for the host buffer)."""
    t = int(getattr(vae, "temporal_compression_ratio", 0) or getattr(getattr(vae, "config", None),
                                                                          "temporal_compression_ratio", 0) or 4)
    return n * t + 1


def tile_frames(vae) -> int:
    """Latent frames one decoder call sees at most."""
    k = kind(vae)
    how = k.how if k is not None else ""
    if how == FRAME_CACHE:
        return 1
    if how == CONV_CACHE:
        return 2 * int(vae.num_latent_frames_batch_size) - 1
    return int(vae.tile_sample_min_num_frames) // int(vae.temporal_compression_ratio) + 1


def tiles(vae, z, temb=None, tile: int = TILE):
    """The decoded frames of latent ``z`` [B, C, F, H, W] (as the VAE's ``decode`` takes it), a time tile at a
    time; ``temb``: LTX's decode timestep."""
    k = kind(vae)
    how = k.how if k is not None else ""
    if how == FRAME_CACHE:
        yield from _frame_cache(vae, z, tile)
    elif how == CONV_CACHE:
        yield from _conv_cache(vae, z)
    elif how == BLENDED:
        yield from _blended(vae, z, temb, k.drop)
    else:
        raise ValueError(f"{type(vae).__name__} is not decoded in time tiles here")


def _frame_cache(vae, z, tile: int):
    import torch
    n = z.shape[2]
    vae.clear_cache()
    try:
        x = vae.post_quant_conv(z)
        for a in range(0, n, max(1, tile)):
            parts = []
            for i in range(a, min(n, a + tile)):
                vae._conv_idx = [0]
                parts.append(vae.decoder(x[:, :, i:i + 1], feat_cache=vae._feat_map, feat_idx=vae._conv_idx,
                                         first_chunk=i == 0))
            out = torch.cat(parts, 2)
            if vae.config.patch_size is not None:
                from diffusers.models.autoencoders.autoencoder_kl_wan import unpatchify
                out = unpatchify(out, patch_size=vae.config.patch_size)
            yield torch.clamp(out, min=-1.0, max=1.0)
    finally:
        vae.clear_cache()


def _conv_cache(vae, z):
    n, fb = z.shape[2], int(vae.num_latent_frames_batch_size)
    rest, cache = n % fb, None
    for i in range(max(n // fb, 1)):
        part = z[:, :, fb * i + (0 if i == 0 else rest):fb * (i + 1) + rest]
        if vae.post_quant_conv is not None:
            part = vae.post_quant_conv(part)
        part, cache = vae.decoder(part, conv_cache=cache)
        yield part


def _decode_tile(vae, tile, temb, drop: str):
    """One time tile decoded as the library's ``_temporal_tiled_decode`` decodes it."""
    s = vae.spatial_compression_ratio
    hunyuan = drop == "first"  # no decode timestep; its post-quant convolution first
    if vae.use_tiling and (tile.shape[-1] > vae.tile_sample_min_width // s or
                           tile.shape[-2] > vae.tile_sample_min_height // s):
        return (vae.tiled_decode(tile, return_dict=True) if hunyuan
                else vae.tiled_decode(tile, temb, return_dict=True)).sample
    return vae.decoder(vae.post_quant_conv(tile)) if hunyuan else vae.decoder(tile, temb)


def _blended(vae, z, temb, drop: str):
    n, t = z.shape[2], int(vae.temporal_compression_ratio)
    most, stride = int(vae.tile_sample_min_num_frames) // t, int(vae.tile_sample_stride_num_frames) // t
    out_stride = int(vae.tile_sample_stride_num_frames)
    blend = int(vae.tile_sample_min_num_frames) - out_stride
    total = (n - 1) * t + 1
    if n <= most:  # the library decodes it whole (its framewise decode starts past one tile)
        yield (vae.decode(z, return_dict=False) if drop == "first" else vae.decode(z, temb, return_dict=False))[0]
        return
    prev, done = None, 0
    for i in range(0, n, stride):
        cur = _decode_tile(vae, z[:, :, i:i + most + 1], temb, drop)
        if prev is not None:
            cur = cur[:, :, :-1] if drop == "last" else cur[:, :, 1:]
            cur = vae.blend_t(prev, cur, blend)  # cur's first frames from prev's last, as the library does
            part = cur[:, :, :out_stride]
        else:
            part = cur[:, :, :out_stride + 1]
        part = part[:, :, :max(0, total - done)]
        done += part.shape[2]
        if part.shape[2]:
            yield part
        prev = cur

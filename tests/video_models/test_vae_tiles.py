"""Video VAEs decoded a time tile at a time (takes/vae_tiles.py): on tiny random VAEs built from configs, the
tiles put together are the library's own decode (Wan, CogVideoX: the whole decode exactly; LTX-Video, LTX-2,
HunyuanVideo: the library's framewise decode exactly), and a spy on the decoder
shows no call sees more than a tile of latent frames. The blended VAEs' tiles are not compared with a decode
of the whole clip at once: their random decoders reach further in time than a tile."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

from nodes.video_models.takes import vae_tiles  # noqa: E402


def _wan():
    from diffusers import AutoencoderKLWan
    return AutoencoderKLWan(base_dim=3, z_dim=4, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                            temperal_downsample=[False, True, True])


def _cog():
    from diffusers import AutoencoderKLCogVideoX
    return AutoencoderKLCogVideoX(in_channels=3, out_channels=3, down_block_types=("CogVideoXDownBlock3D",) * 4,
                                  up_block_types=("CogVideoXUpBlock3D",) * 4, block_out_channels=(8, 8, 8, 8),
                                  latent_channels=4, layers_per_block=1, norm_num_groups=2,
                                  temporal_compression_ratio=4)


def _ltx():
    from diffusers import AutoencoderKLLTXVideo
    return AutoencoderKLLTXVideo(in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(8, 8, 8, 8),
                                 decoder_block_out_channels=(8, 8, 8, 8), layers_per_block=(1, 1, 1, 1, 1),
                                 decoder_layers_per_block=(1, 1, 1, 1, 1),
                                 spatio_temporal_scaling=(True, True, False, False),
                                 decoder_spatio_temporal_scaling=(True, True, False, False),
                                 decoder_inject_noise=(False,) * 5, upsample_residual=(False,) * 4,
                                 upsample_factor=(1,) * 4, timestep_conditioning=False, patch_size=1,
                                 patch_size_t=1, encoder_causal=True, decoder_causal=False)


def _ltx2():
    from diffusers import AutoencoderKLLTX2Video
    return AutoencoderKLLTX2Video(in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(8, 8, 8, 8),
                                  decoder_block_out_channels=(8, 8, 8), layers_per_block=(1, 1, 1, 1, 1),
                                  decoder_layers_per_block=(1, 1, 1, 1), patch_size=1, patch_size_t=1,
                                  spatio_temporal_scaling=(True, True, False, False),
                                  decoder_spatio_temporal_scaling=(True, True, False),
                                  decoder_inject_noise=(False,) * 4, upsample_residual=(False,) * 3,
                                  upsample_factor=(1,) * 3, downsample_type=("spatiotemporal",) * 2 +
                                  ("spatial",) * 2, upsample_type=("spatial", "spatiotemporal", "spatiotemporal"))


def _hunyuan():
    from diffusers import AutoencoderKLHunyuanVideo
    return AutoencoderKLHunyuanVideo(latent_channels=4, block_out_channels=(8, 8, 8, 8), layers_per_block=1,
                                     norm_num_groups=4, spatial_compression_ratio=8, temporal_compression_ratio=4)


def _spy(vae) -> list[int]:
    """The latent frames each decoder call is given."""
    seen: list[int] = []
    vae.decoder.register_forward_pre_hook(lambda mod, args, kwargs: seen.append(args[0].shape[2]), with_kwargs=True)
    return seen


def _tiled(vae, z, **kw):
    with torch.inference_mode():
        return torch.cat(list(vae_tiles.tiles(vae, z, **kw)), 2)


@pytest.mark.parametrize("make", [_wan, _cog], ids=["wan", "cogvideox"])
def test_a_causal_vae_in_time_tiles_gives_its_whole_decode_exactly(make):
    torch.manual_seed(0)
    vae = make().eval()
    z = torch.randn(1, vae.config.latent_channels if hasattr(vae.config, "latent_channels") else vae.config.z_dim,
                    7, 2, 2, generator=torch.Generator().manual_seed(1))
    with torch.inference_mode():
        whole = vae.decode(z).sample
    seen = _spy(vae)
    tiled = _tiled(vae, z, tile=2)
    assert tiled.shape == whole.shape and torch.equal(tiled, whole)
    assert seen and max(seen) <= vae_tiles.tile_frames(vae) < z.shape[2]


@pytest.mark.parametrize("make", [_ltx, _ltx2, _hunyuan], ids=["ltx", "ltx2", "hunyuanvideo"])
def test_a_blended_vae_in_time_tiles_gives_the_librarys_framewise_decode(make):
    torch.manual_seed(0)
    vae = make().eval()
    t = vae.temporal_compression_ratio
    vae.tile_sample_min_num_frames, vae.tile_sample_stride_num_frames = 2 * t, t  # tiles of 2 latent frames
    z = torch.randn(1, 4, 6, 2, 2, generator=torch.Generator().manual_seed(1))
    with torch.inference_mode():
        whole = vae.decode(z).sample
        vae.use_framewise_decoding = True
        framewise = vae.decode(z).sample
        vae.use_framewise_decoding = False
    assert vae_tiles.can_tile(vae)
    seen = _spy(vae)
    tiled = _tiled(vae, z)
    assert tiled.shape == framewise.shape == whole.shape and tiled.shape[2] == 5 * t + 1
    assert torch.equal(tiled, framewise)
    assert seen and max(seen) <= vae_tiles.tile_frames(vae) == 3
    # against the whole clip decoded at once no tolerance is asserted: a random decoder's reach in time is
    # longer than a tile (tiny LTX-Video: up to 1.35 apart in [-1, 1], on every frame), so only the library's
    # own framewise decode is the reference; a latent within one tile is the whole decode (the test below)


def test_a_short_latent_is_one_tile_and_hunyuan_15_is_not_tiled():
    torch.manual_seed(0)
    vae = _ltx().eval()
    z = torch.randn(1, 4, 2, 2, 2)
    parts = list(vae_tiles.tiles(vae, z))
    with torch.inference_mode():
        assert len(parts) == 1 and torch.equal(parts[0], vae.decode(z).sample)
    from diffusers import AutoencoderKLHunyuanVideo15
    assert not vae_tiles.can_tile(AutoencoderKLHunyuanVideo15.__new__(AutoencoderKLHunyuanVideo15))
    wan = _wan()
    wan.enable_tiling()
    assert not vae_tiles.can_tile(wan)  # Wan's spatially tiled decode caches per spatial tile

"""A tiny random InfiniteTalk patch file's tensors, under the release's names (audio_proj.*,
blocks.N.audio_cross_attn.*, blocks.N.norm_x.*), for the tiny Wan I2V denoiser (tests/video_models/tiny.py:
24 wide, 2 blocks); ``per_frame``: the speech features' values a frame after the encoder's embeddings."""
from __future__ import annotations


def talk_patch_state(seed: int = 0, dim: int = 24, layers: int = 2, per_frame: int = 16, inter: int = 16,
                     out: int = 8) -> dict:
    import torch
    g = torch.Generator().manual_seed(seed)

    def r(*s):
        return torch.randn(*s, generator=g) * 0.2
    st = {"audio_proj.proj1.weight": r(inter, 5 * per_frame), "audio_proj.proj1.bias": r(inter),
          "audio_proj.proj1_vf.weight": r(inter, 8 * per_frame), "audio_proj.proj1_vf.bias": r(inter),
          "audio_proj.proj2.weight": r(inter, inter), "audio_proj.proj2.bias": r(inter),
          "audio_proj.proj3.weight": r(32 * out, inter), "audio_proj.proj3.bias": r(32 * out),
          "audio_proj.norm.weight": 1 + r(out), "audio_proj.norm.bias": r(out)}
    for i in range(layers):
        b = f"blocks.{i}."
        st.update({b + "audio_cross_attn.q_linear.weight": r(dim, dim), b + "audio_cross_attn.q_linear.bias": r(dim),
                   b + "audio_cross_attn.kv_linear.weight": r(2 * dim, out),
                   b + "audio_cross_attn.kv_linear.bias": r(2 * dim),
                   b + "audio_cross_attn.proj.weight": r(dim, dim), b + "audio_cross_attn.proj.bias": r(dim),
                   b + "norm_x.weight": 1 + r(dim), b + "norm_x.bias": r(dim)})
    return st

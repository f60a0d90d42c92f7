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


def build_talk_patch(path: str, per_frame: int = 16) -> str:
    """The tiny patch as a file (the templates' wan2.1_infiniteTalk_single_fp16.safetensors), for the tiny
    Wan I2V (tests/video_models/tiny_i2v.py) and the tiny wav2vec2 below (2 layers of 8 a frame; 128: the
    single-file wav2vec2's 2 layers of 64, two_person_dialogue's multi patch)."""
    import os

    from safetensors.torch import save_file
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    save_file(talk_patch_state(2, per_frame=per_frame), path)
    return path


def build_wav2vec2_file(path: str) -> str:
    """A tiny random wav2vec2 as ComfyUI's single audio-encoder file (audio_encoders/wav2vec2-chinese-base_
    fp16.safetensors: the base layout, group norm, post-norm) under transformers' names; 64 wide (the width
    Speech Features reads a file's 64-wide heads from), 2 layers: 128 values a frame after the embeddings."""
    import os

    import torch
    from safetensors.torch import save_file
    from transformers import Wav2Vec2Config, Wav2Vec2Model
    torch.manual_seed(0)
    m = Wav2Vec2Model(Wav2Vec2Config(hidden_size=64, num_hidden_layers=2, num_attention_heads=1, intermediate_size=96,
                                     conv_dim=(16,) * 7, num_conv_pos_embeddings=8, num_conv_pos_embedding_groups=4,
                                     conv_bias=False))
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    save_file({k: v.detach().contiguous().half() for k, v in m.state_dict().items()}, path)
    return path


def build_wav2vec2(path: str) -> str:
    """A tiny random wav2vec2 folder (hidden 8, 2 layers: the tiny patch's 16 values a frame), with its
    feature extractor, as TencentGameMate/chinese-wav2vec2-base is laid out."""
    import torch
    from transformers import Wav2Vec2Config, Wav2Vec2FeatureExtractor, Wav2Vec2Model
    torch.manual_seed(0)
    Wav2Vec2Model(Wav2Vec2Config(hidden_size=8, num_hidden_layers=2, num_attention_heads=2, intermediate_size=16,
                                 conv_dim=(8,) * 7, num_conv_pos_embeddings=8, num_conv_pos_embedding_groups=2,
                                 vocab_size=12)).save_pretrained(path, safe_serialization=True)
    Wav2Vec2FeatureExtractor(sampling_rate=16000).save_pretrained(path)
    return path

"""LTX-2 at its real configuration with random weights (nothing is downloaded), for
bench_control_models.py --ltx2: diffusers' default LTX-2 transformer (48 layers; --layers cuts it),
video VAE, audio VAE, vocoder and connectors; a Gemma 3 text encoder of Gemma-3-12B's width with 2
layers over a small word tokenizer (the text encoder runs once per call; its depth does not change
the sampling being compared). --small: the tests' tiny LTX-2 (a CPU check of the script)."""
from __future__ import annotations

import os
import shutil


def _gemma(vocab: int):
    """Gemma-3-12B's width and heads, 2 layers."""
    from tests.video_models.tiny_ltx2 import tiny_gemma3
    return tiny_gemma3(vocab, hidden_size=3840, intermediate_size=15360, num_attention_heads=16,
                       num_key_value_heads=8, head_dim=256, max_position_embeddings=4096, sliding_window=1024)


def build_ltx2_real(path: str, small: bool, layers: int = 48) -> int:
    """Save the pipeline (bf16) to ``path``; returns its parameter count."""
    import torch
    if small:
        from tests.video_models.tiny_ltx2 import build_ltx2
        build_ltx2(path)
        return 0  # (not counted)
    from diffusers import (AutoencoderKLLTX2Audio, AutoencoderKLLTX2Video, FlowMatchEulerDiscreteScheduler,
                           LTX2Pipeline, LTX2VideoTransformer3DModel)
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder

    from benchmarks.real_video_models import _halve
    from tests.video_models.tiny import build_tokenizer
    tmp = path + "_tok"
    tok = build_tokenizer(tmp)
    tok.model_max_length = 1024  # LTX2Pipeline's own max_sequence_length (the node caps the padding at it)
    torch.manual_seed(0)
    was = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16)  # made in bf16: 19B parameters in fp32 would not fit an 80 GB GPU
    try:
        te = _gemma(len(tok) + 2)
        tr = LTX2VideoTransformer3DModel(num_layers=layers)
        conn = LTX2TextConnectors(text_proj_in_factor=te.config.text_config.num_hidden_layers + 1)
        # LTX-2's video VAE: 32x32 pixels and 8 frames per latent (the class's defaults otherwise)
        vae = AutoencoderKLLTX2Video(spatial_compression_ratio=32, temporal_compression_ratio=8)
        audio_vae, voc = AutoencoderKLLTX2Audio(), LTX2Vocoder()
    finally:
        torch.set_default_dtype(was)
    n = _halve(tr, conn, te)
    pipe = LTX2Pipeline(scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae, audio_vae=audio_vae, text_encoder=te,
                        tokenizer=tok, connectors=conn, transformer=tr, vocoder=voc)
    pipe.to(torch.bfloat16).save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp, ignore_errors=True)
    return n + sum(p.numel() for m in (vae, audio_vae, voc) for p in m.parameters())


def ltx2_graph(model: str, steps: int, small: bool):
    from studio.core.graph import Graph
    w, h, frames = (32, 32, 9) if small else (768, 512, 121)
    g = Graph()
    # 121 frames at 768x512 decode in tiles (the same pipeline object serves the direct call)
    load = g.add_node("video_models.load", {"model": model, "vae_tiling": not small}, node_id="load")
    gen = g.add_node("video_models.ltx2", {"prompt": "a singer on a stage sings into the camera", "frames": frames,
                                           "width": w, "height": h, "steps": steps, "seed": 1, "guidance": 4.0,
                                           "fps": 24.0, "previews": True, "preview_size": "off"}, node_id="gen")
    g.connect(load.id, "model", gen.id, "model")
    return g, frames


os.environ.setdefault("HF_HUB_OFFLINE", "1")

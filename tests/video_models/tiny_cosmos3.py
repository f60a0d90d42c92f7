"""A tiny random Cosmos 3 folder built from configs (never downloaded), as diffusers' own Cosmos 3 test
builds its pipeline (tests/pipelines/cosmos/test_cosmos3.py: a one-layer Cosmos3OmniTransformer six wide,
the tiny Wan VAE, UniPC), with sound: the transformer's sound branch and a decoder-only
Cosmos3AVAEAudioTokenizer a few channels wide whose hop (4 x 16 samples at 1600 Hz) gives the released
25 sound latents a second. Its tokenizer is tests' word-level one with Qwen's special tokens the pipeline
reads (``<|vision_start|>``, an end token) and a chat template joining the turns. The folder names no
guardrail (as tiny_cosmos.py's): Studio gives the pipeline its stand-in."""
from __future__ import annotations

import os

WORDS = ("a red green blue fox cat dog running walking snow sea sky cinematic painting the of in on is video "
         "image seconds long and fps this resolution not static").split()


def cosmos3_tokenizer(path: str):
    """The word-level tokenizer with the special tokens and chat template Cosmos3OmniPipeline reads."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast
    vocab = {"<pad>": 0, "<|im_end|>": 1, "<unk>": 2, "<|vision_start|>": 3, "<|im_start|>": 4}
    for w in WORDS:
        vocab.setdefault(w, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="<|im_end|>",
                                   unk_token="<unk>", model_max_length=256)
    fast.chat_template = "{% for m in messages %}<|im_start|> {{ m['content'] }} <|im_end|> {% endfor %}"
    fast.save_pretrained(path)
    return fast


def tiny_cosmos3_transformer(vocab: int, sound: bool = True, **more):
    """diffusers' test config of Cosmos3OmniTransformer (one layer, six wide, 16 latent channels, patch 1),
    with its sound branch (8 channels) where ``sound``. Seed torch before: its weights are random."""
    from diffusers import Cosmos3OmniTransformer
    cfg = dict(head_dim=6, hidden_act="relu2", hidden_size=6, intermediate_size=12, latent_channel=16,
               latent_patch_size=1, num_attention_heads=1, num_hidden_layers=1, num_key_value_heads=1,
               patch_latent_dim=16, qk_norm_for_text=False, rms_norm_eps=1e-5, rope_axes_dim=[1, 1, 1],
               vocab_size=vocab)
    if sound:
        cfg.update(sound_gen=True, sound_dim=8, sound_latent_fps=25.0)
    return Cosmos3OmniTransformer(**{**cfg, **more})


def tiny_sound_tokenizer():
    """A decoder-only Cosmos3AVAEAudioTokenizer: 8 latent channels to stereo at 1600 Hz, 64 samples a latent."""
    from diffusers import Cosmos3AVAEAudioTokenizer
    return Cosmos3AVAEAudioTokenizer(sampling_rate=1600, vocoder_input_dim=8, dec_dim=4, dec_c_mults=(1, 2),
                                     dec_strides=(4, 16), dec_out_channels=2, encoder_enabled=False)


def build_cosmos3(path: str, sound: bool = True, **transformer) -> str:
    """The tiny Cosmos 3 folder (Cosmos3OmniPipeline); ``transformer``: its settings changed (a benchmark's
    wider one)."""
    import shutil

    import torch
    from diffusers import AutoencoderKLWan, Cosmos3OmniPipeline, UniPCMultistepScheduler

    from nodes.video_models.families.cosmos.guardrail import _stand_in
    from .tiny_cosmos import _without_guardrail
    tmp_tok = os.path.join(path, "_tok")
    tok = cosmos3_tokenizer(tmp_tok)
    torch.manual_seed(0)
    den = tiny_cosmos3_transformer(len(tok), sound=sound, **transformer)
    with torch.no_grad():  # its zero-initialised modality embeddings made to matter
        for p in den.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True])
    torch.manual_seed(0)
    audio = tiny_sound_tokenizer() if sound else None
    Cosmos3OmniPipeline(transformer=den, text_tokenizer=tok, vae=vae, scheduler=UniPCMultistepScheduler(),
                        sound_tokenizer=audio, safety_checker=_stand_in()).save_pretrained(path,
                                                                                          safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    shutil.rmtree(os.path.join(path, "safety_checker"), ignore_errors=True)
    _without_guardrail(path)
    return path

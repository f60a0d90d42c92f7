"""A tiny LTX-2.5 diffusers folder with LTX-2.5's text encoder (transformers' Gemma 4 unified, as
diffusers' LTX-2.5 folders hold it) and writers of its split files in the layout of LTX-2.5's release
as ComfyUI's templates load them (Lightricks' LTX-2 400fd31: README's file list, gemma_assets.py's
text-encoder packing, the VAE and audio VAE files' key filters), written here independently of
Studio's readers: the transformer with its text connectors under ``model.diffusion_model.``; Gemma 4
with ComfyUI's flat names (``model.layers.*``), the text projections, its tokenizer as uint8 tensors
and its config as the header's ``gemma_config``; the convolutional video VAE with bare names; the
audio VAE and vocoder in one file."""
from __future__ import annotations

import json
import os

from . import tiny_ltx2_parts as tl

# a Gemma 4 unified text model at tiny widths: a sliding layer of 32-value heads, a global one of 64
GEMMA4_TEXT = dict(hidden_size=128, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                   num_key_value_heads=1, head_dim=32, layer_types=["sliding_attention", "full_attention"],
                   per_layer_config={"01": {"head_dim": 64}}, sliding_window=16, max_position_embeddings=128,
                   pad_token_id=0, eos_token_id=1, bos_token_id=2)
NAMES = {"transformer": "ltx-2.5-tiny-dev-transformer-bf16.safetensors",
         "text_encoder": "gemma4-tiny-with-proj-ltx-2.5-bf16.safetensors",
         "vae": "ltx-2.5-tiny-video-vae-conv-bf16.safetensors", "audio_vae": "ltx-2.5-tiny-audio-vae-bf16.safetensors"}


def build(path: str) -> str:
    """tiny_ltx2_parts' LTX-2.5 folder with its text encoder replaced by a tiny Gemma 4 unified."""
    import torch
    from diffusers import LTX2Pipeline
    from transformers import Gemma4UnifiedConfig, Gemma4UnifiedForConditionalGeneration
    tl.build(path, "LTX-2.5")
    pipe = LTX2Pipeline.from_pretrained(path)
    torch.manual_seed(1)
    te = Gemma4UnifiedForConditionalGeneration(Gemma4UnifiedConfig(
        text_config=dict(GEMMA4_TEXT, vocab_size=len(pipe.tokenizer) + 2), vision_config=None, audio_config=None))
    with torch.no_grad():  # layer scalars other than 1, so a lost one shows
        for layer in te.model.language_model.layers:
            layer.layer_scalar.fill_(0.5 + torch.rand(()).item())
    pipe.register_modules(text_encoder=te)
    pipe.save_pretrained(path, safe_serialization=True)
    return path


def _load(folder: str, part: str, file: str = "diffusion_pytorch_model.safetensors") -> dict:
    from safetensors.torch import load_file
    return load_file(os.path.join(folder, part, file))


def text_encoder_state(folder: str) -> tuple[dict, dict]:
    """(tensors, metadata) of the folder's Gemma 4 and text projections as Lightricks packs them for ComfyUI."""
    import torch
    out = {}
    for k, v in _load(folder, "text_encoder", "model.safetensors").items():
        if k.startswith("model.language_model."):
            out["model." + k[len("model.language_model."):]] = v
    for k, v in _load(folder, "connectors").items():
        for m in ("video", "audio"):
            if k.startswith(f"{m}_text_proj_in."):
                out[f"text_embedding_projection.{m}_aggregate_embed." + k[len(f"{m}_text_proj_in."):]] = v
    tok = os.path.join(folder, "tokenizer")
    for name in sorted(os.listdir(tok)):
        data = open(os.path.join(tok, name), "rb").read()
        key = "tokenizer_json" if name == "tokenizer.json" else "hf_asset__" + name
        out[key] = torch.frombuffer(bytearray(data), dtype=torch.uint8)
    with open(os.path.join(folder, "text_encoder", "config.json")) as f:
        return out, {"format": "pt", "gemma_config": json.dumps(json.load(f))}


def transformer_state(folder: str) -> dict:
    """The transformer and its text connectors (not the projections: those are the text encoder's)."""
    state = tl.checkpoint_state(folder, ("transformer",))
    for k, v in _load(folder, "connectors").items():
        if "_text_proj_in." not in k:
            state[tl.connector_name(k)] = v
    return state


def write_files(folder: str, out: str, drop: tuple = ()) -> dict[str, str]:
    """The folder as LTX-2.5's split files in ``out`` (``drop``: names of tensors left out)."""
    from safetensors.torch import save_file
    os.makedirs(out, exist_ok=True)
    files = {c: os.path.join(out, n) for c, n in NAMES.items()}
    te, meta = text_encoder_state(folder)
    vae = {k[len("vae."):]: v for k, v in tl.checkpoint_state(folder, ("vae",)).items()}  # bare, as ComfyUI splits
    for c, state, md in (("transformer", transformer_state(folder), None), ("text_encoder", te, meta), ("vae", vae, None),
                         ("audio_vae", tl.checkpoint_state(folder, ("audio_vae", "vocoder")), None)):
        save_file({k: v.contiguous() for k, v in state.items() if k not in drop}, files[c], metadata=md)
    return files


# a tiny LTX-2.5 diffusion video decoder (diffusers' LTX2VideoDiffusionDecoderModel config): the
# release's four up-samplers (its strides, 32x spatial and 8x temporal as the tiny VAE's latents),
# 16-value heads, windows a 64x64 picture's grids can hold
DIFFUSION_DECODER = dict(latent_channels=8, patch_size=4, decoder_head_dim=16, decoder_stage_channels=(128, 64, 32, 32, 16),
                         decoder_stage_depths=(1, 1, 1, 1, 2),
                         decoder_stage_kernels=((3, 1, 1), (3, 3, 3), (3, 3, 3), (3, 3, 3)),
                         decoder_stage5_kernel=(3, 3, 3), decoder_t_emb_dim=32)


def diffusion_decoder(seed: int = 0):
    """The tiny diffusion decoder with random weights (every one, the zero-initialised included)."""
    import torch
    from diffusers import LTX2VideoDiffusionDecoderModel
    torch.manual_seed(seed)
    model = LTX2VideoDiffusionDecoderModel(**DIFFUSION_DECODER).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.randn_like(p) * (0.2 if "norm" not in name else 0.05) + (1.0 if "norm" in name else 0.0))
        model.latents_mean.copy_(torch.randn_like(model.latents_mean) * 0.1)
        model.latents_std.copy_(torch.rand_like(model.latents_std) + 0.5)
    return model


def diffusion_decoder_state(model, prefix: str = "decoder.", seed: int = 1) -> dict:
    """The decoder in Lightricks' layout (LTX-2 400fd31 video_vae/transformer/*.py, model_configurator.py's
    DIFFUSION_VAE_DECODER_COMFY_KEYS_FILTER read backwards): the QKV fused, ``q_norm`` / ``k_norm``,
    ``attn.proj``, ``t_embedder.mlp.0/2``, legacy static gates (``gate_msa`` / ``gate_mlp`` / ``gate_ctx``)
    with the weights they scale divided by them, a ``coarse_`` head, ``per_channel_statistics``."""
    import torch
    gen = torch.Generator().manual_seed(seed)
    sd = {k[len("decoder."):]: v.clone() for k, v in model.state_dict().items() if k.startswith("decoder.")}
    out = {}
    for k in list(sd):
        if ".attn.to_q." in k:
            leaf = k.split(".attn.to_q.")
            out[leaf[0] + ".attn.qkv." + leaf[1]] = torch.cat([sd.pop(k), sd.pop(k.replace("to_q", "to_k")),
                                                               sd.pop(k.replace("to_q", "to_v"))])
    for k, v in sd.items():
        if k in out or ".attn.to_k." in k or ".attn.to_v." in k:
            continue
        n = (k.replace(".attn.to_out.0.", ".attn.proj.").replace(".attn.norm_q.", ".attn.q_norm.")
             .replace(".attn.norm_k.", ".attn.k_norm.").replace("t_embedder.timestep_embedder.linear_1.", "t_embedder.mlp.0.")
             .replace("t_embedder.timestep_embedder.linear_2.", "t_embedder.mlp.2."))
        out[n] = v
    for b in range(len(model.decoder.diff_blocks)):
        for leaf, gate in ((".attn.proj.", "gate_msa"), (".mlp.w_down.", "gate_mlp"), (".context_proj.", "gate_ctx")):
            dim = model.decoder.diff_blocks[b].context_proj.weight.shape[0]
            g = torch.rand(dim, generator=gen) + 0.5
            out[f"diff_blocks.{b}.{gate}"] = g
            for k in [k for k in out if k.startswith(f"diff_blocks.{b}{leaf}")]:
                out[k] = out[k] / (g[:, None] if out[k].ndim == 2 else g)
    out["coarse_head.weight"] = torch.randn(3, 4, generator=gen)
    state = {prefix + k: v.contiguous() for k, v in out.items()}
    state["per_channel_statistics.mean-of-means"] = model.latents_mean.clone()
    state["per_channel_statistics.std-of-means"] = model.latents_std.clone()
    return state


def diffusion_decoder_meta(cfg: dict = DIFFUSION_DECODER) -> dict:
    """The file's ``config`` metadata as Lightricks' loader reads it (``config.vae.decoder``; the output
    type beside it): kernels, up-samplers as (stride, reduction), stage-5 kernel, and the timestep scale,
    steps and output type of diffusers' defaults (its LTX-2.5: x0 in one step, timesteps x1000)."""
    from diffusers import LTX2VideoDiffusionDecoderModel
    d = dict(cfg)
    strides = d.get("decoder_upsample_strides", ((1, 2, 2), (2, 1, 1), (2, 2, 2), (2, 2, 2)))
    dec = {"stage_kernels": [list(k) for k in d["decoder_stage_kernels"]] + [[3, 3, 3]],
           "upsamples": [[list(s), r] for s, r in zip(strides, d.get("decoder_upsample_channel_reductions", (2, 2, 1, 2)))],
           "stage5_kernel": list(d["decoder_stage5_kernel"]), "timestep_scale_multiplier": 1000.0,
           "default_num_inference_steps": 1}
    return {"config": json.dumps({"vae": {"decoder": dec, "model_output_type": "x0"}})}

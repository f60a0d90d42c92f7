"""Tiny MMAudio files written as kijai's ComfyUI-MMAudio keeps them in models/mmaudio/: the network and the
Synchformer under the release's names, CLIP in open_clip's layout (written from a tiny transformers CLIPModel by the
inverse of clip_file.renamed), the sound VAE under MMAudio's names (no 'vae.' prefix, weights before MMAudio's
remove_weight_norm), NVIDIA's vocoder as a folder of config.json and bigvgan_generator.pt (weight norm kept, as
NVIDIA's), and CLIP's BPE files beside CLIP. Built from configs at tiny widths, random weights."""
from __future__ import annotations

import json
import os

import torch
from safetensors.torch import save_file

from nodes.video_models.mmaudio import net, sync_net
from tests.video_models.tiny_animatediff_files import tokenizer_files

NET = dict(latent_dim=8, clip_dim=16, sync_dim=64, text_dim=64, hidden_dim=32, depth=2, fused_depth=1, num_heads=2,
           text_seq_len=77, v2=True)
SYNC = dict(dim=64, depth=1, patch=16, temporal=2, frames=8, places=196)
VOC = dict(num_mels=128, upsample_initial_channel=16, upsample_rates=[8, 8, 8], upsample_kernel_sizes=[16, 16, 16],
           resblock_kernel_sizes=[3], resblock_dilation_sizes=[[1, 3, 5]])


def _save(sd: dict, path: str) -> str:
    save_file({k: v.detach().clone().contiguous() for k, v in sd.items()}, path)
    return path


def _randomised(model, scale=0.2):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p) * scale)
    return model


def clip_files(folder: str) -> str:
    from transformers import CLIPConfig, CLIPModel
    vocab = 256 * 2 + 4
    cfg = CLIPConfig(text_config=dict(vocab_size=vocab, hidden_size=64, intermediate_size=128, num_hidden_layers=1,
                                      num_attention_heads=1, max_position_embeddings=77, hidden_act="quick_gelu"),
                     vision_config=dict(hidden_size=80, intermediate_size=160, num_hidden_layers=1,
                                        num_attention_heads=1, image_size=384, patch_size=14, hidden_act="quick_gelu"),
                     projection_dim=16)
    torch.manual_seed(3)
    m = CLIPModel(cfg).eval()
    sd = m.state_dict()
    out = {"visual.class_embedding": sd["vision_model.embeddings.class_embedding"],
           "visual.positional_embedding": sd["vision_model.embeddings.position_embedding.weight"],
           "visual.conv1.weight": sd["vision_model.embeddings.patch_embedding.weight"],
           "visual.proj": sd["visual_projection.weight"].t(), "text_projection": sd["text_projection.weight"].t(),
           "token_embedding.weight": sd["text_model.embeddings.token_embedding.weight"],
           "positional_embedding": sd["text_model.embeddings.position_embedding.weight"],
           "logit_scale": sd["logit_scale"]}
    for src, dst in (("visual.ln_pre", "vision_model.pre_layrnorm"), ("visual.ln_post", "vision_model.post_layernorm"),
                     ("ln_final", "text_model.final_layer_norm")):
        out[src + ".weight"], out[src + ".bias"] = sd[dst + ".weight"], sd[dst + ".bias"]
    for pre, dst in (("visual.transformer.resblocks.0.", "vision_model.encoder.layers.0."),
                     ("transformer.resblocks.0.", "text_model.encoder.layers.0.")):
        out[pre + "attn.in_proj_weight"] = torch.cat([sd[f"{dst}self_attn.{n}_proj.weight"] for n in "qkv"])
        out[pre + "attn.in_proj_bias"] = torch.cat([sd[f"{dst}self_attn.{n}_proj.bias"] for n in "qkv"])
        for s, d in (("attn.out_proj", "self_attn.out_proj"), ("ln_1", "layer_norm1"), ("ln_2", "layer_norm2"),
                     ("mlp.c_fc", "mlp.fc1"), ("mlp.c_proj", "mlp.fc2")):
            out[f"{pre}{s}.weight"], out[f"{pre}{s}.bias"] = sd[f"{dst}{d}.weight"], sd[f"{dst}{d}.bias"]
    tokenizer_files(os.path.join(folder, "tokenizer"))
    return _save(out, os.path.join(folder, "clip_tiny.safetensors"))


def vae_file(folder: str) -> str:
    from diffusers import MMAudioVAE
    torch.manual_seed(4)
    m = _randomised(MMAudioVAE(mel_bins=128, latent_channels=8, hidden_channels=16, channel_multipliers=(1, 2),
                               layers_per_block=1), 0.5)
    sd = {k[len("vae."):]: v for k, v in m.state_dict().items() if k.startswith("vae.")}
    sd["data_mean"], sd["data_std"] = torch.randn(1, 128, 1) * 0.1 - 5, torch.rand(1, 128, 1) + 0.5
    return _save(sd, os.path.join(folder, "vae_tiny.safetensors"))


def vocoder_folder(folder: str) -> str:
    from diffusers import MMAudioVocoder
    torch.manual_seed(5)
    m = _randomised(MMAudioVocoder(**VOC), 0.1)
    sd = {}
    for k, v in m.state_dict().items():  # NVIDIA's file keeps torch's weight norm on its convolutions
        if k.endswith(".weight") and v.dim() == 3 and "filter" not in k:
            base = k[:-len(".weight")]
            g = v.flatten(1).norm(dim=1).view(-1, 1, 1)
            sd[base + ".weight_g"], sd[base + ".weight_v"] = g, v * 3.0
        else:
            sd[k] = v
    place = os.path.join(folder, "nvidia", "bigvgan_v2_44khz_128band_512x")
    os.makedirs(place, exist_ok=True)
    torch.save({"generator": sd}, os.path.join(place, "bigvgan_generator.pt"))
    with open(os.path.join(place, "config.json"), "w") as f:
        json.dump({"upsample_rates": VOC["upsample_rates"], "resblock_dilation_sizes": VOC["resblock_dilation_sizes"],
                   "activation": "snakebeta", "snake_logscale": True, "resblock": "1"}, f)
    return place


def build(folder: str) -> dict:
    """The five files in ``folder`` (a models folder's mmaudio/): the node's settings for them."""
    os.makedirs(folder, exist_ok=True)
    torch.manual_seed(1)
    n = _randomised(net.MMAudioNet(**NET))
    torch.manual_seed(2)
    s = _randomised(sync_net.Synchformer(**SYNC), 0.05)
    return {"model": _save(n.state_dict(), os.path.join(folder, "mmaudio_tiny_44k.safetensors")),
            "synchformer": _save(s.state_dict(), os.path.join(folder, "sync_tiny.safetensors")),
            "clip": clip_files(folder), "vae": vae_file(folder), "vocoder": vocoder_folder(folder)}

"""A tiny random HunyuanVideo 1.5 pipeline built from configs (diffusers' own test sizes but one
head of the released model's 128 values, its rotary split, 480p T2V scheduler and guider; a
word-level tokenizer with a chat template and a Qwen2.5-VL text model with the released model's
128-value heads and rotary settings; byT5's tokenizer needs no files), and its transformer and VAE
written in Tencent's names (ComfyUI's files): the inverse of the diffusers conversion script's
mapping, written out here independently of Studio's."""
from __future__ import annotations

import os
import re
import shutil

CHAT = "{% for m in messages %}{{ m['content'] }} {% endfor %}"


# google/siglip-so400m-patch14-384's preprocessor_config.json as released (FLUX.1-Redux-dev's feature_extractor,
# which the diffusers conversion script gives HunyuanVideo 1.5 I2V), written out here independently of Studio's
RELEASED_SIGLIP_PROCESSOR = {"do_convert_rgb": None, "do_normalize": True, "do_rescale": True, "do_resize": True,
                             "image_mean": [0.5, 0.5, 0.5], "image_processor_type": "SiglipImageProcessor",
                             "image_std": [0.5, 0.5, 0.5], "processor_class": "SiglipProcessor", "resample": 3,
                             "rescale_factor": 0.00392156862745098, "size": {"height": 384, "width": 384}}
SIGLIP_SIDE = 28  # the tiny tower's image: 2 x 2 patches of 14

TINY = {"hunyuan15": ("build_hunyuan15", {})}  # its builder, found by tests/tiny_models.py



def build_hunyuan15(path: str, i2v: bool = False) -> str:
    """The tiny T2V folder; ``i2v``: the I2V one (a denoiser reading 32-wide image states, a tiny
    SigLIP tower of 16 heads at 28 pixels, the released image processor at that size)."""
    import torch
    from diffusers import (AutoencoderKLHunyuanVideo15, ClassifierFreeGuidance, FlowMatchEulerDiscreteScheduler,
                           HunyuanVideo15ImageToVideoPipeline, HunyuanVideo15Pipeline,
                           HunyuanVideo15Transformer3DModel)
    from transformers import (ByT5Tokenizer, Qwen2_5_VLTextConfig, Qwen2_5_VLTextModel, SiglipImageProcessor,
                              SiglipVisionConfig, SiglipVisionModel, T5Config, T5EncoderModel)

    from nodes.video_models.files.qwen_parts import QWEN_TEXT

    from .tiny import build_tokenizer
    tmp = os.path.join(path, "_tok")
    tok = build_tokenizer(tmp, "a red fox running in the snow sign saying hello cinematic".split())
    shutil.rmtree(tmp, ignore_errors=True)
    tok.chat_template = CHAT
    torch.manual_seed(0)
    text_encoder = Qwen2_5_VLTextModel(Qwen2_5_VLTextConfig(**{
        **QWEN_TEXT, "vocab_size": len(tok), "hidden_size": 128, "intermediate_size": 37, "num_hidden_layers": 4,
        "num_attention_heads": 1, "num_key_value_heads": 1, "max_window_layers": 4}))  # the pipeline reads the
    # third-last hidden state: four layers, so two of them reach it
    torch.manual_seed(0)
    text_encoder_2 = T5EncoderModel(T5Config(vocab_size=384, d_model=32, d_kv=8, d_ff=37, num_layers=2, num_heads=4,
                                             relative_attention_num_buckets=8, feed_forward_proj="gated-gelu",
                                             pad_token_id=0, eos_token_id=1, decoder_start_token_id=0))
    torch.manual_seed(0)
    transformer = HunyuanVideo15Transformer3DModel(
        in_channels=9, out_channels=4, num_attention_heads=1, attention_head_dim=128, num_layers=1,
        num_refiner_layers=1, mlp_ratio=2.0, patch_size=1, patch_size_t=1, text_embed_dim=128, text_embed_2_dim=32,
        image_embed_dim=32 if i2v else 12, rope_axes_dim=(16, 56, 56), target_size=640,
        task_type="i2v" if i2v else "t2v")  # the real heads and rope
    torch.manual_seed(0)
    vae = AutoencoderKLHunyuanVideo15(in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(16, 32, 32),
                                      layers_per_block=1, spatial_compression_ratio=4, temporal_compression_ratio=2)
    more = {}
    if i2v:
        torch.manual_seed(0)
        more["image_encoder"] = SiglipVisionModel(SiglipVisionConfig(
            hidden_size=32, intermediate_size=37, num_hidden_layers=2, num_attention_heads=16, image_size=SIGLIP_SIDE,
            patch_size=14, hidden_act="gelu_pytorch_tanh", layer_norm_eps=1e-6))  # so400m's heads and activation
        released = {k: v for k, v in RELEASED_SIGLIP_PROCESSOR.items() if not k.endswith(("_type", "_class"))}
        more["feature_extractor"] = SiglipImageProcessor(**{**released,
                                                            "size": {"height": SIGLIP_SIDE, "width": SIGLIP_SIDE}})
    with torch.no_grad():
        for m in (transformer, vae, *([more["image_encoder"]] if i2v else [])):
            for p in m.parameters():
                p.add_(torch.randn_like(p) * 0.02)  # zero-initialised layers made to matter
    (HunyuanVideo15ImageToVideoPipeline if i2v else HunyuanVideo15Pipeline)(
        text_encoder=text_encoder, tokenizer=tok, transformer=transformer, vae=vae,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=5.0), text_encoder_2=text_encoder_2,
        tokenizer_2=ByT5Tokenizer(), guider=ClassifierFreeGuidance(guidance_scale=6.0), **more
    ).save_pretrained(path, safe_serialization=True)
    return path


def write_comfy_files(folder: str, out: str) -> dict[str, str]:
    """The tiny folder's parts as ComfyUI's files (name -> path): the denoiser in Tencent's names
    with ComfyUI's prefix, the VAE in Tencent's names, Qwen2.5-VL beside a vision tower and an LM
    head, byT5 with 'shared' only."""
    import diffusers
    from safetensors.torch import save_file
    from transformers import Qwen2_5_VLTextModel, T5EncoderModel
    os.makedirs(out, exist_ok=True)
    den = diffusers.HunyuanVideo15Transformer3DModel.from_pretrained(folder, subfolder="transformer").state_dict()
    vae = diffusers.AutoencoderKLHunyuanVideo15.from_pretrained(folder, subfolder="vae").state_dict()
    qwen = Qwen2_5_VLTextModel.from_pretrained(os.path.join(folder, "text_encoder")).state_dict()
    byt5 = T5EncoderModel.from_pretrained(os.path.join(folder, "text_encoder_2")).state_dict()
    byt5.pop("encoder.embed_tokens.weight")  # ComfyUI keeps 'shared' only
    task = den_task(folder)
    files = {"denoiser": os.path.join(out, f"hunyuanvideo1.5_480p_{task}_tiny_fp32.safetensors"),
             "vae": os.path.join(out, "hunyuanvideo15_vae_tiny.safetensors"),
             "text_encoder": os.path.join(out, "qwen_2.5_vl_tiny.safetensors"),
             "text_encoder_2": os.path.join(out, "byt5_small_glyphxl_tiny.safetensors")}
    save_file({k: v.contiguous() for k, v in byt5.items()}, files["text_encoder_2"])
    save_file({"model.diffusion_model." + k: v.contiguous() for k, v in transformer_original_names(den).items()},
              files["denoiser"])
    save_file({k: v.contiguous() for k, v in vae_original_names(vae).items()}, files["vae"])
    save_file({k: v.contiguous() for k, v in qwen_comfy_names(qwen, 128).items()}, files["text_encoder"])
    if task == "i2v":  # ComfyUI's clip_vision file: transformers' names under 'vision_model.'
        from transformers import SiglipVisionModel
        files["clip_vision"] = os.path.join(out, "sigclip_vision_tiny.safetensors")
        siglip = SiglipVisionModel.from_pretrained(os.path.join(folder, "image_encoder")).state_dict()
        save_file({"vision_model." + k: v.contiguous() for k, v in siglip.items()}, files["clip_vision"])
    return files


def den_task(folder: str) -> str:
    import json
    with open(os.path.join(folder, "transformer", "config.json")) as f:
        return json.load(f)["task_type"]


def t2v_frames(ref, prompt: str):
    """Text to Video frames of a loaded tiny model (2 steps, 16 x 16, 5 frames, seed 0)."""
    import torch
    pipe = ref.pipeline("t2v")
    shorten(pipe)
    return pipe(prompt=prompt, height=16, width=16, num_frames=5, num_inference_steps=2,
                generator=torch.Generator().manual_seed(0), output_type="pt").frames


def shorten(pipe) -> None:
    pipe.tokenizer_max_length = pipe.tokenizer_2_max_length = 32  # the real 1000 and 256 tokens, shortened alike
    pipe.prompt_template_encode_start_idx = 0  # Qwen's 108 template tokens: the tiny tokenizer makes fewer, so the
    # real crop would leave only padding and the text encoder would not reach the frames


def load_tokenizer(folder: str):
    from transformers import AutoTokenizer
    return AutoTokenizer.from_pretrained(os.path.join(folder, "tokenizer"))


_T = tuple((re.compile(a), b) for a, b in (  # diffusers -> Tencent (HunyuanVideo 1.5 transformer)
    (r"^time_embed\.timestep_embedder\.linear_1\.", "time_in.mlp.0."),
    (r"^time_embed\.timestep_embedder\.linear_2\.", "time_in.mlp.2."),
    (r"^context_embedder\.time_text_embed\.timestep_embedder\.linear_1\.", "txt_in.t_embedder.mlp.0."),
    (r"^context_embedder\.time_text_embed\.timestep_embedder\.linear_2\.", "txt_in.t_embedder.mlp.2."),
    (r"^context_embedder\.time_text_embed\.text_embedder\.", "txt_in.c_embedder."),
    (r"^context_embedder\.proj_in\.", "txt_in.input_embedder."),
    (r"^context_embedder\.token_refiner\.refiner_blocks\.(\d+)\.attn\.to_out\.0\.",
     r"txt_in.individual_token_refiner.blocks.\1.self_attn_proj."),
    (r"^context_embedder\.token_refiner\.refiner_blocks\.(\d+)\.ff\.net\.0\.proj\.",
     r"txt_in.individual_token_refiner.blocks.\1.mlp.fc1."),
    (r"^context_embedder\.token_refiner\.refiner_blocks\.(\d+)\.ff\.net\.2\.",
     r"txt_in.individual_token_refiner.blocks.\1.mlp.fc2."),
    (r"^context_embedder\.token_refiner\.refiner_blocks\.(\d+)\.norm_out\.linear\.",
     r"txt_in.individual_token_refiner.blocks.\1.adaLN_modulation.1."),
    (r"^context_embedder\.token_refiner\.refiner_blocks\.", "txt_in.individual_token_refiner.blocks."),
    (r"^context_embedder_2\.norm\.", "byt5_in.layernorm."),
    (r"^context_embedder_2\.linear_(\d)\.", r"byt5_in.fc\1."),
    (r"^image_embedder\.norm_in\.", "vision_in.proj.0."), (r"^image_embedder\.linear_1\.", "vision_in.proj.1."),
    (r"^image_embedder\.linear_2\.", "vision_in.proj.3."), (r"^image_embedder\.norm_out\.", "vision_in.proj.4."),
    (r"^x_embedder\.", "img_in."), (r"^cond_type_embed\.", "cond_type_embedding."),
    (r"^proj_out\.", "final_layer.linear."),
))
_BLOCK = {"norm1.linear": "img_mod.linear", "norm1_context.linear": "txt_mod.linear", "attn.to_q": "img_attn_q",
          "attn.to_k": "img_attn_k", "attn.to_v": "img_attn_v", "attn.norm_q": "img_attn_q_norm",
          "attn.norm_k": "img_attn_k_norm", "attn.to_out.0": "img_attn_proj", "attn.add_q_proj": "txt_attn_q",
          "attn.add_k_proj": "txt_attn_k", "attn.add_v_proj": "txt_attn_v", "attn.norm_added_q": "txt_attn_q_norm",
          "attn.norm_added_k": "txt_attn_k_norm", "attn.to_add_out": "txt_attn_proj", "ff.net.0.proj": "img_mlp.fc1",
          "ff.net.2": "img_mlp.fc2", "ff_context.net.0.proj": "txt_mlp.fc1", "ff_context.net.2": "txt_mlp.fc2"}


def _sub(name, rules):
    for pattern, repl in rules:
        new = pattern.sub(repl, name, count=1)
        if new != name:
            return new
    return name


def transformer_original_names(state: dict) -> dict:
    """A diffusers HunyuanVideo15Transformer3DModel's state under Tencent's names."""
    import torch
    out, qkv = {}, {}
    for k, v in state.items():
        if m := re.match(r"context_embedder\.token_refiner\.refiner_blocks\.(\d+)\.attn\.to_([qkv])\.(weight|bias)$", k):
            qkv.setdefault((m[1], m[3]), {})[m[2]] = v
        elif k.startswith("norm_out.linear."):
            scale, shift = v.chunk(2, dim=0)
            out["final_layer.adaLN_modulation.1." + k.rsplit(".", 1)[1]] = torch.cat([shift, scale])
        elif m := re.match(r"transformer_blocks\.(\d+)\.(.+)\.(weight|bias)$", k):
            out[f"double_blocks.{m[1]}.{_BLOCK[m[2]]}.{m[3]}"] = v
        else:
            out[_sub(k, _T)] = v
    for (i, wb), d in qkv.items():
        out[f"txt_in.individual_token_refiner.blocks.{i}.self_attn_qkv.{wb}"] = torch.cat([d["q"], d["k"], d["v"]])
    return out


_V = tuple((re.compile(a), b) for a, b in (  # diffusers -> Tencent (HunyuanVideo 1.5 VAE)
    (r"^encoder\.down_blocks\.(\d+)\.resnets\.(\d+)\.", r"encoder.down.\1.block.\2."),
    (r"^encoder\.down_blocks\.(\d+)\.downsamplers\.0\.", r"encoder.down.\1.downsample."),
    (r"^decoder\.up_blocks\.(\d+)\.resnets\.(\d+)\.", r"decoder.up.\1.block.\2."),
    (r"^decoder\.up_blocks\.(\d+)\.upsamplers\.0\.", r"decoder.up.\1.upsample."),
    (r"^(encoder|decoder)\.mid_block\.resnets\.0\.", r"\1.mid.block_1."),
    (r"^(encoder|decoder)\.mid_block\.resnets\.1\.", r"\1.mid.block_2."),
    (r"^(encoder|decoder)\.mid_block\.attentions\.0\.to_([qkv])\.", r"\1.mid.attn_1.\2."),
    (r"^(encoder|decoder)\.mid_block\.attentions\.0\.", r"\1.mid.attn_1."),
))


def vae_original_names(state: dict) -> dict:
    return {_sub(k, _V): v for k, v in state.items()}


def qwen_comfy_names(state: dict, width: int) -> dict:
    """A Qwen2_5_VLTextModel's state as ComfyUI's qwen_2.5_vl file holds the language model
    ('model.' names), with a vision tower's tensor and the LM head beside it (not read), on the state's
    device (a released-size state on the meta device stays unallocated: the 7B's head is 2 GB of zeros)."""
    import torch
    out = {"model." + k: v for k, v in state.items()}
    device = state["embed_tokens.weight"].device
    out["visual.blocks.0.attn.qkv.weight"] = torch.zeros(3 * 8, 8, device=device)
    out["lm_head.weight"] = torch.zeros(state["embed_tokens.weight"].shape[0], width, device=device)
    return out

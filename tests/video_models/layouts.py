"""Single weight files in the original layouts ComfyUI's folders hold (the Wan, LTX-Video, LTX-2 and
HunyuanVideo repositories' key names, ComfyUI's text encoder, VAE, CLIP vision and LoRA files), at
tiny sizes: every name is the real one, and only the few shapes that tell a variant apart are
real (small tensors: ``head.modulation``, a norm's width, a patch embedding). Written as
safetensors with zero data (no numpy, no torch), so a hundred of them take a moment."""
from __future__ import annotations

import json
import os
import struct

SIZES = {"BF16": 2, "F16": 2, "F32": 4, "F8_E4M3": 1, "F8_E5M2": 1, "U8": 1}


def write(path: str, shapes: dict[str, tuple], dtype: str = "BF16", metadata: dict | None = None,
          dtypes: dict[str, str] | None = None) -> str:
    """A .safetensors file holding zeros of ``shapes`` (one dtype, or ``dtypes`` per name)."""
    header: dict = {"__metadata__": metadata} if metadata else {}
    off = 0
    for k, shape in shapes.items():
        dt = (dtypes or {}).get(k, dtype)
        n = SIZES[dt]
        for d in shape:
            n *= d
        header[k] = {"dtype": dt, "shape": list(shape), "data_offsets": [off, off + n]}
        off += n
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h)
        if off:
            f.seek(8 + len(h) + off - 1)
            f.write(b"\0")
    return path


def _lin(shapes, name, bias=True):
    shapes[f"{name}.weight"] = (2, 2)
    if bias:
        shapes[f"{name}.bias"] = (2,)


def wan(dim=1536, in_dim=16, layers=30, i2v=False, flf=False, vace_layers=0, prefix="") -> dict:
    """Wan 2.1/2.2's original transformer (Wan-Video/Wan2.1 ``WanModel``) names."""
    s: dict = {"patch_embedding.weight": (dim, in_dim, 1, 2, 2), "patch_embedding.bias": (dim,)}
    for n in ("text_embedding.0", "text_embedding.2", "time_embedding.0", "time_embedding.2", "time_projection.1",
              "head.head"):
        _lin(s, n)
    s["head.modulation"] = (1, 2, dim)
    for i in range(layers):
        b = f"blocks.{i}"
        for a in ("self_attn", "cross_attn"):
            for p in "qkvo":
                _lin(s, f"{b}.{a}.{p}")
            s[f"{b}.{a}.norm_q.weight"] = (2,)
            s[f"{b}.{a}.norm_k.weight"] = (2,)
        if i2v:
            _lin(s, f"{b}.cross_attn.k_img")
            _lin(s, f"{b}.cross_attn.v_img")
            s[f"{b}.cross_attn.norm_k_img.weight"] = (2,)
        _lin(s, f"{b}.norm3")
        _lin(s, f"{b}.ffn.0")
        _lin(s, f"{b}.ffn.2")
        s[f"{b}.modulation"] = (1, 6, 2)
    if i2v:
        for n in ("img_emb.proj.0", "img_emb.proj.1", "img_emb.proj.3", "img_emb.proj.4"):
            _lin(s, n)
    if flf:
        s["img_emb.emb_pos"] = (1, 514, 2)
    if vace_layers:
        s["vace_patch_embedding.weight"] = (2, 96, 1, 2, 2)
        for i in range(vace_layers):
            _lin(s, f"vace_blocks.{i}.after_proj")
            _lin(s, f"vace_blocks.{i}.self_attn.q")
    return {prefix + k: v for k, v in s.items()}


def ltx(layers=28, vae=False, prefix="model.diffusion_model.") -> dict:
    """LTX-Video's original transformer (Lightricks/LTX-Video ``Transformer3DModel``) names."""
    s: dict = {}
    for n in ("patchify_proj", "adaln_single.emb.timestep_embedder.linear_1", "adaln_single.emb.timestep_embedder.linear_2",
              "adaln_single.linear", "caption_projection.linear_1", "caption_projection.linear_2", "proj_out"):
        _lin(s, n)
    s["scale_shift_table"] = (2, 2)
    for i in range(layers):
        for a in ("attn1", "attn2"):
            for p in ("to_q", "to_k", "to_v", "to_out.0"):
                _lin(s, f"transformer_blocks.{i}.{a}.{p}")
        _lin(s, f"transformer_blocks.{i}.ff.net.0.proj")
        s[f"transformer_blocks.{i}.scale_shift_table"] = (6, 2)
    out = {prefix + k: v for k, v in s.items()}
    if vae:
        out.update({f"vae.{k}": v for k, v in ltx_vae().items()})
    return out


def ltx2(layers=48) -> dict:
    s = ltx(layers, prefix="model.diffusion_model.")
    for n in ("audio_adaln_single.linear", "av_ca_a2v_gate_adaln_single.emb.timestep_embedder.linear_1",
              "audio_patchify_proj", "audio_caption_projection.linear_1"):
        _lin(s, "model.diffusion_model." + n)
    return s


def hunyuan15(double=54) -> dict:
    s: dict = {"img_in.proj.weight": (2, 65, 1, 1, 1)}
    for n in ("txt_in.input_embedder", "txt_in.individual_token_refiner.blocks.0.norm1", "byt5_in.fc1",
              "final_layer.linear", "time_in.mlp.0"):
        _lin(s, n)
    s["cond_type_embedding.weight"] = (3, 2)
    for i in range(double):
        for n in ("img_attn_qkv", "txt_attn_qkv", "img_mlp.fc1", "txt_mlp.fc1"):
            _lin(s, f"double_blocks.{i}.{n}")
    return s


def t5(layers=24, width=4096, umt5=False, tokenizer=True) -> dict:
    """ComfyUI's T5 / UMT5 encoder files (``encoder.block.N.layer...``, the tokenizer as ``spiece_model``)."""
    s: dict = {"shared.weight": (2, width)}
    for i in range(layers):
        b = f"encoder.block.{i}.layer"
        for p in "qkvo":
            s[f"{b}.0.SelfAttention.{p}.weight"] = (2, 2)
        if umt5 or i == 0:
            s[f"{b}.0.SelfAttention.relative_attention_bias.weight"] = (32, 2)
        s[f"{b}.0.layer_norm.weight"] = (2,)
        for p in ("wi_0", "wi_1", "wo"):
            s[f"{b}.1.DenseReluDense.{p}.weight"] = (2, 2)
        s[f"{b}.1.layer_norm.weight"] = (2,)
    s["encoder.final_layer_norm.weight"] = (width,)
    if tokenizer:
        s["spiece_model"] = (64,)
    return s


def gemma3(layers=48, width=3840) -> dict:
    s: dict = {"model.embed_tokens.weight": (2, width), "model.norm.weight": (width,)}
    for i in range(layers):
        b = f"model.layers.{i}"
        for n in ("input_layernorm", "post_attention_layernorm", "pre_feedforward_layernorm",
                  "post_feedforward_layernorm", "self_attn.q_norm", "self_attn.k_norm"):
            s[f"{b}.{n}.weight"] = (2,)
        for n in ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj",
                  "mlp.up_proj", "mlp.down_proj"):
            s[f"{b}.{n}.weight"] = (2, 2)
    return s


def wan_vae(z=16) -> dict:
    s: dict = {"decoder.conv1.weight": (4, z, 3, 3, 3), "encoder.conv1.weight": (4, 3, 3, 3, 3),
               "decoder.middle.0.residual.0.gamma": (4, 1, 1, 1), "conv1.weight": (2, 2, 1, 1, 1)}
    for i in range(4):
        s[f"decoder.upsamples.{i}.residual.0.gamma"] = (4, 1, 1, 1)
        s[f"encoder.downsamples.{i}.residual.2.weight"] = (2, 2, 3, 3, 3)
    if z == 48:
        s["decoder.upsamples.0.upsamples.0.residual.2.weight"] = (2, 2, 3, 3, 3)
    return s


def ltx_vae() -> dict:
    s: dict = {"per_channel_statistics.mean-of-means": (128,)}
    for i in range(4):
        s[f"decoder.up_blocks.{i}.res_blocks.0.conv1.conv.weight"] = (2, 2, 3, 3, 3)
        s[f"encoder.down_blocks.{i}.res_blocks.0.conv1.conv.weight"] = (2, 2, 3, 3, 3)
    return s


def clip_vision_h(layers=32) -> dict:
    s: dict = {"vision_model.embeddings.class_embedding": (1280,), "visual_projection.weight": (2, 2)}
    for i in range(layers):
        for n in ("mlp.fc1", "mlp.fc2", "self_attn.q_proj", "self_attn.k_proj", "layer_norm1"):
            s[f"vision_model.encoder.layers.{i}.{n}.weight"] = (2, 2)
    return s


def wan_lora(rank=16, layers=30, kohya=False) -> dict:
    s: dict = {}
    for i in range(layers):
        for a in ("self_attn", "cross_attn"):
            for p in "qkvo":
                if kohya:
                    b = f"lora_unet_blocks_{i}_{a}_{p}"
                    s[f"{b}.lora_down.weight"] = (rank, 2)
                    s[f"{b}.lora_up.weight"] = (2, rank)
                    s[f"{b}.alpha"] = ()
                else:
                    b = f"diffusion_model.blocks.{i}.{a}.{p}"
                    s[f"{b}.lora_A.weight"] = (rank, 2)
                    s[f"{b}.lora_B.weight"] = (2, rank)
    return s


def comfy_folder(root: str) -> dict[str, str]:
    """A ComfyUI folder with one file of each kind in its kind folders; name -> path."""
    m = os.path.join(root, "models")
    files = {
        "wan21_t2v_1.3B": write(os.path.join(m, "diffusion_models", "wan2.1_t2v_1.3B_bf16.safetensors"), wan()),
        "wan21_i2v_14B_fp8": write(os.path.join(m, "diffusion_models", "wan2.1_i2v_480p_14B_fp8_e4m3fn.safetensors"),
                                   wan(5120, 36, 40, i2v=True), "F8_E4M3"),
        "ltx_2b": write(os.path.join(m, "unet", "ltx-video-2b-v0.9.5.safetensors"), ltx(28)),
        "umt5": write(os.path.join(m, "text_encoders", "umt5_xxl_fp8_e4m3fn_scaled.safetensors"),
                      {**t5(umt5=True), "scaled_fp8": (0,)}, "F8_E4M3"),
        "t5": write(os.path.join(m, "clip", "t5xxl_fp16.safetensors"), t5(), "F16"),
        "wan_vae": write(os.path.join(m, "vae", "wan_2.1_vae.safetensors"), wan_vae()),
        "clip_h": write(os.path.join(m, "clip_vision", "clip_vision_h.safetensors"), clip_vision_h(), "F16"),
        "lora": write(os.path.join(m, "loras", "wan_style_lora.safetensors"), wan_lora()),
    }
    return files

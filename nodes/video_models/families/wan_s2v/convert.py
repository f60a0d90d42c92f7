"""Wan S2V's denoiser file read into ``WanS2VTransformer3DModel``: the original layout's names (the
release's shards, Wan-Video/Wan2.2 ``WanModel_S2V``; ComfyUI's ``wan2.2_s2v_14B_*.safetensors``, the
same names under ``model.diffusion_model.``) renamed to diffusers' for the Wan blocks (the same
renames as diffusers' ``convert_wan_transformer_to_diffusers``: self_attn -> attn1, cross_attn ->
attn2, q/k/v/o -> to_q/to_k/to_v/to_out.0, norm3 <-> norm2, ffn.0/2, modulation ->
scale_shift_table) and the audio injector's attentions; the S2V modules keep the release's names.
The config is read from the shapes (attention heads of 128 values, as every released Wan)."""
from __future__ import annotations

import re

from ...base.errors import ModelError

HEAD_DIM = 128
PREFIXES = ("model.diffusion_model.", "diffusion_model.")
S2V_MARK = "casual_audio_encoder.encoder.conv1_local.conv.weight"  # the release's spelling
_BLOCK = (("self_attn.", "attn1."), ("cross_attn.", "attn2."), (".norm3.", ".norm2."),
          ("ffn.0.", "ffn.net.0.proj."), ("ffn.2.", "ffn.net.2."), (".modulation", ".scale_shift_table"))
_TOP = {"text_embedding.0.": "condition_embedder.text_embedder.linear_1.",
        "text_embedding.2.": "condition_embedder.text_embedder.linear_2.",
        "time_embedding.0.": "condition_embedder.time_embedder.linear_1.",
        "time_embedding.2.": "condition_embedder.time_embedder.linear_2.",
        "time_projection.1.": "condition_embedder.time_proj.",
        "head.head.": "proj_out.", "head.modulation": "scale_shift_table"}
_ATTN = {"q": "to_q", "k": "to_k", "v": "to_v", "o": "to_out.0"}
UNUSED = ("motioner.", "zip_motion_out.", "trainable_token_pos_emb", "token_freqs", "freqs")  # not in the release config


def strip(name: str) -> str:
    for p in PREFIXES:
        if name.startswith(p):
            return name[len(p):]
    return name


def rename(name: str) -> str | None:
    """The diffusers-side name of one original-layout tensor (None: a module the released config
    does not build)."""
    k = strip(name)
    if k.startswith(UNUSED):
        return None
    for old, new in _TOP.items():
        if k.startswith(old):
            return new + k[len(old):]
    if k.startswith("blocks."):
        k = k.replace(".norm2.", ".__n3__.")
        for old, new in _BLOCK:
            k = k.replace(old, new)
        k = k.replace(".__n3__.", ".norm3.")
        return re.sub(r"\.attn([12])\.(q|k|v|o)\.", lambda m: f".attn{m[1]}.{_ATTN[m[2]]}.", k)
    if k.startswith("audio_injector.injector."):
        return re.sub(r"^audio_injector\.injector\.(\d+)\.(q|k|v|o)\.",
                      lambda m: f"audio_injector.injector.{m[1]}.{_ATTN[m[2]]}.", k)
    return k


def _dim(shapes: dict, name: str, i: int, path: str) -> int:
    s = shapes.get(name)
    if s is None or len(s) <= i:
        raise ModelError(f"'{path}' has no '{name}': it is not a Wan S2V denoiser Studio can read")
    return int(s[i])


def _count(shapes: dict, prefix: str) -> int:
    return len({k[len(prefix):].split(".", 1)[0] for k in shapes if k.startswith(prefix)})


def inject_layers(n_inject: int, layers: int, path: str) -> list[int]:
    """The blocks the audio is injected after: the release's twelve of forty; one per block when the
    file has as many injectors as blocks; another count cannot be told from the shapes."""
    if n_inject == len(RELEASED) and layers == 40:
        return list(RELEASED)
    if n_inject == layers:
        return list(range(layers))
    raise ModelError(f"'{path}' is a Wan S2V denoiser of {layers} blocks with {n_inject} audio injectors: which "
                     "blocks they follow cannot be read from its shapes (the released 14B injects after 12 of 40)")


def config_from_shapes(shapes: dict, path: str) -> dict:
    """WanS2VTransformer3DModel's config from an original-layout file's shapes (names without prefix)."""
    dim, in_ch, pt, ph, pw = (_dim(shapes, "patch_embedding.weight", i, path) for i in range(5))
    if dim % HEAD_DIM:
        raise ModelError(f"'{path}' is a Wan S2V denoiser {dim} wide, not a whole number of {HEAD_DIM}-value heads "
                         "as the released model")
    layers = _count(shapes, "blocks.")
    local = _dim(shapes, S2V_MARK, 0, path)
    return {"patch_size": [pt, ph, pw], "num_attention_heads": dim // HEAD_DIM, "attention_head_dim": HEAD_DIM,
            "in_channels": in_ch, "out_channels": _dim(shapes, "head.head.weight", 0, path) // (pt * ph * pw),
            "text_dim": _dim(shapes, "text_embedding.0.weight", 1, path),
            "freq_dim": _dim(shapes, "time_embedding.0.weight", 1, path),
            "ffn_dim": _dim(shapes, "blocks.0.ffn.0.weight", 0, path), "num_layers": layers,
            "cross_attn_norm": "blocks.0.norm3.weight" in shapes,
            "audio_dim": _dim(shapes, S2V_MARK, 1, path),
            "audio_layers": _dim(shapes, "casual_audio_encoder.weights", 1, path),
            "num_audio_token": local // (dim // 4),
            "audio_inject_layers": inject_layers(_count(shapes, "audio_injector.injector."), layers, path),
            "enable_adain": "audio_injector.injector_adain_layers.0.linear.weight" in shapes,
            "cond_dim": _dim(shapes, "cond_encoder.weight", 1, path) if "cond_encoder.weight" in shapes else 0}


RELEASED = (0, 4, 8, 12, 16, 20, 24, 27, 30, 33, 36, 39)


def load_s2v(path: str, torch_dtype, wf=None):
    """(WanS2VTransformer3DModel, config) from an original-layout S2V file, the tensors renamed in the
    file's header and read by Studio's lean loader (files/single_file.lean_load: built on the meta device,
    each tensor read into it once; bf16 / fp16 / fp32 cast to the load dtype, fp8 and ComfyUI's scaled fp8
    kept in 8 bits and cast per layer as it runs). Refused before any allocation when the file is not an
    S2V denoiser, is GGUF, or its tensors do not fill the model its shapes describe."""
    import dataclasses

    from accelerate import init_empty_weights

    from ...files.single_file import lean_load
    from ...files.weight_formats import read_weight_file
    from .model import WanS2VTransformer3DModel
    wf = wf or read_weight_file(path)
    if wf.kind != "safetensors":
        raise ModelError(f"'{path}' is {wf.fmt}: Studio reads Wan S2V's .safetensors files (ComfyUI's "
                         "wan2.2_s2v_14B_bf16 or _fp8_scaled), not GGUF, so far")
    names = {strip(k): k for k in wf.tensors}
    if S2V_MARK not in names:
        raise ModelError(f"'{path}' is not a Wan S2V denoiser (it has no causal audio encoder)")
    cfg = config_from_shapes({k: wf.tensors[v].shape for k, v in names.items()}, path)
    with init_empty_weights():
        want = {k: tuple(v.shape) for k, v in WanS2VTransformer3DModel(**cfg).state_dict().items()}
    mapping = {new: old for k, old in names.items() if (new := rename(k)) is not None}
    missing = sorted(set(want) - set(mapping))
    extra = sorted(set(mapping) - set(want))
    bad = [k for k in want if k in mapping and want[k] != tuple(wf.tensors[mapping[k]].shape)]
    if missing or extra or bad:
        what = (f"{len(missing)} missing (first '{missing[0]}')" if missing else
                f"{len(extra)} not in the model (first '{extra[0]}')" if extra else f"'{bad[0]}' of another shape")
        raise ModelError(f"'{path}' does not fill a Wan S2V denoiser of its own shapes: {what}")
    named = dataclasses.replace(wf, tensors={new: wf.tensors[old] for new, old in mapping.items()},
                                scales={new: wf.scales[old] for new, old in mapping.items() if old in wf.scales})
    return lean_load(WanS2VTransformer3DModel, cfg, named, torch_dtype), cfg


def original_name(k: str) -> str:
    """The original layout's name of one of the model's tensors (``rename``'s inverse)."""
    for old, new in _TOP.items():
        if k.startswith(new):
            return old + k[len(new):]
    if k.startswith(("blocks.", "audio_injector.injector.")):
        for a, b in (("attn1.", "self_attn."), ("attn2.", "cross_attn."), ("ffn.net.0.proj.", "ffn.0."),
                     ("ffn.net.2.", "ffn.2."), (".scale_shift_table", ".modulation"), ("to_out.0.", "o."),
                     ("to_q.", "q."), ("to_k.", "k."), ("to_v.", "v.")):
            k = k.replace(a, b)
        if k.startswith("blocks."):
            k = k.replace(".norm2.", ".__x__.").replace(".norm3.", ".norm2.").replace(".__x__.", ".norm3.")
    return k


def original_state(model, prefix: str = "") -> dict:
    """The model's weights under the original layout's names (ComfyUI's files: ``prefix``
    'model.diffusion_model.'), each checked to rename back to itself."""
    out = {}
    for k, v in model.state_dict().items():
        o = original_name(k)
        assert rename(o) == k, (k, o)
        out[prefix + o] = v.detach().clone().contiguous()
    return out

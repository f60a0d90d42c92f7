"""SeedVR2 DiT files: the config read from a safetensors header's shapes, the file checked before
anything is allocated, the model built on the meta device and its tensors assigned.

Files read: numz/SeedVR2_comfyUI's ``seedvr2_ema_3b_fp16.safetensors`` / ``seedvr2_ema_7b_fp16.safetensors``
(the release's names as they are) and ComfyUI's converted files (the same names, perhaps under
``model.diffusion_model.``, with the release's text embeddings as two more tensors,
``positive_conditioning`` [58, 5120] and ``negative_conditioning`` [64, 5120]: the names ComfyUI's
comfy/ldm/seedvr/model.py registers them under, read here as data). The per-block
``attn.rope.rope.freqs`` buffers are computed, not read. ComfyUI's int8 'convrot' files
(``seedvr2_3b_int8_convrot.safetensors``) are read through the video models' int8 reader
(nodes/video_models/files/comfy_int8.py): each quantised layer is made plain in the run's dtype as it
is read, one layer at a time, so the load holds the int8 file's bytes and the plain model, no more."""
from __future__ import annotations

from studio.engine.meta_device import meta_device

import os
import re

from studio.core.errors import ModelError
from studio.core.safetensors_header import read_safetensors_header, refuse_pickle

from .dit import CONFIG_3B, CONFIG_7B

PREFIXES = ("model.diffusion_model.", "diffusion_model.", "model.", "module.")
TEXT_KEYS = ("positive_conditioning", "negative_conditioning")
DROPPED = re.compile(r".*\.rope\.rope\.(freqs|dummy|cached_freqs)$")
NEEDED = ("vid_in.proj.weight", "txt_in.weight", "emb_in.proj_out.weight", "vid_out.proj.weight",
          "blocks.0.attn.norm_q.")


def strip_prefix(names) -> str:
    names = list(names)
    for p in PREFIXES:
        if names and all(n.startswith(p) or n in TEXT_KEYS or n == "__metadata__" for n in names) \
                and any(n.startswith(p) for n in names):
            return p
    return ""


def header_shapes(path: str) -> tuple[dict, dict]:
    """({name: shape}, {name: safetensors dtype}) of the file, prefix stripped, rope buffers dropped."""
    refuse_pickle(path)
    if not path.lower().endswith((".safetensors", ".sft")):
        raise ModelError(f"SeedVR2 DiT '{path}': Studio reads .safetensors files only")
    header = read_safetensors_header(path)[0]
    p = strip_prefix(k for k in header if k != "__metadata__")
    shapes, dtypes = {}, {}
    for k, v in header.items():
        if k == "__metadata__" or not isinstance(v, dict):
            continue
        name = k[len(p):] if p and k.startswith(p) else k
        if DROPPED.match(name):
            continue
        shapes[name], dtypes[name] = tuple(v.get("shape", ())), v.get("dtype", "")
    return shapes, dtypes


def quantised(shapes: dict, dtypes: dict) -> bool:
    """Whether the file is one of ComfyUI's quantised ones (int8 weights or comfy_quant markers)."""
    return any(k.endswith(".comfy_quant") for k in shapes) or any(d == "I8" for d in dtypes.values())


def check_quantised(path: str, shapes: dict, dtypes: dict) -> None:
    """A quantised file's layers (their markers, scales, rotation groups) checked from its header
    before anything is loaded, by the reader that reads them; nothing for a plain file."""
    if not quantised(shapes, dtypes):
        return
    from nodes.video_models.files.headers import WholeNumberWeights
    from nodes.video_models.files.weight_formats import read_weight_file
    try:
        wf = read_weight_file(path)  # each marked layer's marker, scales and group checked (one INT8 entry each)
        bare = [k for k, t in wf.tensors.items() if t.dtype == "I8" and k.endswith(".weight")]
    except WholeNumberWeights as e:  # an int8 layer with no marker: said as SeedVR2's int8 files are read
        if dtypes.get(e.tensor) != "I8":
            raise
        bare = [k for k, d in dtypes.items() if d == "I8" and k.endswith(".weight")]
    if bare:
        raise ModelError(f"SeedVR2 DiT '{os.path.basename(path)}' holds int8 weights with no comfy_quant marker "
                         f"({len(bare)}, e.g. '{bare[0]}'): Studio cannot tell their scales or rotation, so it reads "
                         "only the int8 files ComfyUI writes (seedvr2_3b_int8_convrot.safetensors)")


def _quant_meta(metadata: dict) -> dict:
    """layer -> its conf from the header's ``_quantization_metadata`` (ComfyUI's other way to mark)."""
    import json
    try:
        layers = json.loads((metadata or {}).get("_quantization_metadata") or "{}").get("layers", {})
    except (ValueError, AttributeError):
        raise ModelError("SeedVR2 DiT: the header's _quantization_metadata is not the JSON ComfyUI writes") from None
    return layers if isinstance(layers, dict) else {}


def _plain_weight(f, key: str, keys: set, meta: dict, dtype, path: str):
    """The tensor ``key`` of the open file, made plain when it is a quantised layer's weight."""
    import json

    from nodes.video_models.files.comfy_int8 import dequantise_state_dict
    layer = key[: -len(".weight")] if key.endswith(".weight") else None
    if layer is None or not (layer + ".comfy_quant" in keys or layer in meta):
        return f.get_tensor(key)
    small = {k: f.get_tensor(k) for k in (key, layer + ".weight_scale", layer + ".weight_scale_2",
                                           layer + ".comfy_quant") if k in keys}
    md = {"_quantization_metadata": json.dumps({"layers": {layer: meta[layer]}})} if layer in meta else None
    return dequantise_state_dict(small, dtype, md, os.path.basename(path))[key]


def config_from_shapes(shapes: dict, path: str = "the file") -> dict:
    """The DiT's config from its tensors' shapes: widths, heads, layers, where the shared ('all')
    blocks start, the MLP kind and the output norm; 'v2' (the 3B's dit_v2 code: SwiGLU, shared
    blocks, 'lang' rotary on video and text) or 'v1' (the 7B's dit code)."""
    missing = [n for n in NEEDED if not any(k.startswith(n) for k in shapes)]
    if missing:
        seen = ", ".join(list(shapes)[:4])
        raise ModelError(f"SeedVR2 DiT '{path}' is not a SeedVR2 DiT file: it lacks {', '.join(missing)} "
                         f"(it holds {seen}...)")
    idx = {int(m.group(1)) for k in shapes if (m := re.match(r"blocks\.(\d+)\.", k))}
    layers = max(idx) + 1
    shared = sorted({int(m.group(1)) for k in shapes if (m := re.match(r"blocks\.(\d+)\..*\.all\.", k))})
    swiglu = any(".proj_in_gate." in k for k in shapes)
    dim, patch_in = shapes["vid_in.proj.weight"]
    hd = shapes.get("blocks.0.attn.norm_q.vid.weight", shapes.get("blocks.0.attn.norm_q.all.weight", (128,)))[0]
    qkv = shapes.get("blocks.0.attn.proj_qkv.vid.weight", shapes.get("blocks.0.attn.proj_qkv.all.weight"))
    out_ch = shapes["vid_out.proj.weight"][0] // 4
    v2 = swiglu or bool(shared) or "vid_out_norm.weight" in shapes
    base = CONFIG_3B if v2 else CONFIG_7B
    return dict(base, vid_dim=dim, vid_in_channels=patch_in // 4, vid_out_channels=out_ch,
                txt_in_dim=shapes["txt_in.weight"][1], head_dim=hd, heads=qkv[0] // (3 * hd),
                num_layers=layers, mm_layers=shared[0] if shared else layers,
                mlp_type="swiglu" if swiglu else "normal", vid_out_norm="vid_out_norm.weight" in shapes,
                rope_dim=hd if v2 else hd // 2,
                qk_bias=any(k.startswith("blocks.0.attn.proj_qkv.") and k.endswith(".bias") for k in shapes))


def variant(config: dict) -> str:
    return "3B" if config["arch"] == "v2" else "7B"


def load_dit(path: str, dtype, device="cpu"):
    """(the model in eval mode, {'positive': [L, 5120], 'negative': ...} or {} when the file holds no
    text embeddings). Checked from the header first; every tensor the model needs must be there."""
    import torch
    from safetensors import safe_open

    from .dit import SeedVR2DiT
    shapes, dtypes = header_shapes(path)
    config = config_from_shapes(shapes, os.path.basename(path))
    with meta_device():
        model = SeedVR2DiT(config)
    wanted = model.state_dict()
    missing = [k for k in wanted if k not in shapes]
    wrong = [k for k in wanted if k in shapes and tuple(wanted[k].shape) != shapes[k]]
    if missing or wrong:
        raise ModelError(f"SeedVR2 DiT '{os.path.basename(path)}' ({variant(config)} by its shapes) does not match: "
                         + (f"{len(missing)} tensors missing (e.g. {missing[0]}) " if missing else "")
                         + (f"{len(wrong)} of another shape (e.g. {wrong[0]})" if wrong else ""))
    state, text = {}, {}
    with safe_open(path, framework="pt", device="cpu") as f:
        keys = set(f.keys())
        p = strip_prefix(keys)
        meta = _quant_meta(f.metadata()) if quantised(shapes, dtypes) else {}
        for key in f.keys():
            name = key[len(p):] if p and key.startswith(p) else key
            if name in wanted:
                state[name] = _plain_weight(f, key, keys, meta, dtype, path).to(device=device, dtype=dtype)
            elif name.split(".")[-1] in TEXT_KEYS:
                text[name.split(".")[-1].split("_")[0]] = f.get_tensor(key).float()
    model.load_state_dict(state, strict=True, assign=True)
    for m in model.modules():  # the non-persistent rotary frequencies, made again off the meta device
        if hasattr(m, "rope_freqs"):
            from .dit import rope_base_freqs
            m.rope_freqs = rope_base_freqs(config["rope_dim"] // 3, "lang" if config["arch"] == "v2" else "pixel")
    return model.eval().requires_grad_(False), text

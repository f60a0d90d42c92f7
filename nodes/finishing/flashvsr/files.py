"""FlashVSR's four files found and read: the DiT (a Wan 2.1 T2V denoiser in the original layout, the
release's ``diffusion_pytorch_model_streaming_dmd.safetensors`` or kijai's
``Wan2_1-T2V-1_3B_FlashVSR_*.safetensors``, ComfyUI's ``model.diffusion_model.`` prefix allowed), the
low-resolution projection (``LQ_proj_in.ckpt`` / ``.safetensors``, an ``LQ_proj_in.`` prefix allowed;
or the DiT file's own ``LQ_proj_in.*`` tensors), the tiny conditional decoder (``TCDecoder.ckpt``,
kijai's ``Wan2_1_FlashVSR_TCDecoder_*.safetensors``) and the fixed prompt's embedding
(``posi_prompt.pth``, a single tensor [1, L, 4096], or a .safetensors holding one).

Every .safetensors header is read and checked before anything is loaded; a torch file (.ckpt / .pth)
is read only through ``studio.engine.torch_zip`` (never unpickled) and checked before a model is built.
Each problem is one :class:`FlashVSRError` naming the node, the file and what is wrong."""
from __future__ import annotations

import os

from studio.core.errors import StudioError

NODE = "FlashVSR Upscale"
HEAD_DIM = 128  # every released Wan's attention heads
DIT_PREFIXES = ("model.diffusion_model.", "diffusion_model.")
LQ_PREFIX = "LQ_proj_in."


class FlashVSRError(StudioError):
    pass


def find(name: str, base_dir, folders: tuple[str, ...], param: str, example: str) -> str:
    from studio.core.limits import regular_file_problem
    from studio.core.models import model_dirs, resolve
    if not (name or "").strip():
        raise FlashVSRError(f"{NODE}: no file chosen for '{param}': set it to a file in a models folder's "
                            f"{' or '.join(f + '/' for f in folders)}, e.g. {example}")
    path = resolve(name, base_dir, None, folders=folders)
    if path is None:
        raise FlashVSRError(f"{NODE}: '{param}' file '{name}' not found: looked beside the graph and in "
                            f"{', '.join(model_dirs()) or 'no models folder'} (and their "
                            f"{', '.join(f + '/' for f in folders)}). Studio never downloads.")
    why = regular_file_problem(path)
    if why:
        raise FlashVSRError(f"{NODE}: '{param}' file '{path}': {why}")
    return path


def _header_shapes(path: str, what: str) -> dict:
    from studio.core.safetensors_header import read_safetensors_header
    try:
        header = read_safetensors_header(path)[0]
    except Exception as e:  # noqa: BLE001 - any unreadable header is said in words
        raise FlashVSRError(f"{NODE}: the {what} '{path}' cannot be read as .safetensors ({e})") from None
    return {k: tuple(v["shape"]) for k, v in header.items() if k != "__metadata__" and isinstance(v, dict)}


def _torch_file(path: str, what: str, one_tensor: bool = False):
    from studio.engine.torch_zip import TorchFileError, read_torch_file
    try:
        return read_torch_file(path, what=f"the {what}", one_tensor=one_tensor)
    except TorchFileError as e:
        raise FlashVSRError(f"{NODE}: {e}") from None


def dit_plan(path: str) -> tuple[dict, dict, dict]:
    """(WanTransformer3DModel's config, {diffusers name: file name}, the file's LQ-projection shapes
    {name: shape}) from the DiT file's header alone."""
    from nodes.video_models.families.wan_s2v.convert import rename
    if not path.endswith(".safetensors"):
        raise FlashVSRError(f"{NODE}: the DiT '{path}' is not a .safetensors file (the release's "
                            "diffusion_pytorch_model_streaming_dmd.safetensors is)")
    shapes = _header_shapes(path, "DiT")
    lq = {k[len(LQ_PREFIX):]: v for k, v in shapes.items() if k.startswith(LQ_PREFIX)}
    names = {}
    for k in shapes:
        if k.startswith(LQ_PREFIX):
            continue
        s = next((k[len(p):] for p in DIT_PREFIXES if k.startswith(p)), k)
        names[s] = k
    need = ("patch_embedding.weight", "blocks.0.self_attn.q.weight", "blocks.0.ffn.0.weight",
            "text_embedding.0.weight", "time_embedding.0.weight", "head.head.weight")
    missing = [n for n in need if n not in names]
    if missing:
        raise FlashVSRError(f"{NODE}: '{os.path.basename(path)}' is not a Wan 2.1 DiT in the original layout "
                            f"(no '{missing[0]}'): choose the FlashVSR DiT "
                            "(diffusion_pytorch_model_streaming_dmd.safetensors)")
    pe = shapes[names["patch_embedding.weight"]]
    dim = pe[0]
    if len(pe) != 5 or dim % HEAD_DIM or tuple(pe[2:]) != (1, 2, 2):
        raise FlashVSRError(f"{NODE}: '{os.path.basename(path)}' has a patch embedding of shape {list(pe)}, not "
                            "Wan 2.1's (width a multiple of 128, patches 1x2x2)")
    if any(k.startswith(("img_emb.", "blocks.0.cross_attn.k_img")) for k in names):
        raise FlashVSRError(f"{NODE}: '{os.path.basename(path)}' is an image-to-video Wan DiT; FlashVSR's is "
                            "text-to-video 1.3B")
    layers = 1 + max(int(k.split(".")[1]) for k in names if k.startswith("blocks."))
    out = shapes[names["head.head.weight"]][0] // 4
    cfg = {"patch_size": (1, 2, 2), "num_attention_heads": dim // HEAD_DIM, "attention_head_dim": HEAD_DIM,
           "in_channels": pe[1], "out_channels": out, "text_dim": shapes[names["text_embedding.0.weight"]][1],
           "freq_dim": shapes[names["time_embedding.0.weight"]][1],
           "ffn_dim": shapes[names["blocks.0.ffn.0.weight"]][0], "num_layers": layers}
    mapping = {}
    for s, k in names.items():
        new = rename(s)
        if new is not None:
            mapping[new] = k
    return cfg, mapping, lq


def load_dit(path: str, cfg: dict, mapping: dict, dtype, device):
    from accelerate import init_empty_weights
    from diffusers import WanTransformer3DModel
    from safetensors import safe_open
    with init_empty_weights():
        model = WanTransformer3DModel(**cfg)
    want = model.state_dict()
    missing = sorted(set(want) - set(mapping))
    extra = sorted(set(mapping) - set(want))
    if missing or extra:
        what = f"{len(missing)} missing (first '{missing[0]}')" if missing else f"'{extra[0]}' not in Wan 2.1's DiT"
        raise FlashVSRError(f"{NODE}: '{os.path.basename(path)}' does not fill a Wan 2.1 DiT of its own shapes: {what}")
    sd = {}
    with safe_open(path, framework="pt") as f:
        for new, old in mapping.items():
            t = f.get_tensor(old)
            if tuple(t.shape) != tuple(want[new].shape):
                raise FlashVSRError(f"{NODE}: '{os.path.basename(path)}': '{old}' is {list(t.shape)}, the model "
                                    f"its other shapes describe wants {list(want[new].shape)}")
            sd[new] = t.to(device, dtype)
    model.load_state_dict(sd, assign=True)
    return model.eval().requires_grad_(False)


def _tensors(path: str, what: str) -> dict:
    if path.endswith(".safetensors"):
        from safetensors.torch import load_file
        return load_file(path)
    sd = _torch_file(path, what)
    if not isinstance(sd, dict):
        raise FlashVSRError(f"{NODE}: the {what} '{path}' holds no state dict of tensors")
    return sd


def lq_state(path: str | None, dit_path: str, dit_lq: dict) -> tuple[dict, str]:
    """The LQ projection's tensors (prefix stripped) and where they came from."""
    if path is None:
        if not dit_lq:
            raise FlashVSRError(f"{NODE}: no 'lq_projection' file chosen and the DiT '{os.path.basename(dit_path)}' "
                                "holds none: set it to LQ_proj_in.ckpt (or kijai's "
                                "Wan2_1_FlashVSR_LQ_proj_model_bf16.safetensors)")
        from safetensors import safe_open
        with safe_open(dit_path, framework="pt") as f:
            return {k: f.get_tensor(LQ_PREFIX + k) for k in dit_lq}, f"the DiT file's ({os.path.basename(dit_path)})"
    if path.endswith(".safetensors"):
        shapes = _header_shapes(path, "LQ projection")
        _lq_check({k.removeprefix(LQ_PREFIX): v for k, v in shapes.items()}, path)
    sd = {k.removeprefix(LQ_PREFIX): v for k, v in _tensors(path, "LQ projection").items()}
    return sd, f"'{os.path.basename(path)}'"


def _lq_check(shapes: dict, path: str) -> dict:
    from .lq_proj import config_from_shapes
    try:
        return config_from_shapes(shapes)
    except (KeyError, ValueError, IndexError) as e:
        why = f"no '{e.args[0]}'" if isinstance(e, KeyError) else str(e)
        raise FlashVSRError(f"{NODE}: '{os.path.basename(path)}' is not FlashVSR's LQ projection ({why})") from None


def build_lq(sd: dict, path: str, version: str, dim: int, device, dtype):
    from .lq_proj import LQProjection
    cfg = _lq_check({k: tuple(v.shape) for k, v in sd.items()}, path)
    if cfg["out_dim"] != dim:
        raise FlashVSRError(f"{NODE}: the LQ projection '{os.path.basename(path)}' makes {cfg['out_dim']} values a "
                            f"token, the DiT takes {dim}")
    m = LQProjection(**cfg, version=version)
    m.load_state_dict(sd, strict=True)
    return m.eval().requires_grad_(False).to(device, dtype)


def build_decoder(path: str, latent_channels: int, device, dtype):
    from .tc_decoder import COND_CHANNELS, TCDecoder, config_from_shapes
    if path.endswith(".safetensors"):
        config_from_shapes(_header_shapes(path, "TCDecoder"))
    sd = _tensors(path, "TCDecoder")
    try:
        cfg = config_from_shapes({k: tuple(v.shape) for k, v in sd.items()})
    except ValueError as e:
        raise FlashVSRError(f"{NODE}: '{os.path.basename(path)}' is not FlashVSR's TCDecoder ({e})") from None
    if cfg["latent_channels"] != latent_channels + COND_CHANNELS:
        raise FlashVSRError(f"{NODE}: the TCDecoder '{os.path.basename(path)}' takes {cfg['latent_channels']} "
                            f"channels, the DiT's {latent_channels} latent channels + 768 of the clip are wanted")
    m = TCDecoder(**cfg)
    try:
        m.load_state_dict(sd, strict=True)
    except RuntimeError as e:
        raise FlashVSRError(f"{NODE}: '{os.path.basename(path)}' does not fill the TCDecoder its shapes describe "
                            f"({str(e).splitlines()[0]})") from None
    return m.eval().requires_grad_(False).to(device, dtype)


def prompt_embedding(path: str, text_dim: int):
    """The fixed prompt's embedding [1, L, text_dim]."""
    import torch
    if path.endswith(".safetensors"):
        shapes = _header_shapes(path, "prompt embedding")
        keys = [k for k, s in shapes.items() if s and s[-1] == text_dim and len(s) in (2, 3)]
        if len(keys) != 1:
            raise FlashVSRError(f"{NODE}: '{os.path.basename(path)}' holds {len(keys)} tensors of {text_dim} values a "
                                "token; one is wanted (the release's posi_prompt.pth [1, 512, 4096])")
        from safetensors import safe_open
        with safe_open(path, framework="pt") as f:
            t = f.get_tensor(keys[0])
    else:
        t = _torch_file(path, "prompt embedding", one_tensor=True)
        if isinstance(t, dict) and len(t) == 1:
            t = next(iter(t.values()))
    if not isinstance(t, torch.Tensor) or t.dim() not in (2, 3) or t.shape[-1] != text_dim:
        raise FlashVSRError(f"{NODE}: '{os.path.basename(path)}' is not a prompt embedding of {text_dim} values a "
                            "token (the release's posi_prompt.pth)")
    return (t if t.dim() == 3 else t[None]).float()

"""Wan 2.2 from ComfyUI's files: the A14B's two experts (a high-noise and a low-noise denoiser
file, as ComfyUI's two UNETLoaders take them) checked to be one architecture on their headers,
told apart by their names (else by their slots: 'model' the high-noise one), and switched at the
released model's boundary (Studio's data, wan/part_configs.WAN22_BOUNDARY); and the TI2V-5B VAE's
original tensor names (the Wan 2.2 repository's ``vae2_2``: residual down and up blocks) renamed to
diffusers', which diffusers' single-file converter does not do (it reads Wan 2.1's VAE only).

Headers only until a load: nothing here allocates a model. diffusers is passed in."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

from ...base.experts import role
from . import part_configs as pc
from ...base.errors import ModelError
from ...files.weight_formats import WeightFile, check_single_file

TASK_TITLES = {"t2v": "T2V", "i2v": "I2V", "vace": "VACE"}


@dataclass(frozen=True)
class Experts:
    high: WeightFile  # -> the pipeline's transformer (the steps above the boundary)
    low: WeightFile  # -> transformer_2
    task: str  # 't2v', 'i2v', 'vace'
    ratio: float  # the pipeline's boundary_ratio
    told: str  # how the two were told apart

    @property
    def words(self) -> str:
        return self.said(f"boundary ratio {self.ratio} (Wan 2.2 A14B {TASK_TITLES[self.task]}'s, Studio's data)")

    def said(self, boundary: str) -> str:
        return (f"two experts: high noise '{os.path.basename(self.high.path)}', low noise "
                f"'{os.path.basename(self.low.path)}' ({self.told}); switched at {boundary}")

    @property
    def short(self) -> str:
        return f"two experts (high / low noise), boundary {self.ratio}"


def diffusers_shapes(diffusers, wf: WeightFile) -> dict:
    """A Wan denoiser file's shapes under diffusers' names (diffusers' converter run on shapes)."""
    from ...files.single_file import renamed
    named = wf
    if "condition_embedder.time_proj.weight" not in wf.tensors:
        named = renamed(diffusers.WanTransformer3DModel, {}, wf, shapes_only=True)
        if named is None:
            raise ModelError(f"'{wf.path}' is a Wan denoiser in a layout diffusers' converter does more than rename")
    return {k: tuple(v.shape) for k, v in named.tensors.items()}


def _differ(a: dict, b: dict, pa: str, pb: str) -> None:
    """Refused, naming both files and their first differing tensor, unless ``a`` and ``b`` (name ->
    shape) are one architecture."""
    diff = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    if not diff:
        return
    k = diff[0]
    held = (lambda s, p: f"{list(s)} in '{os.path.basename(p)}'" if s is not None
            else f"not in '{os.path.basename(p)}'")
    raise ModelError(f"the two experts '{pa}' and '{pb}' are not one architecture: '{k}' is {held(a.get(k), pa)} but "
                     f"{held(b.get(k), pb)} ({len(diff)} of {len(a.keys() | b.keys())} tensors differ). Give the "
                     "high-noise and the low-noise files of one Wan 2.2 A14B model")


def _task(cfg: dict, cls_name: str, path: str) -> str:
    if "image_dim" in cfg:
        raise ModelError(f"'{path}' is a Wan 2.1 image-to-video denoiser (it reads CLIP image tokens), which is one "
                         "model: a second denoiser file ('model_2') is for Wan 2.2 A14B's low-noise expert")
    if cfg.get("out_channels") == 48:
        raise ModelError(f"'{path}' is a Wan 2.2 TI2V-5B denoiser (48 latent channels), which is one model: a second "
                         "denoiser file ('model_2') is for Wan 2.2 A14B's low-noise expert")
    if cls_name == "WanVACETransformer3DModel":
        return "vace"
    return "i2v" if cfg.get("in_channels") != cfg.get("out_channels") else "t2v"


def check_experts(diffusers, fam, first: WeightFile, second: str | WeightFile | None,
                  cfg: dict | None = None) -> Experts | None:
    """The two experts of a Wan 2.2 A14B from ``first`` ('model') and the file ``second`` ('model_2'; its
    WeightFile where a VACE module is merged beside it, files/module_merge.py), checked on their headers before
    anything is allocated: both Wan, one architecture (every
    tensor's shape under diffusers' names), not the same file; which is which from their names,
    else by the slot. ``cfg`` (the first's config when no folder gives one): a lone Wan 2.2 I2V
    expert is refused (it samples only with its partner; a HuMo file, of the same shapes, is one model).
    None without a second file."""
    if not second:
        humo = any("audio_cross_attn_wrapper." in k for k in first.tensors)  # HuMo 17B: I2V's shapes, one file
        if cfg is not None and cfg.get("in_channels") != cfg.get("out_channels") and "image_dim" not in cfg \
                and not humo:
            raise ModelError(f"'{first.path}' is a Wan 2.2 A14B image-to-video expert: it samples with its partner. "
                             "Set 'model_2' to the other expert's file (ComfyUI's ..._high_noise_... and "
                             "..._low_noise_... files)")
        return None
    given, second = (second, second.path) if isinstance(second, WeightFile) else (None, second)
    fam.one_denoiser(first.path, second)
    try:
        same = os.path.samefile(first.path, second)
    except OSError:
        same = False
    if same:
        raise ModelError(f"'{second}' is given as both experts ('model' and 'model_2'): give the high-noise and the "
                         "low-noise files")
    try:
        fam2, wf2 = check_single_file(second)
    except ModelError as e:
        raise ModelError(f"the second expert ('model_2'): {e}") from None
    if fam2.key != "wan":
        raise ModelError(f"the second expert '{second}' is a {fam2.title} denoiser, but '{first.path}' is Wan's")
    wf2 = given or wf2  # (with its VACE module's tensors)
    a, b = diffusers_shapes(diffusers, first), diffusers_shapes(diffusers, wf2)
    _differ(a, b, first.path, second)
    cls_name, own = pc.wan_transformer(a, first.path)
    task = _task(own, cls_name, first.path)
    r1, r2 = role(first.path), role(second)
    if r1 and r1 == r2:
        raise ModelError(f"both experts' names say {r1} noise ('{os.path.basename(first.path)}', "
                         f"'{os.path.basename(second)}'): give one high-noise and one low-noise file")
    swap = r1 == "low" or r2 == "high"
    named = [(r, p) for r, p in ((r1, first.path), (r2, second)) if r]
    told = ("their names say so" if len(named) == 2 else
            f"'{os.path.basename(named[0][1])}'s name says {named[0][0]} noise" if named else
            "by their slots: 'model' the high-noise expert, 'model_2' the low-noise one")
    if swap:
        told += "; given the other way round, swapped"
    high, low = (wf2, first) if swap else (first, wf2)
    return Experts(high, low, task, pc.WAN22_BOUNDARY[task], told)


def folder_experts(diffusers, index: dict, base: str, fam, experts: Experts, torch_dtype, info) -> dict:
    """The low-noise expert loaded against the base folder's denoiser config, as from_pretrained's
    keyword arguments (with the boundary, unless the folder has its own); ``index`` says so."""
    from ...files.single_file import load_denoiser
    low, _, how = load_denoiser(diffusers, index, base, fam, experts.low, torch_dtype)
    out = {"transformer_2": low}
    own = index.get("boundary_ratio")
    if own is None:
        out["boundary_ratio"] = experts.ratio
    info(experts.words if own is None else experts.said(f"the base folder's boundary ratio {own}"))
    info(f"low-noise expert weights: {how}")
    index["transformer_2"] = ["diffusers", index[fam.denoiser][1]]
    index.setdefault("boundary_ratio", experts.ratio)
    return out


# -- the TI2V-5B VAE ---------------------------------------------------------------------------
_RES = {"residual.0.gamma": "norm1.gamma", "residual.2.weight": "conv1.weight", "residual.2.bias": "conv1.bias",
        "residual.3.gamma": "norm2.gamma", "residual.6.weight": "conv2.weight", "residual.6.bias": "conv2.bias",
        "shortcut.weight": "conv_shortcut.weight", "shortcut.bias": "conv_shortcut.bias"}
_TOP = {"conv1.weight": "quant_conv.weight", "conv1.bias": "quant_conv.bias", "conv2.weight": "post_quant_conv.weight",
        "conv2.bias": "post_quant_conv.bias"}
_HEAD = {"conv1": "conv_in", "head.0": "norm_out", "head.2": "conv_out", "middle.1": "mid_block.attentions.0"}


def _vae22_name(k: str) -> str | None:
    """diffusers' name of one Wan 2.2 VAE tensor in the original names (None: not one of them)."""
    if k in _TOP:
        return _TOP[k]
    m = re.fullmatch(r"(encoder|decoder)\.(conv1|head\.0|head\.2|middle\.1)\.(.+)", k)
    if m:
        return f"{m[1]}.{_HEAD[m[2]]}.{m[3]}"
    m = re.fullmatch(r"(encoder|decoder)\.middle\.([02])\.(.+)", k)
    if m and m[3] in _RES:
        return f"{m[1]}.mid_block.resnets.{int(m[2]) // 2}.{_RES[m[3]]}"
    m = re.fullmatch(r"(encoder\.down|decoder\.up)samples\.(\d+)\.(?:down|up)samples\.(\d+)\.(.+)", k)
    if m:
        blocks = "encoder.down_blocks" if m[1] == "encoder.down" else "decoder.up_blocks"
        if m[4] in _RES:
            return f"{blocks}.{m[2]}.resnets.{m[3]}.{_RES[m[4]]}"
        if m[4].startswith(("resample.", "time_conv.")):
            return f"{blocks}.{m[2]}.{'downsampler' if m[1] == 'encoder.down' else 'upsampler'}.{m[4]}"
    return None


def vae22_renamed(wf: WeightFile) -> WeightFile:
    """A Wan 2.2 VAE file in the Wan repository's names (ComfyUI's ``wan2.2_vae.safetensors``) under
    diffusers' ``AutoencoderKLWan`` names (is_residual), as diffusers' conversion script names them;
    a name it does not know is refused, naming it."""
    out, scales = {}, {}
    for k, v in wf.tensors.items():
        n = _vae22_name(k)
        if n is None:
            raise ModelError(f"'{wf.path}': '{k}' is not a tensor of the Wan 2.2 VAE's original layout that Studio "
                             "can rename")
        out[n] = v
        if k in wf.scales:
            scales[n] = wf.scales[k]
    return WeightFile(wf.path, wf.kind, out, scales, wf.data_start, wf.aside)

"""ComfyUI's int8 layers ('int8_tensorwise', plain and 'convrot'; issue 56): files written here by a
quantiser of this test's own (the regular Hadamard matrix built entry by entry from its base-4
digits, not by Kronecker products; comfy-kitchen's row-wise formula), then read through Studio's
readers: the weights come back within int8 rounding of the fp32 originals and equal to the test's
own dequantisation, an Int8Linear's output equals a plain Linear's with those weights, a whole
state dict is made plain, and malformed files (a scale of the wrong shape, a missing scale, an int8
weight with no marker, a group that is no power of 4) are refused in words before any read."""
from __future__ import annotations

import functools
import json

import pytest
import torch
from safetensors.torch import save_file

from nodes.video_models.base.errors import ModelError
from nodes.video_models.files import comfy_int8, single_file
from nodes.video_models.files.weight_formats import read_weight_file

H4 = [[1, 1, 1, -1], [1, 1, -1, 1], [1, -1, 1, 1], [-1, 1, 1, 1]]


# ---- the test's own writer ---------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def regular_hadamard(n: int) -> torch.Tensor:
    """H[i, j] = prod over the base-4 digits (i_d, j_d) of H4[i_d][j_d], over sqrt(n)."""
    digits = round(torch.log2(torch.tensor(float(n))).item() / 2)
    h = torch.empty(n, n, dtype=torch.float64)
    for i in range(n):
        for j in range(n):
            v = 1
            for d in range(digits):
                v *= H4[(i >> (2 * d)) & 3][(j >> (2 * d)) & 3]
            h[i, j] = v
    return h / n ** 0.5


def int8_convrot(w: torch.Tensor, group: int):
    """(int8 [R, C], fp32 scale [R, 1], the weight they hold in fp64) of ``w``, as comfy-kitchen's
    quantize_int8_convrot_weight: rows rotated by groups (W·Hᵀ), then s = max|row| / 127,
    q = round(w / s) clamped; ``group`` 0: not rotated."""
    w = w.double()
    rows, cols = w.shape
    if group:
        h = regular_hadamard(group)
        w = (w.reshape(rows, cols // group, group) @ h.T).reshape(rows, cols)
    s = (w.abs().amax(-1, keepdim=True) / 127.0).clamp(min=1e-30)
    q = torch.round(w / s).clamp(-128, 127)
    held = q * s
    if group:  # H is symmetric and orthogonal: W = W_rot·Hᵀ
        held = (held.reshape(rows, cols // group, group) @ h.T).reshape(rows, cols)
    return q.to(torch.int8), s.float(), held


def mark(group: int, nested: bool = False) -> torch.Tensor:
    conf = {"format": "int8_tensorwise"}
    if group:
        rot = {"convrot": True, "convrot_groupsize": group}
        conf.update({"params": rot} if nested else rot)
    return torch.tensor(list(json.dumps(conf).encode()), dtype=torch.uint8)


def write_int8(state: dict, path: str, which, group: int = 256) -> dict:
    """``state`` as ComfyUI's int8 file: the weights ``which(name, t)`` picks int8 (rotated by
    ``group`` where their width allows, as ComfyUI's writer does), the rest bf16. Returns the
    weights the file holds, in fp64."""
    out, held = {}, {}
    for k, v in state.items():
        if not which(k, v):
            out[k] = v.to(torch.bfloat16).contiguous()
            held[k] = out[k].double()
            continue
        layer = k[: -len(".weight")]
        g = group if v.shape[1] % max(group, 1) == 0 else 0
        out[k], out[layer + ".weight_scale"], held[k] = int8_convrot(v, g)
        out[layer + ".comfy_quant"] = mark(g)
    save_file(out, path)
    return held


# ---- the format --------------------------------------------------------------------------------

def test_hadamard_is_the_regular_one_and_undoes_itself():
    for n in (4, 16, 64, 256):
        h = comfy_int8.hadamard(n, torch.float64)
        assert torch.equal(h, regular_hadamard(n))
        assert torch.allclose(h @ h, torch.eye(n, dtype=torch.float64), atol=1e-12)  # symmetric, orthogonal
    with pytest.raises(ValueError):
        comfy_int8.hadamard(128)  # a power of 2 but not of 4: no regular Hadamard of this kind


@pytest.mark.parametrize("group,nested", [(256, False), (16, True), (0, False)])
def test_a_layer_reads_back_within_int8_rounding(tmp_path, group, nested):
    torch.manual_seed(0)
    w = torch.randn(24, 512)
    q, s, held = int8_convrot(w, group)
    f = str(tmp_path / "one.safetensors")
    save_file({"l.weight": q, "l.weight_scale": s, "l.comfy_quant": mark(group, nested), "l.bias": torch.ones(24)}, f)
    wf = read_weight_file(f)
    info = wf.tensors["l.weight"]
    assert (info.dtype, info.shape, info.group) == ("INT8", (24, 512), group)
    assert wf.fmt.startswith("int8 convrot mixed" if group else "int8 mixed")
    with open(f, "rb") as fh:
        back = comfy_int8.dequantise(single_file.read_tensor(fh, wf, "l.weight"), torch.float32)
    assert torch.allclose(back.double(), held, atol=1e-5)  # the test's own dequantisation
    # int8 rounding: half a step of the row's scale per weight, spread by the rotation (orthogonal:
    # a row's error norm is kept), so the row's error norm is at most sqrt(C)/2 steps
    err = (back.double() - w.double()).norm(dim=1)
    assert (err <= s.double().reshape(-1) * (512 ** 0.5) / 2 + 1e-6).all()
    assert float((back - w).abs().max() / w.abs().max()) < 0.05


def test_an_int8_linear_computes_what_a_plain_linear_does():
    torch.manual_seed(1)
    lin = torch.nn.Linear(256, 40)
    w8 = comfy_int8.quantise(lin.weight.detach(), 256)
    bias = lin.bias.detach().clone()
    model = torch.nn.Sequential(lin)
    comfy_int8.install(model, "0.weight", w8, "test")
    layer = model[0]
    assert isinstance(layer, comfy_int8.Int8Linear) and layer.weight.dtype == torch.int8
    model.to(torch.bfloat16)  # a model-wide cast leaves the int8 weight and its fp32 scales as they were
    assert layer.weight.dtype == torch.int8 and torch.equal(layer.weight_scale.view(torch.float32), w8.scale.float())
    x = torch.randn(3, 7, 256)
    plain = torch.nn.functional.linear(x, comfy_int8.dequantise(w8, torch.float32), bias.bfloat16().float())
    assert torch.allclose(model.float()(x), plain, atol=1e-5)
    out16 = model(x.to(torch.bfloat16))
    assert out16.dtype == torch.bfloat16 and torch.allclose(out16.float(), plain, atol=0.1)


def test_quantise_follows_the_documented_formula():
    torch.manual_seed(2)
    w = torch.randn(8, 64)
    q, s, _ = int8_convrot(w, 16)
    ours = comfy_int8.quantise(w, 16)
    assert torch.equal(ours.data, q) and torch.allclose(ours.scale, s)


def test_a_whole_state_dict_is_made_plain(tmp_path):
    torch.manual_seed(3)
    state = {"a.weight": torch.randn(16, 256), "a.bias": torch.randn(16), "b.weight": torch.randn(16, 48),
             "n.weight": torch.randn(16)}
    f = str(tmp_path / "sd.safetensors")
    held = write_int8(state, f, lambda k, v: v.dim() == 2)
    plain = comfy_int8.load_dequantised(f, torch.float32)
    assert set(plain) == set(state)  # markers and scales dropped
    for k in state:
        assert torch.allclose(plain[k].double(), held[k], atol=1e-5), k
    wf = read_weight_file(f)
    assert (wf.tensors["a.weight"].group, wf.tensors["b.weight"].group) == (256, 0)  # 48 wide: not rotated


# ---- hostile files -------------------------------------------------------------------------------

@pytest.mark.parametrize("case,words", [
    ("scale_shape", "weight_scale' is F32 [12, 1]"),
    ("no_scale", "weight_scale' is missing"),
    ("no_marker", "not marked (no comfy_quant)"),
    ("group_3", "power of 4"),
    ("group_wide", "not a multiple of its convrot group 1024"),
    ("not_int8", "stored as BF16"),
])
def test_malformed_files_are_refused_in_words(tmp_path, case, words):
    q, s, _ = int8_convrot(torch.randn(24, 256), 256)
    t = {"l.weight": q, "l.weight_scale": s, "l.comfy_quant": mark(256)}
    if case == "scale_shape":
        t["l.weight_scale"] = torch.ones(12, 1)
    elif case == "no_scale":
        del t["l.weight_scale"]
    elif case == "no_marker":
        del t["l.comfy_quant"]
    elif case == "group_3":
        t["l.comfy_quant"] = torch.tensor(list(b'{"format": "int8_tensorwise", "convrot": true, '
                                               b'"convrot_groupsize": 3}'), dtype=torch.uint8)
    elif case == "group_wide":
        t["l.comfy_quant"] = mark(1024)
    elif case == "not_int8":
        t["l.weight"] = q.to(torch.bfloat16)
    f = str(tmp_path / f"{case}.safetensors")
    save_file(t, f)
    with pytest.raises(ModelError) as e:
        read_weight_file(f)
    assert words in str(e.value) and f in str(e.value)
    if case != "no_marker":  # the plain-weights reader refuses the same, in the same words
        with pytest.raises(ModelError) as e2:
            comfy_int8.load_dequantised(f)
        assert words.split("'")[0] in str(e2.value)

"""ComfyUI's NVFP4 layers with AWQ pre-quant scales (files/comfy_nvfp4.py): hand-built tiny layers
whose e2m1 codes and scales are chosen here, dequantised values checked against numbers computed by
hand (all 16 codes, negative zero included), the block scales' swizzled places written by hand, a
Linear's output equal to F.linear with the hand-dequantised weight (AWQ scale on the input), peft
wrapping the layer, and malformed layers refused in words."""
from __future__ import annotations

import json

import pytest
import torch
from safetensors.torch import save_file

from nodes.video_models.base.errors import ModelError
from nodes.video_models.files import comfy_nvfp4 as nv
from nodes.video_models.files.comfy_quant import Packed
from nodes.video_models.files.weight_formats import read_weight_file

FP8 = torch.float8_e4m3fn
# the 16 e2m1 codes' values, by hand: sign bit 3, magnitudes 0, .5, 1, 1.5, 2, 3, 4, 6
HAND = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, -0.0, -0.5, -1.0, -1.5, -2.0, -3.0, -4.0, -6.0]


def pack(codes: list[list[int]]) -> torch.Tensor:
    """Rows of 4-bit codes as ComfyUI packs them: the even column in the high nibble."""
    return torch.tensor([[(r[i] << 4) | r[i + 1] for i in range(0, len(r), 2)] for r in codes], dtype=torch.uint8)


def blocks(rows: int, cols: int, at: dict) -> torch.Tensor:
    """Swizzled fp8 block scales of an [rows, cols] weight, written by hand: ``at`` maps a (row,
    block) of a weight with under 32 rows and 4 blocks to its scale; in cuBLAS's tile such a row r
    sits at tile row 4*r, the block at its column."""
    out = torch.zeros(nv.block_shape(rows, cols), dtype=torch.float32)
    for (r, c), v in at.items():
        out[4 * r, c] = v
    return out.to(FP8)


def marker() -> torch.Tensor:
    return torch.tensor(list(json.dumps({"format": "nvfp4"}).encode()), dtype=torch.uint8)


def test_all_sixteen_codes_dequantise_to_the_hand_values():
    data = pack([list(range(16))])
    p = Packed(data, blocks(1, 16, {(0, 0): 2.0})[:1, :1], torch.tensor(0.25))  # scale 2 * 0.25 = 0.5
    for dtype in (torch.float32, torch.bfloat16, torch.float16):
        w = nv.dequantise(p, dtype)
        assert w.dtype == dtype and w.shape == (1, 16)
        assert w.float().tolist() == [[v * 0.5 for v in HAND]]
        assert torch.signbit(w[0, 8]) and w[0, 8] == 0  # code 8 is negative zero
        assert not torch.signbit(w[0, 0])
    assert data[0, 0] == 0x01 and data[0, 7] == 0xEF  # high nibble first: codes 0,1 -> 0x01; 14,15 -> 0xEF


def test_swizzled_block_scales_and_the_awq_scale_fold_in():
    codes = [[2] * 16 + [7] * 16, [10] * 16 + [5] * 16]  # 1.0 ... 6.0 ... ; -1.0 ... 3.0 ...
    s = blocks(2, 32, {(0, 0): 1.0, (0, 1): 0.5, (1, 0): 4.0, (1, 1): 0.25})
    assert s.shape == (128, 4)
    state = {"l.weight": pack(codes), "l.weight_scale": s, "l.weight_scale_2": torch.tensor(2.0),
             "l.comfy_quant": marker()}
    packed, pre = nv.packed_of(state, "l", "f")
    assert pre is None
    hand = torch.tensor([[1.0 * 1.0 * 2] * 16 + [6.0 * 0.5 * 2] * 16, [-1.0 * 4.0 * 2] * 16 + [3.0 * 0.25 * 2] * 16])
    assert torch.equal(nv.dequantise(packed, torch.float32), hand)
    awq = torch.arange(1, 33, dtype=torch.float32) / 8  # one per input channel
    assert torch.equal(nv.dequantise(packed, torch.float32, awq), hand * awq)  # column j times awq[j]


def _layer(awq: bool, bias: bool = True):
    torch.manual_seed(0)
    codes = torch.randint(0, 16, (3, 32)).tolist()
    packed = Packed(pack(codes), torch.tensor([[1.0, 0.5], [2.0, 0.25], [0.75, 1.5]]).to(FP8), torch.tensor(0.5))
    hand = torch.tensor([[HAND[c] for c in row] for row in codes])
    hand = hand * torch.tensor([[1.0] * 16 + [0.5] * 16, [2.0] * 16 + [0.25] * 16, [0.75] * 16 + [1.5] * 16]) * 0.5
    pre = torch.linspace(0.5, 2.0, 32) if awq else None
    b = torch.nn.Parameter(torch.tensor([0.5, -1.0, 2.0])) if bias else None
    return nv.NVFP4Linear(32, 3, packed, b, pre), hand, pre, b


@pytest.mark.parametrize("awq", [True, False])
def test_the_linear_equals_f_linear_with_the_hand_weight(awq):
    lin, hand, pre, b = _layer(awq)
    assert isinstance(lin, torch.nn.Linear) and lin.weight.dtype == torch.uint8 and lin.weight.shape == (3, 16)
    x = torch.randn(2, 5, 32)
    want = torch.nn.functional.linear(x * pre if awq else x, hand, b)
    assert torch.equal(lin(x), want)
    folded = torch.nn.functional.linear(x, hand * pre if awq else hand, b)
    assert torch.allclose(lin(x), folded, atol=1e-5)  # the AWQ scale folded into the weight is the same map
    if awq:
        assert not torch.allclose(lin(x), torch.nn.functional.linear(x, hand, b), atol=1e-3)
    lin.to(torch.bfloat16)  # a model-wide cast leaves the codes, the block scales and the AWQ scale alone
    assert lin.weight.dtype == torch.uint8 and lin.weight_scale.dtype == torch.uint8
    y = lin(x.bfloat16())
    assert y.dtype == torch.bfloat16 and torch.allclose(y.float(), want, rtol=0.05, atol=0.2)


def test_peft_wraps_the_layer_as_a_linear():
    peft = pytest.importorskip("peft")
    lin, hand, pre, b = _layer(True)
    model = torch.nn.Sequential()
    model.add_module("proj", lin)
    model = peft.inject_adapter_in_model(peft.LoraConfig(r=2, target_modules=["proj"]), model)
    x = torch.randn(4, 32)
    assert type(model.proj).__name__ == "Linear" and model.proj.base_layer is lin
    assert torch.equal(model(x), torch.nn.functional.linear(x * pre, hand, b))  # lora_B starts at zero
    with torch.no_grad():
        model.proj.lora_B["default"].weight.fill_(0.1)
    assert not torch.allclose(model(x), torch.nn.functional.linear(x * pre, hand, b))


def test_install_replaces_a_linear_and_refuses_misfits():
    lin, hand, pre, b = _layer(True)
    model = torch.nn.Sequential(torch.nn.Linear(32, 3), torch.nn.Conv1d(32, 3, 1))
    nv.install(model, "0.weight", lin.packed(), "f", pre)
    x = torch.randn(2, 32)
    assert isinstance(model[0], nv.NVFP4Linear) and torch.allclose(model[0](x), torch.nn.functional.linear(x * pre, hand, model[0].bias))
    with pytest.raises(ModelError, match="weight of a Conv1d"):
        nv.install(model, "1.weight", lin.packed(), "f")
    small = torch.nn.Sequential(torch.nn.Linear(32, 3))
    with pytest.raises(ModelError, match="holds 16 values, but the layer has 32 input channels"):
        nv.install(small, "0.weight", lin.packed(), "f", pre[:16])
    with pytest.raises(ModelError, match="holds 3x32 NVFP4 weights, but the layer is 4x32"):
        nv.install(torch.nn.Sequential(torch.nn.Linear(32, 4)), "0.weight", lin.packed(), "f")


def _state(awq=True):
    torch.manual_seed(1)
    state = {"l.weight": pack(torch.randint(0, 16, (2, 32)).tolist()),
             "l.weight_scale": blocks(2, 32, {(0, 0): 1.0, (0, 1): 2.0, (1, 0): 0.5, (1, 1): 4.0}),
             "l.weight_scale_2": torch.tensor(0.125), "l.comfy_quant": marker(), "l.bias": torch.zeros(2),
             "norm.weight": torch.ones(32, dtype=torch.bfloat16)}
    if awq:
        state["l.pre_quant_scale"] = torch.linspace(0.25, 4.0, 32)
    return state


def test_a_state_dict_made_plain_with_awq_folded():
    state = _state()
    out = nv.dequantise_state_dict(state, torch.float32, path="f")
    assert set(out) == {"l.weight", "l.bias", "norm.weight"}
    packed, pre = nv.packed_of(state, "l", "f")
    assert torch.equal(out["l.weight"], nv.dequantise(packed, torch.float32) * state["l.pre_quant_scale"])
    # the same from the header's _quantization_metadata instead of the marker tensor
    meta = {"_quantization_metadata": json.dumps({"layers": {"l": {"format": "nvfp4"}}})}
    no_marker = {k: v for k, v in state.items() if k != "l.comfy_quant"}
    assert torch.equal(nv.dequantise_state_dict(no_marker, torch.float32, meta, "f")["l.weight"], out["l.weight"])


@pytest.mark.parametrize("change,words", [
    (lambda s: s.__setitem__("l.weight_scale", s["l.weight_scale"][:4]), r"F8_E4M3 \[4, 4\]: the block scales of a 2x32 NVFP4 weight are F8_E4M3 \[128, 4\]"),
    (lambda s: s.__setitem__("l.weight_scale", s["l.weight_scale"].float()), r"is F32 \[128, 4\]: the block scales"),
    (lambda s: s.pop("l.weight_scale_2"), r"'l.weight_scale_2' is missing: an NVFP4 layer needs its one float per-tensor"),
    (lambda s: s.__setitem__("l.weight_scale_2", torch.ones(2)), r"'l.weight_scale_2' is F32 \[2\]"),
    (lambda s: s.__setitem__("l.pre_quant_scale", torch.ones(16)), r"pre-quant scale is 32 floats, one per input channel"),
    (lambda s: s.__setitem__("l.weight", s["l.weight"].to(torch.int8)), r"'l.weight' is I8 \[2, 16\], but NVFP4 weights are 2-D uint8"),
    (lambda s: s.__setitem__("norm.pre_quant_scale", torch.ones(32)), r"'norm' is not an NVFP4 layer"),
])
def test_malformed_layers_are_refused_in_words(change, words):
    state = _state()
    change(state)
    with pytest.raises(ModelError, match=words):
        nv.dequantise_state_dict(state, torch.float32, path="f")


def test_the_header_recognises_the_awq_layer(tmp_path):
    f = str(tmp_path / "te.safetensors")
    save_file(_state(), f)
    wf = read_weight_file(f)
    assert wf.tensors["l.weight"].dtype == "NVFP4" and wf.tensors["l.weight"].shape == (2, 32)
    assert set(nv.awq_scales(wf)) == {"l"}
    bad = _state()
    bad["l.pre_quant_scale"] = torch.ones(31)
    save_file(bad, f)
    with pytest.raises(ModelError, match=r"pre_quant_scale' is F32 \[31\]: an AWQ pre-quant scale is 32 floats"):
        nv.awq_scales(read_weight_file(f))


def test_the_general_loader_refuses_awq_scales_it_would_not_apply(tmp_path):
    """lean_load (every family's single-file load) does not apply AWQ input scales: a file holding them is refused
    in words, not loaded with the scales dropped."""
    from safetensors.torch import save_file

    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.files.single_file import lean_load
    from nodes.video_models.files.weight_formats import read_weight_file
    path = str(tmp_path / "awq.safetensors")
    save_file({"0.weight": torch.ones(4, 4), "0.bias": torch.zeros(4), "0.pre_quant_scale": torch.ones(4)}, path)
    with pytest.raises(ModelError, match="AWQ input scales"):
        lean_load(torch.nn.Sequential, None, read_weight_file(path), torch.float32)

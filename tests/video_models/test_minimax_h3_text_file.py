"""MiniMax H3's ComfyUI Qwen3-VL text-encoder file (families/minimax_h3/text_file.py): a tiny random
Qwen3-VL text model written here in that layout (``model.`` language weights, a ``visual.`` tensor
beside, every decoder Linear NVFP4 with an AWQ pre-quant scale, by this test's own quantiser) read
back with its layers kept packed; its hidden states equal those of the same model with every weight
dequantised (AWQ folded in), and stay near the fp32 model's; malformed files refused in words."""
from __future__ import annotations

import os

import pytest
import torch
from safetensors.torch import save_file

from nodes.video_models.base.errors import ModelError
from nodes.video_models.files import comfy_nvfp4
from nodes.video_models.families.minimax_h3 import text_file

from .test_comfy_mixed_quant import mark, nvfp4

transformers = pytest.importorskip("transformers")


def tiny():
    torch.manual_seed(0)
    cfg = transformers.Qwen3VLTextConfig(vocab_size=128, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                                         num_attention_heads=4, num_key_value_heads=2, head_dim=16,
                                         rope_parameters=text_file.rope(16), rms_norm_eps=1e-6)
    return transformers.Qwen3VLTextModel(cfg).eval()


def write(model, path: str, awq: bool = True) -> dict:
    """``model`` as ComfyUI's NVFP4-AWQ Qwen3-VL file; returns the file's tensors."""
    out = {"visual.patch_embed.proj.weight": torch.randn(8, 3, 2, 2).bfloat16(), "lm_head.weight": torch.randn(128, 64)}
    g = torch.Generator().manual_seed(1)
    for k, v in model.state_dict().items():
        if not (k.startswith("layers.") and k.endswith("proj.weight")):
            out["model." + k] = v.clone()
            continue
        layer = "model." + k[: -len(".weight")]
        pre = torch.rand(v.shape[1], generator=g) + 0.5 if awq else torch.ones(v.shape[1])
        # AWQ: each input channel's weights multiplied by s = 1 / pre before quantising; the input times pre at run time
        packed, block, glob, _ = nvfp4(v / pre)
        out.update({"model." + k: packed, layer + ".weight_scale": block, layer + ".weight_scale_2": glob,
                    layer + ".comfy_quant": mark("nvfp4")})
        if awq:
            out[layer + ".pre_quant_scale"] = pre.bfloat16().float()
    save_file(out, path)
    return out


def test_the_file_reads_as_the_dequantised_model(tmp_path):
    model = tiny()
    f = str(tmp_path / "qwen3vl_tiny_nvfp4_awq.safetensors")
    tensors = write(model, f)
    named, cfg, awq = text_file.text_file(f)
    assert (cfg.hidden_size, cfg.num_hidden_layers, cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim,
            cfg.intermediate_size, cfg.vocab_size) == (64, 2, 4, 2, 16, 96, 128)
    assert len(awq) == 14 and not any(k.startswith(("visual", "lm_head")) for k in named.tensors)
    packed = text_file.load_text_model(f, torch.float32)
    q = packed.layers[0].self_attn.q_proj
    assert isinstance(q, comfy_nvfp4.NVFP4Linear) and isinstance(q, torch.nn.Linear) and q.pre_quant_scale is not None
    assert q.weight.dtype == torch.uint8
    # the same model, every weight made plain with the AWQ scale folded in (comfy_nvfp4.dequantise_state_dict)
    plain = comfy_nvfp4.dequantise_state_dict({k: v for k, v in tensors.items() if k.startswith("model.")},
                                              torch.float32, path=f)
    deq = transformers.Qwen3VLTextModel(cfg).eval()
    deq.load_state_dict({k[len("model."):]: v for k, v in plain.items()})
    ids = torch.randint(0, 128, (1, 9))
    with torch.no_grad():
        a = packed(input_ids=ids, output_hidden_states=True).hidden_states
        b = deq(input_ids=ids, output_hidden_states=True).hidden_states
        c = model(input_ids=ids, output_hidden_states=True).hidden_states
    assert len(a) == 3
    for x, y in zip(a, b):
        assert torch.allclose(x, y, rtol=1e-4, atol=1e-5), (x - y).abs().max()
    err = (a[-1] - c[-1]).norm() / c[-1].norm()
    print(f"relative error of the last hidden state, NVFP4-AWQ vs fp32: {float(err):.4f}")
    assert err < 0.25, err  # 4-bit weights: near the fp32 model, not equal
    assert (a[-1] - c[-1]).abs().max() > 0


def test_without_awq_the_scales_are_absent_and_the_model_still_reads(tmp_path):
    f = str(tmp_path / "te.safetensors")
    write(tiny(), f, awq=False)
    model = text_file.load_text_model(f, torch.float32)
    assert model.layers[1].mlp.down_proj.pre_quant_scale is None


def test_malformed_files_are_refused(tmp_path):
    f = str(tmp_path / "te.safetensors")
    tensors = write(tiny(), f)
    tensors["model.layers.0.mlp.up_proj.pre_quant_scale"] = torch.ones(7)
    save_file(tensors, f)
    with pytest.raises(ModelError, match=r"up_proj.pre_quant_scale' is F32 \[7\]: an AWQ pre-quant scale is 64 floats"):
        text_file.text_file(f)
    save_file({"model.layers.0.mlp.gate_proj.weight": torch.ones(4, 4), "model.embed_tokens.weight": torch.ones(8, 4)}, f)
    with pytest.raises(ModelError, match="not a Qwen3-VL language model"):
        text_file.text_file(f)


def test_the_tokenizer_is_looked_for_beside_the_file_then_base(tmp_path):
    f = str(tmp_path / "te.safetensors")
    assert text_file.text_tokenizer(f, "/some/base") is None
    with pytest.raises(ModelError, match=f"looked in the file, in '{os.path.join(str(tmp_path), 'tokenizer')}'"):
        text_file.text_tokenizer(f, None)

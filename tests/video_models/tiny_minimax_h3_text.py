"""A tiny Qwen3-VL conditioner for MiniMax H3 written in the layout of ComfyUI's text-encoder file
(``qwen3vl_32b_minimax_h3_nvfp4_awq``: ``visual.*``, ``model.embed_tokens``, ``model.layers.0`` to ``49``, no
final norm, no LM head; comfy/text_encoders/minimax.py and llama.py Qwen3VL_32BConfig), plain or with its
decoder Linear layers in NVFP4 with AWQ scales (this test suite's own quantiser), with or without its vision
tower; the source model is 51 text layers deep (diffusers' pipeline reads hidden_states[50]) so that it can be
called by diffusers' pipeline directly. Its vision tower has the released shape of depth (27 blocks, DeepStack
after 8, 16, 24) and heads (72 values) at a tiny width."""
from __future__ import annotations

import os

from .tiny_minimax_h3 import QWEN_SPECIALS, TEXT_DIM, tiny_qwen_tokenizer

VISION = dict(depth=27, hidden_size=144, intermediate_size=32, num_heads=2, patch_size=16, spatial_merge_size=2,
              temporal_patch_size=2, out_hidden_size=TEXT_DIM, num_position_embeddings=16,
              deepstack_visual_indexes=[8, 16, 24])


def tiny_conditioner(tok):
    """A tiny random Qwen3VLForConditionalGeneration (torch seeded here) with ``tok``'s vision token ids."""
    import torch
    from transformers import Qwen3VLConfig, Qwen3VLForConditionalGeneration

    from nodes.video_models.families.minimax_h3.text_file import rope
    torch.manual_seed(5)
    ids = {n: tok.convert_tokens_to_ids(n) for n in QWEN_SPECIALS}
    model = Qwen3VLForConditionalGeneration(Qwen3VLConfig(
        text_config=dict(vocab_size=len(tok), hidden_size=TEXT_DIM, intermediate_size=32, num_hidden_layers=51,
                         num_attention_heads=2, num_key_value_heads=1, head_dim=8, rope_parameters=rope(8),
                         rms_norm_eps=1e-6, max_position_embeddings=262144),
        vision_config=VISION, image_token_id=ids["<|image_pad|>"], video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"], vision_end_token_id=ids["<|vision_end|>"])).eval()
    with torch.no_grad():  # the rms norms' weights away from 1, so a norm left out or added shows
        for n, p in model.named_parameters():
            if n.endswith("norm.weight"):
                p.normal_(1.0, 0.3)
    return model


def comfy_layout(model, nvfp4: bool = False, vision: bool = True) -> dict:
    """``model``'s weights as ComfyUI's file holds them: layers 0 to 49 under ``model.``, no final norm and no LM
    head, the tower under ``visual.``; ``nvfp4``: each decoder Linear NVFP4 with an AWQ pre-quant scale."""
    import torch
    out = {}
    g = torch.Generator().manual_seed(1)
    for k, v in model.model.language_model.state_dict().items():
        if k == "norm.weight" or k.startswith("layers.") and int(k.split(".")[1]) >= 50:
            continue
        if nvfp4 and k.startswith("layers.") and k.endswith("proj.weight"):
            from .test_comfy_mixed_quant import mark
            from .test_comfy_mixed_quant import nvfp4 as quantise
            layer = "model." + k[: -len(".weight")]
            pre = torch.rand(v.shape[1], generator=g) + 0.5
            packed, block, glob, _ = quantise(v / pre)
            out.update({"model." + k: packed, layer + ".weight_scale": block, layer + ".weight_scale_2": glob,
                        layer + ".comfy_quant": mark("nvfp4"), layer + ".pre_quant_scale": pre.bfloat16().float()})
        else:
            out["model." + k] = v.detach().clone().contiguous()
    if vision:
        out.update({"visual." + k: v.detach().clone().contiguous() for k, v in model.model.visual.state_dict().items()})
    return out


def write_text_encoder(folder: str, model, tok, nvfp4: bool = False, vision: bool = True, tokenizer: bool = True,
                       name: str = "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors") -> str:
    """The file in ``folder`` (ComfyUI's text_encoders folder) and, with ``tokenizer``, Qwen3-VL's tokenizer and
    image processor in a tokenizer/ folder beside it."""
    from safetensors.torch import save_file
    from transformers import Qwen2VLImageProcessorPil
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name)
    save_file(comfy_layout(model, nvfp4, vision), path)
    if tokenizer:
        tok.save_pretrained(os.path.join(folder, "tokenizer"))
        Qwen2VLImageProcessorPil(patch_size=16, merge_size=2, temporal_patch_size=2).save_pretrained(
            os.path.join(folder, "tokenizer"))
    return path


def tokenizer_and_processor(tmp: str):
    from nodes.video_models.families.minimax_h3.processor import processor_of
    tok = tiny_qwen_tokenizer(os.path.join(tmp, "tok"))
    return tok, processor_of(tok, None)

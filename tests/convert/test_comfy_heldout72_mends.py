"""Mechanisms a seventy-second held-out set (benchmarks/results/heldout72_2026-11-30.md: a Chinese handbook's Wan 2.2
T2V flattened to API, its length 'a' of ComfyMathExpression with a = 81 given in the file) showed, each on a small
hand-written workflow: a V3 math node's growing inputs ('values.a', 'variables.a') read only where wired, so a
number an API file gives one unwired was lost and the length said 'a value Studio cannot work out' (the family's
own frames made)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said


def _t2v(length_node: tuple) -> dict:
    """Wan 2.1 text to video whose latent's length comes from node '20' (``length_node``: its class and inputs)
    and a PrimitiveInt '21' of 1."""
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp16.safetensors", "type": "wan"}),
        "3": ("CLIPTextEncode", {"text": "a hummingbird at red flowers", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "5": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": ["20", 1], "batch_size": 1}),
        "6": ("KSampler", {"seed": 7, "steps": 4, "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1.0, "model": ["1", 0], "positive": ["3", 0], "negative": ["4", 0],
                           "latent_image": ["5", 0]}),
        "7": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "8": ("VAEDecode", {"samples": ["6", 0], "vae": ["7", 0]}),
        "9": ("CreateVideo", {"images": ["8", 0], "fps": 16}),
        "10": ("SaveVideo", {"video": ["9", 0], "filename_prefix": "v", "format": "auto", "codec": "auto"}),
        "20": length_node,
        "21": ("PrimitiveInt", {"value": 1}),
    })


def _frames(wf: dict) -> tuple[int, str]:
    conv = convert(wf, "t.json")
    gen = nodes_of(conv, "video_models.text_to_video")
    assert len(gen) == 1
    return gen[0].params["frames"], said(conv)


def test_a_math_expression_number_given_unwired_in_an_api_file_is_read():
    """heldout72 03: ComfyMathExpression 'a' with 'values.a': 81 in the file gave EmptyHunyuanLatentVideo's length;
    only wired 'values.*' were read, so the length was 'a value Studio cannot work out' and 33 frames were made."""
    frames, s = _frames(_t2v(("ComfyMathExpression", {"expression": "a", "values.a": 81})))
    assert frames == 81
    assert "cannot work out" not in s
    # one given, one wired: both read
    frames, s = _frames(_t2v(("ComfyMathExpression", {"expression": "a * 2 + b", "values.a": 40,
                                                       "values.b": ["21", 0]})))
    assert frames == 81 and "cannot work out" not in s
    # a name the expression reads that the file gives no number: still not worked out, and said
    frames, s = _frames(_t2v(("ComfyMathExpression", {"expression": "a + c", "values.a": 80})))
    assert frames != 81 and "cannot work out" in s


def test_a_pack_math_node_with_growing_inputs_reads_a_number_given_unwired():
    """The same for a pack's math node told by its declared types (KJNodes' SimpleCalculatorKJ: an expression and
    growing 'variables' sockets): 'variables.a' given as a number in an API file is read beside a wired 'b'."""
    frames, s = _frames(_t2v(("SimpleCalculatorKJ", {"expression": "a * 2 + b", "variables.a": 40,
                                                      "variables.b": ["21", 0]})))
    assert frames == 81
    assert "cannot work out" not in s

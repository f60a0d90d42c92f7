"""Mechanisms a thirty-sixth held-out set (benchmarks/results/heldout36_2026-11-30.md: LTX and Wan 2.2 video
workflows from small repositories, owners f-l - LTXV 13B examples as copied in a fork, a Wan 2.2 A14B three-pass
take, an LTX-2.3 ID-LoRA pack's and the Vantage pack's examples, a WanVideoWrapper take with NAG) showed, each on a
small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert


def _said(conv) -> str:
    """Every sentence of a conversion: its Log and its canvas notes."""
    return "\n".join([*map(str, conv.log), *(n.get("text", "") for n in conv.graph.ui.get("notes", []))])


def _nodes(conv, type_id: str) -> list:
    return [n for n in conv.graph.nodes.values() if n.type_id == type_id]


def _wan_t2v(after: dict | None = None, into: str = "11") -> dict:
    """Wan 2.1 text to video at 832x480 x 33, one KSampler; ``after`` nodes between the decode (#11) and the save."""
    wf = {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors",
                                                    "weight_dtype": "default"}},
        "4": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8.safetensors", "type": "wan"}},
        "5": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a heron lands on a pier", "clip": ["4", 0]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["4", 0]}},
        "8": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 832, "height": 480, "length": 33,
                                                                  "batch_size": 1}},
        "9": {"class_type": "KSampler", "inputs": {
            "seed": 7, "steps": 20, "cfg": 5.0, "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0,
            "model": ["1", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["8", 0]}},
        "11": {"class_type": "VAEDecode", "inputs": {"samples": ["9", 0], "vae": ["5", 0]}},
    }
    wf.update(after or {})
    wf["13"] = {"class_type": "VHS_VideoCombine", "inputs": {
        "images": [into, 0], "frame_rate": 16, "loop_count": 0, "filename_prefix": "heron", "format": "video/h264-mp4",
        "pingpong": False, "save_output": True}}
    return wf


def test_a_resize_keeping_the_aspect_after_the_take_fits_it_and_cuts_nothing():
    """furkansandal's LTXV 13B example (07): ImageResizeKJ 1280x1280 with keep_proportion on and crop 'center' before
    the save was made as Studio's Resize 'fill' at 1280x1280 and said "resized to 1280x1280 (cut to that aspect, its
    middle kept)" - false: the pack fits the take within the box keeping its aspect (about 1280x853), cutting
    nothing. Now Studio's Scale 'within' the box, each side rounded down to the pack's divisible_by, said so."""
    resize = {"12": {"class_type": "ImageResizeKJ", "inputs": {
        "image": ["11", 0], "width": 1280, "height": 1280, "upscale_method": "bicubic", "keep_proportion": True,
        "divisible_by": 2, "crop": "center"}}}
    conv = convert(_wan_t2v(resize, "12"), "kept.json")
    said = _said(conv)
    assert "1280x1280 (cut to that aspect" not in said
    assert "scaled to fit within 1280x1280 keeping its aspect, each side rounded down to a multiple of 2" in said
    assert not _nodes(conv, "transform.resize")
    (scale,) = _nodes(conv, "transform.scale")
    assert scale.params["fit"] == "within" and (scale.params["width"], scale.params["height"]) == (1280, 1280)
    assert scale.params["multiple"] == 2
    stretched = {"12": {**resize["12"], "inputs": {**resize["12"]["inputs"], "keep_proportion": False}}}
    conv = convert(_wan_t2v(stretched, "12"), "cut.json")  # the aspect not kept: cut to the box, as before
    (cut,) = _nodes(conv, "transform.resize")
    assert cut.params["fit"] == "fill" and "(cut to that aspect, its middle kept)" in _said(conv)

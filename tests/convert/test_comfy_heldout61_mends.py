"""heldout61's mends (benchmarks/results/heldout61_2026-11-30.md): each test builds a minimal workflow from node types,
values and links (no fetched file) and fails without its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of

WAN_VACE = {"1": ("UNETLoader", {"unet_name": "wan2.1_vace_14B_fp16.safetensors", "weight_dtype": "default"}),
            "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan",
                                 "device": "default"}),
            "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
            "6": ("CLIPTextEncode", {"text": "a street at night", "clip": ["2", 0]}),
            "7": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
            "10": ("VHS_LoadVideo", {"video": "street.mp4", "force_rate": 0, "frame_load_cap": 0,
                                     "skip_first_frames": 0, "select_every_nth": 1}),
            "11": ("LoadImage", {"image": "painted_mask.png"}),
            "20": ("WanVaceToVideo", {"positive": ["6", 0], "negative": ["7", 0], "vae": ["3", 0], "width": 832,
                                      "height": 480, "length": 81, "batch_size": 1, "strength": 1.0,
                                      "control_video": ["10", 0], "control_masks": ["11", 1]}),
            "21": ("KSampler", {"model": ["1", 0], "positive": ["20", 0], "negative": ["20", 1],
                                "latent_image": ["20", 2], "seed": 7, "steps": 20, "cfg": 5.0,
                                "sampler_name": "uni_pc", "scheduler": "simple", "denoise": 1.0}),
            "22": ("VAEDecode", {"samples": ["21", 0], "vae": ["3", 0]}),
            "23": ("SaveVideo", {"video": ["24", 0], "filename_prefix": "street", "format": "auto", "codec": "auto"}),
            "24": ("CreateVideo", {"images": ["22", 0], "fps": 16})}


def test_a_load_images_mask_is_one_minus_its_alpha():
    """ComfyUI's Load Image gives 1 - the file's alpha as its MASK (a painted mask's white): Wan VACE's mask is Studio's
    Load Image alpha inverted by Mask Tools, never the alpha itself (which swapped the kept and the remade areas)."""
    conv = convert(api(WAN_VACE))
    vace = nodes_of(conv, "video_models.wan_vace")[0]
    src = conv.graph.input_link(vace.id, "mask")
    inv = conv.graph.nodes[src.src]
    assert inv.type_id == "edit.mask_tools" and inv.params["invert"] is True and src.src_port == "mask"
    up = conv.graph.input_link(inv.id, "mask")
    assert conv.graph.nodes[up.src].type_id == "io.load_image" and up.src_port == "alpha"

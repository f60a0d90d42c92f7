"""Issue 112 (wanctl15): kijai's WanVideoWrapper ControlNet workflows (WanVideoControlnetLoader + WanVideoControlnet of
a depth clip on the sampler's model, TheDenk's Wan ControlNets) read as Studio's Wan ControlNet node: the control
pictures its 'control' (a MiDaS depth step made as Studio's Depth, its settings and model said not taken), the file,
strength, stride, start / end its settings, the take's size and frames the embeds', a start image encoded into the
embeds (Wan 2.2 TI2V-5B's image to video) its 'image'; no sentence left saying the patch is not applied. The workflows are built here from node
types, values and links (API layout)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, source_of

NODE = "video_models.wan_controlnet"
CN = "wan2.2-ti2v-5b-controlnet-depth-v1/diffusion_pytorch_model.safetensors"


def _workflow(i2v=False, depth=True, pictures=True) -> dict:
    nodes = {
        "22": ("WanVideoModelLoader", {"model": "Wan2_2-TI2V-5B_fp16.safetensors", "base_precision": "fp16",
                                       "quantization": "disabled", "load_device": "offload_device"}),
        "11": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16"}),
        "16": ("WanVideoTextEncode", {"positive_prompt": "a bubble", "negative_prompt": "blurry", "t5": ["11", 0]}),
        "38": ("WanVideoVAELoader", {"model_name": "Wan2_2_VAE_bf16.safetensors", "precision": "bf16"}),
        "98": ("VHS_LoadVideo", {"video": "bubble.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                 "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1}),
        "104": ("MiDaS-DepthMapPreprocessor", {"image": ["98", 0], "a": 6.28, "bg_threshold": 0.1,
                                               "resolution": 512}),
        "103": ("WanVideoControlnetLoader", {"model": CN, "base_precision": "bf16", "quantization": "disabled",
                                             "load_device": "main_device"}),
        "105": ("WanVideoControlnet", {"model": ["22", 0], "controlnet": ["103", 0], "strength": 0.8,
                                       "control_stride": 2, "control_start_percent": 0.1, "control_end_percent": 0.7,
                                       **({"control_images": ["104" if depth else "98", 0]} if pictures else {})}),
        "106": ("WanVideoEmptyEmbeds", {"width": 832, "height": 480, "num_frames": 49}),
        "27": ("WanVideoSampler", {"model": ["105", 0], "text_embeds": ["16", 0], "image_embeds": ["106", 0],
                                   "steps": 30, "cfg": 5.0, "shift": 8.0, "seed": 47, "force_offload": True,
                                   "scheduler": "unipc", "riflex_freq_index": 0}),
        "28": ("WanVideoDecode", {"vae": ["38", 0], "samples": ["27", 0], "enable_vae_tiling": False}),
        "92": ("VHS_VideoCombine", {"images": ["28", 0], "frame_rate": 24, "filename_prefix": "cn",
                                    "format": "video/h264-mp4"}),
    }
    if i2v:
        nodes["113"] = ("GetImagesFromBatchIndexed", {"images": ["98", 0], "indexes": "0"})
        nodes["114"] = ("WanVideoEncode", {"vae": ["38", 0], "image": ["113", 0], "enable_vae_tiling": False,
                                           "tile_x": 272, "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128})
        nodes["106"][1]["extra_latents"] = ["114", 0]
    return api(nodes)


def test_the_wrappers_controlnet_is_read_as_the_wan_controlnet_node_with_depth_made():
    conv = convert(_workflow(), "cn")
    assert [t["generator"] for t in conv.tasks] == [NODE]
    gen = nodes_of(conv, NODE)[0]
    p = gen.params
    assert p["controlnet"] == CN and p["strength"] == 0.8 and p["stride"] == 2
    assert p["start"] == 0.1 and p["end"] == 0.7 and p["steps"] == 30 and p["guidance"] == 5.0
    assert (p["width"], p["height"], p["frames"]) == (832, 480, 49)
    depth = source_of(conv, gen.id, "control")
    assert depth.type_id == "preprocess.depth"
    assert source_of(conv, gen.id, "image") is None
    text = said(conv)
    assert "'WanVideoControlnet' (WanVideoControlnet, #105) on the sampler's model, with the ControlNet " \
           f"'{CN}' of 'WanVideoControlnetLoader' (WanVideoControlnetLoader, #103), is read as Studio's Wan " \
           "ControlNet node" in text
    assert "'MiDaS-DepthMapPreprocessor' (#104)'s a 6.28, bg_threshold 0.1, resolution 512: not taken" in text
    assert "it estimates depth with a Depth Anything model" in text
    assert "is not applied" not in text and "held" not in text
    assert not any("ComfyUI nodes not converted" in x and "WanVideoControlnetLoader" in x
                   for x in text.splitlines())


def test_a_start_image_encoded_into_the_embeds_is_the_nodes_image():
    conv = convert(_workflow(i2v=True, depth=False), "cn_i2v")
    gen = nodes_of(conv, NODE)[0]
    assert source_of(conv, gen.id, "image") is not None
    assert source_of(conv, gen.id, "control").type_id != "preprocess.depth"
    text = said(conv)
    assert "the start image encoded into the take its 'image'" in text
    assert "'start_image' of 'WanVideoControlnet'" not in text  # (named by the encode's own input)


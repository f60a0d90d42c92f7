"""Issue 112 (ctrllora11): kijai's WanVideoWrapper control-LoRA workflows (WanVideoControlEmbeds of a WanVideoEncode'd
clip on the sampler's 'image_embeds', a plain Wan 2.1 T2V model given a LoRA on its loader) read as Studio's Wan Control
LoRA node: the clip its 'control' (a blur on the clip's way made as Studio's Blur), the LoRA its 'control_lora' (of
several, the one named 'control'; the others kept), start_percent / end_percent its start / end; no LoRA on the model:
held with its sentence, as before. The workflows are built here from node types, values and links (API layout)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, source_of

NODE = "video_models.wan_control_lora"
LORA = "WanVid/wan2.1-1.3b-control-lora-tile-v1.0_comfy.safetensors"


def _workflow(loras=(LORA,), blur=True, start=0.0, end=0.7) -> dict:
    nodes = {
        "22": ("WanVideoModelLoader", {"model": "WanVideo/wan2.1_t2v_1.3B_fp16.safetensors", "base_precision": "fp16",
                                       "quantization": "disabled", "load_device": "offload_device"}),
        "11": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16"}),
        "16": ("WanVideoTextEncode", {"positive_prompt": "video of a wolf", "negative_prompt": "blurry",
                                      "t5": ["11", 0]}),
        "38": ("WanVideoVAELoader", {"model_name": "Wan2_1_VAE_bf16.safetensors", "precision": "bf16"}),
        "97": ("VHS_LoadVideo", {"video": "wolf.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                 "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1}),
        "104": ("ImageBlur", {"image": ["97", 0], "blur_radius": 4, "sigma": 1.0}),
        "95": ("WanVideoEncode", {"vae": ["38", 0], "image": ["104", 0] if blur else ["97", 0],
                                  "enable_vae_tiling": False, "tile_x": 272, "tile_y": 272, "tile_stride_x": 144,
                                  "tile_stride_y": 128}),
        "96": ("WanVideoControlEmbeds", {"latents": ["95", 0], "start_percent": start, "end_percent": end}),
        "27": ("WanVideoSampler", {"model": ["22", 0], "text_embeds": ["16", 0], "image_embeds": ["96", 0],
                                   "steps": 30, "cfg": 6.0, "shift": 5.0, "seed": 7, "force_offload": True,
                                   "scheduler": "unipc", "riflex_freq_index": 0}),
        "28": ("WanVideoDecode", {"vae": ["38", 0], "samples": ["27", 0], "enable_vae_tiling": False}),
        "30": ("VHS_VideoCombine", {"images": ["28", 0], "frame_rate": 16, "filename_prefix": "ctrl",
                                    "format": "video/h264-mp4"}),
    }
    prev = None
    for i, name in enumerate(loras):
        nodes[str(200 + i)] = ("WanVideoLoraSelect", {"lora": name, "strength": 0.9 if i == 0 else 1.0,
                                                      **({"prev_lora": [prev, 0]} if prev else {})})
        prev = str(200 + i)
    if prev:
        nodes["22"][1]["lora"] = [prev, 0]
    return api(nodes)


def test_the_wrappers_control_lora_is_read_as_the_control_lora_node_with_the_blur_made():
    conv = convert(_workflow(), "ctrl")
    assert [t["generator"] for t in conv.tasks] == [NODE]
    gen = nodes_of(conv, NODE)[0]
    p = gen.params
    assert p["control_lora"] == LORA and p["strength"] == 0.9
    assert p["start"] == 0.0 and p["end"] == 0.7 and p["steps"] == 30 and p["guidance"] == 6.0
    assert p["width"] == 0 and p["height"] == 0 and p["frames"] == 0  # the control clip's
    blur = source_of(conv, gen.id, "control")
    assert blur.type_id == "edit.blur" and blur.params["reach"] == 4
    assert source_of(conv, blur.id, "video").type_id in ("transform.scale", "io.load_video")
    assert not nodes_of(conv, "video_models.lora")  # the control LoRA is the node's, not an ordinary LoRA
    text = said(conv)
    assert "is read as Studio's Wan Control LoRA node" in text
    assert f"LoRA '{LORA}'" in text and "is read as the control LoRA" in text
    assert "Studio's Blur (radius 4, reach 4) before the Wan Control LoRA node's 'control'" in text
    assert "the file is wired without that step" not in text
    assert "the take's size and frames are the control clip's" in text
    assert "could not be read from its nodes" not in text


def test_of_several_loras_the_one_named_control_is_taken_the_others_kept():
    conv = convert(_workflow(loras=("WanVideo/detail_boost.safetensors", LORA), blur=False), "ctrl2")
    gen = nodes_of(conv, NODE)[0]
    assert gen.params["control_lora"] == LORA and gen.params["strength"] == 1.0
    kept = [n.params.get("lora") or n.params.get("path") for n in conv.graph.nodes.values() if "lora" in n.type_id]
    assert any("detail_boost" in str(k) for k in kept)
    assert source_of(conv, gen.id, "control").type_id != "edit.blur"


def test_with_no_lora_on_the_model_the_task_is_held_as_before():
    conv = convert(_workflow(loras=()), "ctrl3")
    assert not nodes_of(conv, NODE)
    assert "a file not named as Wan Fun Control" in said(conv)


def test_control_embeds_given_to_empty_embeds_take_their_size():
    wf = _workflow(blur=False)
    wf["7"] = {"class_type": "WanVideoEmptyEmbeds", "inputs": {"width": 832, "height": 480, "num_frames": 33,
                                                               "control_embeds": ["96", 0]}}
    wf["27"]["inputs"]["image_embeds"] = ["7", 0]
    conv = convert(wf, "ctrl4")
    gen = nodes_of(conv, NODE)[0]
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (832, 480, 33)
    text = said(conv)
    assert "the take's size and frames those of 'WanVideoEmptyEmbeds' (#7)" in text
    assert "the take's size and frames are the control clip's" not in text


def test_a_comparison_beside_the_take_shows_the_blurred_clip_the_control_reads_one_blur_node():
    """heldout67 08: ImageConcatMulti places the blurred clip beside the take; Studio's Side by Side reads the same
    Blur node the control LoRA's 'control' reads (the Side by Side is made before the family's blur: one node)."""
    wf = _workflow()
    wf["103"] = {"class_type": "ImageConcatMulti", "inputs": {"image_1": ["104", 0], "image_2": ["28", 0],
                                                              "inputcount": 2, "direction": "right",
                                                              "match_image_size": False}}
    wf["30"]["inputs"]["images"] = ["103", 0]
    conv = convert(wf, "ctrl_beside")
    gen = nodes_of(conv, NODE)[0]
    blurs = nodes_of(conv, "edit.blur")
    assert len(blurs) == 1
    beside = nodes_of(conv, "edit.side_by_side")[0]
    assert source_of(conv, beside.id, "a").id == blurs[0].id and source_of(conv, gen.id, "control").id == blurs[0].id
    assert source_of(conv, beside.id, "b").id == gen.id
    text = said(conv)
    assert "without ComfyUI's 'ImageBlur'" not in text and "through Studio's nodes for ImageBlur (#104)" in text

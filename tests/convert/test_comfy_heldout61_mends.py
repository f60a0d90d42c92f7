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


def _mask_blueprint() -> dict:
    """A blueprint as ComfyUI's frontend saves one: one subgraph node whose 'mask' input (type MASK) is wired to nothing,
    its video output feeding nothing (the mask made a picture, then a clip, inside)."""
    sub = {"id": "bp-m", "name": "Mask to Video",
           "inputs": [{"name": "mask", "type": "MASK", "linkIds": [1]}],
           "outputs": [{"name": "VIDEO", "type": "VIDEO", "linkIds": [3]}],
           "nodes": [{"id": 2, "type": "MaskToImage", "mode": 0, "inputs": [{"name": "mask", "type": "MASK", "link": 1}],
                      "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [2]}], "widgets_values": []},
                     {"id": 3, "type": "CreateVideo", "mode": 0,
                      "inputs": [{"name": "images", "type": "IMAGE", "link": 2}],
                      "outputs": [{"name": "VIDEO", "type": "VIDEO", "links": [3]}], "widgets_values": [16]}],
           "links": [{"id": 1, "origin_id": -10, "origin_slot": 0, "target_id": 2, "target_slot": 0, "type": "MASK"},
                     {"id": 2, "origin_id": 2, "origin_slot": 0, "target_id": 3, "target_slot": 0, "type": "IMAGE"},
                     {"id": 3, "origin_id": 3, "origin_slot": 0, "target_id": -20, "target_slot": 0,
                      "type": "VIDEO"}]}
    node = {"id": 9, "type": "bp-m", "mode": 0, "inputs": [{"name": "mask", "type": "MASK", "link": None}],
            "outputs": [{"name": "VIDEO", "type": "VIDEO", "links": []}], "widgets_values": []}
    return {"last_node_id": 9, "last_link_id": 0, "nodes": [node], "links": [], "version": 0.4,
            "definitions": {"subgraphs": [sub]}}


def test_a_blueprints_mask_input_is_given_a_load_images_mask():
    """07: Video Inpaint (Wan2.1 VACE)'s 'mask' input (type MASK) was "left open (no loader gives that type)", so the
    inpainting mask was lost; a Load Image gives a mask (its output 1, MASK), which the blueprint's input now reads."""
    from studio.convert.reading import blueprints
    from tests.convert.said import said
    ends = blueprints.ends(_mask_blueprint())
    assert ("9:mask", "LoadImage", "Mask to Video: mask", "in", "mask", 1) in ends
    text = said(convert(_mask_blueprint(), "bp.json"))
    assert "left open" not in text
    assert ("'mask' loaded as a Load Image's mask (ComfyUI's MASK of a picture: 1 - its alpha, white where the "
            "picture is transparent)") in text


def _early_fun_control() -> dict:
    """VideoX-Fun's Wan 2.1 Fun Control example as its early-2025 version saves it: WanFunV2VSampler's 13 values are
    today's without 'shift' and 'cfg_skip_ratio', a control word after the seed, and its forceInput
    'camera_conditions' (marked a widget by the page) saved last."""
    from tests.convert.said import ui
    vhs = {"video": "dance.mp4", "force_rate": 16, "force_size": "Disabled", "custom_width": 512, "custom_height": 512,
           "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1}
    doc = ui([(1, "LoadWanFunModel", [], ["FunModels"], ["Wan2.1-Fun1.1-1.3B-Control", "Control", "model_cpu_offload",
                                                          "wan2.1/wan_civitai.yaml", "bf16"]),
              (2, "FunTextBox", [], ["STRING_PROMPT"], ["a girl dancing"]),
              (3, "FunTextBox", [], ["STRING_PROMPT"], ["blurry"]),
              (4, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"], vhs),
              (5, "WanFunV2VSampler", [("funmodels", "FunModels"), ("prompt", "STRING_PROMPT"),
                                       ("negative_prompt", "STRING_PROMPT"), ("control_video", "IMAGE"),
                                       ("camera_conditions", "STRING")], ["IMAGE"],
               [81, 640, 43, "fixed", 50, 6, 1.0, "Flow", 0.1, True, 5, True, ""]),
              (6, "VHS_VideoCombine", [("images", "IMAGE")], [],
               {"frame_rate": 16, "loop_count": 0, "filename_prefix": "Fun", "format": "video/h264-mp4",
                "pix_fmt": "yuv420p", "crf": 22, "save_metadata": True, "pingpong": False, "save_output": True})],
             [(1, 0, 5, "funmodels"), (2, 0, 5, "prompt"), (3, 0, 5, "negative_prompt"), (4, 0, 5, "control_video"),
              (5, 0, 6, "images")])
    sampler = next(n for n in doc["nodes"] if n["id"] == 5)
    next(i for i in sampler["inputs"] if i["name"] == "camera_conditions")["widget"] = {"name": "camera_conditions"}
    return doc


def test_an_older_packs_values_are_named_by_their_types_past_the_seeds_control_and_a_marked_input():
    """09: the early WanFunV2VSampler's values were named by today's order without the seed's control word ('fixed'
    read as its steps), so steps 50 and cfg 6 were lost ("another version of the pack"): named by their declared
    types, today's settings the file lacks left out in two places, the marked forceInput's value let go."""
    from tests.convert.said import said
    conv = convert(_early_fun_control(), "fun.json")
    gen = nodes_of(conv, "video_models.wan_fun_control")[0]
    assert gen.params["steps"] == 50 and gen.params["guidance"] == 6.0 and gen.params["seed"] == 43
    assert "a setting of another kind" not in said(conv)


def test_an_early_videox_fun_sampler_samples_at_its_configs_shift():
    """09: with no 'shift' saved (a version before it was a setting), VideoX-Fun's sampler takes the shift of the
    model config its loader names (wan2.1/wan_civitai.yaml: 5.0); the note said ComfyUI samples at the model config's
    shift and gave the generator ComfyUI's Wan 8."""
    from tests.convert.said import said
    conv = convert(_early_fun_control(), "fun.json")
    assert nodes_of(conv, "video_models.wan_fun_control")[0].params["shift"] == 5.0
    assert ("'WanFunV2VSampler' (#5, WanFunV2VSampler) saves no 'shift' (a version of VideoX-Fun before it was a "
            "setting: it samples at the scheduler shift of its model config 'wan2.1/wan_civitai.yaml'): 5, Studio's "
            "shift") in said(conv)
    assert "at the shift its model config gives" not in said(conv)

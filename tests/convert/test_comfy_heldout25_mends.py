"""Mechanisms a twenty-fifth held-out set (benchmarks/results/heldout25_2026-11-29.md: LTX-2.3 first/last frame,
keyframes, sound, refines and Wan 2.2 as the issue's outside tester tried them) showed, each on a small hand-written
workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said
from tests.convert.workflow_shapes import wan_t2v_combined


def _ltx(**extra) -> dict:
    """LTX-2.3 text to video (API), its text encoder loader exported without its file; ``extra`` nodes added."""
    doc = {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "ltx-2.3-22b-dev-fp8.safetensors"}},
        "2": {"class_type": "LTXAVTextEncoderLoader", "inputs": {"ckpt_name": "ltx-2.3-22b-dev-fp8.safetensors",
                                                                "device": "default"}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a paper boat on a rain gutter", "clip": ["2", 0]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "5": {"class_type": "LTXVConditioning", "inputs": {"positive": ["3", 0], "negative": ["4", 0],
                                                           "frame_rate": 24}},
        "6": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 768, "height": 512, "length": 97,
                                                               "batch_size": 1}},
        "7": {"class_type": "KSampler", "inputs": {"seed": 7, "steps": 20, "cfg": 4.0, "sampler_name": "euler",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                   "positive": ["5", 0], "negative": ["5", 1],
                                                   "latent_image": ["6", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["1", 2]}},
        "9": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 24}},
        "10": {"class_type": "SaveVideo", "inputs": {"video": ["9", 0], "filename_prefix": "boat", "format": "auto",
                                                     "codec": "auto"}},
    }
    doc.update(extra)
    return doc


def test_a_loader_naming_no_file_is_said_of_itself_never_as_a_file_called_none():
    """AndreiGitH's RunPod request (06): "text encoder 'None': ... where the prompts' text encoder comes from
    DualCLIPLoader of type 'ltxv', LTXAVTextEncoderLoader, LTXVGemmaCLIPModelLoader; none does here" of an
    LTXAVTextEncoderLoader given no 'text_encoder' (false: one does), and mbedukaty-star's GGUF file (01): "text
    encoder 'None': Load Video Model takes it from 'base'" (no node named)."""
    said = _said(convert(_ltx(), "request.json"))
    assert "'None'" not in said and "none does here" not in said
    assert ("'LTXAVTextEncoderLoader' (LTXAVTextEncoderLoader, #2) names no text encoder file: set Load Video "
            "Model's 'text_encoder'") in said


def _wan_t2v() -> dict:
    """Wan 2.1 text to video (API) whose prompt text and duration come from pack nodes exported with no input at all
    (bytecraftteach-netizen's RunningHub export, 13)."""
    doc = wan_t2v_combined(["21", 0], ["23", 0], "walk")
    doc.update({"20": {"class_type": "TextBox", "inputs": {}},
                "21": {"class_type": "CR Text Replace", "inputs": {"text": ["20", 0], "find1": "dance",
                                                                  "replace1": "walk"}},
                "22": {"class_type": "DF_Integer", "inputs": {}},
                "23": {"class_type": "SimpleMath+", "inputs": {"a": ["22", 0], "value": "a*16+1"}}})
    return doc


def test_a_node_given_no_input_at_all_is_not_said_to_give_a_value_worked_out_when_it_runs():
    """13: "'TextBox' (TextBox, #362) gives 'CR Text Replace' ...'s 'text' a value Studio cannot work out when
    converting" of a TextBox the API file gives nothing (there is no value: ComfyUI refuses the file), and its
    DF_Integer 'passed over' as if it held a duration."""
    said = _said(convert(_wan_t2v(), "export.json"))
    assert "'TextBox' (TextBox, #20) gives" not in said
    assert "'TextBox' (TextBox, #20) is given no input at all in the file (not one of its settings written)" in said
    # DF_Integer, catalogued since (Derfuu's pack): its required 'Value' said missing, what it gives said not in the file
    assert ("'DF_Integer' (DF_Integer, #22) is given no input at all in the file (not one of its settings written), so "
            "what it gives 'SimpleMath+' (#23)'s 'a' is not in the file: not read there") in said
    assert "(DF_Integer, #22): 'Value'" in said


def test_a_packs_constant_given_its_value_by_a_wire_gives_that_value():
    """ikuno-cc's avatar (04): KJNodes' INTConstants given their 'value' by SimpleMath+ (1024/2, 1536/2) were said to
    give "a value Studio cannot work out when converting" two lines after Studio said they are given 512 and 768: the
    first stage's size was not read (false)."""
    doc = _ltx(**{"31": {"class_type": "INTConstant", "inputs": {"value": 1024}},
                  "32": {"class_type": "SimpleMath+", "inputs": {"a": ["31", 0], "value": "a/2"}},
                  "33": {"class_type": "INTConstant", "inputs": {"value": ["32", 0]}}})
    doc["6"]["inputs"]["width"] = ["33", 0]
    conv = convert(doc, "avatar.json")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.ltx2")
    assert (gen.params["width"], gen.params["height"]) == (512, 512)
    assert "cannot work out" not in _said(conv)


def test_an_upsamplers_own_factor_is_said_never_x2_of_an_x1_5_file():
    """farazshaikh's first/middle/last frame guider (02): "LTX-2 Latent Upscale upscales it x2 (1716x986) with
    'ltx-2.3-spatial-upscaler-x1.5-1.0.safetensors'" (false: LTX-2 Latent Upscale loads the file's own x1.5 scale)."""
    from tests.convert.test_comfy_ltx2_three_stages import _three_stages
    doc = _three_stages()
    doc["ul"]["inputs"]["model_name"] = "ltx-2.3-spatial-upscaler-x1.5-1.0.safetensors"
    text = "\n".join(n["text"] for n in convert(doc, "guider.json").graph.ui.get("notes", []))
    assert "LTX-2 Latent Upscale upscales it x1.5 (480x288) with 'ltx-2.3-spatial-upscaler-x1.5-1.0" in text
    assert "upscales that x1.5 again (720x432)" in text
    assert "upscales it x2" not in text and "that x2 again" not in text


def test_a_refines_seed_past_studios_range_is_said_reduced():
    """ikuno-cc's avatar (04): the refining KSampler's seed 132017521413902 was written "(seed 964153102)" - reduced
    modulo 2^31 - with nothing saying so (the generator's own reduction is said)."""
    from tests.convert.test_comfy_ltx2_three_stages import _three_stages
    doc = _three_stages()
    doc["s2n"]["inputs"]["noise_seed"] = 132017521413902
    text = "\n".join(n["text"] for n in convert(doc, "avatar.json").graph.ui.get("notes", []))
    assert ("(seed 964153102: the pass's seed 132017521413902 is past Studio's range, 964153102 used (ComfyUI's noise "
            "differs anyway))") in text


def test_a_display_value_saved_after_a_nodes_settings_leaves_them_named():
    """f00d4tehg0dz's LTX-2 song clip (07): ImageResizeKJv2 saved nine values - its eight settings, then KJNodes'
    size read-out - so they were read 'saved by place' and neither its 1280x720 crop nor the size it gives the
    latent was read. Named by the declared widgets where each fits its type; a misfit keeps them by place."""
    from studio.convert.reading.by_types import widget_names
    values = [1280, 720, "lanczos", "crop", "0, 0, 0", "center", 32, "cpu",
              "<tr><td>Output: </td><td><b>1</b> x <b>1280</b> x <b>704</b></td></tr>"]
    named = widget_names("ImageResizeKJv2", values)
    assert (named["width"], named["height"], named["keep_proportion"], named["divisible_by"]) == (1280, 720, "crop", 32)
    assert widget_names("ImageResizeKJv2", [1280, "wide", *values[2:]]) == {}  # a misfit: left by place


def test_a_size_measured_by_easy_imagesize_or_after_a_size_keeping_step_is_read():
    """13: 'easy imageSize' (outputs 'width_int', 'height_int') of EmptyImage 1024x768 was "a value Studio cannot
    work out"; 10: GetImageSizeAndCount after LTXVPreprocess of a resize to a fixed size likewise."""
    doc = _wan_t2v()
    doc["6"]["inputs"]["length"] = 33
    doc["30"] = {"class_type": "EmptyImage", "inputs": {"width": 1024, "height": 768, "batch_size": 1, "color": 0}}
    doc["31"] = {"class_type": "easy imageSize", "inputs": {"image": ["30", 0]}}
    doc["6"]["inputs"].update(width=["31", 0], height=["31", 1])
    gen = next(n for n in convert(doc, "size.json").graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert (gen.params["width"], gen.params["height"]) == (1024, 768)
    doc["32"] = {"class_type": "ImageScale", "inputs": {"image": ["30", 0], "upscale_method": "lanczos", "width": 640,
                                                        "height": 352, "crop": "center"}}
    doc["33"] = {"class_type": "LTXVPreprocess", "inputs": {"image": ["32", 0], "img_compression": 30}}
    doc["34"] = {"class_type": "GetImageSizeAndCount", "inputs": {"image": ["33", 0]}}
    doc["6"]["inputs"].update(width=["34", 1], height=["34", 2])
    gen = next(n for n in convert(doc, "kept.json").graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert (gen.params["width"], gen.params["height"]) == (640, 352)


def test_a_refines_start_image_and_a_loaders_weight_dtype_name_their_nodes():
    """02/03: "the second pass puts the start image in place again (LTXVImgToVideoInplace, strength 1)" and 13:
    "weight_dtype 'fp8_e4m3fn_fast' of 'UNETLoader'" (twice, one per expert) named no node id. (06's "... names no
    LoRA file Studio reads", said twice of one node, is now said once: checked on that file by hand.)"""
    from tests.convert.test_comfy_heldout17_mends import _ltx2_two_stages
    said = _said(convert(_ltx2_two_stages({"bypass": False}), "two.json"))
    line = next(x for x in said.splitlines() if "put in place again first at that size, as" in x)  # (ltx2x22: wired)
    assert "(LTXVImgToVideoInplace, #" in line
    doc = _wan_t2v()
    doc["1"]["inputs"]["weight_dtype"] = "fp8_e4m3fn_fast"
    assert "weight_dtype 'fp8_e4m3fn_fast' of 'UNETLoader' (UNETLoader, #1)" in _said(convert(doc, "dtype.json"))


def test_a_ui_node_whose_settings_are_saved_by_place_is_not_said_to_be_given_nothing():
    """The mend above must not call a UI node's settings saved by place (rgthree's Seed: '-1, "", "", okay', its
    names unknown) 'no input at all' (DawidJamrozy's workflow, 12: a random seed each run)."""
    from tests.convert.test_comfy_heldout12_mends import _ui
    c = "CONDITIONING"
    doc = _ui([
        (1, "UNETLoader", [], ["MODEL"], ["wan2.1_t2v_1.3B_fp16.safetensors", "default"]),
        (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp16.safetensors", "wan", "default"]),
        (3, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
        (4, "CLIPTextEncode", [("clip", "CLIP")], [c], ["a kite over dunes"]),
        (5, "CLIPTextEncode", [("clip", "CLIP")], [c], ["blurry"]),
        (6, "EmptyHunyuanLatentVideo", [], ["LATENT"], [832, 480, 33, 1]),
        (7, "Seed (rgthree)", [], ["INT"], [-1, "", "", "okay"]),
        (8, "KSampler", [("model", "MODEL"), ("positive", c), ("negative", c), ("latent_image", "LATENT"),
                         ("seed", "INT")], ["LATENT"], [0, "fixed", 20, 6.0, "uni_pc", "simple", 1.0]),
        (9, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (10, "SaveAnimatedWEBP", [("images", "IMAGE")], [], ["kite", 16, False, 90, "default"]),
    ], [(2, 0, 4, "clip"), (2, 0, 5, "clip"), (1, 0, 8, "model"), (4, 0, 8, "positive"), (5, 0, 8, "negative"),
        (6, 0, 8, "latent_image"), (7, 0, 8, "seed"), (8, 0, 9, "samples"), (3, 0, 9, "vae"), (9, 0, 10, "images")])
    said = _said(convert(doc, "seed.json"))
    assert "given no input at all" not in said and "'Seed (rgthree)' (Seed (rgthree), #7)" in said


def test_a_save_writing_a_join_of_two_batches_says_the_join_not_a_step_left_out():
    """LTX-Infinity (10): each extension's save was said to "write the take after ComfyUI's
    'ImageBatchExtendWithOverlap' ..., which Studio does not convert: its Save Video writes the take without it" - a
    step named, not the frames it joins in. Told by the join's declared types (two IMAGE sockets, both wired)."""
    doc = _wan_t2v()
    doc["6"]["inputs"]["length"] = 33
    doc["40"] = {"class_type": "LoadImage", "inputs": {"image": "tail.png"}}
    doc["41"] = {"class_type": "ImageBatchExtendWithOverlap", "inputs": {
        "source_images": ["8", 0], "new_images": ["40", 0], "overlap": 5, "overlap_side": "source",
        "overlap_mode": "linear_blend"}}
    doc["9"]["inputs"]["images"] = ["41", 0]
    said = _said(convert(doc, "join.json"))
    assert "writes the take without it" not in said
    assert ("'VHS_VideoCombine' (#9) writes the pictures 'ImageBatchExtendWithOverlap' (ImageBatchExtendWithOverlap, "
            "#41) joins from its 'source_images' (from 'VAEDecode' (VAEDecode, #8)), 'new_images' (from 'LoadImage' "
            "(LoadImage, #40)), a join Studio does not convert: its Save Video writes the generator's take alone") in said


def _wrapper_i2v(noise: float) -> dict:
    """WanVideoWrapper image to video (API), as aleflol's hand-written file (14)."""
    return {
        "11": {"class_type": "LoadWanVideoT5TextEncoder", "inputs": {"model_name": "umt5-xxl-enc-bf16.safetensors",
                                                                    "precision": "bf16"}},
        "16": {"class_type": "WanVideoTextEncode", "inputs": {"positive_prompt": "a truck on a highway",
                                                             "negative_prompt": "blurry", "t5": ["11", 0]}},
        "22": {"class_type": "WanVideoModelLoader", "inputs": {"model": "Wan2_1-I2V-14B-480P_fp8_e4m3fn.safetensors",
                                                              "base_precision": "bf16", "quantization": "disabled",
                                                              "load_device": "offload_device",
                                                              "attention_mode": "sdpa"}},
        "38": {"class_type": "WanVideoVAELoader", "inputs": {"model_name": "Wan2_1_VAE_bf16.safetensors",
                                                            "precision": "bf16"}},
        "58": {"class_type": "LoadImage", "inputs": {"image": "oldman.png"}},
        "63": {"class_type": "WanVideoImageToVideoEncode", "inputs": {
            "num_frames": 33, "noise_aug_strength": noise, "start_latent_strength": 1.0, "end_latent_strength": 1.0,
            "force_offload": True, "vae": ["38", 0], "start_image": ["58", 0], "width": 832, "height": 480}},
        "27": {"class_type": "WanVideoSampler", "inputs": {"steps": 20, "cfg": 5.0, "shift": 5.0, "seed": 1,
                                                          "force_offload": True, "scheduler": "unipc",
                                                          "riflex_freq_index": 0, "model": ["22", 0],
                                                          "image_embeds": ["63", 0], "text_embeds": ["16", 0]}},
        "28": {"class_type": "WanVideoDecode", "inputs": {"enable_vae_tiling": False, "tile_x": 272, "tile_y": 272,
                                                         "tile_stride_x": 144, "tile_stride_y": 128, "vae": ["38", 0],
                                                         "samples": ["27", 0]}},
        "30": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["28", 0], "frame_rate": 16, "loop_count": 0,
                                                           "filename_prefix": "truck", "format": "video/h264-mp4",
                                                           "pingpong": False, "save_output": True}},
    }


def test_a_wrapper_start_pictures_noise_augmentation_is_said():
    """aleflol's wrapper file (14): WanVideoImageToVideoEncode's noise_aug_strength 0.03 (noise on the start picture
    before it is encoded) was lost without a word; none said where it is 0."""
    said = _said(convert(_wrapper_i2v(0.03), "truck.json"))
    assert ("'WanVideoImageToVideoEncode' (WanVideoImageToVideoEncode, #63)'s noise_aug_strength 0.03 (noise added "
            "to the start picture before it is encoded) is not taken") in said
    assert "noise_aug_strength" not in _said(convert(_wrapper_i2v(0.0), "truck.json"))


def test_given_nothing_is_never_said_of_a_node_whose_inputs_are_all_optional_or_a_ui_files_own():
    """Checked over the corpus: Impact's ImpactIfNone (every input optional: it answers from nothing) and a UI file's
    uncatalogued node with no values (the page's own, rgthree's Node Collector) are not 'given nothing'; an API file's
    uncatalogued TextBox and a catalogued node lacking a required setting are."""
    from types import SimpleNamespace as N
    from studio.convert.reading.given_nothing import given_nothing
    empty = dict(links={}, widgets={}, raw=None, origin=None)
    assert not given_nothing(N(cls="ImpactIfNone", **empty), "api")
    assert not given_nothing(N(cls="Node Collector (rgthree)", **empty), "ui")
    assert given_nothing(N(cls="TextBox", **empty), "api")
    assert given_nothing(N(cls="Seed (rgthree)", **empty), "ui")
    assert not given_nothing(N(cls="Seed (rgthree)", **{**empty, "raw": [-1, "", "", ""]}), "ui")

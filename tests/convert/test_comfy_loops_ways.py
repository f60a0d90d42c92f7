"""Loops and split samplers as the segments and passes they are (branch loops): a loop of the graph whose passes
continue one take (each pass's start image picked from the frames of the passes before, the frames gathered by a
batch into the loop's end) read as the extend chain of N segments a hand-unrolled chain is (N from the loop's count,
worked out where it is a constant or a sum); a loop whose count is made when the workflow runs, or whose passes
continue nothing, said in one sentence naming its start and end. Small API workflows built here (Wan 2.1 image to
video; the loop nodes Easy-Use's, told by their FLOW_CONTROL socket)."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from tests.convert.builders import wan21_i2v_base
from tests.convert.said import said as _said

BASE = wan21_i2v_base({"6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a dancer turns", "clip": ["2", 0]}}})


def _loop(total=3, continued: bool = True) -> dict:
    """A for-loop of ``total`` passes (#50 start, #60 end): value1 the start image (the loaded picture first, then
    the last frame of the frames so far), value2 the frames so far (nothing given first), joined by ImageBatch
    (#57); each pass's seed is its index + 1 (#51). ``continued`` False: each pass starts from the loaded picture."""
    d = copy.deepcopy(BASE)  # (a test changing a node's inputs changes its own copy, never BASE's)
    d.update({
        "40": {"class_type": "PrimitiveInt", "inputs": {"value": 2}},
        "41": {"class_type": "ComfyMathExpression", "inputs": {"expression": "a + 1", "values.a": ["40", 0]}},
        "50": {"class_type": "easy forLoopStart", "inputs": {"total": total, "initial_value1": ["5", 0]}},
        "51": {"class_type": "ComfyMathExpression", "inputs": {"expression": "a + 1", "values.a": ["50", 1]}},
        "52": {"class_type": "WanImageToVideo", "inputs": {
            "width": 832, "height": 480, "length": 33, "batch_size": 1, "positive": ["6", 0], "negative": ["7", 0],
            "vae": ["3", 0], "start_image": ["50", 2] if continued else ["5", 0]}},
        "53": {"class_type": "KSampler", "inputs": {
            "seed": ["51", 1], "steps": 20, "cfg": 5.0, "sampler_name": "uni_pc", "scheduler": "simple",
            "denoise": 1.0, "model": ["1", 0], "positive": ["52", 0], "negative": ["52", 1],
            "latent_image": ["52", 2]}},
        "54": {"class_type": "VAEDecode", "inputs": {"samples": ["53", 0], "vae": ["3", 0]}},
        "57": {"class_type": "ImageBatch", "inputs": {"image1": ["50", 3], "image2": ["54", 0]}},
        "58": {"class_type": "ImageFromBatch", "inputs": {"image": ["57", 0], "batch_index": 4095, "length": 1}},
        "60": {"class_type": "easy forLoopEnd", "inputs": {"flow": ["50", 0], "initial_value1": ["58", 0],
                                                           "initial_value2": ["57", 0]}},
        "70": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["60", 1]}},
        "71": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "long", "format": "auto", "codec": "auto",
                                                     "video": ["70", 0]}}})
    if total == "sum":
        d["50"]["inputs"]["total"] = ["41", 1]
    return d


def _gens(g) -> list:
    return sorted((n for n in g.nodes.values() if n.type_id == "video_models.image_to_video"),
                  key=lambda n: n.params["seed"])


def test_a_loop_continuing_one_take_is_its_segments_each_from_the_last_frame_of_the_one_before():
    conv = convert(_loop(3), "loop")
    g = conv.graph
    assert g.validate() == []
    gens = _gens(g)
    assert [n.params["seed"] for n in gens] == [1, 2, 3]  # a generator a pass, its index read
    assert all(n.params["prompt"] == "a dancer turns" and n.params["frames"] == 33 for n in gens)
    load = next(n for n in g.nodes.values() if n.type_id == "io.load_image")
    assert g.input_link(gens[0].id, "image").src == load.id
    for k in (1, 2):  # each later pass starts from the last frame of the pass before
        hold = g.nodes[g.input_link(gens[k].id, "image").src]
        assert hold.type_id == "edit.frame_hold" and hold.params["frame"] == 32
        assert g.input_link(hold.id, "video").src == gens[k - 1].id
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    cat = g.nodes[g.input_link(save.id, "video").src]
    assert cat.type_id == "edit.concatenate"
    assert [g.input_link(cat.id, p).src for p in "abc"] == [n.id for n in gens]
    said = _said(conv)
    assert ("the loop from 'easy forLoopStart' (easy forLoopStart, #50) to 'easy forLoopEnd' (easy forLoopEnd, #60) "
            "runs 3 passes, each continuing the take from frames of the one before: read as 3 segments") in said
    assert "'ImageBatch' (ImageBatch, #57) joins the frames carried with the new ones" in said
    assert "Studio runs no loops" not in said and "one pass of the loop" not in said


def test_the_loops_count_worked_out_from_a_sum():
    gens = _gens(convert(_loop("sum"), "sum").graph)
    assert [n.params["seed"] for n in gens] == [1, 2, 3]


def test_a_loop_whose_count_is_made_when_the_workflow_runs_is_said_not_unrolled():
    d = _loop(3)
    d["80"] = {"class_type": "GetImageSizeAndCount", "inputs": {"image": ["5", 0]}}
    d["50"]["inputs"]["total"] = ["80", 3]
    conv = convert(d, "runtime")
    said = _said(conv)
    assert ("the loop from 'easy forLoopStart' (easy forLoopStart, node 50) to 'easy forLoopEnd' (easy forLoopEnd, "
            "node 60) is not unrolled into segments: its 'total' is a value Studio cannot work out when "
            "converting") in said
    assert len(_gens(conv.graph)) <= 1  # never a chain of copies


def test_a_loop_whose_passes_continue_nothing_is_said_not_unrolled():
    conv = convert(_loop(3, continued=False), "independent")
    said = _said(conv)
    assert ("runs 3 passes, not unrolled into segments: no frames decoded in a pass feed the next pass's "
            "sampling") in said
    assert "not a take's frames" not in said  # (it may carry a take's latent or frames: heldout18 04)
    assert len(_gens(conv.graph)) <= 1


def test_a_while_loop_is_said_not_counted():
    d = _loop(3)
    d["50"] = {"class_type": "easy whileLoopStart", "inputs": {"condition": True, "initial_value1": ["5", 0]}}
    d["60"]["class_type"] = "easy whileLoopEnd"
    d["60"]["inputs"]["condition"] = True
    said = _said(convert(d, "while"))
    assert ("the loop from 'easy whileLoopStart' (easy whileLoopStart, node 50) to 'easy whileLoopEnd' (easy "
            "whileLoopEnd, node 60) repeats until its condition says so when the workflow runs") in said


def _triple(strategy: str = "50% of steps", base_lora: bool = False) -> dict:
    """Wan 2.2 A14B text to video sampled by a TripleKSampler (#30): base_high the high expert as loaded (or through a
    LoRA of its own, #14), lightning_high / lightning_low each expert through its lightning LoRA (#12, #13)."""
    d = {"10": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_t2v_high_noise_14B_fp16.safetensors",
                                                       "weight_dtype": "default"}},
         "11": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_t2v_low_noise_14B_fp16.safetensors",
                                                       "weight_dtype": "default"}},
         "12": {"class_type": "LoraLoaderModelOnly", "inputs": {"lora_name": "lightx2v_high.safetensors",
                                                                "strength_model": 1.0, "model": ["10", 0]}},
         "13": {"class_type": "LoraLoaderModelOnly", "inputs": {"lora_name": "lightx2v_low.safetensors",
                                                                "strength_model": 1.0, "model": ["11", 0]}},
         "2": BASE["2"], "3": BASE["3"], "6": BASE["6"], "7": BASE["7"],
         "20": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 832, "height": 480, "length": 81,
                                                                    "batch_size": 1}},
         "30": {"class_type": "TripleKSamplerWan22Lightning", "inputs": {
             "base_high": ["14", 0] if base_lora else ["10", 0], "lightning_high": ["12", 0],
             "lightning_low": ["13", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["20", 0],
             "seed": 7, "sigma_shift": 5.0, "base_cfg": 3.5, "lightning_start": 1, "lightning_steps": 8,
             "sampler_name": "euler", "scheduler": "simple", "switch_strategy": strategy}},
         "31": {"class_type": "VAEDecode", "inputs": {"samples": ["30", 0], "vae": ["3", 0]}},
         "32": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["31", 0]}},
         "33": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "t", "format": "auto", "codec": "auto",
                                                      "video": ["32", 0]}}}
    if base_lora:
        d["14"] = {"class_type": "LoraLoaderModelOnly", "inputs": {"lora_name": "detail_high.safetensors",
                                                                   "strength_model": 0.5, "model": ["10", 0]}}
    return d


def test_a_triple_sampler_is_its_two_lightning_experts_its_base_stage_said_with_its_step_split():
    conv = convert(_triple(), "triple")
    g = conv.graph
    assert g.validate() == []
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.text_to_video")
    assert gen.params["steps"] == 8 and gen.params["guidance"] == 1.0 and gen.params["shift"] == 5.0
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
    assert load.params["model"].endswith("high_noise_14B_fp16.safetensors")
    assert load.params["model_2"].endswith("low_noise_14B_fp16.safetensors")
    loras = {n.params["lora"]: n.params.get("expert") for n in g.nodes.values() if n.type_id == "video_models.lora"}
    assert loras == {"lightx2v_high.safetensors": "high noise", "lightx2v_low.safetensors": "low noise"}
    said = _said(conv)
    assert ("'TripleKSamplerWan22Lightning' (TripleKSamplerWan22Lightning, #30) samples Wan 2.2 in three stages of "
            "ComfyUI's KSamplerAdvanced, each model shifted by 5.0: 1. 'base_high' (from 'UNETLoader', #10) steps 0-3 "
            "of 24 at cfg 3.5 (the first 12.5 % of the denoising); 2. 'lightning_high' (from 'LoraLoaderModelOnly', "
            "#12) steps 1-4 of 8; 3. 'lightning_low' (from 'LoraLoaderModelOnly', #13) steps 4-8, both at cfg 1.0 "
            "(the switch: half its 8 steps rounded up)") in said
    assert "stage 1 is not made (Studio's Wan 2.2 samples with two experts)" in said
    assert "TripleKSamplerWan22Lightning" not in "\n".join(l for l in conv.log if "not converted" in l)


def test_a_triple_samplers_boundary_switch_is_said_worked_out_when_it_runs():
    said = _said(convert(_triple("I2V boundary"), "boundary"))
    assert ("from step 1 of 8 to the switch; 3. 'lightning_low' (from 'LoraLoaderModelOnly', #13) from the switch to "
            "step 8, both at cfg 1.0 (the switch: the step the model's noise schedule reaches the I2V boundary (0.9) "
            "at when the workflow runs)") in said
    assert "Studio's generator switches experts at the model's own boundary" in said


def test_a_lora_on_the_base_stage_alone_is_never_lost_in_silence():
    conv = convert(_triple(base_lora=True), "base lora")
    said = _said(conv)  # the base stage's own LoRA: named as stage 1's model, listed with its settings
    assert "1. 'base_high' (from 'LoraLoaderModelOnly', #14) steps 0-3 of 24" in said
    assert "14" in conv.dropped and "detail_high.safetensors" in said


def test_what_a_pass_writes_beside_the_loop_is_written_for_each_pass():
    d = _loop(3)
    d["75"] = {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["54", 0]}}
    d["76"] = {"class_type": "SaveVideo", "inputs": {"filename_prefix": "pass", "format": "auto", "codec": "auto",
                                                     "video": ["75", 0]}}
    conv = convert(d, "per pass")
    g = conv.graph
    assert g.validate() == []
    gens = _gens(g)
    assert [n.params["seed"] for n in gens] == [1, 2, 3]
    saves = [n for n in g.nodes.values() if n.type_id == "io.save_video"]
    written = {g.input_link(sv.id, "video").src for sv in saves}
    assert {n.id for n in gens} <= written  # each pass's take written by a save of its own (the joined one too)
    assert any(g.nodes[src].type_id == "edit.concatenate" for src in written)
    assert "with what each pass shows or writes beside them ('CreateVideo' (CreateVideo, #75), 'SaveVideo' " \
           "(SaveVideo, #76))" in _said(conv)


def test_a_ui_loop_whose_file_lists_some_of_its_values_is_unrolled_by_their_names():
    """A UI file (its start listing flow, index, value1 and value4 only, as the frontend shows the ones used): the
    start image carried as value1, the frames so far as value4, each named by the outputs the file lists."""
    from tests.convert.test_comfy_wiring import UI
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_i2v_480p_14B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    img = w.add("LoadImage", ["start.png", "image"], ["IMAGE", "MASK"])
    pos = w.add("CLIPTextEncode", ["a dancer turns"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    start = w.add("easy forLoopStart", [2], ["FLOW_CONTROL", "INT", "*", "*"],
                  {"initial_value1": (img, 0, "*"), "initial_value4": "*"})
    w.nodes[-1]["outputs"] = [{"name": k, "type": t} for k, t in
                              (("flow", "FLOW_CONTROL"), ("index", "INT"), ("value1", "*"), ("value4", "*"))]
    i2v = w.add("WanImageToVideo", [832, 480, 33, 1], ["CONDITIONING", "CONDITIONING", "LATENT"],
                {"positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"), "vae": (vae, 0, "VAE"),
                 "start_image": (start, 2, "IMAGE")})
    ks = w.add("KSampler", [7, "fixed", 20, 6.0, "uni_pc", "simple", 1.0], ["LATENT"],
               {"model": (unet, 0, "MODEL"), "positive": (i2v, 0, "CONDITIONING"),
                "negative": (i2v, 1, "CONDITIONING"), "latent_image": (i2v, 2, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    batch = w.add("ImageBatch", [], ["IMAGE"], {"image1": (start, 3, "IMAGE"), "image2": (dec, 0, "IMAGE")})
    pick = w.add("ImageFromBatch", [4095, 1], ["IMAGE"], {"image": (batch, 0, "IMAGE")})
    end = w.add("easy forLoopEnd", [], ["*", "*"], {"flow": (start, 0, "FLOW_CONTROL"),
                                                     "initial_value1": (pick, 0, "*"),
                                                     "initial_value4": (batch, 0, "*")})
    w.nodes[-1]["outputs"] = [{"name": "value1", "type": "*"}, {"name": "value4", "type": "*"}]
    cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (end, 1, "IMAGE")})
    w.add("SaveVideo", ["long", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    conv = convert(w.doc(), "ui loop")
    g = conv.graph
    assert g.validate() == []
    gens = [n for n in g.nodes.values() if n.type_id == "video_models.image_to_video"]
    assert len(gens) == 2
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    cat = g.nodes[g.input_link(save.id, "video").src]
    assert cat.type_id == "edit.concatenate"
    first, second = (g.input_link(cat.id, p).src for p in "ab")
    hold = g.nodes[g.input_link(second, "image").src]
    assert hold.type_id == "edit.frame_hold" and g.input_link(hold.id, "video").src == first
    assert f"#{start}) to 'easy forLoopEnd' (easy forLoopEnd, #{end}) runs 2 passes" in _said(conv)


def test_a_loop_of_one_pass_is_its_one_segment_said_so():
    conv = convert(_loop(1), "one")
    g = conv.graph
    assert len(_gens(g)) == 1 and g.validate() == []
    said = _said(conv)
    assert "runs 1 pass: read as 1 segment (the nodes " \
           "between them made once;" in said and "'ID@2' onwards" not in said


def test_the_advanced_triple_samplers_own_steps_switch_and_lightning_sampler_are_read():
    d = _triple()
    d["30"]["class_type"] = "TripleKSamplerWan22LightningAdvanced"
    ins = d["30"]["inputs"]
    for k in ("sampler_name", "scheduler"):
        del ins[k]
    ins.update({"base_quality_threshold": 20, "base_steps": 4, "base_sampler": "euler", "base_scheduler": "simple",
                "lightning_start": 2, "lightning_cfg": 1.5, "lightning_sampler": "uni_pc",
                "lightning_scheduler": "simple", "switch_strategy": "Manual switch step", "switch_step": 5,
                "switch_boundary": 0.875, "dry_run": False})
    conv = convert(d, "advanced")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert gen.params["steps"] == 8 and gen.params["guidance"] == 1.5 and gen.params["sampler"] == "unipc"
    said = _said(conv)
    assert ("1. 'base_high' (from 'UNETLoader', #10) steps 0-4 of 16 at cfg 3.5 (the first 25.0 % of the denoising); "
            "2. 'lightning_high' (from 'LoraLoaderModelOnly', #12) steps 2-5 of 8; 3. 'lightning_low' (from "
            "'LoraLoaderModelOnly', #13) steps 5-8, both at cfg 1.5 (the switch: the step given)") in said


def test_a_file_that_cannot_be_wired_is_never_also_said_wired_without_its_steps():
    """A VACE control mask made from a video file through steps Studio does not make (the crop-uncrop held-out
    workflow's shape, now made since its TripleKSampler is read): said not wired, never 'wired without those steps'.
    (Its ImageToMask takes 'alpha', which Studio does not make of a picture; a colour channel is Mask Tools since
    twotalk23: mapping/picture_mask.py.)"""
    d = _triple()
    d["20"] = {"class_type": "WanVaceToVideo", "inputs": {
        "width": 832, "height": 480, "length": 33, "batch_size": 1, "strength": 1.0, "positive": ["6", 0],
        "negative": ["7", 0], "vae": ["3", 0], "control_video": ["41", 0], "control_masks": ["43", 0]}}
    d["40"] = {"class_type": "VHS_LoadVideo", "inputs": {"video": "mask.mp4", "force_rate": 0, "custom_width": 0,
                                                         "custom_height": 0, "frame_load_cap": 0,
                                                         "skip_first_frames": 0, "select_every_nth": 1}}
    d["41"] = {"class_type": "VHS_LoadVideo", "inputs": {"video": "clip.mp4", "force_rate": 0, "custom_width": 0,
                                                         "custom_height": 0, "frame_load_cap": 0,
                                                         "skip_first_frames": 0, "select_every_nth": 1}}
    d["42"] = {"class_type": "SomePackMaskSmoother", "inputs": {"images": ["40", 0], "amount": 3}}
    d["43"] = {"class_type": "ImageToMask", "inputs": {"image": ["42", 0], "channel": "alpha"}}
    for k in ("positive", "negative", "latent_image"):
        d["30"]["inputs"][k] = ["20", {"positive": 0, "negative": 1, "latent_image": 2}[k]]
    said = _said(convert(d, "mask"))
    assert "video 'mask.mp4' is not wired to 'mask'" in said and "the file is wired without" not in said

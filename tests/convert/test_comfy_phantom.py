"""Issue 112 (phantom11): Phantom-Wan's subject to video read as Studio's Phantom node: kijai's WanVideoWrapper
(WanVideoPhantomEmbeds, its pictures encoded by WanVideoEncode onto phantom_latent_1..4) and ComfyUI's own
WanPhantomSubjectToVideo ('images', width, height, length). The pictures are the node's references, the size and
frames the take's, the wrapper's phantom_cfg_scale its image guidance; what it does not take is said. Wired another
way, the task is held with its sentence. The workflows are built here from node types, values and links (API)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, source_file

PROMPT = "an old man plays with a figurine"
NODE = "video_models.phantom"


def _wrapper(pictures=2, cfg=5.0, span=(0.0, 1.0), vace=False, pad=True) -> dict:
    nodes = {
        "1": ("WanVideoModelLoader", {"model": "WanVideo/Phantom-Wan-14B_fp16.safetensors", "base_precision": "bf16",
                                      "quantization": "disabled", "load_device": "offload_device"}),
        "2": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16"}),
        "3": ("WanVideoTextEncode", {"positive_prompt": PROMPT, "negative_prompt": "blurry", "t5": ["2", 0]}),
        "4": ("WanVideoVAELoader", {"model_name": "Wan2_1_VAE_bf16.safetensors", "precision": "bf16"}),
        "20": ("WanVideoPhantomEmbeds", {"num_frames": 81, "phantom_cfg_scale": cfg, "phantom_start_percent": span[0],
                                         "phantom_end_percent": span[1]}),
        "14": ("WanVideoSampler", {"model": ["1", 0], "text_embeds": ["3", 0], "image_embeds": ["20", 0], "steps": 30,
                                   "cfg": 7.5, "shift": 5.0, "seed": 7, "force_offload": True, "scheduler": "unipc",
                                   "riflex_freq_index": 0}),
        "15": ("WanVideoDecode", {"vae": ["4", 0], "samples": ["14", 0], "enable_vae_tiling": False}),
        "17": ("VHS_VideoCombine", {"images": ["15", 0], "frame_rate": 24, "filename_prefix": "phantom",
                                    "format": "video/h264-mp4"}),
    }
    for i in range(pictures):
        load, enc = str(30 + i), str(40 + i)
        nodes[load] = ("LoadImage", {"image": f"subject{i + 1}.png"})
        src = [load, 0]
        if pad:
            nodes[str(50 + i)] = ("ImagePadKJ", {"image": src, "left": 0, "right": 0, "top": 0, "bottom": 0,
                                                 "extra_padding": 0, "pad_mode": "color", "color": "255,255,255",
                                                 "target_width": 832, "target_height": 480})
            src = [str(50 + i), 0]
        nodes[enc] = ("WanVideoEncode", {"vae": ["4", 0], "image": src, "enable_vae_tiling": False})
        nodes["20"][1][f"phantom_latent_{i + 1}"] = [enc, 0]
    if vace:
        nodes["21"] = ("WanVideoVACEEncode", {"vae": ["4", 0], "width": 832, "height": 480, "num_frames": 81,
                                              "strength": 1.0, "vace_start_percent": 0.0, "vace_end_percent": 1.0})
        nodes["20"][1]["vace_embeds"] = ["21", 0]
    return api(nodes)


def test_the_wrappers_phantom_is_read_as_the_phantom_node():
    conv = convert(_wrapper(), "phantom")
    assert [t["generator"] for t in conv.tasks] == [NODE]
    gen = nodes_of(conv, NODE)[0]
    p = gen.params
    assert (p["width"], p["height"], p["frames"], p["steps"], p["guidance"], p["image_guidance"], p["seed"]) == \
        (832, 480, 81, 30, 7.5, 5.0, 7)
    assert p["prompt"] == PROMPT and p["negative_prompt"] == "blurry"
    assert source_file(conv, gen.id, "reference") == "subject1.png"
    assert source_file(conv, gen.id, "reference_2") == "subject2.png"
    assert conv.graph.input_link(gen.id, "reference_3") is None
    text = said(conv)
    assert "'WanVideoPhantomEmbeds' (WanVideoPhantomEmbeds, #20) is read as Studio's Phantom node" in text
    assert "the take's size 832x480 is the size 'ImagePadKJ' (#50) makes them" in text  # (two pictures)
    assert "cannot read ComfyUI-WanVideoWrapper's WanVideoPhantomEmbeds" not in text


def test_its_image_guidance_is_the_nodes_and_a_span_of_steps_is_said():
    conv = convert(_wrapper(pictures=1, cfg=3.0, span=(0.0, 0.6)), "phantom")
    gen = nodes_of(conv, NODE)[0]
    assert gen.params["image_guidance"] == 3.0
    assert conv.graph.input_link(gen.id, "reference_2") is None
    text = said(conv)
    assert "phantom_end_percent" in text and "Studio's Phantom reads them at every step" in text


def test_an_unknown_size_is_said_and_vace_embeds_hold_the_task():
    conv = convert(_wrapper(pictures=1, pad=False), "phantom")
    gen = nodes_of(conv, NODE)[0]
    assert (gen.params["width"], gen.params["height"]) == (832, 480)  # the node's own, said
    assert "the take's width is not known when converting: Studio's Phantom makes 832" in said(conv)
    held = convert(_wrapper(vace=True), "phantom")
    assert not nodes_of(held, NODE)
    assert "is given VACE's embeds (Phantom's references on a VACE model): Studio's Phantom node has no VACE " \
           "control, so held" in said(held)


def _core(negative_slot: int, guider: bool = False) -> dict:
    nodes = {
        "1": ("UNETLoader", {"unet_name": "Phantom_Wan_14B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": PROMPT, "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "6": ("LoadImage", {"image": "subject.png"}),
        "7": ("WanPhantomSubjectToVideo", {"positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0],
                                           "width": 640, "height": 352, "length": 49, "batch_size": 1,
                                           "images": ["6", 0]}),
        "8": ("KSampler", {"model": ["1", 0], "positive": ["7", 0], "negative": ["7", negative_slot],
                           "latent_image": ["7", 3], "seed": 3, "steps": 20, "cfg": 6.0, "sampler_name": "uni_pc",
                           "scheduler": "simple", "denoise": 1.0}),
        "9": ("TrimVideoLatent", {"samples": ["8", 0], "trim_amount": 1}),
        "10": ("VAEDecode", {"samples": ["9", 0], "vae": ["3", 0]}),
        "11": ("SaveAnimatedWEBP", {"images": ["10", 0], "filename_prefix": "phantom", "fps": 16, "lossless": False,
                                    "quality": 90, "method": "default"}),
    }
    return api(nodes)


def test_comfyuis_own_phantom_node_is_read_as_the_phantom_node():
    conv = convert(_core(2), "phantom core")
    assert [t["generator"] for t in conv.tasks] == [NODE]
    gen = nodes_of(conv, NODE)[0]
    p = gen.params
    assert (p["width"], p["height"], p["frames"], p["steps"], p["guidance"], p["seed"]) == (640, 352, 49, 20, 6.0, 3)
    assert source_file(conv, gen.id, "reference") == "subject.png"


def test_the_image_guidance_is_read_from_the_conditioning_the_sampler_is_given():
    # between positive and negative_img_text at cfg c: neg + c (pos - neg), Phantom's sum with both guidances c
    conv = convert(_core(2), "phantom core")
    assert nodes_of(conv, NODE)[0].params["image_guidance"] == 6.0
    assert "between WanPhantomSubjectToVideo's positive and negative_img_text" in said(conv)
    # between positive and negative_text (the references in both): image guidance 1
    conv = convert(_core(1), "phantom core")
    assert nodes_of(conv, NODE)[0].params["image_guidance"] == 1.0
    assert "Studio's Phantom's image guidance is 1 (the same sum)" in said(conv)


def _dual(cond2_slot: int = 1) -> dict:
    wf = _core(2)
    del wf["8"]
    wf.update(api({
        "20": ("DualCFGGuider", {"model": ["1", 0], "cond1": ["7", 0], "cond2": ["7", cond2_slot],
                                 "negative": ["7", 2], "cfg_conds": 7.5, "cfg_cond2_negative": 4.0,
                                 "style": "regular"}),
        "21": ("KSamplerSelect", {"sampler_name": "uni_pc"}),
        "22": ("BasicScheduler", {"model": ["1", 0], "scheduler": "simple", "steps": 20, "denoise": 1.0}),
        "23": ("RandomNoise", {"noise_seed": 3}),
        "8": ("SamplerCustomAdvanced", {"noise": ["23", 0], "guider": ["20", 0], "sampler": ["21", 0],
                                        "sigmas": ["22", 0], "latent_image": ["7", 3]}),
    }))
    return wf


def test_a_dual_cfg_guider_is_the_releases_three_way_guidance():
    conv = convert(_dual(), "phantom dual")
    p = nodes_of(conv, NODE)[0].params
    assert (p["guidance"], p["image_guidance"]) == (7.5, 4.0)
    assert "its cfg_cond2_negative 4 (between WanPhantomSubjectToVideo's negative_text and negative_img_text) is " \
           "Studio's Phantom's image guidance" in said(conv)
    assert "cfg_cond2_negative 4.0, style regular not taken" not in said(conv)  # (the generic word, not true here)
    other = convert(_dual(cond2_slot=0), "phantom dual")
    assert nodes_of(other, NODE)[0].params["image_guidance"] == 5.0
    assert "Studio's Phantom keeps its own image guidance (set it to the workflow's)" in said(other)


def test_the_wrappers_one_and_two_pass_sums_are_the_nodes():
    # phantom_cfg_scale 1: the wrapper skips the references' pass, neg(zeros) + cfg (cond - neg): image guidance cfg
    wf = _wrapper(pictures=1, cfg=1.0)
    conv = convert(wf, "phantom")
    p = nodes_of(conv, NODE)[0].params
    assert (p["guidance"], p["image_guidance"]) == (7.5, 7.5)
    assert "with phantom_cfg_scale 1 the wrapper skips the references' pass" in said(conv)
    # cfg 1 (a distilled LoRA's): the prompt-with-references pass alone: both guidances 1
    wf = _wrapper(pictures=1, cfg=5.0)
    wf["14"]["inputs"]["cfg"] = 1.0
    conv = convert(wf, "phantom")
    p = nodes_of(conv, NODE)[0].params
    assert (p["guidance"], p["image_guidance"]) == (1.0, 1.0)
    assert "its phantom_cfg_scale 5 guides nothing" in said(conv)


def test_a_batch_of_pictures_gives_one_reference_each():
    wf = _core(2)
    wf.update(api({"30": ("LoadImage", {"image": "b.png"}),
                   "31": ("ImageBatch", {"image1": ["6", 0], "image2": ["30", 0]})}))
    wf["7"]["inputs"]["images"] = ["31", 0]
    conv = convert(wf, "phantom batch")
    gen = nodes_of(conv, NODE)[0]
    assert source_file(conv, gen.id, "reference") == "subject.png"
    assert source_file(conv, gen.id, "reference_2") == "b.png"
    text = said(conv)
    assert "'ImageBatch' (ImageBatch, #31) batches 2 pictures into WanPhantomSubjectToVideo's 'images': each is one " \
           "of Studio's Phantom's references (reference, reference_2)" in text
    assert "the video is made without it" not in text and "a step between its 'image1'" not in text
    # five through KJNodes' ImageBatchMulti: the first four taken, the fifth said
    wf = _core(2)
    more = {str(40 + i): ("LoadImage", {"image": f"p{i}.png"}) for i in range(5)}
    more["45"] = ("ImageBatchMulti", {"inputcount": 5, **{f"image_{i + 1}": [str(40 + i), 0] for i in range(5)}})
    wf.update(api(more))
    wf["7"]["inputs"]["images"] = ["45", 0]
    conv = convert(wf, "phantom batch")
    gen = nodes_of(conv, NODE)[0]
    assert [source_file(conv, gen.id, p) for p in ("reference", "reference_2", "reference_3", "reference_4")] == \
        ["p0.png", "p1.png", "p2.png", "p3.png"]
    assert "the first 4 are Studio's Phantom's references (reference, reference_2" in said(conv)
    assert "; its 'image_5' (from 'LoadImage', #44) is not taken (Phantom-Wan reads up to 4)" in said(conv)
    assert "TrimVideoLatent" not in said(conv)

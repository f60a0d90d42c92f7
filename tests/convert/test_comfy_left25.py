"""left25: last stop's small leftovers read by their declared types. VideoX-Fun's 'Flow_Unipc' and 'Flow_DPM++'
two-expert samplers pass to the low-noise expert where the pack's own schedulers put the boundary (not at half the
steps); MiniMax H3's shortest take is ComfyUI's (its 17k + 5 grid from 5 frames), not diffusers' 5 seconds."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said
from tests.convert.test_comfy_videox_fun import CACHE, _workflow
from nodes.video_models.families.wan.comfy_videox_fun_experts import high_steps


def test_unipc_and_dpm_experts_pass_where_the_packs_own_schedulers_put_the_boundary():
    # (values of the pack's FlowUniPCMultistepScheduler / FlowDPMSolverMultistepScheduler, 804a4258, made at the
    # sampler's shift, their timesteps set at the pipeline's own shift 5: checked against them outside the suite)
    assert high_steps(50, 12, 0.875, "Flow_Unipc") == 21
    assert high_steps(40, 5, 0.9, "Flow_Unipc") == 15
    assert high_steps(50, 12, 0.875, "Flow_DPM++") == 45
    assert high_steps(50, 12, 0.875, "Flow") == 32

    def vace(w):  # the chunked files of the release's wan2.2_vace_fun example: two experts, their VAE and T5
        low, high = (w.add("LoadVaceWanTransformer3DModel", [f"Wan2.2-VACE-Fun-A14B-{x}_bf16.safetensors", "bf16"],
                           ["TransformerModel", "STRING"]) for x in ("LOW", "HIGH"))
        vae = w.add("LoadWanVAEModel", ["wan_2.1_vae.safetensors", "bf16"], ["VAEModel"])
        t5 = w.add("LoadWanTextEncoderModel", ["umt5_xxl_fp16.safetensors", "bf16"], ["TextEncoderModel", "Tokenizer"])
        return w.add("CombineWan2_2VaceFunPipeline", ["", "sequential_cpu_offload"], ["FunModels"],
                     {"transformer": (low, 0, "TransformerModel"), "transformer_2": (high, 0, "TransformerModel"),
                      "vae": (vae, 0, "VAEModel"), "text_encoder": (t5, 0, "TextEncoderModel"),
                      "tokenizer": (t5, 1, "Tokenizer")})
    conv = convert(_workflow(vace, "Wan2_2VaceFunSampler", [81, 640, 43, "fixed", 50, 6, "Flow_Unipc", 12, 0.875]
                             + CACHE + [True], {"start_image": "first.png"}), "experts")
    text = said(conv)
    assert "first sampler runs steps 0-21 of 50" in text and "steps 21 to the end" in text
    assert "steps 0-25 of 50" not in text  # (half the steps, as read before)


def _t2v(prompt: str, seconds: float, settings: bool = True) -> dict:
    """dorpxam's ComfyUI-FramePack-F1-T2V example as its UI file saves it (its nodes' INPUT_TYPES, 8d563da): kijai's
    loader, its user settings, sampler settings and timed prompt encoder into its sampler, VAEDecodeTiled, VHS."""
    from tests.convert.test_comfy_proxymine24 import _ui
    nodes = [
        (4, "LoadFramePackModel", ["FramePackI2V_HY_bf16.safetensors", "bf16", "disabled", "offload_device", "sdpa"],
         [], [("model", "FramePackMODEL")]),
        (6, "DualCLIPLoader", ["clip_l.safetensors", "llava_llama3_fp16.safetensors", "hunyuan_video", "default"],
         [], [("CLIP", "CLIP")]),
        (8, "VAELoader", ["hunyuan_video_vae_bf16.safetensors"], [], [("VAE", "VAE")]),
        (14, "FramePackF1T2VUserSettings", [512, 768, 25, 7, "fixed"], [], [("settings", "UserSettings")]),
        (15, "FramePackF1T2VTextEncode", [prompt, "", seconds, 9, 0], [("clip", "CLIP")],
         [("positive", "Timestamped_Conditioning"), ("negative", "Conditioning")]),
        (20, "FramePackF1T2VSampler", [False, 0.15], [("model", "FramePackMODEL"), ("user_settings", "UserSettings"),
                                                       ("positive", "Timestamped_Conditioning"),
                                                       ("negative", "Conditioning"), ("sampler_settings", "SamplerSettings")],
         [("samples", "LATENT")]),
        (7, "VAEDecodeTiled", [256, 64, 64, 8], [("samples", "LATENT"), ("vae", "VAE")], [("IMAGE", "IMAGE")]),
        (9, "VHS_VideoCombine", {"frame_rate": 30, "loop_count": 0, "filename_prefix": "FramePack",
                                 "format": "video/h264-mp4", "pingpong": False, "save_output": True},
         [("images", "IMAGE")], []),
    ]
    links = [(4, 0, 20, "model"), (14, 0, 20, "user_settings"), (15, 0, 20, "positive"), (15, 1, 20, "negative"),
             (6, 0, 15, "clip"), (20, 0, 7, "samples"), (8, 0, 7, "vae"), (7, 0, 9, "images")]
    if settings:
        nodes.append((18, "FramePackF1T2VSamplerSettings", [1, 7.0, 3.0, 6, "unipc_bh1", 1], [],
                      [("settings", "SamplerSettings")]))
        links.append((18, 0, 20, "sampler_settings"))
    return _ui(nodes, links)


def test_framepack_f1_text_to_video_is_the_framepack_node_with_no_image():
    """heldout114 04's pack: its sampler read as the Framepack node with no image (text to video from a start latent
    of zeros, blank.py), its sections counted as the pack counts them (12 s over sections of 9 x 4 - 3 = 33 frames at
    30 fps: 11), frames 11 x 9 x 4 + 1 = 397, forward; width, height, steps, seed, guidance and the prompt its
    settings nodes'."""
    from tests.convert.said import nodes_of
    conv = convert(_t2v("a red fox running in the snow", 12), "t2v")
    gen, = nodes_of(conv, "video_models.framepack")
    p = gen.params
    assert (p["frames"], p["sections"], p["window"], p["sampling"]) == (397, 11, 9, "vanilla")
    assert (p["width"], p["height"], p["steps"], p["seed"], p["guidance"]) == (512, 768, 25, 7, 7.0)
    assert p["prompt"] == "a red fox running in the snow" and p["prompts"] == ""
    assert conv.graph.input_link(gen.id, "image") is None  # text to video: no start picture
    text = said(conv)
    assert "makes text to video: 11 sections forward from a start latent of zeros" in text
    assert "shift 3" in text and "cannot convert" not in text and "catalogue does not hold" not in text
    assert "a node pack the file does not name" not in text


def test_framepack_f1_text_to_video_timed_prompts_fall_in_the_packs_sections():
    """Its '[Xs: ...]' spans aligned to its sections of 33 frames (1.1 s): '[2.2s: ...]' starts the third section,
    which the Framepack node's timed prompt at the third section's start (2 x 36 frames at 30 fps: 2.4 s) gives; no
    sampler settings node: the sampler's own values (cfg 1, guidance 10)."""
    from tests.convert.said import nodes_of
    conv = convert(_t2v("[0s: a cat sits on a wall] [2.2s: the cat jumps down]", 5, settings=False), "timed")
    gen, = nodes_of(conv, "video_models.framepack")
    assert gen.params["sections"] == 5 and gen.params["frames"] == 5 * 36 + 1  # (ceil(5 / 1.1))
    assert gen.params["prompt"] == "a cat sits on a wall" and gen.params["guidance"] == 10.0
    assert gen.params["prompts"] == "2.4: the cat jumps down" and gen.params["timed_fps"] == 30.0
    from nodes.video_models.families.framepack.timed import parse_timed, prompt_per_section
    per = prompt_per_section(gen.params["prompt"], parse_timed(gen.params["prompts"]), 5, 9, 30.0)
    assert per == ["a cat sits on a wall"] * 2 + ["the cat jumps down"] * 3


def _extension(grey=0x7F7F7F, kept=16, made=65, length=81) -> dict:
    """Core ComfyUI's native VACE extension, written from its nodes' declared types (nodes.py ImageBatch, EmptyImage;
    comfy_extras SolidMask, MaskToImage, RepeatImageBatch, ImageToMask; WanVaceToVideo): a clip's last 16 frames
    (KJNodes' GetImageRangeFromBatch -1, 16) batched before 65 grey frames, masks 0 over them and 1 after."""
    from tests.convert.test_comfy_vacerange24 import IMG, LOAD_VIDEO
    from tests.convert.test_comfy_wiring import UI
    w = UI()
    unet = w.add("UNETLoader", ["wan2.1_vace_14B_fp16.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    video = w.add("VHS_LoadVideo", dict(LOAD_VIDEO), (IMG, "INT", "AUDIO", "VHS_VIDEOINFO"))
    last = w.add("GetImageRangeFromBatch", [-1, 16], [IMG, "MASK"], {"images": (video, 0, IMG), "masks": "MASK"})
    empty = w.add("EmptyImage", [832, 480, 65, grey], [IMG])
    control = w.add("ImageBatch", [], [IMG], {"image1": (last, 0, IMG), "image2": (empty, 0, IMG)})
    rows = []
    for value, amount in ((0.0, kept), (1.0, made)):
        solid = w.add("SolidMask", [value, 832, 480], ["MASK"])
        pic = w.add("MaskToImage", [], [IMG], {"mask": (solid, 0, "MASK")})
        rows.append(w.add("RepeatImageBatch", [amount], [IMG], {"image": (pic, 0, IMG)}))
    both = w.add("ImageBatch", [], [IMG], {"image1": (rows[0], 0, IMG), "image2": (rows[1], 0, IMG)})
    masks = w.add("ImageToMask", ["red"], ["MASK"], {"image": (both, 0, IMG)})
    pos = w.add("CLIPTextEncode", ["the dancer keeps turning"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", [""], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    vace = w.add("WanVaceToVideo", [832, 480, length, 1, 1.0], ["CONDITIONING", "CONDITIONING", "LATENT", "INT"],
                 {"positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"), "vae": (vae, 0, "VAE"),
                  "control_video": (control, 0, IMG), "control_masks": (masks, 0, "MASK")})
    ks = w.add("KSampler", [1, "fixed", 20, 6.0, "uni_pc", "simple", 1.0], ["LATENT"],
               {"model": (unet, 0, "MODEL"), "positive": (vace, 0, "CONDITIONING"),
                "negative": (vace, 1, "CONDITIONING"), "latent_image": (vace, 2, "LATENT")})
    dec = w.add("VAEDecode", [], [IMG], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")})
    cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (dec, 0, IMG)})
    w.add("SaveVideo", ["extended", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


def test_cores_native_vace_extension_is_wan_vace_continuing_the_clip():
    """The batch of the clip's last 16 frames and grey frames, masks keeping those 16: Studio's Wan VACE with the clip
    on keyframe_1 at '0=-16..last' (its last 16 frames at frames 0-15), 81 frames, no control video or mask; the
    batches, EmptyImage and the solid masks never listed as not converted."""
    from tests.convert.said import nodes_of
    conv = convert(_extension(), "extend")
    g = conv.graph
    gen, = nodes_of(conv, "video_models.wan_vace")
    assert g.validate() == []
    assert gen.params["keyframes"] == "0=-16..last" and gen.params["frames"] == 81
    assert g.input_link(gen.id, "video") is None and g.input_link(gen.id, "mask") is None
    assert g.nodes[g.input_link(gen.id, "keyframe_1").src].type_id == "io.load_video"
    text = said(conv)
    assert ("batches the last 16 frames of the clip before 'EmptyImage' (EmptyImage, #6)'s grey frames, and the masks "
            "of WanVaceToVideo") in text and "'keyframes' '0=-16..last'; 'frames' 81" in text
    assert "ComfyUI nodes not converted (" not in text and "a step between" not in text  # (the batches, EmptyImage,
    assert "not made by Studio" not in text and "'control_" not in text  # the solid masks: read, not listed or said)


def test_an_extension_whose_masks_or_colour_do_not_keep_the_clip_is_not_read_so():
    from tests.convert.said import nodes_of
    for doc in (_extension(kept=8), _extension(grey=0), _extension(length=12)):
        conv = convert(doc, "extend_not")
        gen = nodes_of(conv, "video_models.wan_vace")
        assert not gen or "-16..last" not in str(gen[0].params.get("keyframes"))

"""Mechanisms a thirty-sixth held-out set (benchmarks/results/heldout36_2026-11-30.md: LTX and Wan 2.2 video
workflows from small repositories, owners f-l - LTXV 13B examples as copied in a fork, a Wan 2.2 A14B three-pass
take, an LTX-2.3 ID-LoRA pack's and the Vantage pack's examples, a WanVideoWrapper take with NAG) showed, each on a
small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said


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


def _id_lora() -> dict:
    """An LTX-2.3 ID-LoRA talking take in the pack's own nodes (a loader, a prompt encoder, a sampler taking a face
    picture and a reference voice), saved: a task Studio holds."""
    return {
        "1": {"class_type": "IDLoraModelLoader", "inputs": {
            "checkpoint_path": "ltx-2.3-22b-dev.safetensors", "text_encoder_path": "",
            "lora_path": "id-lora-celebvhq-ltx2.3.safetensors", "lora_strength": 1.0, "quantize": "none",
            "stg_scale": 1.0, "identity_guidance_scale": 3.0, "av_bimodal_scale": 3.0}},
        "2": {"class_type": "IDLoraPromptEncoder", "inputs": {
            "pipeline": ["1", 0], "prompt": "[VISUAL]: a man strums a guitar. [SPEECH]: hello there, this is my song.",
            "negative_prompt": "blurry"}},
        "3": {"class_type": "LoadImage", "inputs": {"image": "face.png"}},
        "4": {"class_type": "LoadAudio", "inputs": {"audio": "voice.mp3"}},
        "5": {"class_type": "IDLoraOneStageSampler", "inputs": {
            "pipeline": ["1", 0], "conditioning": ["2", 0], "seed": 42, "height": 512, "width": 512,
            "num_frames": 242, "num_inference_steps": 30, "frame_rate": 25.0, "video_guidance_scale": 3.0,
            "audio_guidance_scale": 7.0, "auto_resolution": True, "max_resolution": 768, "first_frame": ["3", 0],
            "reference_audio": ["4", 0]}},
        "6": {"class_type": "SaveVideo", "inputs": {"video": ["5", 0], "filename_prefix": "talk", "format": "auto",
                                                    "codec": "auto"}},
    }


def test_a_held_pack_take_names_its_makers_settings_and_holds_their_prompts():
    """geonho0706's ID-LoRA examples (09, 10): the take held (the pack's sampler has no counterpart), its picture and
    voice held - but the prompt, the sampler's seed, size, frames, steps and guidance and the loader's files were
    named nowhere (silent). Now each maker and what it is made with says its settings, and each text its type
    declares multiline is held whole as a Text Prompt."""
    conv = convert(_id_lora(), "id_lora.json")
    said = _said(conv)
    assert "seed 42, height 512, width 512, num_frames 242, num_inference_steps 30, frame_rate 25.0" in said
    assert "audio_guidance_scale 7.0" in said and "max_resolution 768" in said
    assert "checkpoint_path ltx-2.3-22b-dev.safetensors" in said and "lora_path id-lora-celebvhq-ltx2.3" in said
    assert "text_encoder_path ''" in said
    texts = {n.params["text"] for n in _nodes(conv, "io.text")}
    assert texts == {"[VISUAL]: a man strums a guitar. [SPEECH]: hello there, this is my song.", "blurry"}
    assert "its prompt '[VISUAL]: a man strums a guitar." in said and "held whole as a Text Prompt" in said
    assert not _nodes(conv, "video_models.image_to_video")  # (still held: no generator made)


def test_a_looping_sampler_refining_a_take_sampled_before_is_not_said_made_as_a_long_take():
    """furkansandal's depth-led LTXV example (08): the second LTXVLoopingSampler re-samples the first one's take,
    upsampled x2 - a refining pass Studio makes as LTX-2 Latent Upscale's refine - but was said "Studio makes it as
    one continued take ('long take: continue', 'window' 81, 'overlap' 24)" and "Studio's windows hold them fully":
    false, nothing of it runs in windows. Now its tiles are said not taken by that refine; a first take's loop is
    still the continued take."""
    from tests.convert.test_comfy_ltx2_loops import _head, _save
    from tests.convert.test_comfy_wiring import UI
    w = UI()
    ck, inputs = _head(w)
    first = w.add("LTXVLoopingSampler", [80, 24, 1.0, 0.5, 1.0, 1, 1, 1, 0.0, 0, 1000, "0"], ["LATENT"], inputs)
    up_model = w.add("LatentUpscaleModelLoader", ["ltx-2-spatial-upscaler-x2-1.0.safetensors"], ["LATENT_UPSCALE_MODEL"])
    up = w.add("LTXVLatentUpsampler", [], ["LATENT"], {"samples": (first, 0, "LATENT"),
                                                       "upscale_model": (up_model, 0, "LATENT_UPSCALE_MODEL"),
                                                       "vae": (ck, 2, "VAE")})
    second = w.add("LTXVLoopingSampler", [80, 24, 1.0, 0.5, 1.0, 1, 1, 1, 0.0, 0, 1000, "0"], ["LATENT"],
                   {**inputs, "latents": (up, 0, "LATENT")})
    _save(w, ck, second)
    said = _said(convert(w.doc(), "refined.json"))
    assert f"(LTXVLoopingSampler, #{second}) re-samples the take 'LTXVLoopingSampler' (LTXVLoopingSampler, " \
           f"#{first}) made (a refining pass) in tiles of 80 frames overlapping by 24" in said
    assert f"(LTXVLoopingSampler, #{second}) samples the take in tiles" not in said
    assert f"(LTXVLoopingSampler, #{second})'s temporal_overlap_cond_strength" not in said
    assert f"(LTXVLoopingSampler, #{first}) samples the take in tiles of 80 frames (the first 81) overlapping by 24: " \
           "Studio makes it as one continued take" in said


def _ltxv_two_models() -> dict:
    """LTXV 13B text to video: a dev pass (KSamplerAdvanced steps 0-10 of 20, noise left) then a distilled pass
    (10-end) on another checkpoint - two models, no experts."""
    return {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "ltxv-13b-0.9.7-dev.safetensors"}},
        "2": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "ltxv-13b-0.9.7-distilled.safetensors"}},
        "3": {"class_type": "CLIPLoader", "inputs": {"clip_name": "t5xxl_fp16.safetensors", "type": "ltxv"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a lighthouse at dusk", "clip": ["3", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["3", 0]}},
        "6": {"class_type": "LTXVConditioning", "inputs": {"positive": ["4", 0], "negative": ["5", 0],
                                                           "frame_rate": 24.0}},
        "7": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 768, "height": 512, "length": 97,
                                                               "batch_size": 1}},
        "8": {"class_type": "KSamplerAdvanced", "inputs": {
            "add_noise": "enable", "noise_seed": 118, "steps": 20, "cfg": 3.0, "sampler_name": "euler",
            "scheduler": "simple", "start_at_step": 0, "end_at_step": 10, "return_with_leftover_noise": "enable",
            "model": ["1", 0], "positive": ["6", 0], "negative": ["6", 1], "latent_image": ["7", 0]}},
        "9": {"class_type": "KSamplerAdvanced", "inputs": {
            "add_noise": "disable", "noise_seed": 0, "steps": 20, "cfg": 1.0, "sampler_name": "euler",
            "scheduler": "simple", "start_at_step": 10, "end_at_step": 10000, "return_with_leftover_noise": "disable",
            "model": ["2", 0], "positive": ["6", 0], "negative": ["6", 1], "latent_image": ["8", 0]}},
        "10": {"class_type": "VAEDecode", "inputs": {"samples": ["9", 0], "vae": ["1", 2]}},
        "11": {"class_type": "CreateVideo", "inputs": {"images": ["10", 0], "fps": 24}},
        "12": {"class_type": "SaveVideo", "inputs": {"video": ["11", 0], "filename_prefix": "lighthouse",
                                                     "format": "auto", "codec": "auto"}},
    }


def test_a_pass_on_another_model_of_a_family_without_experts_is_no_low_noise_expert():
    """furkansandal's mixed LTXV 13B example (07): a distilled pass after a dev pass was read as LTX-Video's
    "low-noise expert ... (diffusers switches experts at the model's boundary_ratio)", the distilled file set on
    Load Video Model's 'model_2' - false: LTX-Video has no experts, its generator does not read 'model_2', and that
    pass is not made. Now only a family declaring experts reads a second model as one; else the pass is said not
    made, naming its model."""
    conv = convert(_ltxv_two_models(), "two_models.json")
    said = _said(conv)
    assert "low-noise expert" not in said and "boundary_ratio" not in said
    (load,) = _nodes(conv, "video_models.load")
    assert load.params["model"] == "ltxv-13b-0.9.7-dev.safetensors" and not load.params.get("model_2")
    assert "'KSamplerAdvanced' (KSamplerAdvanced, #9) samples on with another model, " \
           "'ltxv-13b-0.9.7-distilled.safetensors'" in said and "so that pass is not made" in said
    (gen,) = [n for n in conv.graph.nodes.values() if n.type_id.startswith("video_models.") and "to_video" in n.type_id]
    assert not gen.params.get("guidance_2")


def _three_passes() -> dict:
    """Wan 2.2 A14B text to video in three KSamplerAdvanced passes (UI): the high-noise model at cfg 3.5 for steps 0-8
    of 16, the high-noise model again at cfg 2 for steps 8-8 (no step), the low-noise model at cfg 1 from step 8; an
    UnloadModel (ComfyUI-Unload-Model: 'value' passed on, 'model' unloaded, both of any type) after each pass."""
    from tests.convert.test_comfy_wiring import UI
    w = UI()
    high = w.add("UNETLoader", ["wan2.2_t2v_high_noise_14B_fp8.safetensors", "default"], ["MODEL"])
    low = w.add("UNETLoader", ["wan2.2_t2v_low_noise_14B_fp8.safetensors", "default"], ["MODEL"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8.safetensors", "wan", "default"], ["CLIP"])
    vae = w.add("VAELoader", ["wan_2.1_vae.safetensors"], ["VAE"])
    pos = w.add("CLIPTextEncode", ["a heron lands on a pier"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")})
    empty = w.add("EmptyHunyuanLatentVideo", [640, 640, 33, 1], ["LATENT"])
    conds = {"positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING")}

    def ks(model, latent, noise, cfg, start, end, leftover):
        return w.add("KSamplerAdvanced", [noise, 7, "fixed", 16, cfg, "euler", "simple", start, end, leftover],
                     ["LATENT"], {"model": (model, 0, "MODEL"), **conds, "latent_image": (latent, 0, "LATENT")})

    def unload(value, model):
        return w.add("UnloadModel", [], ["*"], {"value": (value, 0, "*"), "model": (model, 0, "*")})

    one = ks(high, empty, "enable", 3.5, 0, 8, "enable")
    two = ks(high, unload(one, high), "disable", 2.0, 8, 8, "enable")
    three = ks(low, unload(two, high), "disable", 1.0, 8, 10000, "disable")
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (unload(three, low), 0, "*"), "vae": (vae, 0, "VAE")})
    cv = w.add("CreateVideo", [16], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["heron", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


def test_passes_joined_through_a_cleanup_node_are_one_take_of_two_experts():
    """Gymbo-007's three-pass Wan 2.2 take (02): an UnloadModel between the passes (both its sockets of any type,
    'value' passed on, 'model' unloaded) stopped the reading of the sampler chain - the first two passes were listed
    not converted and the low-noise pass made alone over its whole schedule. Of several inputs of any type, the one
    given a latent beside inputs given models is the one passed on: the three passes are read, two experts made, the
    second expert's guidance from the low-noise pass (never the middle pass on the high-noise model)."""
    conv = convert(_three_passes(), "three.json")
    said = _said(conv)
    (load,) = _nodes(conv, "video_models.load")
    assert load.params["model"] == "wan2.2_t2v_high_noise_14B_fp8.safetensors"
    assert load.params["model_2"] == "wan2.2_t2v_low_noise_14B_fp8.safetensors"
    (gen,) = [n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video"]
    assert gen.params["guidance"] == 3.5 and gen.params["guidance_2"] == 1.0 and gen.params["steps"] == 16
    assert "KSamplerAdvanced" not in next((x for x in conv.log if "not converted" in x), "")
    assert "passes what it is given on to 'KSamplerAdvanced'" in said


def _wrapper_nag() -> dict:
    """Wan 2.1 I2V through WanVideoWrapper, its prompt through WanVideoApplyNAG (the take's embeds on
    'original_text_embeds', what NAG steers away from on 'nag_text_embeds'), cfg 1."""
    return {
        "11": {"class_type": "LoadWanVideoT5TextEncoder", "inputs": {
            "model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16", "load_device": "offload_device",
            "quantization": "disabled"}},
        "22": {"class_type": "WanVideoModelLoader", "inputs": {
            "model": "Wan2_1-I2V-14B-480P_fp8_e4m3fn.safetensors", "base_precision": "fp16", "quantization": "disabled",
            "load_device": "offload_device", "attention_mode": "sdpa"}},
        "38": {"class_type": "WanVideoVAELoader", "inputs": {"model_name": "wan_2.1_vae.safetensors",
                                                             "precision": "bf16"}},
        "125": {"class_type": "WanVideoTextEncodeSingle", "inputs": {"prompt": "blurry, static", "force_offload": True,
                                                                     "t5": ["11", 0]}},
        "129": {"class_type": "WanVideoTextEncodeSingle", "inputs": {"prompt": "a mecha robot walking",
                                                                     "force_offload": True, "t5": ["11", 0]}},
        "124": {"class_type": "WanVideoApplyNAG", "inputs": {
            "nag_scale": 11, "nag_tau": 2.5, "nag_alpha": 0.25, "original_text_embeds": ["129", 0],
            "nag_text_embeds": ["125", 0]}},
        "202": {"class_type": "LoadImage", "inputs": {"image": "mecha.png"}},
        "63": {"class_type": "WanVideoImageToVideoEncode", "inputs": {
            "width": 832, "height": 480, "num_frames": 33, "noise_aug_strength": 0.0, "start_latent_strength": 1.0,
            "end_latent_strength": 1.0, "force_offload": True, "vae": ["38", 0], "start_image": ["202", 0]}},
        "27": {"class_type": "WanVideoSampler", "inputs": {
            "steps": 4, "cfg": 1.0, "shift": 8.0, "seed": 7, "force_offload": True, "scheduler": "unipc",
            "riflex_freq_index": 0, "model": ["22", 0], "image_embeds": ["63", 0], "text_embeds": ["124", 0]}},
        "28": {"class_type": "WanVideoDecode", "inputs": {"enable_vae_tiling": False, "tile_x": 272, "tile_y": 272,
                                                          "tile_stride_x": 144, "tile_stride_y": 128, "vae": ["38", 0],
                                                          "samples": ["27", 0]}},
        "30": {"class_type": "VHS_VideoCombine", "inputs": {
            "images": ["28", 0], "frame_rate": 16, "loop_count": 0, "filename_prefix": "mecha",
            "format": "video/h264-mp4", "pingpong": False, "save_output": True}},
    }


def test_a_wrapper_take_prompted_through_nag_reads_the_prompt_it_guides():
    """hohosznta's WanVideoWrapper take (15): the sampler's text embeds came through WanVideoApplyNAG, "which Studio
    does not read: write it in the generator's prompt" - the prompt left empty. Of the node's two inputs of its
    output's type, the 'original_...' one holds the take's prompt (by the name the pack declares, as the types are
    alike); what NAG steers away from is read as the negative prompt, and the guidance's settings are the generator's."""
    conv = convert(_wrapper_nag(), "nag.json")
    (gen,) = [n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video"]
    assert gen.params["prompt"] == "a mecha robot walking"
    assert gen.params["negative_prompt"] == "blurry, static"
    said = _said(conv)
    assert "'WanVideoApplyNAG' (WanVideoApplyNAG, #124) steers the take away from its 'nag_text_embeds'" in said
    # (nag8: Studio's Wan applies NAG: its settings carried to the generator's, said so)
    assert "Normalized Attention Guidance, the generator's nag_scale 11, nag_tau 2.5, nag_alpha 0.25" in said
    assert (gen.params["nag_scale"], gen.params["nag_tau"], gen.params["nag_alpha"]) == (11, 2.5, 0.25)
    assert "which Studio does not read: write it in the generator's prompt" not in said

"""Mechanisms a nineteenth held-out set (benchmarks/results/heldout19_2026-11-29.md: what artists share beside Wan and
LTX - all-in-ones, templates, finishing graphs, image-then-video chains) showed, each on a small hand-written
workflow, with invented pack node names where the rule is by declared types."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said
from tests.convert.workflow_shapes import still_then_svd


def _animatediff_restyle(control: bool) -> dict:
    """AnimateDiff SD 1.5 LCM video to video (the clip VAE-encoded, denoise 0.7); with ``control``, the clip's soft
    edges also steer a ControlNet on the prompts (sametkzl22's video_to_video, heldout19 08)."""
    wf = {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "v1-5-pruned.safetensors"}},
        "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a watercolour street", "clip": ["1", 1]}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["1", 1]}},
        "5": {"class_type": "ADE_AnimateDiffLoaderWithContext",
              "inputs": {"model_name": "mm_sd_v15_v2.safetensors", "beta_schedule": "sqrt_linear (AnimateDiff)",
                         "motion_scale": 1.0, "apply_v2_models_properly": True, "model": ["1", 0]}},
        "7": {"class_type": "KSampler", "inputs": {"seed": 3, "steps": 6, "cfg": 1.8, "sampler_name": "lcm",
                                                   "scheduler": "sgm_uniform", "denoise": 0.7, "model": ["5", 0],
                                                   "positive": ["2", 0], "negative": ["3", 0],
                                                   "latent_image": ["14", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["1", 2]}},
        "9": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["8", 0], "frame_rate": 8, "loop_count": 0,
                                                           "filename_prefix": "v2v", "format": "video/h264-mp4",
                                                           "pingpong": False, "save_output": True}},
        "10": {"class_type": "VHS_LoadVideo", "inputs": {"video": "street.mp4", "force_rate": 0,
                                                         "frame_load_cap": 0, "skip_first_frames": 0,
                                                         "select_every_nth": 1}},
        "14": {"class_type": "VAEEncode", "inputs": {"pixels": ["10", 0], "vae": ["1", 2]}},
    }
    if control:
        wf["11"] = {"class_type": "PiDiNetPreprocessor", "inputs": {"safe": "enable", "resolution": 384,
                                                                    "image": ["10", 0]}}
        wf["12"] = {"class_type": "ControlNetLoader", "inputs": {"control_net_name": "control_sd15_softedge.pth"}}
        wf["13"] = {"class_type": "ControlNetApplyAdvanced",
                    "inputs": {"strength": 0.85, "start_percent": 0.0, "end_percent": 1.0, "positive": ["2", 0],
                               "negative": ["3", 0], "control_net": ["12", 0], "image": ["11", 0]}}
        wf["7"]["inputs"].update(positive=["13", 0], negative=["13", 1])
    return wf


def test_a_controlnet_on_the_clip_a_restyle_encodes_keeps_the_restyle_and_says_the_controlnet():
    """The clip the restyle encodes also steers a ControlNet (heldout19 08): the task is still video to video (it was
    held as "a video from video given to the sampler by ControlNetApplyAdvanced ... made from the prompt alone",
    false), its prompt read through the ControlNet apply, never folded unsaid; since animdiff15 the ControlNet is
    applied: AnimateDiff ControlNet restyles the clip ('video') at the sampler's denoise ('denoise')."""
    plain = convert(_animatediff_restyle(False), "v2v.json")
    conv = convert(_animatediff_restyle(True), "v2v.json")
    assert [t["task"] for t in plain.tasks] == ["video to video"]
    assert [t["task"] for t in conv.tasks] == ["video to video steered by a ControlNet"]
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.animatediff_controlnet")
    assert gen.params.get("prompt") == "a watercolour street" and abs(float(gen.params["denoise"]) - 0.7) < 1e-6
    assert gen.params["strength"] == 0.85 and gen.params["controlnet"] == "control_sd15_softedge.pth"
    said = _said(conv)
    assert "given to the sampler by ControlNetApplyAdvanced" not in said
    assert "'ControlNetApplyAdvanced' (ControlNetApplyAdvanced, #13)'s ControlNet 'control_sd15_softedge.pth'" in said
    assert "'control_sd15_softedge.pth' is a pickled file, which Studio never opens" in said
    assert "13" not in conv.dropped


def _fantasy_talking() -> dict:
    """FantasyTalking through kijai's WanVideoWrapper (hancock100percent's talking_head_fantasy, heldout19 07): the
    voice turned into audio embeddings on the wrapper sampler's 'fantasytalking_embeds', the same sound muxed."""
    return {
        "11": {"class_type": "LoadWanVideoT5TextEncoder", "inputs": {"model_name": "umt5_xxl_fp16.safetensors",
                                                                    "precision": "bf16"}},
        "22": {"class_type": "WanVideoModelLoader", "inputs": {
            "model": "wan2.1_i2v_480p_14B_fp8_e4m3fn.safetensors", "base_precision": "fp16",
            "quantization": "fp8_e4m3fn", "load_device": "offload_device", "attention": "sdpa",
            "fantasytalking_model": ["68", 0]}},
        "38": {"class_type": "WanVideoVAELoader", "inputs": {"model_name": "wan_2.1_vae.safetensors",
                                                            "precision": "bf16"}},
        "58": {"class_type": "LoadImage", "inputs": {"image": "avatar.jpg"}},
        "59": {"class_type": "CLIPVisionLoader", "inputs": {"clip_name": "clip_vision_h.safetensors"}},
        "65": {"class_type": "WanVideoClipVisionEncode", "inputs": {
            "clip_vision": ["59", 0], "image_1": ["58", 0], "strength_1": 1.0, "strength_2": 1.0, "crop": "center",
            "combine_embeds": "average", "force_offload": True}},
        "68": {"class_type": "FantasyTalkingModelLoader", "inputs": {"model": "fantasytalking_fp16.safetensors",
                                                                    "base_precision": "fp16"}},
        "71": {"class_type": "DownloadAndLoadWav2VecModel", "inputs": {"model": "facebook/wav2vec2-base-960h",
                                                                      "base_precision": "fp16",
                                                                      "load_device": "main_device"}},
        "72": {"class_type": "LoadAudio", "inputs": {"audio": "voice.wav"}},
        "73": {"class_type": "FantasyTalkingWav2VecEmbeds", "inputs": {
            "wav2vec_model": ["71", 0], "fantasytalking_model": ["68", 0], "audio": ["72", 0], "num_frames": 81,
            "fps": 23.0, "audio_scale": 1.0, "audio_cfg_scale": 5.0}},
        "63": {"class_type": "WanVideoImageToVideoEncode", "inputs": {
            "vae": ["38", 0], "clip_embeds": ["65", 0], "start_image": ["58", 0], "width": 512, "height": 512,
            "num_frames": 81, "noise_aug_strength": 0.03, "start_latent_strength": 1.0, "end_latent_strength": 1.0,
            "force_offload": True}},
        "16": {"class_type": "WanVideoTextEncode", "inputs": {
            "t5": ["11", 0], "positive_prompt": "a person speaking to camera", "negative_prompt": "blurry",
            "force_offload": True}},
        "69": {"class_type": "WanVideoSampler", "inputs": {
            "model": ["22", 0], "text_embeds": ["16", 0], "image_embeds": ["63", 0],
            "fantasytalking_embeds": ["73", 0], "steps": 30, "cfg": 5.0, "shift": 5.0, "seed": 42,
            "force_offload": True, "scheduler": "unipc", "riflex_freq_index": 0}},
        "28": {"class_type": "WanVideoDecode", "inputs": {"vae": ["38", 0], "samples": ["69", 0],
                                                          "enable_vae_tiling": False, "tile_x": 272, "tile_y": 272,
                                                          "tile_stride_x": 144, "tile_stride_y": 128}},
        "30": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["28", 0], "audio": ["72", 0],
                                                            "frame_rate": 23, "loop_count": 0,
                                                            "filename_prefix": "talk", "format": "video/h264-mp4",
                                                            "pingpong": False, "save_output": True}},
    }


def test_a_voice_a_wrapper_sampler_takes_on_an_input_its_reading_lets_go_holds_the_talking_head():
    """The sampler read as KSamplerAdvanced lets its 'fantasytalking_embeds' go (heldout19 07): a plain image to video
    with the voice only muxed was made and nothing said the voice no longer drives the lips. Now the task is held,
    naming the sound, the embeddings node and the sampler's input; the picture and the sound are held with it.
    (fantasy15: wired as the wrapper wires it, FantasyTalking is made; its file off the model loader, FantasyTalking's
    reading does not take it and the take is held as before.)"""
    made = convert(_fantasy_talking(), "talk.json")
    assert [t["generator"] for t in made.tasks] == ["video_models.fantasytalking"]
    wf = _fantasy_talking()
    del wf["22"]["inputs"]["fantasytalking_model"]  # not FantasyTalking's wiring: held
    conv = convert(wf, "talk.json")
    assert not any(n.type_id.startswith("video_models.") and n.type_id != "video_models.load"
                   for n in conv.graph.nodes.values())
    first = conv.log[0]
    assert "'fantasytalking_embeds'" in first and "(FantasyTalkingWav2VecEmbeds, #73)" in first
    assert "(LoadAudio, #72)" in first and "made from the prompt alone" not in first
    paths = {n.params.get("path") for n in conv.graph.nodes.values() if n.type_id in ("io.load_audio", "io.load_image")}
    assert {"voice.wav", "avatar.jpg"} <= paths


def test_an_api_file_with_a_meta_description_beside_its_nodes_is_read_and_the_entry_said():
    """A '_meta' object (title, description, requirements) beside the nodes of an API file, popped by the app before
    queueing (hancock100percent, heldout19 06): the file was refused as 'not a ComfyUI workflow'; now its nodes are
    read and the entry is said skipped, as '_comment' texts are (heldout11)."""
    wf = _animatediff_restyle(False)
    wf["_meta"] = {"title": "Restyle", "description": "AnimateDiff LCM", "version": "1.0"}
    conv = convert(wf, "meta.json")
    assert [t["task"] for t in conv.tasks] == ["video to video"]
    line = next(x for x in conv.log if "'_meta'" in x)
    assert "the file holds 1 entry beside its nodes ('_meta')" in line and "skipped" in line


def test_a_size_measured_of_the_very_picture_the_task_node_takes_is_that_pictures_size_not_the_generators_own():
    """SVD's width and height from GetImageSize+ of the picture it takes on 'init_image' (oldhand7, heldout19 10):
    it was said "not read, the generator's own are used (set its 'width', 'height' to the workflow's)"; the generator's
    0 is its input's size, the very size ComfyUI uses: said so."""
    wf = {
        "35": {"class_type": "ImageOnlyCheckpointLoader", "inputs": {"ckpt_name": "svd_xt.safetensors"}},
        "116": {"class_type": "LoadImage", "inputs": {"image": "portrait.png"}},
        "46": {"class_type": "GetImageSize+", "inputs": {"image": ["116", 0]}},
        "38": {"class_type": "SVD_img2vid_Conditioning", "inputs": {
            "clip_vision": ["35", 1], "init_image": ["116", 0], "vae": ["35", 2], "width": ["46", 0],
            "height": ["46", 1], "video_frames": 25, "motion_bucket_id": 30, "fps": 6, "augmentation_level": 0.03}},
        "39": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 30, "cfg": 2.5, "sampler_name": "euler",
                                                    "scheduler": "karras", "denoise": 1, "model": ["35", 0],
                                                    "positive": ["38", 0], "negative": ["38", 1],
                                                    "latent_image": ["38", 2]}},
        "40": {"class_type": "VAEDecode", "inputs": {"samples": ["39", 0], "vae": ["35", 2]}},
        "106": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["40", 0], "frame_rate": 6, "loop_count": 0,
                                                             "filename_prefix": "svd", "format": "video/h264-mp4",
                                                             "pingpong": False, "save_output": True}},
    }
    conv = convert(wf, "svd.json")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    assert int(gen.params.get("width", 0)) == 0 and int(gen.params.get("height", 0)) == 0
    said = _said(conv)
    assert "the generator's own are used" not in said
    assert "takes on 'init_image' as it is: the generator takes that size when it runs" in said


def test_a_held_video_tasks_prompts_of_the_still_it_is_made_from_are_named_as_that_passs():
    """A still of a model no Studio family makes (a FLUX checkpoint) made first, then SVD from it (heldout19 12:
    Z-Image then LTX-2.3; an SDXL still is made since still1): the task is held; the still's prompts are held as Text Prompts but named as the prompts of the pass making the still, and
    its CLIP loader as encoding that pass's prompts, never 'the held task's prompts'."""
    wf = still_then_svd("alpine river at dawn", "text, watermark")
    conv = convert(wf, "still_then_svd.json")
    first = conv.log[0]
    assert "the start image the workflow generates first" in first
    assert "(from 'CLIPTextEncode' (CLIPTextEncode, #6); a prompt of the pass 'KSampler' (#17), whose pictures " \
           "'KSampler' (#3) is given)" in first
    assert not any("the held task's prompts" in x for x in conv.log)


def test_an_ip_adapters_reference_on_a_made_restyle_is_said_with_its_patch_never_through_the_decode():
    """An IP-Adapter (a model patch Studio does not apply) on the made restyle, its face reference a LoadImage
    (heldout19 08 after mend 1): the ledger said "the image 'face.png' (LoadImage, #22) reaches this output through
    ComfyUI's 'VAEDecode' ..., which Studio does not convert" (false: the decode is Studio's own, the picture goes to
    the patch); now the picture is said with the patch it alone is made with."""
    wf = _animatediff_restyle(False)
    wf["20"] = {"class_type": "IPAdapterUnifiedLoader", "inputs": {"preset": "PLUS FACE (portraits)",
                                                                 "model": ["1", 0]}}
    wf["22"] = {"class_type": "LoadImage", "inputs": {"image": "face.png"}}
    wf["23"] = {"class_type": "IPAdapter", "inputs": {"weight": 0.7, "weight_type": "standard", "start_at": 0.0,
                                                      "end_at": 1.0, "model": ["20", 0], "ipadapter": ["20", 1],
                                                      "image": ["22", 0]}}
    wf["5"]["inputs"]["model"] = ["23", 0]
    conv = convert(wf, "ipadapter.json")
    assert [t["task"] for t in conv.tasks] == ["video to video"]
    said = _said(conv)
    assert "(LoadImage, #22) reaches this output" not in said
    assert "'LoadImage' (LoadImage, #22) gives 'IPAdapter' (#23)'s 'image'" in said and "22" in conv.passed


def test_a_lora_on_a_later_pass_of_one_expert_is_said_not_applied_for_what_it_is():
    """Wan 2.2 in three stages (nikhilash6, heldout19 14): a primer on the high-noise expert without the LoRA, a later
    high-noise pass with it, the low-noise expert with its own. The later pass's LoRA is not applied, said so without
    "Studio's LoRAs go on the whole model" (a Studio LoRA can go on one expert: it goes on every step of it)."""
    def sampler(model, start, end, cfg, latent, noise):
        return {"class_type": "KSamplerAdvanced", "inputs": {
            "add_noise": noise, "noise_seed": 0, "steps": 8, "cfg": cfg, "sampler_name": "euler",
            "scheduler": "simple", "start_at_step": start, "end_at_step": end,
            "return_with_leftover_noise": "enable" if end < 8 else "disable", "model": model,
            "positive": ["183", 0], "negative": ["183", 1], "latent_image": latent}}
    wf = {
        "84": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                     "type": "wan"}},
        "90": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "93": {"class_type": "CLIPTextEncode", "inputs": {"text": "the person dances", "clip": ["84", 0]}},
        "89": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["84", 0]}},
        "95": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors",
                                                     "weight_dtype": "default"}},
        "96": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors",
                                                     "weight_dtype": "default"}},
        "101": {"class_type": "LoraLoaderModelOnly", "inputs": {
            "lora_name": "wan2.2_i2v_lightx2v_4steps_lora_v1_high_noise.safetensors", "strength_model": 1.0,
            "model": ["95", 0]}},
        "102": {"class_type": "LoraLoaderModelOnly", "inputs": {
            "lora_name": "wan2.2_i2v_lightx2v_4steps_lora_v1_low_noise.safetensors", "strength_model": 1.0,
            "model": ["96", 0]}},
        "202": {"class_type": "LoadImage", "inputs": {"image": "first.png"}},
        "203": {"class_type": "LoadImage", "inputs": {"image": "last.png"}},
        "183": {"class_type": "WanFirstLastFrameToVideo", "inputs": {
            "width": 512, "height": 512, "length": 17, "batch_size": 1, "positive": ["93", 0],
            "negative": ["89", 0], "vae": ["90", 0], "start_image": ["202", 0], "end_image": ["203", 0]}},
        "204": sampler(["95", 0], 0, 2, 2.5, ["183", 2], "enable"),
        "86": sampler(["101", 0], 2, 5, 1.0, ["204", 0], "disable"),
        "85": sampler(["102", 0], 5, 8, 1.0, ["86", 0], "disable"),
        "87": {"class_type": "VAEDecode", "inputs": {"samples": ["85", 0], "vae": ["90", 0]}},
        "94": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["87", 0]}},
        "200": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "flf", "format": "auto", "codec": "auto",
                                                      "video": ["94", 0]}},
    }
    said = _said(convert(wf, "flf3.json"))
    line = next(x for x in said.splitlines() if "high_noise.safetensors' (strength 1.0) on " in x)
    assert "only: not applied" in line and "whole model" not in line
    assert "never on one pass of them" in line

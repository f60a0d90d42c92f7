"""A video whose start image the workflow generates first as a still (takes/still_first.py; heldout7 svd.json,
heldout16 txt_to_image_to_video.json: an SDXL checkpoint's KSampler on an EmptyLatentImage, decoded, given to SVD's
image to video): the still made first as Stable Diffusion XL's Text to Video (one frame, the workflow's prompt, size,
steps, cfg and seed), Frame Hold giving its picture as the start image, said; a still of a model no still family reads
(SD 1.5 named by nothing, a Flux UNet) stays held with its sentence; a resize on the way is not read as the still."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said

HELD = "cannot make the start image the workflow generates first"


def _still_to_svd(ckpt: str = "sd_xl_base_1.0.safetensors", batch: int = 1) -> dict:
    """An API file shaped as ComfyUI's image-to-video example (heldout16): an SDXL still (checkpoint, prompts, empty
    latent, KSampler, decode) given to SVD_img2vid_Conditioning, sampled and saved."""
    return {
        "16": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": ckpt}},
        "18": {"class_type": "CLIPTextEncode", "inputs": {"text": "alps at dawn, a river", "clip": ["16", 1]}},
        "19": {"class_type": "CLIPTextEncode", "inputs": {"text": "text, watermark", "clip": ["16", 1]}},
        "22": {"class_type": "EmptyLatentImage", "inputs": {"width": 1024, "height": 576, "batch_size": batch}},
        "17": {"class_type": "KSampler", "inputs": {"seed": 42, "steps": 15, "cfg": 8.0, "sampler_name": "euler",
                                                    "scheduler": "normal", "denoise": 1.0, "model": ["16", 0],
                                                    "positive": ["18", 0], "negative": ["19", 0],
                                                    "latent_image": ["22", 0]}},
        "20": {"class_type": "VAEDecode", "inputs": {"samples": ["17", 0], "vae": ["16", 2]}},
        "15": {"class_type": "ImageOnlyCheckpointLoader", "inputs": {"ckpt_name": "svd_xt.safetensors"}},
        "12": {"class_type": "SVD_img2vid_Conditioning", "inputs": {
            "width": 1024, "height": 576, "video_frames": 25, "motion_bucket_id": 127, "fps": 6,
            "augmentation_level": 0.0, "clip_vision": ["15", 1], "init_image": ["20", 0], "vae": ["15", 2]}},
        "3": {"class_type": "KSampler", "inputs": {"seed": 7, "steps": 20, "cfg": 2.5, "sampler_name": "euler",
                                                   "scheduler": "karras", "denoise": 1.0, "model": ["15", 0],
                                                   "positive": ["12", 0], "negative": ["12", 1],
                                                   "latent_image": ["12", 2]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["15", 2]}},
        "10": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["8", 0], "filename_prefix": "svd", "fps": 10.0,
                                                            "lossless": False, "quality": 85, "method": "default"}},
    }


def _nodes(conv, type_id: str) -> list:
    return [n for n in conv.graph.nodes.values() if n.type_id == type_id]


def test_an_sdxl_still_is_made_first_and_given_as_the_start_image():
    conv = convert(_still_to_svd(), "still.json")
    said, g = _said(conv), conv.graph
    (still,), (i2v,) = _nodes(conv, "video_models.text_to_video"), _nodes(conv, "video_models.image_to_video")
    p = still.params
    assert (p["prompt"], p["negative_prompt"], p["frames"], p["width"], p["height"], p["steps"], p["guidance"],
            p["seed"]) == ("alps at dawn, a river", "text, watermark", 1, 1024, 576, 15, 8.0, 42)
    loads = {n.id: n.params["model"] for n in _nodes(conv, "video_models.load")}
    assert loads[g.input_link(still.id, "model").src] == "sd_xl_base_1.0.safetensors"
    assert loads[g.input_link(i2v.id, "model").src] == "svd_xt.safetensors"
    (hold,) = _nodes(conv, "edit.frame_hold")
    assert g.input_link(hold.id, "video").src == still.id and g.input_link(i2v.id, "image").src == hold.id
    assert hold.params.get("frame", 0) == 0
    assert len(_nodes(conv, "io.save_video") + _nodes(conv, "io.save_animation")) == 1  # the still is not saved as a
    # video of its own (anim25: the take's WEBP a Save Animation)
    assert [t["family"] for t in conv.tasks] == ["Stable Diffusion XL", "Stable Video Diffusion"]
    assert HELD not in said
    assert ("'init_image' of 'SVD_img2vid_Conditioning' is the still 'KSampler' (#17) samples and 'VAEDecode' (#20) "
            "decodes: made first by Stable Diffusion XL (Text to Video, one frame); Frame Hold gives its picture as "
            "the start image") in said
    assert not conv.dropped


def _flux_unet(wf: dict, unet: str = "hidream_i1_full_fp16.safetensors") -> dict:
    """``wf`` with its still's model a diffusion model alone (UNETLoader: MODEL, no CLIP nor VAE) that no family
    names (a HiDream one), its text encoders and VAE loaded apart."""
    wf["16"] = {"class_type": "UNETLoader", "inputs": {"unet_name": unet, "weight_dtype": "default"}}
    wf["40"] = {"class_type": "DualCLIPLoader", "inputs": {"clip_name1": "clip_l.safetensors", "type": "hidream",
                                                           "clip_name2": "t5xxl_fp16.safetensors"}}
    wf["41"] = {"class_type": "VAELoader", "inputs": {"vae_name": "ae.safetensors"}}
    for k in ("18", "19"):
        wf[k]["inputs"]["clip"] = ["40", 0]
    wf["20"]["inputs"]["vae"] = ["41", 0]
    return wf


def test_a_still_of_a_model_no_still_family_reads_stays_held():
    """A diffusion model alone whose name says no family (a HiDream UNet: not a whole checkpoint), SD 3.5's all-in-one
    checkpoint (a whole checkpoint whose name names another image model), a batch of two pictures, a resize on the
    way whose size Studio cannot work out: no still is made; the output is held with the sentence that says why
    (FLUX.1's are made: its still family, tests/convert/test_comfy_flux_still.py). A resize of a size its settings fix
    is made as Studio's Scale on the still's way (stillz17: heldout76 09)."""
    for wf in (_flux_unet(_still_to_svd()), _still_to_svd("sd3.5_large_fp8_scaled.safetensors"),
               _still_to_svd(batch=2)):
        conv = convert(wf, "held.json")
        assert not _nodes(conv, "video_models.text_to_video") and not _nodes(conv, "video_models.image_to_video")
        assert HELD in _said(conv)
    wf = _still_to_svd()
    wf["30"] = {"class_type": "ImageScale", "inputs": {"image": ["20", 0], "upscale_method": "lanczos",
                                                       "width": ["31", 0], "height": 288, "crop": "disabled"}}
    wf["31"] = {"class_type": "SomeonesWidthPicker", "inputs": {"seed": 1}}  # (a value no rule works out)
    wf["12"]["inputs"]["init_image"] = ["30", 0]
    conv = convert(wf, "resized.json")
    assert not _nodes(conv, "video_models.text_to_video") and HELD in _said(conv)
    wf["30"]["inputs"]["width"] = 512
    conv = convert(wf, "resized.json")
    (still,), (i2v,) = _nodes(conv, "video_models.text_to_video"), _nodes(conv, "video_models.image_to_video")
    g = conv.graph
    hold = g.nodes[g.input_link(i2v.id, "image").src]
    scale = g.nodes[g.input_link(hold.id, "video").src]
    assert scale.type_id == "transform.scale" and (scale.params["width"], scale.params["height"]) == (512, 288)
    assert g.input_link(scale.id, "video").src == still.id and HELD not in _said(conv)


def test_the_still_family_reads_its_checkpoints_by_the_names_they_are_released_under():
    from studio.convert.families import registry as families
    from studio.convert.tracing.tasks import family
    for name in ("sd_xl_base_1.0.safetensors", "SDXL-Flash.safetensors", "juggernautXL_v9.safetensors",
                 "RealVisXL_V4.0.safetensors"):
        assert family(name, None, []) == "Stable Diffusion XL" and families.family_hook(family(name, None, []), "still")
    assert not families.family_hook(family("svd_xt.safetensors", None, []), "still")


def test_sdxls_own_prompt_node_gives_its_bigg_prompt_and_says_what_is_not_taken():
    """CLIPTextEncodeSDXL (its text_g, text_l and size conditioning): text_g is the still's prompt; a different text_l
    and a size other than the picture's are said, naming the node; the same text and sizes say nothing."""
    wf = _still_to_svd()
    wf["18"] = {"class_type": "CLIPTextEncodeSDXL", "inputs": {
        "width": 4096, "height": 4096, "crop_w": 0, "crop_h": 0, "target_width": 4096, "target_height": 4096,
        "text_g": "alps at dawn", "text_l": "a river", "clip": ["16", 1]}}
    conv = convert(wf, "sdxl_prompt.json")
    said = _said(conv)
    (still,) = _nodes(conv, "video_models.text_to_video")
    assert still.params["prompt"] == "alps at dawn"
    assert ("'CLIPTextEncodeSDXL' (CLIPTextEncodeSDXL, #18)'s 'text_l' (the positive prompt of CLIP ViT-L: 'a river') "
            "is not taken") in said
    assert "(CLIPTextEncodeSDXL, #18)'s size conditioning (width 4096, height 4096, target_width 4096, " in said
    wf["18"]["inputs"].update(width=1024, height=576, target_width=1024, target_height=576, text_l="alps at dawn")
    said = _said(convert(wf, "sdxl_prompt.json"))
    assert "text_l" not in said and "size conditioning" not in said


def test_the_still_is_read_by_the_task_nodes_declared_start_image_whatever_the_video_family():
    """The same still given to Wan 2.1's WanImageToVideo ('start_image', and its CLIP vision encode): made first,
    Frame Hold into Wan's Image to Video."""
    wf = {k: v for k, v in _still_to_svd().items() if k not in ("15", "12", "3", "8", "10")}
    wf.update({
        "40": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_480p_14B_bf16.safetensors",
                                                      "weight_dtype": "default"}},
        "41": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                      "type": "wan"}},
        "42": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "43": {"class_type": "CLIPVisionLoader", "inputs": {"clip_name": "clip_vision_h.safetensors"}},
        "44": {"class_type": "CLIPVisionEncode", "inputs": {"clip_vision": ["43", 0], "image": ["20", 0],
                                                            "crop": "none"}},
        "45": {"class_type": "CLIPTextEncode", "inputs": {"text": "the river flows", "clip": ["41", 0]}},
        "46": {"class_type": "CLIPTextEncode", "inputs": {"text": "static", "clip": ["41", 0]}},
        "47": {"class_type": "WanImageToVideo", "inputs": {
            "positive": ["45", 0], "negative": ["46", 0], "vae": ["42", 0], "clip_vision_output": ["44", 0],
            "start_image": ["20", 0], "width": 832, "height": 480, "length": 81, "batch_size": 1}},
        "48": {"class_type": "KSampler", "inputs": {"seed": 3, "steps": 20, "cfg": 6.0, "sampler_name": "uni_pc",
                                                    "scheduler": "simple", "denoise": 1.0, "model": ["40", 0],
                                                    "positive": ["47", 0], "negative": ["47", 1],
                                                    "latent_image": ["47", 2]}},
        "49": {"class_type": "VAEDecode", "inputs": {"samples": ["48", 0], "vae": ["42", 0]}},
        "50": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["49", 0], "filename_prefix": "wan", "fps": 16.0,
                                                            "lossless": False, "quality": 90, "method": "default"}}})
    conv = convert(wf, "wan.json")
    g = conv.graph
    (i2v,), (hold,) = _nodes(conv, "video_models.image_to_video"), _nodes(conv, "edit.frame_hold")
    assert [t["family"] for t in conv.tasks] == ["Stable Diffusion XL", "Wan 2.1"]
    assert g.input_link(i2v.id, "image").src == hold.id and i2v.params["prompt"] == "the river flows"
    assert "'start_image' of 'WanImageToVideo' is the still 'KSampler' (#17) samples" in _said(conv)
    assert HELD not in _said(conv) and not conv.dropped


def test_a_video_held_for_another_reason_leaves_the_still_saved_and_no_frame_hold():
    """The video's sampler also takes an uncatalogued guide's picture (held with its own sentence): the still is
    still made and saved as the picture the workflow makes; no Frame Hold is left wired to nothing."""
    wf = _still_to_svd()
    wf["60"] = {"class_type": "LoadImage", "inputs": {"image": "guide.png"}}
    wf["61"] = {"class_type": "InventedGuide", "inputs": {"positive": ["12", 0], "negative": ["12", 1],
                                                          "image": ["60", 0], "strength": 0.5}}
    wf["3"]["inputs"].update(positive=["61", 0], negative=["61", 1])
    conv = convert(wf, "held_video.json")
    g = conv.graph
    (still,), (save,) = _nodes(conv, "video_models.text_to_video"), _nodes(conv, "io.save_video")
    assert g.input_link(save.id, "video").src == still.id and not _nodes(conv, "edit.frame_hold")
    assert not _nodes(conv, "video_models.image_to_video") and [t["generator"] for t in conv.tasks] == [
        "video_models.text_to_video", None]
    assert "InventedGuide" in _said(conv).splitlines()[0]


def test_a_whole_checkpoint_whose_name_names_no_model_is_made_as_the_whole_checkpoints_still_family():
    """A fine-tune's checkpoint (dreamshaper_8: its name names no version) loaded whole (CheckpointLoaderSimple
    declares MODEL, CLIP and VAE): its still made first as Stable Diffusion 1.5's Text to Video (the family declaring
    'still_checkpoint'), one frame, the workflow's prompt, size, steps, cfg and seed; the line says the file was read
    as SD 1.5's because its name names none, naming the loader."""
    conv = convert(_still_to_svd("dreamshaper_8.safetensors"), "sd15.json")
    said, g = _said(conv), conv.graph
    (still,), (i2v,), (hold,) = (_nodes(conv, t) for t in ("video_models.text_to_video", "video_models.image_to_video",
                                                            "edit.frame_hold"))
    p = still.params
    assert (p["prompt"], p["negative_prompt"], p["frames"], p["width"], p["height"], p["steps"], p["guidance"],
            p["seed"]) == ("alps at dawn, a river", "text, watermark", 1, 1024, 576, 15, 8.0, 42)
    loads = {n.id: n.params["model"] for n in _nodes(conv, "video_models.load")}
    assert loads[g.input_link(still.id, "model").src] == "dreamshaper_8.safetensors"
    assert g.input_link(i2v.id, "image").src == hold.id and g.input_link(hold.id, "video").src == still.id
    assert ("made first by Stable Diffusion 1.5 (Text to Video, one frame), its checkpoint 'dreamshaper_8.safetensors' "
            "('CheckpointLoaderSimple', #16) read as Stable Diffusion 1.5's: the file's name names no model") in said
    assert HELD not in said and "1.5 samples with its model folder" not in said  # (read from its checkpoint alone)
    assert "Stable Diffusion 1.5 samples with the scheduler Studio gives its checkpoint (Euler on SD 1.5's betas)" in said


def test_a_guiders_still_is_made_first_as_a_ksamplers_is():
    """The still sampled by SamplerCustomAdvanced through a CFGGuider (its model, prompts and cfg), RandomNoise's seed,
    BasicScheduler's steps: read as a KSampler's still."""
    wf = _still_to_svd("sd_xl_base_1.0.safetensors")
    wf["17"] = {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["50", 0], "guider": ["51", 0],
                                                                  "sampler": ["52", 0], "sigmas": ["53", 0],
                                                                  "latent_image": ["22", 0]}}
    wf["50"] = {"class_type": "RandomNoise", "inputs": {"noise_seed": 42}}
    wf["51"] = {"class_type": "CFGGuider", "inputs": {"model": ["16", 0], "positive": ["18", 0], "negative": ["19", 0],
                                                      "cfg": 6.0}}
    wf["52"] = {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}}
    wf["53"] = {"class_type": "BasicScheduler", "inputs": {"model": ["16", 0], "scheduler": "normal", "steps": 12,
                                                           "denoise": 1.0}}
    conv = convert(wf, "guided.json")
    (still,), (i2v,) = _nodes(conv, "video_models.text_to_video"), _nodes(conv, "video_models.image_to_video")
    p = still.params
    assert (p["prompt"], p["frames"], p["steps"], p["guidance"], p["seed"]) == ("alps at dawn, a river", 1, 12, 6.0, 42)
    assert "made first by Stable Diffusion XL" in _said(conv) and HELD not in _said(conv)


def test_a_still_loras_text_encoder_strength_is_said_as_its_pipeline_takes_it():
    """A LoraLoader on the SD 1.5 still's model and CLIP: diffusers' StableDiffusionPipeline puts a LoRA's text-encoder
    keys on its text encoder at the LoRA's one strength, so a text-encoder strength equal to the model's is not said
    'not applied' (it is applied); another is said not taken, with the strength used."""
    for clip, line in ((1.0, None), (0.5, "LoRA 'detail.safetensors': its text-encoder strength 0.5 is not taken "
                                          "(Video LoRA gives it one strength, 1, on Stable Diffusion 1.5's denoiser")):
        wf = _still_to_svd("dreamshaper_8.safetensors")
        wf["60"] = {"class_type": "LoraLoader", "inputs": {"lora_name": "detail.safetensors", "strength_model": 1.0,
                                                           "strength_clip": clip, "model": ["16", 0], "clip": ["16", 1]}}
        wf["17"]["inputs"]["model"] = ["60", 0]
        for k in ("18", "19"):
            wf[k]["inputs"]["clip"] = ["60", 1]
        conv = convert(wf, "lora.json")
        said = _said(conv)
        assert [n.params["lora"] for n in _nodes(conv, "video_models.lora")] == ["detail.safetensors"]
        assert "is not applied (Video LoRA puts it on the denoiser)" not in said
        assert line is None and "text-encoder strength" not in said or line in said

"""Stop 17 (stillz17): a still made first given to the WanVideoWrapper's image to video (heldout76 08-09), and what the
not-converted note says of a node the converter made beside a pack node (76/09)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, notes, said, source_of
from tests.convert.test_comfy_heldout54_mends import _old_wrapper_i2v


def test_a_wrapper_encodes_resize_is_not_listed_with_settings_the_file_never_saved():
    """76/09: with the task held, the picture resize the converter makes for WanVideoImageClipEncode's
    adjust_resolution ('<id>:scale', ComfyUI's ImageScale) was listed among the nodes not converted with
    'upscale_method lanczos, crop disabled' as the settings the workflow saved: the file saves none of them."""
    wf = _old_wrapper_i2v(0.0, True)
    wf["58"] = {"class_type": "ImageFromNowhere", "inputs": {"seed": 3}}  # a start picture Studio cannot read: held
    text = notes(convert(wf, "held.json"))
    line = next(x for x in text.splitlines() if x.startswith("- 'WanVideoImageClipEncode'") and "ImageScale" in x)
    assert '"upscale_method": "lanczos"' not in line and '"crop"' not in line
    assert line.endswith("#57): no settings saved in the file (upscale_method lanczos, crop disabled: not saved in the "
                         "file, set by Studio's reading of the node as ImageScale)")


def _wrapper_from_still(loader: dict) -> dict:
    """An SDXL fine-tune's still (a loader bundle: a checkpoint, its prompts and an empty latent of one picture, and
    its sampler's decoded IMAGE) scaled within 320 and given to the WanVideoWrapper's early encode with
    adjust_resolution on (76/09's shape, built from the node types)."""
    wf = _old_wrapper_i2v(0.0, True)
    del wf["58"]
    wf["57"]["inputs"].update(image=["118", 0], generation_width=240, generation_height=320)
    wf.update({
        "128": {"class_type": "Efficient Loader", "inputs": loader},
        "129": {"class_type": "KSampler (Efficient)", "inputs": {
            "model": ["128", 0], "positive": ["128", 1], "negative": ["128", 2], "latent_image": ["128", 3],
            "optional_vae": ["128", 4], "seed": 5, "steps": 20, "cfg": 7.0, "sampler_name": "euler",
            "scheduler": "simple", "denoise": 1.0, "preview_method": "none", "vae_decode": "true"}},
        "118": {"class_type": "ImageScaleToMaxDimension", "inputs": {"image": ["129", 5], "upscale_method": "area",
                                                                   "largest_size": 320}}})
    return wf


EFFICIENT = {"ckpt_name": "novaAnimeXL_ilV140.safetensors", "vae_name": "Baked VAE", "clip_skip": -1,
             "lora_name": "None", "lora_model_strength": 1.0, "lora_clip_strength": 1.0, "positive": "one girl",
             "negative": "blurry", "token_normalization": "none", "weight_interpretation": "comfy",
             "empty_latent_width": 512, "empty_latent_height": 512, "batch_size": 1}


def test_a_still_made_first_feeds_the_wrappers_image_to_video_through_its_resizes():
    """76/09: an SDXL fine-tune's still ('novaAnimeXL': its name names no family, its 'XL' SDXL's fine-tunes'),
    made by a loader bundle read as CheckpointLoaderSimple, CLIPTextEncode and EmptyLatentImage, scaled by
    ImageScaleToMaxDimension and given to WanVideoImageClipEncode (adjust_resolution on): the task was held, 'the
    start image the workflow generates first'. Now the still is made first by Stable Diffusion XL (one frame), both
    resizes as Studio's Scale on its way, Frame Hold giving the start image; the video takes the scaled size."""
    conv = convert(_wrapper_from_still(EFFICIENT), "still_wrapper.json")
    assert [t["generator"] for t in conv.tasks] == ["video_models.text_to_video", "video_models.image_to_video"]
    still, video = nodes_of(conv, "video_models.text_to_video")[0], nodes_of(conv, "video_models.image_to_video")[0]
    assert still.params["frames"] == 1 and (video.params["width"], video.params["height"]) == (0, 0)
    loads = {n.params["model"] for n in nodes_of(conv, "video_models.load")}
    assert "novaAnimeXL_ilV140.safetensors" in loads
    way, node = [], source_of(conv, video.id, "image")
    while node is not None and node.id != still.id:
        way.append((node.type_id, node.params.get("fit")))
        node = source_of(conv, node.id, "video")
    assert node is not None and way == [("edit.frame_hold", None), ("transform.scale", "area"),
                                        ("transform.scale", "within")]
    text = said(conv)
    assert ("its checkpoint 'novaAnimeXL_ilV140.safetensors' ('Efficient Loader', #128) read as Stable Diffusion XL's: "
            "the file's name names no model but has 'xl', a part of Stable Diffusion XL fine-tunes' names") in text
    assert "scaled to fit within 320x320 keeping its aspect by Studio's Scale" in text
    assert "the generator takes that size when it runs" in text
    assert "the generator's own are used" not in text and "generates first" not in text


def test_a_still_of_a_checkpoint_naming_another_image_model_stays_held():
    """The same with a checkpoint whose name has 'xl' beside another image model's part (PixArt's): never read as
    Stable Diffusion XL's (nor SD 1.5's): held, said."""
    conv = convert(_wrapper_from_still({**EFFICIENT, "ckpt_name": "pixart-xl-2-1024.safetensors"}), "pixart.json")
    assert not conv.tasks or all(t["generator"] != "video_models.text_to_video" for t in conv.tasks)
    assert "a part of Stable Diffusion XL fine-tunes' names" not in said(conv)


def _zimage_still(video: dict, at: str) -> dict:
    """Z-Image Turbo's still as ComfyUI's template makes it (UNETLoader, CLIPLoader of type 'lumina2', VAELoader,
    ModelSamplingAuraFlow, an empty SD3 latent of one picture, KSampler at cfg 1, decode) given to ``video`` at
    ``at`` (its node id and input), heldout19's shape."""
    wf = {
        "201": {"class_type": "UNETLoader", "inputs": {"unet_name": "z_image_turbo_bf16.safetensors",
                                                      "weight_dtype": "default"}},
        "202": {"class_type": "CLIPLoader", "inputs": {"clip_name": "qwen_3_4b.safetensors", "type": "lumina2",
                                                      "device": "default"}},
        "203": {"class_type": "VAELoader", "inputs": {"vae_name": "ae.safetensors"}},
        "204": {"class_type": "ModelSamplingAuraFlow", "inputs": {"model": ["201", 0], "shift": 3.5}},
        "205": {"class_type": "CLIPTextEncode", "inputs": {"text": "a stick figure waving", "clip": ["202", 0]}},
        "206": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["202", 0]}},
        "207": {"class_type": "EmptySD3LatentImage", "inputs": {"width": 1024, "height": 576, "batch_size": 1}},
        "208": {"class_type": "KSampler", "inputs": {"seed": 8, "steps": 9, "cfg": 1.0, "sampler_name": "euler",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["204", 0],
                                                   "positive": ["205", 0], "negative": ["206", 0],
                                                   "latent_image": ["207", 0]}},
        "209": {"class_type": "VAEDecode", "inputs": {"samples": ["208", 0], "vae": ["203", 0]}}}
    video[at[0]]["inputs"][at[1]] = ["209", 0]
    return {**wf, **video}


def _ltx2_video() -> dict:
    """LTX-2.3 from one checkpoint, the picture encoded on its latent's way by ComfyUI-LTXVideo's
    LTXVImgToVideoConditionOnly (between EmptyLTXVLatentVideo and the sampler), saved."""
    return {
        "26": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "ltx-2.3-22b-dev-fp8.safetensors"}},
        "27": {"class_type": "LTXAVTextEncoderLoader", "inputs": {
            "text_encoder": "gemma_3_12B_it_fp4_mixed.safetensors", "ckpt_name": "ltx-2.3-22b-dev-fp8.safetensors",
            "device": "default"}},
        "22": {"class_type": "CLIPTextEncode", "inputs": {"text": "he waves", "clip": ["27", 0]}},
        "23": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["27", 0]}},
        "13": {"class_type": "LTXVConditioning", "inputs": {"positive": ["22", 0], "negative": ["23", 0],
                                                           "frame_rate": 24.0}},
        "14": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 768, "height": 512, "length": 49,
                                                               "batch_size": 1}},
        "15": {"class_type": "LTXVImgToVideoConditionOnly", "inputs": {"vae": ["26", 2], "latent": ["14", 0],
                                                                      "strength": 1.0, "bypass": False}},
        "16": {"class_type": "KSampler", "inputs": {"seed": 3, "steps": 12, "cfg": 1.5, "sampler_name": "euler",
                                                    "scheduler": "simple", "denoise": 1.0, "model": ["26", 0],
                                                    "positive": ["13", 0], "negative": ["13", 1],
                                                    "latent_image": ["15", 0]}},
        "17": {"class_type": "VAEDecode", "inputs": {"samples": ["16", 0], "vae": ["26", 2]}},
        "18": {"class_type": "SaveWEBM", "inputs": {"images": ["17", 0], "filename_prefix": "ltx", "codec": "vp9",
                                                    "fps": 24.0, "crf": 32.0}}}


def test_a_z_image_still_encoded_on_the_latents_way_is_made_first():
    """heldout19: a Z-Image Turbo still (its DiT, Qwen3 and Flux VAE files, ModelSamplingAuraFlow's shift) given to
    LTX-2.3 through LTXVImgToVideoConditionOnly on the latent's way (no task node's port): held, 'the start image
    the workflow generates first'. Now the still is made first by Z-Image (one frame, its three files on its Load
    Video Model, the shift read), Frame Hold giving the picture the latent step encodes."""
    conv = convert(_zimage_still(_ltx2_video(), ("15", "image")), "zimage_ltx2.json")
    assert [t["generator"] for t in conv.tasks] == ["video_models.text_to_video", "video_models.ltx2"]
    still, video = nodes_of(conv, "video_models.text_to_video")[0], nodes_of(conv, "video_models.ltx2")[0]
    p = still.params
    assert (p["frames"], p["width"], p["height"], p["steps"], p["guidance"], p["shift"], p["prompt"]) == \
        (1, 1024, 576, 9, 1.0, 3.5, "a stick figure waving")
    load = source_of(conv, still.id, "model")
    assert (load.params["model"], load.params["text_encoder"], load.params["vae"]) == \
        ("z_image_turbo_bf16.safetensors", "qwen_3_4b.safetensors", "ae.safetensors")
    hold = source_of(conv, video.id, "image")
    assert hold.type_id == "edit.frame_hold" and source_of(conv, hold.id, "video").id == still.id
    text = said(conv)
    assert ("'image' of 'LTXVImgToVideoConditionOnly' is the still 'KSampler' (#8) samples and 'VAEDecode' (#9) "
            "decodes: made first by Z-Image (Text to Video, one frame); Frame Hold gives its picture as the start image"
            ).replace("#8", "#208").replace("#9", "#209") in text
    assert "generates first" not in text and "separate files are read for" not in text


def test_a_z_image_still_given_to_wans_start_image_is_made_first():
    """The same still given to the core road's WanImageToVideo start image: made first as Z-Image's, as the start
    image (the task node's own port)."""
    from tests.convert.builders import wan21_i2v_base, wan21_i2v_segment
    video = wan21_i2v_base({**wan21_i2v_segment(1, ["5", 0]), "105": {"class_type": "SaveWEBM", "inputs": {
        "images": ["104", 0], "filename_prefix": "wan", "codec": "vp9", "fps": 16.0, "crf": 32.0}}})
    del video["5"]
    conv = convert(_zimage_still(video, ("102", "start_image")), "zimage_wan.json")
    assert [t["generator"] for t in conv.tasks] == ["video_models.text_to_video", "video_models.image_to_video"]
    assert "made first by Z-Image (Text to Video, one frame); Frame Hold gives its picture as the start image" in \
        said(conv)


def test_a_qwen_image_still_is_made_first_with_its_three_files():
    """ComfyUI's Qwen-Image template as a still (UNETLoader qwen_image_fp8_e4m3fn, CLIPLoader of type 'qwen_image',
    its VAE, ModelSamplingAuraFlow 3.1, cfg 2.5) given to Wan 2.1's start image: made first by Qwen-Image (one frame,
    the shift and cfg read, its three files on its Load Video Model); a Qwen-Image-Edit file is no still family's."""
    from tests.convert.builders import wan21_i2v_base, wan21_i2v_segment

    def workflow(dit: str) -> dict:
        video = wan21_i2v_base({**wan21_i2v_segment(1, ["5", 0]), "105": {"class_type": "SaveWEBM", "inputs": {
            "images": ["104", 0], "filename_prefix": "wan", "codec": "vp9", "fps": 16.0, "crf": 32.0}}})
        del video["5"]
        wf = _zimage_still(video, ("102", "start_image"))
        wf["201"]["inputs"]["unet_name"] = dit
        wf["202"]["inputs"].update(clip_name="qwen_2.5_vl_7b_fp8_scaled.safetensors", type="qwen_image")
        wf["203"]["inputs"]["vae_name"] = "qwen_image_vae.safetensors"
        wf["204"]["inputs"]["shift"] = 3.1
        wf["208"]["inputs"]["cfg"] = 2.5
        return wf
    conv = convert(workflow("qwen_image_fp8_e4m3fn.safetensors"), "qwen_wan.json")
    assert [t["generator"] for t in conv.tasks] == ["video_models.text_to_video", "video_models.image_to_video"]
    still = nodes_of(conv, "video_models.text_to_video")[0]
    assert (still.params["frames"], still.params["shift"], still.params["guidance"]) == (1, 3.1, 2.5)
    load = source_of(conv, still.id, "model")
    assert (load.params["text_encoder"], load.params["vae"]) == ("qwen_2.5_vl_7b_fp8_scaled.safetensors",
                                                                "qwen_image_vae.safetensors")
    assert "made first by Qwen-Image (Text to Video, one frame)" in said(conv)
    edit = convert(workflow("qwen_image_edit_2509_fp8_e4m3fn.safetensors"), "edit.json")
    assert not nodes_of(edit, "video_models.text_to_video")

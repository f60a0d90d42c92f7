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

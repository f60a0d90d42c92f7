"""A FLUX.1 still made first, then animated (takes/still_first.py; heldout13 flux_ltx_i2v_v2: FLUX.1 dev's
UNETLoader, DualCLIPLoader of type 'flux', ae.safetensors, CLIPTextEncodeFlux, EmptySD3LatentImage, KSampler at cfg 1,
decoded, LTXVPreprocess, LTX-2's in-place image): the still made as FLUX.1's Text to Video (one frame; its diffusion
model, CLIP-L, T5-XXL and VAE set on its Load Video Model, never on the video's), its guidance the embedded guidance
(FluxGuidance's or CLIPTextEncodeFlux's, told by their declared FLOAT 'guidance'), its prompt CLIPTextEncodeFlux's T5
one (a different CLIP-L one said); Frame Hold gives the picture as the start image, through a step the video's family
declares its input passes through, said."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_still_first import HELD, _still_to_svd


def _flux(wf: dict, guidance: str = "FluxGuidance") -> dict:
    """``wf`` (an SDXL still before SVD) with its still FLUX.1 dev's: its diffusion model, its two text encoders and
    its VAE loaded apart, an SD3 empty latent, the KSampler at cfg 1; the embedded guidance 3.5 by FluxGuidance on the
    positive prompt, or (``guidance`` 'CLIPTextEncodeFlux') by Flux's own prompt node."""
    wf["16"] = {"class_type": "UNETLoader", "inputs": {"unet_name": "flux1-dev.safetensors", "weight_dtype": "default"}}
    wf["40"] = {"class_type": "DualCLIPLoader", "inputs": {"clip_name1": "clip_l.safetensors",
                                                           "clip_name2": "t5xxl_fp16.safetensors", "type": "flux"}}
    wf["41"] = {"class_type": "VAELoader", "inputs": {"vae_name": "ae.safetensors"}}
    wf["22"] = {"class_type": "EmptySD3LatentImage", "inputs": {"width": 1024, "height": 576, "batch_size": 1}}
    for k in ("18", "19"):
        wf[k]["inputs"]["clip"] = ["40", 0]
    if guidance == "FluxGuidance":
        wf["42"] = {"class_type": "FluxGuidance", "inputs": {"conditioning": ["18", 0], "guidance": 3.5}}
    else:
        wf["42"] = {"class_type": "CLIPTextEncodeFlux", "inputs": {
            "clip": ["40", 0], "clip_l": "alps, photo", "t5xxl": "alps at dawn, a river", "guidance": 3.5}}
    wf["17"]["inputs"].update(positive=["42", 0], cfg=1.0)
    wf["20"]["inputs"]["vae"] = ["41", 0]
    return wf


def _loads(conv) -> dict:
    return {n.id: n.params for n in nodes_of(conv, "video_models.load")}


def test_a_flux_still_is_made_first_with_its_files_and_embedded_guidance():
    conv = convert(_flux(_still_to_svd()), "flux.json")
    text, g = said(conv), conv.graph
    (still,), (i2v,), (hold,) = (nodes_of(conv, t) for t in ("video_models.text_to_video",
                                                             "video_models.image_to_video", "edit.frame_hold"))
    p = still.params
    assert (p["prompt"], p["frames"], p["width"], p["height"], p["steps"], p["guidance"], p["seed"]) == \
        ("alps at dawn, a river", 1, 1024, 576, 15, 3.5, 42)
    loads = _loads(conv)
    own = loads[g.input_link(still.id, "model").src]
    assert (own["model"], own["text_encoder"], own["text_encoder_2"], own["vae"]) == \
        ("flux1-dev.safetensors", "clip_l.safetensors", "t5xxl_fp16.safetensors", "ae.safetensors")
    video = loads[g.input_link(i2v.id, "model").src]
    assert video["model"] == "svd_xt.safetensors" and not video["text_encoder"] and not video["text_encoder_2"]
    assert g.input_link(i2v.id, "image").src == hold.id and g.input_link(hold.id, "video").src == still.id
    assert [t["family"] for t in conv.tasks] == ["FLUX.1", "Stable Video Diffusion"]
    assert "'FluxGuidance' (FluxGuidance, #42) 3.5: the generator's guidance (the model's embedded guidance)" in text
    assert "not taken: Studio's FLUX.1 runs" not in text
    assert "made first by FLUX.1 (Text to Video, one frame)" in text and HELD not in text
    # the still's own DualCLIPLoader, in the video's note: its T5 was said "taken from 'base'" (false: the still's)
    assert "second file): Load Video Model takes it from 'base'" not in text
    assert ("text encoder 't5xxl_fp16.safetensors' ('DualCLIPLoader' (DualCLIPLoader, #40)'s second file) is read by "
            "that pass alone as well: not set on Load Video Model") in text


def test_flux_own_prompt_node_gives_its_t5_prompt_and_guidance_and_says_its_clip_prompt():
    conv = convert(_flux(_still_to_svd(), "CLIPTextEncodeFlux"), "flux_prompt.json")
    text = said(conv)
    (still,) = nodes_of(conv, "video_models.text_to_video")
    assert (still.params["prompt"], still.params["guidance"]) == ("alps at dawn, a river", 3.5)
    assert ("'CLIPTextEncodeFlux' (CLIPTextEncodeFlux, #42)'s 'clip_l' (the positive prompt of CLIP-L: 'alps, photo') "
            "is not taken: Studio's FLUX.1 gives its 't5xxl' to both text encoders") in text
    assert "CLIPTextEncodeFlux, #42) 3.5: the generator's guidance" in text
    assert "which Studio does not read" not in text


def test_the_still_reaches_ltx2s_in_place_image_through_the_step_its_family_passes():
    """LTX-2's LTXVImgToVideoInplace (a step on the video sampler's latent's way whose declared IMAGE input is its
    start image) given the FLUX.1 still through LTXVPreprocess (a step LTX's mapping declares passing): the still is
    made first and Frame Hold is wired into LTX-2's generator's 'image'; the preprocess is said not applied, and the
    text encoder loader's text projection file (heldout13's, unsaid) is said not read."""
    wf = {k: v for k, v in _flux(_still_to_svd()).items() if k not in ("15", "12", "3", "8", "10")}
    wf.update({
        "50": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "ltx-2-19b-dev.safetensors"}},
        "51": {"class_type": "LTXAVTextEncoderLoader", "inputs": {
            "text_encoder": "gemma_3_12B_it.safetensors", "ckpt_name": "ltx-2.3_text_projection_bf16.safetensors",
            "device": "default"}},
        "52": {"class_type": "CLIPTextEncode", "inputs": {"text": "the river flows", "clip": ["51", 0]}},
        "53": {"class_type": "CLIPTextEncode", "inputs": {"text": "static", "clip": ["51", 0]}},
        "54": {"class_type": "LTXVConditioning", "inputs": {"positive": ["52", 0], "negative": ["53", 0],
                                                            "frame_rate": 24.0}},
        "55": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 768, "height": 512, "length": 97,
                                                                "batch_size": 1}},
        "56": {"class_type": "LTXVPreprocess", "inputs": {"image": ["20", 0], "img_compression": 35}},
        "57": {"class_type": "LTXVImgToVideoInplace", "inputs": {"vae": ["50", 2], "image": ["56", 0],
                                                                 "latent": ["55", 0], "strength": 1.0,
                                                                 "bypass": False}},
        "58": {"class_type": "KSampler", "inputs": {"seed": 3, "steps": 20, "cfg": 3.0, "sampler_name": "euler",
                                                    "scheduler": "simple", "denoise": 1.0, "model": ["50", 0],
                                                    "positive": ["54", 0], "negative": ["54", 1],
                                                    "latent_image": ["57", 0]}},
        "59": {"class_type": "VAEDecode", "inputs": {"samples": ["58", 0], "vae": ["50", 2]}},
        "60": {"class_type": "CreateVideo", "inputs": {"images": ["59", 0], "fps": 24.0}},
        "61": {"class_type": "SaveVideo", "inputs": {"video": ["60", 0], "filename_prefix": "ltx", "format": "auto",
                                                     "codec": "auto"}}})
    conv = convert(wf, "flux_ltx.json")
    text, g = said(conv), conv.graph
    (still,), (hold,) = nodes_of(conv, "video_models.text_to_video"), nodes_of(conv, "edit.frame_hold")
    (video,) = [n for n in conv.graph.nodes.values() if g.input_link(n.id, "image") is not None
                and g.input_link(n.id, "image").src == hold.id]
    assert g.input_link(hold.id, "video").src == still.id and video.type_id.startswith("video_models.")
    assert [t["family"] for t in conv.tasks][0] == "FLUX.1" and HELD not in text
    assert "'image' of 'LTXVImgToVideoInplace' is the still 'KSampler' (#17) samples" in text
    assert video.params["image_crf"] == 35 and "(LTXVPreprocess, #56)" not in text  # (samplers18: its CRF read)
    loads = _loads(conv)
    assert loads[g.input_link(video.id, "model").src]["text_encoder_2"] != "t5xxl_fp16.safetensors"
    # the text encoder loader's second file, a projection beside a model file: its 'text_encoder_2' (heldout102's
    # mend: where the model is a transformer alone it holds none), said, never dropped unsaid
    assert loads[g.input_link(video.id, "model").src]["text_encoder_2"] == "ltx-2.3_text_projection_bf16.safetensors"
    assert ("'LTXAVTextEncoderLoader' (LTXAVTextEncoderLoader, #51)'s 'ckpt_name' "
            "'ltx-2.3_text_projection_bf16.safetensors', the file ComfyUI reads the text projection from, is set as "
            "Load Video Model's 'text_encoder_2'") in text


def test_a_samplers_cfg_is_never_flux_guidance_and_is_said_not_taken():
    """No FluxGuidance and the KSampler at cfg 8 (ComfyUI runs classifier-free guidance with the negative prompt, the
    embedded guidance at its default 3.5): the generator's guidance is 3.5, the cfg said not taken."""
    wf = _flux(_still_to_svd())
    wf["17"]["inputs"].update(positive=["18", 0], cfg=8.0)
    del wf["42"]
    conv = convert(wf, "flux_cfg.json")
    text = said(conv)
    (still,) = nodes_of(conv, "video_models.text_to_video")
    assert still.params["guidance"] == 3.5
    assert ("no FluxGuidance sets the embedded guidance: the generator's guidance is 3.5, the one ComfyUI runs FLUX.1 "
            "at") in text
    assert ("the sampler's cfg 8 (classifier-free guidance with the negative prompt) is not taken: Studio's FLUX.1 "
            "runs with its embedded guidance alone") in text


def test_a_flux_still_saved_as_a_video_is_held_not_made_a_one_frame_take():
    """A FLUX.1 still whose picture nothing Studio reads animates (CreateVideo of the decoded still, saved): held with
    the sentence that says why; no Text to Video is made of it."""
    from tests.convert.test_comfy_wan_start_to_end import _still
    conv = convert(_still("flux1-dev.safetensors", 1), "flux_alone.json")
    assert [t["generator"] for t in conv.tasks] == [None] and not nodes_of(conv, "video_models.text_to_video")
    assert ("Studio cannot make the video the workflow makes from that still: FLUX.1 makes the still picture with "
            "'flux1-dev.safetensors', but no video generator Studio reads takes it as its start image") in conv.log[0]

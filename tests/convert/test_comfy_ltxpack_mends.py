"""Lightricks' ComfyUI-LTXVideo pack's samplers, guides and passes read as what they make (issue 112, the LTX sets:
benchmarks/results/ltxpack_2026-11-30.md), each on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said
from tests.convert.test_comfy_wiring import UI

CKPT = "ltx-2.3-22b-distilled.safetensors"


def _guided_then_held() -> dict:
    """LTX-2.3: an LTXVAddGuideMulti puts 'first.png' at frame 0, then a pack node Studio's catalogue does not know
    (a multi-reference guide) takes the same picture and gives the sampler its conditioning and latent (heldout33 01's
    shape): the task is held, and the guide's picture was named nowhere."""
    w = UI()
    ck = w.add("CheckpointLoaderSimple", [CKPT], ["MODEL", "CLIP", "VAE"])
    te = w.add("LTXAVTextEncoderLoader", ["gemma_3_12B_it.safetensors", CKPT, "default"], ["CLIP"])
    pos = w.add("CLIPTextEncode", ["a lighthouse at dusk"], ["CONDITIONING"], {"clip": (te, 0, "CLIP")})
    neg = w.add("CLIPTextEncode", ["blurry"], ["CONDITIONING"], {"clip": (te, 0, "CLIP")})
    empty = w.add("EmptyLTXVLatentVideo", [768, 512, 97, 1], ["LATENT"])
    img = w.add("LoadImage", ["first.png", "image"], ["IMAGE", "MASK"])
    guide = w.add("LTXVAddGuideMulti", ["1", 0, 1.0], ["CONDITIONING", "CONDITIONING", "LATENT"],
                  {"positive": (pos, 0, "CONDITIONING"), "negative": (neg, 0, "CONDITIONING"), "vae": (ck, 2, "VAE"),
                   "latent": (empty, 0, "LATENT"), "num_guides.image_1": (img, 0, "IMAGE")})
    ref = w.add("AcmeMultiReferenceGuide", [1.0], ["CONDITIONING", "CONDITIONING", "LATENT"],
                {"positive": (guide, 0, "CONDITIONING"), "negative": (guide, 1, "CONDITIONING"), "vae": (ck, 2, "VAE"),
                 "latent": (guide, 2, "LATENT"), "pic1": (img, 0, "IMAGE")})
    avae = w.add("LTXVAudioVAELoader", [CKPT], ["VAE"])
    audio = w.add("LTXVEmptyLatentAudio", [97, 24, 1], ["LATENT"], {"audio_vae": (avae, 0, "VAE")})
    cat = w.add("LTXVConcatAVLatent", [], ["LATENT"], {"video_latent": (ref, 2, "LATENT"),
                                                       "audio_latent": (audio, 0, "LATENT")})
    ks = w.add("KSampler", [5, "fixed", 8, 1.0, "euler", "simple", 1.0], ["LATENT"],
               {"model": (ck, 0, "MODEL"), "positive": (ref, 0, "CONDITIONING"), "negative": (ref, 1, "CONDITIONING"),
                "latent_image": (cat, 0, "LATENT")})
    sep = w.add("LTXVSeparateAVLatent", [], ["LATENT", "LATENT"], {"av_latent": (ks, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (sep, 0, "LATENT"), "vae": (ck, 2, "VAE")})
    cv = w.add("CreateVideo", [24], ["VIDEO"], {"images": (dec, 0, "IMAGE")})
    w.add("SaveVideo", ["lh", "auto", "auto"], [], {"video": (cv, 0, "VIDEO")})
    return w.doc()


def test_a_held_tasks_guide_picture_is_said_not_lost():
    """heldout33 01: LTXVAddGuideMulti's frame-0 guide (#219), read into the generator's keyframes, was lost with the
    task when a later node held it - named nowhere. Now each file a latent step gave the held sampler is said."""
    conv = convert(_guided_then_held(), "held.json")
    assert conv.tasks[0]["generator"] is None
    said = _said(conv)
    assert "'LTXVAddGuideMulti' (LTXVAddGuideMulti, #7) gives the sampler a guide at frame 0 made from the image " \
           "'first.png': not made (the task is held with no generator)" in said


def _keyframes(indices: str = "0, -1") -> dict:
    """LTXV 0.9.8: two pictures batched (ImageBatch) on LTXVBaseSampler's 'optional_cond_images' at ``indices``
    (strength 0.8, crop centre, crf 30, blur 1), then LTXVTiledSampler refining its latents with the same pictures."""
    from tests.convert.test_comfy_heldout33_mends import _ltxv_keyframes
    wf = _ltxv_keyframes()
    wf["13"]["inputs"]["optional_cond_indices"] = indices
    return wf


def _wired(conv, gen, port):
    link = conv.graph.input_link(gen.id, port)
    return conv.graph.nodes[link.src].params.get("path") if link is not None else None


def test_the_packs_base_sampler_given_pictures_puts_each_at_its_frame():
    """heldout33 04: LTXVBaseSampler given pictures was held ("a sampler it has no counterpart for"). Each loaded
    picture of its batch is now a keyframe at its index (negative from the end: -1 the last frame) with the sampler's
    strength; what it does to the pictures first is said; its refining LTXVTiledSampler is a later pass, said."""
    conv = convert(_keyframes(), "keys.json")
    assert conv.tasks[0]["generator"] == "video_models.text_to_video"
    assert conv.tasks[0]["inputs"] == ["keyframe_1", "keyframe_2"]
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (768, 512, 97)
    assert gen.params["keyframes"] == "0, last" and gen.params["keyframe_strength"] == 0.8
    assert (_wired(conv, gen, "keyframe_1"), _wired(conv, gen, "keyframe_2")) == ("first.png", "last.png")
    said = _said(conv)
    assert "'LTXVBaseSampler' (LTXVBaseSampler, #13)'s preparation of its pictures is not applied: crop 'center'" in said
    assert "crf 30 (each picture compressed as a video frame of that quality); blur 1" in said
    assert "'LTXVTiledSampler' (LTXVTiledSampler, #14) is read as SamplerCustomAdvanced sampling the latents it is " \
           "given again" in said
    assert "a second pass: 'LTXVTiledSampler' (#14)" in said
    assert "'LTXVTiledSampler' (LTXVTiledSampler, #14)'s pictures on 'optional_cond_images' (from 'ImageBatch', #8) " \
           "at frames 0, 90 (strength 0.9), guides of this pass, are not applied to it" in said


def test_pictures_not_one_per_index_leave_the_base_sampler_held_and_say_why():
    """Two pictures given one index: not read one by one (nothing placed at a frame it was not given), said."""
    conv = convert(_keyframes("0"), "keys.json")
    assert conv.tasks[0]["generator"] is None
    assert "'LTXVBaseSampler' (LTXVBaseSampler, #13)'s pictures on 'optional_cond_images' are not read as one loaded " \
           "picture for each frame on its 'optional_cond_indices' ('0')" in _said(conv)


def test_the_older_looping_samplers_start_picture_is_the_start_image():
    """heldout33 03: the looping sampler of the pack before 2026-01 took its start picture on 'optional_cond_image'
    (its first tile's picture at frame 0, held at its temporal_overlap_cond_strength); the picture was listed not
    converted and the take made as a text to video. Now it is the generator's start image, its strength said."""
    from tests.convert.test_comfy_heldout33_mends import _ltxv_loop
    wf = _ltxv_loop()
    wf["40"] = {"class_type": "LoadImage", "inputs": {"image": "chimp.webp"}}
    wf["33"]["inputs"]["optional_cond_image"] = ["40", 0]
    conv = convert(wf, "loop.json")
    assert conv.tasks[0]["generator"] == "video_models.image_to_video"
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    assert _wired(conv, gen, "image") == "chimp.webp"
    said = _said(conv)
    assert "the start image's strength 0.5 (LTXVLoopingSampler's temporal_overlap_cond_strength) is not taken: " \
           "Studio holds the start image clean" in said
    assert "LoadImage" not in next((line for line in conv.log if "nodes not converted" in line), "")


def _ltxv_clip_pass(upsampled: bool = True) -> dict:
    """LTXV 13B: a clip encoded, upscaled x2 by LTXVLatentUpsampler (or not), then sampled again by
    SamplerCustomAdvanced on the sigmas '0.99, 0.9094, 0.0' written as text (StringToFloatList -> FloatToSigmas)."""
    nodes = {
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltxv-13b-0.9.8-distilled.safetensors"}),
        "2": ("CLIPLoader", {"clip_name": "t5xxl_fp16.safetensors", "type": "ltxv"}),
        "3": ("CLIPTextEncode", {"text": "a harbour at night", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "5": ("LoadVideo", {"file": "harbour.mp4"}),
        "6": ("GetVideoComponents", {"video": ["5", 0]}),
        "7": ("VAEEncode", {"pixels": ["6", 0], "vae": ["1", 2]}),
        "8": ("LTXVLatentUpsamplerModelLoader", {"upscale_model": "ltxv-spatial-upscaler-0.9.8.safetensors",
                                                 "spatial_upsample": True, "temporal_upsample": False}),
        "9": ("LTXVLatentUpsampler", {"samples": ["7", 0], "upscale_model": ["8", 0], "vae": ["1", 2]}),
        "10": ("StringToFloatList", {"string": "0.99, 0.9094, 0.0"}),
        "11": ("FloatToSigmas", {"float_list": ["10", 0]}),
        "12": ("KSamplerSelect", {"sampler_name": "euler"}),
        "13": ("RandomNoise", {"noise_seed": 1256}),
        "14": ("CFGGuider", {"model": ["1", 0], "positive": ["3", 0], "negative": ["4", 0], "cfg": 1.0}),
        "15": ("SamplerCustomAdvanced", {"noise": ["13", 0], "guider": ["14", 0], "sampler": ["12", 0],
                                         "sigmas": ["11", 0], "latent_image": ["9", 0] if upsampled else ["7", 0]}),
        "16": ("VAEDecode", {"samples": ["15", 0], "vae": ["1", 2]}),
        "17": ("CreateVideo", {"images": ["16", 0], "fps": 24}),
        "18": ("SaveVideo", {"video": ["17", 0], "filename_prefix": "hd", "format": "auto", "codec": "auto"}),
    }
    if not upsampled:
        del nodes["8"], nodes["9"]
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()}


def _wan_clip_pass() -> dict:
    """The same clip pass on the sigmas written as text, with Wan 2.1's model (a family that does video to video in
    Studio; LTX-Video's is held since v2vhold8): its UNETLoader, text encoder and VAE loaders."""
    wf = _ltxv_clip_pass(upsampled=False)
    wf["1"] = {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors",
                                                      "weight_dtype": "default"}}
    wf["2"]["inputs"].update(clip_name="umt5_xxl_fp8_e4m3fn_scaled.safetensors", type="wan")
    wf["19"] = {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}}
    for n in ("7", "16"):
        wf[n]["inputs"]["vae"] = ["19", 0]
    return wf


def test_sigmas_written_as_text_are_read_as_manual_sigmas():
    """heldout33 02-04: KJNodes' StringToFloatList -> FloatToSigmas (the LTXV 13B examples' schedules) was "a value
    Studio cannot work out", the generator's own steps and strength standing. Read as ManualSigmas of the text: 2
    steps from sigma 0.99 (Video to Video's strength). (On Wan: written while LTX-Video's video to video was held.)"""
    conv = convert(_wan_clip_pass(), "pass.json")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.video_to_video")
    assert (gen.params["steps"], gen.params["strength"]) == (2, 0.99)
    assert "'FloatToSigmas' (FloatToSigmas, #11) is read as ComfyUI's ManualSigmas of the numbers 'StringToFloatList' " \
           "(StringToFloatList, #10) parses from its text ('0.99, 0.9094, 0.0')" in _said(conv)


def test_a_clips_latent_upsampled_before_it_is_sampled_again_is_scaled_before_video_to_video():
    """heldout33 02: the clip's latent upscaled x2 (LTXVLatentUpsampler) before the detail pass was named nowhere but
    as the looping sampler's guiding latents. hires made it Studio's Scale x2 before Video to Video (held by v2vhold8
    while LTX-Video declared no video to video; made again since ltxv2v8)."""
    conv = convert(_ltxv_clip_pass(), "pass.json")
    gen = [n for n in conv.graph.nodes.values() if n.type_id == "video_models.video_to_video"]
    scale = [n for n in conv.graph.nodes.values() if n.type_id == "transform.scale"]
    assert len(gen) == 1 and gen[0].params["strength"] == 0.99 and [n.params["scale"] for n in scale] == [2.0]
    assert "'LTXVLatentUpsampler' (LTXVLatentUpsampler, #9) upscales the encoded clip's latent x2 before " \
           "'SamplerCustomAdvanced' (#15) samples it again: Studio's Scale x2 before Video to Video makes the clip " \
           "that size" in _said(conv)


def test_a_clips_latent_upsampled_before_it_is_sampled_again_is_named_where_the_restyle_is_held(monkeypatch):
    """The same where the family does no video to video (the restyle held, v2vhold8): the upsampler, read on the
    latent's way, is said not made beside the held sentence (it had become silent). No family declares a latent
    upscaler and no video to video today, so LTX-Video is taken out of the converter's table for this test."""
    from studio.convert.families import abilities
    monkeypatch.setattr(abilities, "VIDEO_TO_VIDEO", abilities.VIDEO_TO_VIDEO - {"ltx"})
    conv = convert(_ltxv_clip_pass(), "pass.json")
    assert not any(n.type_id in ("video_models.video_to_video", "transform.scale") for n in conv.graph.nodes.values())
    said = _said(conv)
    assert "with LTX-Video; Studio cannot restyle a clip with LTX-Video" in said.splitlines()[0]
    assert "'LTXVLatentUpsampler' (LTXVLatentUpsampler, #9) upscales the encoded clip's latent x2 before " \
           "'SamplerCustomAdvanced' (#15) samples it again: not made, as the task is held with no generator" in said


def test_an_extend_samplers_own_pictures_are_said_not_taken():
    """LTXVExtendSampler folded into the take it extends dropped its 'optional_cond_images' (pictures at frames of the
    extension) unsaid: only the loader was listed not converted. Now they are said not taken, with their frames."""
    from tests.convert.test_comfy_heldout17_mends import _ltx2_t2v

    def n(cls, **inputs):
        return {"class_type": cls, "inputs": inputs}
    wf = _ltx2_t2v()
    wf.update({
        "21": n("KSamplerSelect", sampler_name="euler"), "22": n("RandomNoise", noise_seed=9),
        "23": n("CFGGuider", cfg=1, model=["1", 0], positive=["5", 0], negative=["5", 1]),
        "24": n("ManualSigmas", sigmas="1.0, 0.725, 0.421875, 0.0"), "29": n("LoadImage", image="ending.png"),
        "25": n("LTXVExtendSampler", model=["1", 0], vae=["1", 2], latents=["7", 0], num_new_frames=80,
                frame_overlap=16, guider=["23", 0], sampler=["21", 0], sigmas=["24", 0], noise=["22", 0],
                strength=0.5, optional_cond_images=["29", 0], optional_cond_indices="-1", cond_image_strength=1.0),
    })
    wf["8"]["inputs"]["samples"] = ["25", 0]
    said = _said(convert(wf, "long.json"))
    assert "'LTXVExtendSampler' (LTXVExtendSampler, #25)'s pictures on 'optional_cond_images', from 'LoadImage' " \
           "(LoadImage, #29) at its frames '-1' (counted in the extension), are not taken" in said


def test_a_pass_after_a_latent_upscale_on_another_model_file_is_a_refine_not_an_expert():
    """heldout36's mixed multiscale example: a tiled pass on the distilled model after LTXVLatentUpsampler, the first
    pass on the dev model, was said as 'the low-noise expert ... (diffusers switches experts at the model's
    boundary_ratio)' once read: a pass after a latent upscale refines the upscaled take, whatever the model files."""
    wf = _keyframes()
    wf["40"] = {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "ltxv-13b-0.9.7-distilled.safetensors"}}
    wf["1"]["inputs"]["ckpt_name"] = "ltxv-13b-0.9.7-dev.safetensors"
    wf["41"] = {"class_type": "CFGGuider", "inputs": {"model": ["40", 0], "positive": ["5", 0], "negative": ["5", 1],
                                                      "cfg": 1.0}}
    wf["42"] = {"class_type": "LTXVLatentUpsamplerModelLoader", "inputs": {
        "upscale_model": "ltxv-spatial-upscaler-0.9.8.safetensors", "spatial_upsample": True, "temporal_upsample": False}}
    wf["43"] = {"class_type": "LTXVLatentUpsampler", "inputs": {"samples": ["13", 0], "upscale_model": ["42", 0],
                                                                "vae": ["1", 2]}}
    wf["44"] = {"class_type": "ManualSigmas", "inputs": {"sigmas": "0.85, 0.725, 0.4219, 0.0"}}
    wf["14"]["inputs"].update(model=["40", 0], guider=["41", 0], latents=["43", 0], sigmas=["44", 0])
    said = _said(convert(wf, "multi.json"))
    assert "a later pass: 'LTXVTiledSampler' (LTXVTiledSampler, #14) refines the take (denoise 0.85, 3 steps" in said
    assert "expert: 'LTXVTiledSampler'" not in said


def test_a_resize_keeping_the_proportion_after_the_take_is_scaled_within_its_box():
    """heldout33 04: KJNodes' ImageResizeKJ (v1) 1280x1280 with keep_proportion on after the decode fits the take inside
    the box (about 1280x853 for 768x512); it was made Resize 1280x1280 stretched ("size may differ"). Now Studio's
    Scale fits it within the box, keeping its aspect."""
    wf = _keyframes()
    wf["50"] = {"class_type": "ImageResizeKJ", "inputs": {"image": ["16", 0], "width": 1280, "height": 1280,
                                                          "upscale_method": "bicubic", "keep_proportion": True,
                                                          "divisible_by": 2, "crop": "center"}}
    wf["17"]["inputs"]["images"] = ["50", 0]
    conv = convert(wf, "fit.json")
    scale = next(n for n in conv.graph.nodes.values() if n.type_id == "transform.scale")
    assert (scale.params["width"], scale.params["height"], scale.params["fit"]) == (1280, 1280, "within")
    assert not any(n.type_id == "transform.resize" for n in conv.graph.nodes.values())
    assert "writes the take scaled to fit within 1280x1280 keeping its aspect, each side rounded down to a multiple " \
           "of 2, nothing cut ('ImageResizeKJ' (ImageResizeKJ, #50)): Studio's Scale after the generator" in _said(conv)

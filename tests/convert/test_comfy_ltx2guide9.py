"""LTX-2 guides and re-details from clips (ltx2guide9, issue 112). A clip re-detailed by LTX-2's second stage: every
frame of a loaded clip put in place at strength 1 over the latent's whole length (its first pass gives the clip back as
it is), then LTXVLatentUpsampler and a refining pass - made as the clip wired straight into LTX-2 Latent Upscale with
the pass's sigmas, seed and model, no generator, the first pass said not made (heldout50 06)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import api, nodes_of, said


def _redetail(strength: float = 1.0, cap: int = 97, stage: bool = True, inplace: bool = False) -> dict:
    """A clip of ``cap`` frames scaled to 768x448 and given whole to LTXVImgToVideo (97 frames, ``strength``) and to an
    IC-LoRA guide at 0.8; a first pass of 8 steps at denoise 1, then (``stage``) the latent upsampled x2 and refined on
    ManualSigmas 0.85, 0.725, 0.4219 with seed 42; saved without sound."""
    nodes = {
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-2.3-22b-dev.safetensors"}),
        "2": ("CLIPLoader", {"clip_name": "gemma_3_12B_it.safetensors", "type": "ltxv", "device": "default"}),
        "3": ("LoraLoader", {"model": ["1", 0], "clip": ["2", 0], "lora_name": "ltx-2.3-22b-distilled-lora.safetensors",
                             "strength_model": 1.0, "strength_clip": 1.0}),
        "4": ("LTXICLoRALoaderModelOnly", {"model": ["3", 0], "lora_name": "ltx-2.3-ic-lora-upscaler.safetensors",
                                           "strength_model": 0.7}),
        "5": ("CLIPTextEncode", {"clip": ["3", 1], "text": "sharp focus, detailed textures"}),
        "6": ("CLIPTextEncode", {"clip": ["3", 1], "text": "blurry"}),
        "7": ("VHS_LoadVideo", {"video": "street.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                "frame_load_cap": cap, "skip_first_frames": 0, "select_every_nth": 1}),
        "8": ("ImageScale", {"image": ["7", 0], "width": 768, "height": 448, "upscale_method": "lanczos",
                             "crop": "disabled"}),
        "9": ("LTXVImgToVideo", {"positive": ["5", 0], "negative": ["6", 0], "vae": ["1", 2], "image": ["8", 0],
                                 "width": 768, "height": 448, "length": 97, "batch_size": 1, "strength": strength}),
        "10": ("LTXAddVideoICLoRAGuide", {"positive": ["9", 0], "negative": ["9", 1], "vae": ["1", 2],
                                          "latent": ["9", 2], "image": ["8", 0], "frame_idx": 0, "strength": 0.8,
                                          "latent_downscale_factor": 1.0, "crop": "disabled",
                                          "use_tiled_encode": False, "tile_size": 256, "tile_overlap": 64}),
        "12": ("BasicScheduler", {"model": ["4", 0], "scheduler": "linear_quadratic", "steps": 8, "denoise": 1.0}),
        "13": ("KSamplerSelect", {"sampler_name": "euler"}),
        "22": ("RandomNoise", {"noise_seed": 42}),
        "23": ("CFGGuider", {"model": ["4", 0], "positive": ["10", 0], "negative": ["10", 1], "cfg": 1.0}),
        "14": ("SamplerCustomAdvanced", {"noise": ["22", 0], "guider": ["23", 0], "sampler": ["13", 0],
                                         "sigmas": ["12", 0], "latent_image": ["10", 2]}),
        "15": ("LTXVLatentUpsampler", {"samples": ["14", 0], "upscale_model": ["21", 0], "vae": ["1", 2]}),
        "21": ("LatentUpscaleModelLoader", {"model_name": "ltx-2.3-spatial-upscaler-x2.safetensors"}),
        "16": ("ManualSigmas", {"sigmas": "0.85, 0.725, 0.4219, 0.0"}),
        "18": ("SamplerCustomAdvanced", {"noise": ["22", 0], "guider": ["23", 0], "sampler": ["13", 0],
                                         "sigmas": ["16", 0], "latent_image": ["15", 0]}),
        "19": ("VAEDecode", {"vae": ["1", 2], "samples": ["18", 0]}),
        "20": ("VHS_VideoCombine", {"images": ["19", 0], "frame_rate": 24, "loop_count": 0, "filename_prefix": "redetail",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    }
    if not stage:
        for k in ("15", "16", "18", "21"):
            del nodes[k]
        nodes["19"][1]["samples"] = ["14", 0]
    if inplace:  # the clip put in place on an empty latent of that length (LTX-2's own in-place step)
        nodes["9"] = ("EmptyLTXVLatentVideo", {"width": 768, "height": 448, "length": 97, "batch_size": 1})
        nodes["11"] = ("LTXVImgToVideoInplace", {"vae": ["1", 2], "image": ["8", 0], "latent": ["9", 0],
                                                 "strength": strength, "bypass": False})
        nodes["10"][1].update(positive=["5", 0], negative=["6", 0], latent=["11", 0])
    return api(nodes)


def test_a_clip_put_in_place_whole_and_refined_by_the_second_stage_is_that_clip_re_detailed():
    conv = convert(_redetail(), "redetail.json")
    assert not nodes_of(conv, "video_models.ltx2") and not nodes_of(conv, "edit.frame_hold")
    (up,) = nodes_of(conv, "video_models.ltx2_latent_upscale")
    p = up.params
    assert (p["refine"], p["sigmas"], p["seed"], p["prompt"]) == (True, "0.85, 0.725, 0.4219", 42,
                                                                   "sharp focus, detailed textures")
    assert p["upsampler"] == "ltx-2.3-spatial-upscaler-x2.safetensors"
    src = conv.graph.input_link(up.id, "video").src  # the clip, scaled to the first stage's size
    assert conv.graph.nodes[src].type_id == "transform.scale"
    assert (conv.graph.nodes[src].params["width"], conv.graph.nodes[src].params["height"]) == (768, 448)
    lora = conv.graph.input_link(up.id, "model").src  # the pass's model: through both LoRAs
    assert conv.graph.nodes[lora].params["lora"] == "ltx-2.3-ic-lora-upscaler.safetensors"
    text = said(conv)
    assert "the other frames are not given" not in text and "LTX-2 makes the take" not in text
    assert ("a re-detail of the clip 'street.mp4': 'LTXVImgToVideo' (LTXVImgToVideo, #9) puts every frame it is given "
            "of it (97 frames; the latent's length 97) in place at strength 1, so the first pass gives the clip back as "
            "it is; LTX-2 Latent Upscale upscales the clip (768x448) x2 (1536x896)") in text
    assert ("the first pass ('SamplerCustomAdvanced' (SamplerCustomAdvanced, #14): its steps, sampler and scheduler) is "
            "not made") in text
    assert "the IC-LoRA's guide clip (strength 0.8) is not given to the refine" in text
    assert "-> video_models.ltx2_latent_upscale (the clip 'street.mp4' re-detailed" in text
    assert [t["generator"] for t in conv.tasks] == ["video_models.ltx2_latent_upscale"]


def test_a_clip_put_in_place_whole_on_an_empty_latent_is_re_detailed_too():
    conv = convert(_redetail(inplace=True), "inplace.json")
    assert not nodes_of(conv, "video_models.ltx2") and len(nodes_of(conv, "video_models.ltx2_latent_upscale")) == 1
    assert ("a re-detail of the clip 'street.mp4': 'LTXVImgToVideoInplace' (LTXVImgToVideoInplace, #11) puts every "
            "frame it is given of it (97 frames; the latent's length 97) in place at strength 1") in said(conv)
    conv = convert(_redetail(inplace=True, strength=0.6), "inplace.json")
    assert len(nodes_of(conv, "video_models.ltx2")) == 1 and "a re-detail" not in said(conv)


def test_a_clip_held_below_strength_1_short_of_the_latent_or_with_no_second_stage_stays_as_read():
    for wf in (_redetail(strength=0.8), _redetail(cap=33), _redetail(stage=False)):
        conv = convert(wf, "other.json")
        assert len(nodes_of(conv, "video_models.ltx2")) == 1
        assert "a re-detail of the clip" not in said(conv)


def _guide_blueprint(frame: int = 0, same: bool = False) -> dict:
    """A blueprint whose 'start' picture a node puts in place at the start of a latent and whose 'guide' pictures
    (declared 'IMAGE,MASK', resized first) another node guides that latent's frame ``frame`` with (``same``: the
    guide's own pictures put in place too): the shape of ComfyUI's Pose to Video (LTX 2.0) blueprints, with invented
    node names (the rule is by declared types)."""
    from tests.convert.test_comfy_heldout39_mends import _link
    sid = "b1a3e39f-0000-4000-8000-0000000000a9"
    nodes = [
        {"id": 1, "type": "AcmeEmptyLatent", "inputs": [], "outputs": [{"name": "LATENT", "type": "LATENT", "links": [1]}]},
        {"id": 2, "type": "AcmeInPlace", "inputs": [{"name": "image", "type": "IMAGE", "link": 5 if same else 2},
                                                    {"name": "latent", "type": "LATENT", "link": 1}],
         "outputs": [{"name": "latent", "type": "LATENT", "links": [3]}]},
        {"id": 3, "type": "AcmeResize", "inputs": [{"name": "input", "type": "IMAGE,MASK", "link": 4}],
         "outputs": [{"name": "resized", "type": "IMAGE,MASK", "links": [5] + ([6] if same else [])}]},
        {"id": 4, "type": "AcmeGuide", "widgets_values": [frame, 1.0], "inputs": [
            {"name": "latent", "type": "LATENT", "link": 3}, {"name": "image", "type": "IMAGE", "link": 6 if same else 5},
            {"name": "frame_idx", "type": "INT", "widget": {"name": "frame_idx"}, "link": None},
            {"name": "strength", "type": "FLOAT", "widget": {"name": "strength"}, "link": None}],
         "outputs": [{"name": "latent", "type": "LATENT", "links": [7]}]},
        {"id": 5, "type": "AcmeDecodeToVideo", "inputs": [{"name": "samples", "type": "LATENT", "link": 7}],
         "outputs": [{"name": "VIDEO", "type": "VIDEO", "links": [8]}]}]
    links = [_link(1, 1, 0, 2, 1, "LATENT"), _link(3, 2, 0, 4, 0, "LATENT"), _link(4, -10, 1, 3, 0, "IMAGE,MASK"),
             _link(5, 3, 0, 4 if not same else 2, 1 if not same else 0, "IMAGE,MASK"), _link(7, 4, 0, 5, 0, "LATENT"),
             _link(8, 5, 0, -20, 0, "VIDEO")]
    links += [_link(6, 3, 0, 4, 1, "IMAGE,MASK")] if same else [_link(2, -10, 0, 2, 0, "IMAGE")]
    sub = {"id": sid, "name": "Pose Clip", "nodes": nodes,
           "inputs": [{"name": "start", "type": "IMAGE", "linkIds": [] if same else [2]},
                      {"name": "guide", "type": "IMAGE,MASK", "linkIds": [4]}],
           "outputs": [{"name": "VIDEO", "type": "VIDEO", "linkIds": [8]}], "links": links}
    top = {"id": 9, "type": sid, "inputs": [{"name": "start", "type": "IMAGE", "link": None},
                                             {"name": "guide", "type": "IMAGE,MASK", "link": None}],
           "outputs": [{"name": "VIDEO", "type": "VIDEO", "links": []}], "widgets_values": []}
    return {"nodes": [top], "links": [], "definitions": {"subgraphs": [sub]}}


def test_a_blueprint_picture_input_guiding_frame_0_over_a_picture_in_place_is_loaded_as_a_clip():
    """heldout13 / 21's Pose to Video (LTX 2.0): the pose frames' input guides frame 0 of a latent whose frame 0 the
    start picture is put in place on; read as a Load Image, the IC-LoRA's guide was "not taken". Two pictures at frame
    0 make no keyframe: the guide's input is a clip's frames (a Load Video, which LTX-2 reads as its 'control')."""
    from studio.convert.reading.blueprints import ends, open_ends
    assert [(e[4], e[1]) for e in ends(_guide_blueprint())] == [("start", "LoadImage"), ("guide", "VHS_LoadVideo"),
                                                               ("", "SaveVideo")]
    said_: list[str] = []
    open_ends(_guide_blueprint(), {}, {}, {("9", 0): None}, lambda *a, **k: a, said_)
    assert ("'guide' loaded as a clip's frames (they guide frame 0 of a latent whose frame 0 another picture is put in "
            "place on: an IC-LoRA's guide frames, as two pictures at frame 0 make no keyframe)") in said_[0]
    assert "the count of its pictures" not in said_[0]
    # a guide at a later frame (a keyframe), or the guide's own pictures put in place: a picture, as before
    for doc in (_guide_blueprint(frame=8), _guide_blueprint(same=True)):
        assert "VHS_LoadVideo" not in [e[1] for e in ends(doc)]


def _v2v_with_sound(held: bool = True) -> dict:
    """An LTX-2 restyle of a loaded clip: its frames encoded (VAEEncode) and its sound encoded by LTX-2's audio VAE
    into the sampler's latent beside them (``held``: under a noise mask of 0), sampled from sigma 0.909375, decoded and
    saved with the sound the sampler gives."""
    nodes = {
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-2.3-22b-dev.safetensors"}),
        "2": ("LTXVAudioVAELoader", {"ckpt_name": "ltx-2.3-22b-dev.safetensors"}),
        "3": ("CLIPTextEncode", {"text": "a harbour at dusk, sharp detail", "clip": ["1", 1]}),
        "4": ("CLIPTextEncode", {"text": "", "clip": ["1", 1]}),
        "5": ("LoadVideo", {"file": "harbour.mp4"}),
        "6": ("GetVideoComponents", {"video": ["5", 0]}),
        "7": ("VAEEncode", {"pixels": ["6", 0], "vae": ["1", 2]}),
        "20": ("LTXVAudioVAEEncode", {"audio": ["6", 1], "audio_vae": ["2", 0]}),
        "21": ("SolidMask", {"value": 0.0, "width": 8, "height": 8}),
        "22": ("SetLatentNoiseMask", {"samples": ["20", 0], "mask": ["21", 0]}),
        "23": ("LTXVConcatAVLatent", {"video_latent": ["7", 0], "audio_latent": ["22" if held else "20", 0]}),
        "8": ("KSamplerSelect", {"sampler_name": "euler"}),
        "9": ("ManualSigmas", {"sigmas": "0.909375, 0.725, 0.421875, 0.0"}),
        "13": ("RandomNoise", {"noise_seed": 42}),
        "14": ("CFGGuider", {"model": ["1", 0], "positive": ["3", 0], "negative": ["4", 0], "cfg": 1.0}),
        "15": ("SamplerCustomAdvanced", {"noise": ["13", 0], "guider": ["14", 0], "sampler": ["8", 0],
                                         "sigmas": ["9", 0], "latent_image": ["23", 0]}),
        "24": ("LTXVSeparateAVLatent", {"av_latent": ["15", 0]}),
        "16": ("VAEDecode", {"samples": ["24", 0], "vae": ["1", 2]}),
        "25": ("LTXVAudioVAEDecode", {"samples": ["24", 1], "audio_vae": ["2", 0]}),
        "17": ("CreateVideo", {"images": ["16", 0], "audio": ["25", 0], "fps": 24}),
        "18": ("SaveVideo", {"video": ["17", 0], "filename_prefix": "detail", "format": "auto", "codec": "auto"}),
    }
    if not held:
        del nodes["21"], nodes["22"]
    return api(nodes)


def test_an_ltx2_restyle_holding_the_clips_sound_is_video_to_video_writing_that_sound():
    """Its audio latent made LTX-2 claim the pipeline: LTX-2 Video + Sound drove by the clip's sound, the clip itself
    "has no such input" (lost). Now Video to Video of the clip, and the sound the sampler holds is the clip's own:
    Load Video's sound goes to Save Video, said."""
    conv = convert(_v2v_with_sound(), "v2v.json")
    (gen,) = nodes_of(conv, "video_models.video_to_video")
    assert not nodes_of(conv, "video_models.ltx2") and gen.params["strength"] == 0.9094
    (load,) = nodes_of(conv, "io.load_video")
    (save,) = nodes_of(conv, "io.save_video")
    assert conv.graph.input_link(gen.id, "video").src == load.id
    assert (conv.graph.input_link(save.id, "audio").src, conv.graph.input_link(save.id, "audio").src_port) == (
        load.id, "audio")
    text = said(conv)
    assert ("'LTXVAudioVAEEncode' (LTXVAudioVAEEncode, #20) encodes the sound of the clip 'harbour.mp4' and "
            "'SetLatentNoiseMask' (SetLatentNoiseMask, #22) holds it with a noise mask of 0: the sampler keeps the clip's "
            "sound as it is, so Save Video writes the clip's own sound (Load Video's)") in text
    assert "has no such input" not in text and "not converted (listed in a note" not in text


def test_an_ltx2_restyle_sampling_the_clips_sound_says_that_sound_not_made():
    conv = convert(_v2v_with_sound(held=False), "v2v.json")
    (save,) = nodes_of(conv, "io.save_video")
    assert nodes_of(conv, "video_models.video_to_video") and conv.graph.input_link(save.id, "audio") is None
    assert ("encodes the sound of the clip 'harbour.mp4' into the sampler's latent, which noises and samples it with "
            "the picture: Studio's Video to Video restyles the picture alone, so that sound is not made; Save Video "
            "writes the video without it") in said(conv)


def test_an_ltx2_restyle_refined_by_the_second_stage_makes_latent_upscale_after_video_to_video():
    """The restyle's latent upsampled x2 and sampled again from ManualSigmas 0.85 (LTX-2's two stages): was the first
    pass alone with "for the refine, add a Video to Video", the upsampler "not applied". Now Video to Video -> LTX-2
    Latent Upscale with the pass's sigmas and seed; the clip's sound, held through the first pass but re-noised by the
    second, said so."""
    wf = _v2v_with_sound()
    wf.update(api({
        "30": ("LatentUpscaleModelLoader", {"model_name": "ltx-2.3-spatial-upscaler-x2.safetensors"}),
        "31": ("LTXVLatentUpsampler", {"samples": ["24", 0], "upscale_model": ["30", 0], "vae": ["1", 2]}),
        "32": ("ManualSigmas", {"sigmas": "0.85, 0.725, 0.4219, 0.0"}),
        "33": ("LTXVConcatAVLatent", {"video_latent": ["31", 0], "audio_latent": ["24", 1]}),
        "34": ("SamplerCustomAdvanced", {"noise": ["13", 0], "guider": ["14", 0], "sampler": ["8", 0],
                                         "sigmas": ["32", 0], "latent_image": ["33", 0]}),
        "35": ("LTXVSeparateAVLatent", {"av_latent": ["34", 0]})}))
    wf["16"]["inputs"]["samples"], wf["25"]["inputs"]["samples"] = ["35", 0], ["35", 1]
    conv = convert(wf, "v2v2.json")
    (gen,) = nodes_of(conv, "video_models.video_to_video")
    (up,) = nodes_of(conv, "video_models.ltx2_latent_upscale")
    (save,) = nodes_of(conv, "io.save_video")
    assert conv.graph.input_link(up.id, "video").src == gen.id and conv.graph.input_link(save.id, "video").src == up.id
    assert (up.params["refine"], up.params["sigmas"], up.params["seed"]) == (True, "0.85, 0.725, 0.4219", 42)
    text = said(conv)
    assert ("two stages: Video to Video restyles the clip at its own size, LTX-2 Latent Upscale upscales that x2 with "
            "'ltx-2.3-spatial-upscaler-x2.safetensors' and refines it with sigmas 0.85, 0.725, 0.4219 (seed 42)") in text
    assert "add a Video to Video" not in text and "not applied" not in text
    assert ("holds it with a noise mask of 0 through the first pass; the later pass 'SamplerCustomAdvanced' "
            "(SamplerCustomAdvanced, #34) re-noises and samples it again: not done") in text
    assert "as ComfyUI's output has it" not in text

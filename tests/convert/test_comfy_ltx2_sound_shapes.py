"""LTX-2 workflows where the sound is the point (issue 112): a sound made alone (ComfyUI-LTXVideo's
LTXVAudioOnlyEmptyVideoLatent with LTXVAudioOnlyModel, ckinpdx's LTXAudioOnlyLatent) made by LTX-2 Sound (it was
held with one sentence); a music drive whose encoded latent passes KJNodes' GetLatentSizeAndCount
before its noise mask of 0 read as 'sound: drive' (it had been held, the size node named as what carries the audio);
an extension's next segment (a few decoded frames picked and encoded) held as what it is, not as a restyle; and the
in/outpainting IC-LoRA's painted guide (LTXVInpaintPreprocess) held, never made from the unpainted clip."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrappers import _nodes
from tests.convert.said import said as _said

CKPT = "ltx-2.3-22b-dev.safetensors"


def _base() -> dict:
    return {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": CKPT}},
        "2": {"class_type": "LTXAVTextEncoderLoader", "inputs": {"text_encoder": "gemma_3_12B_it.safetensors",
                                                                 "ckpt_name": CKPT, "device": "default"}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "rain on a tin roof", "clip": ["2", 0]}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "noise", "clip": ["2", 0]}},
        "8": {"class_type": "LTXVAudioVAELoader", "inputs": {"ckpt_name": CKPT}},
        "11": {"class_type": "LTXVConditioning", "inputs": {"positive": ["5", 0], "negative": ["6", 0],
                                                            "frame_rate": 24}},
    }


def _sampler(latent: list, model: list | None = None) -> dict:
    return {"class_type": "KSampler", "inputs": {"model": model or ["1", 0], "positive": ["11", 0],
                                                 "negative": ["11", 1], "latent_image": latent, "seed": 5, "steps": 8,
                                                 "cfg": 1.0, "sampler_name": "euler", "scheduler": "simple",
                                                 "denoise": 1.0}}


def _sound_alone(maker: str) -> dict:
    doc = _base()
    doc.update({
        "7": {"class_type": "LTXVAudioOnlyModel", "inputs": {"model": ["1", 0]}},
        "10": {"class_type": "LTXVEmptyLatentAudio", "inputs": {"audio_vae": ["8", 0], "frames_number": 97,
                                                                "frame_rate": 24, "batch_size": 1}},
        "15": _sampler(["14", 0], ["7", 0]),
        "16": {"class_type": "LTXVSeparateAVLatent", "inputs": {"av_latent": ["15", 0]}},
        "18": {"class_type": "LTXVAudioVAEDecode", "inputs": {"samples": ["16", 1], "audio_vae": ["8", 0]}},
        "20": {"class_type": "SaveAudio", "inputs": {"audio": ["18", 0], "filename_prefix": "a"}},
    })
    if maker == "LTXAudioOnlyLatent":  # ckinpdx's: both latents in one node
        doc["14"] = {"class_type": maker, "inputs": {"audio_vae": ["8", 0]}}
    else:
        doc["9"] = {"class_type": maker, "inputs": {}}
        doc["14"] = {"class_type": "LTXVConcatAVLatent", "inputs": {"video_latent": ["9", 0],
                                                                    "audio_latent": ["10", 0]}}
    return doc


def test_a_sound_made_alone_is_made_by_ltx2_sound():
    """(It was held with one sentence before LTX-2 Sound: test_comfy_ltx2_sound_alone.py reads it further.)"""
    for maker in ("LTXVAudioOnlyEmptyVideoLatent", "LTXAudioOnlyLatent"):
        conv = convert(_sound_alone(maker), "t")
        assert [(t["task"], t["generator"]) for t in conv.tasks] == [("a sound alone (text to audio)",
                                                                      "video_models.ltx2_sound")], _said(conv)
        assert not [line for line in conv.log if line.startswith("This workflow makes")]
        assert _nodes(conv, "video_models.ltx2") == [] and len(_nodes(conv, "video_models.ltx2_sound")) == 1


def _drive(passer: bool) -> dict:
    doc = _base()
    enc = ["21", 0] if passer else ["9", 0]
    doc.update({
        "3": {"class_type": "LoadAudio", "inputs": {"audio": "song.mp3"}},
        "4": {"class_type": "LoadImage", "inputs": {"image": "face.png"}},
        "7": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 768, "height": 512, "length": 97,
                                                               "batch_size": 1}},
        "9": {"class_type": "LTXVAudioVAEEncode", "inputs": {"audio": ["3", 0], "audio_vae": ["8", 0]}},
        "21": {"class_type": "GetLatentSizeAndCount", "inputs": {"latent": ["9", 0]}},
        "22": {"class_type": "SolidMask", "inputs": {"value": 0.0, "width": 512, "height": 512}},
        "23": {"class_type": "SetLatentNoiseMask", "inputs": {"samples": enc, "mask": ["22", 0]}},
        "13": {"class_type": "LTXVImgToVideoInplace", "inputs": {"vae": ["1", 2], "image": ["4", 0],
                                                                 "latent": ["7", 0], "strength": 1.0,
                                                                 "bypass": False}},
        "14": {"class_type": "LTXVConcatAVLatent", "inputs": {"video_latent": ["13", 0], "audio_latent": ["23", 0]}},
        "15": _sampler(["14", 0]),
        "16": {"class_type": "LTXVSeparateAVLatent", "inputs": {"av_latent": ["15", 0]}},
        "17": {"class_type": "VAEDecode", "inputs": {"samples": ["16", 0], "vae": ["1", 2]}},
        "19": {"class_type": "CreateVideo", "inputs": {"images": ["17", 0], "audio": ["3", 0], "fps": 24}},
        "20": {"class_type": "SaveVideo", "inputs": {"video": ["19", 0], "filename_prefix": "t", "format": "auto",
                                                     "codec": "auto"}},
    })
    if not passer:
        del doc["21"]
    return doc


def test_a_drive_through_the_latent_size_node_is_the_sound_held_clean():
    for passer in (False, True):
        conv = convert(_drive(passer), "t")
        assert [t["generator"] for t in conv.tasks] == ["video_models.ltx2"], _said(conv)
        gen = _nodes(conv, "video_models.ltx2")[0]
        assert gen.params["sound"] == "drive"
        link = conv.graph.input_link(gen.id, "audio")
        assert conv.graph.nodes[link.src].params.get("path") == "song.mp3"
        assert "GetLatentSizeAndCount" not in _said(conv)


def test_an_extension_segment_is_held_as_one_not_as_a_restyle():
    doc = _drive(True)
    doc.update({  # the last 25 frames of the first take encoded, sampled on: the next segment, saved apart
        "30": {"class_type": "GetImageRangeFromBatch", "inputs": {"images": ["17", 0], "start_index": -1,
                                                                  "num_frames": 25}},
        "31": {"class_type": "VAEEncode", "inputs": {"pixels": ["30", 0], "vae": ["1", 2]}},
        "32": {"class_type": "LTXVConcatAVLatent", "inputs": {"video_latent": ["31", 0], "audio_latent": ["23", 0]}},
        "33": {**_sampler(["32", 0]), "class_type": "SamplerCustomAdvanced", "inputs": {
            "noise": ["34", 0], "guider": ["35", 0], "sampler": ["36", 0], "sigmas": ["37", 0],
            "latent_image": ["32", 0]}},
        "34": {"class_type": "RandomNoise", "inputs": {"noise_seed": 4}},
        "35": {"class_type": "CFGGuider", "inputs": {"model": ["1", 0], "positive": ["11", 0], "negative": ["11", 1],
                                                     "cfg": 1.0}},
        "36": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
        "37": {"class_type": "LTXVScheduler", "inputs": {"latent": ["32", 0], "steps": 8, "max_shift": 2.05,
                                                         "base_shift": 0.95, "stretch": True, "terminal": 0.1}},
        "38": {"class_type": "LTXVSeparateAVLatent", "inputs": {"av_latent": ["33", 0]}},
        "39": {"class_type": "VAEDecode", "inputs": {"samples": ["38", 0], "vae": ["1", 2]}},
        "40": {"class_type": "CreateVideo", "inputs": {"images": ["39", 0], "audio": ["3", 0], "fps": 24}},
        "41": {"class_type": "SaveVideo", "inputs": {"video": ["40", 0], "filename_prefix": "u", "format": "auto",
                                                     "codec": "auto"}},
    })
    conv = convert(doc, "t")
    tasks = [(t["task"], t["generator"]) for t in conv.tasks]
    assert ("a take continued from frames of another take (an extension's next segment)", None) in tasks
    assert not any("video to video" in t for t, _ in tasks)
    doc["30"]["inputs"]["start_index"] = 0  # the take's frames from its start: reworked, not continued
    assert not any("continued" in t["task"] for t in convert(doc, "t").tasks)


def _painted(outpaint: bool) -> dict:
    doc = _drive(False)
    doc.update({
        "50": {"class_type": "LoadVideo", "inputs": {"file": "clip.mp4"}},
        "51": {"class_type": "GetVideoComponents", "inputs": {"video": ["50", 0]}},
        "54": {"class_type": "LTXVInpaintPreprocess", "inputs": {"images": ["51", 0], "mask": ["53", 0]}},
        "55": {"class_type": "LTXAddVideoICLoRAGuide", "inputs": {
            "positive": ["11", 0], "negative": ["11", 1], "vae": ["1", 2], "latent": ["7", 0], "image": ["54", 0],
            "frame_idx": 0, "strength": 1.0, "latent_downscale_factor": 1.0}},
    })
    if outpaint:
        doc["52"] = {"class_type": "ImagePadForOutpaintTargetSize", "inputs": {
            "image": ["51", 0], "target_width": 1024, "target_height": 512, "feathering": 0,
            "upscale_method": "nearest-exact"}}
        doc["53"] = {"class_type": "ResizeImageMaskNode", "inputs": {"input": ["52", 1]}}
    else:
        doc["52"] = {"class_type": "LoadVideo", "inputs": {"file": "mask.mp4"}}
        doc["56"] = {"class_type": "GetVideoComponents", "inputs": {"video": ["52", 0]}}
        doc["53"] = {"class_type": "ImageToMask", "inputs": {"image": ["56", 0], "channel": "red"}}
    doc["14"]["inputs"]["video_latent"] = ["55", 2]
    doc["15"]["inputs"].update(positive=["55", 0], negative=["55", 1])
    return doc


def test_the_painted_guide_of_the_inpainting_lora_is_made_and_a_step_studio_does_not_make_holds_it():
    conv = convert(_painted(False), "t")  # the mask video by its red channel: made (comfy_painted_band)
    gen = _nodes(conv, "video_models.ltx2")[0]
    comp = conv.graph.nodes[conv.graph.input_link(gen.id, "control").src]
    assert comp.type_id == "edit.composite" and "wired without" not in _said(conv)
    conv = convert(_painted(True), "t")  # a resize with no settings on the pad's mask: held, never unpainted
    assert [t["generator"] for t in conv.tasks] == [None], _said(conv)
    assert "outpainted" in conv.tasks[0]["task"]
    first = [line for line in conv.log if line.startswith("This workflow makes")]
    assert len(first) == 1 and "LTXVInpaintPreprocess" in first[0] and "#54" in first[0]
    assert "but not 'ResizeImageMaskNode' (ResizeImageMaskNode, #53) as this workflow sets it" in first[0]
    assert _nodes(conv, "video_models.ltx2") == []


def test_the_window_of_the_song_a_drive_is_made_to_is_trimmed_as_comfyui_trims_it():
    doc = _drive(False)
    doc["24"] = {"class_type": "TrimAudioDuration", "inputs": {"audio": ["3", 0], "start_index": 9.0, "duration": 4.5}}
    doc["9"]["inputs"]["audio"] = ["24", 0]
    conv = convert(doc, "t")
    gen = _nodes(conv, "video_models.ltx2")[0]
    link = conv.graph.input_link(gen.id, "audio")
    trim = conv.graph.nodes[link.src]
    assert (trim.type_id, trim.params["start"], trim.params["end"]) == ("edit.audio_trim", 9.0, 13.5)
    assert conv.graph.nodes[conv.graph.input_link(link.src, "audio").src].params.get("path") == "song.mp3"
    assert "TrimAudioDuration" not in _said(conv)
    doc["24"]["inputs"]["start_index"] = -3.0  # from the end: not read, said
    conv = convert(doc, "t")
    assert _nodes(conv, "edit.audio_trim") == [] and "TrimAudioDuration" in _said(conv)


def test_a_sound_loader_cutting_its_sound_is_followed_by_that_window():
    doc = _drive(False)
    doc["3"] = {"class_type": "VHS_LoadAudioUpload", "inputs": {"audio": "song.mp3", "start_time": 11.0,
                                                                "duration": 0.0}}
    conv = convert(doc, "t")
    gen = _nodes(conv, "video_models.ltx2")[0]
    trim = conv.graph.nodes[conv.graph.input_link(gen.id, "audio").src]
    assert (trim.type_id, trim.params["start"], trim.params["end"]) == ("edit.audio_trim", 11.0, 0.0)
    assert len(_nodes(conv, "edit.audio_trim")) == 1 and conv.graph.validate() == []

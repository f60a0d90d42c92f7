"""ComfyUI core's own LTX-2 video-to-audio chain read onto LTX-2 Sound for Clip (video_models.ltx2_foley;
nodes/video_models/families/ltx2/comfy_foley_core.py): a loaded clip's frames encoded (VAEEncode) and held whole by a
noise mask of 0 (SetLatentNoiseMask + SolidMask 0, or LTXVImgToVideoInplace at strength 1 over the same frames),
joined by LTXVConcatAVLatent with an empty LTXVEmptyLatentAudio, sampled, split, the sound decoded and written with the
clip. Every value kept or said; a mask that lets the video change (0.4) and a take making both stay what they were."""
from __future__ import annotations

import copy
import json

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said, source_of

FOLEY, LTX2 = "video_models.ltx2_foley", "video_models.ltx2"
CHAIN = json.loads("""{
 "1": {"class_type": "LoadVideo", "inputs": {"file": "walk.mp4"}},
 "2": {"class_type": "GetVideoComponents", "inputs": {"video": ["1", 0]}},
 "3": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "ltx-2.3-22b-dev.safetensors"}},
 "4": {"class_type": "LTXAVTextEncoderLoader", "inputs": {"text_encoder": "gemma_3_12B_it.safetensors", "ckpt_name": "ltx-2.3-22b-dev.safetensors", "device": "default"}},
 "5": {"class_type": "LTXVAudioVAELoader", "inputs": {"ckpt_name": "ltx-2.3-22b-dev.safetensors"}},
 "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "footsteps on gravel, birds", "clip": ["4", 0]}},
 "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "music, hiss", "clip": ["4", 0]}},
 "8": {"class_type": "LTXVConditioning", "inputs": {"frame_rate": 25, "positive": ["6", 0], "negative": ["7", 0]}},
 "9": {"class_type": "VAEEncode", "inputs": {"pixels": ["2", 0], "vae": ["3", 2]}},
 "10": {"class_type": "SolidMask", "inputs": {"value": 0.0, "width": 768, "height": 512}},
 "11": {"class_type": "SetLatentNoiseMask", "inputs": {"samples": ["9", 0], "mask": ["10", 0]}},
 "12": {"class_type": "LTXVEmptyLatentAudio", "inputs": {"frames_number": 121, "frame_rate": 25, "batch_size": 1, "audio_vae": ["5", 0]}},
 "13": {"class_type": "LTXVConcatAVLatent", "inputs": {"video_latent": ["11", 0], "audio_latent": ["12", 0]}},
 "14": {"class_type": "CFGGuider", "inputs": {"cfg": 4.0, "model": ["3", 0], "positive": ["8", 0], "negative": ["8", 1]}},
 "15": {"class_type": "RandomNoise", "inputs": {"noise_seed": 7}},
 "16": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
 "17": {"class_type": "LTXVScheduler", "inputs": {"steps": 24, "max_shift": 2.05, "base_shift": 0.95, "stretch": true, "terminal": 0.1, "latent": ["13", 0]}},
 "18": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["15", 0], "guider": ["14", 0], "sampler": ["16", 0], "sigmas": ["17", 0], "latent_image": ["13", 0]}},
 "19": {"class_type": "LTXVSeparateAVLatent", "inputs": {"av_latent": ["18", 0]}},
 "20": {"class_type": "LTXVAudioVAEDecode", "inputs": {"samples": ["19", 1], "audio_vae": ["5", 0]}},
 "21": {"class_type": "CreateVideo", "inputs": {"fps": ["2", 2], "images": ["2", 0], "audio": ["20", 0]}},
 "22": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "v2a", "format": "auto", "codec": "auto", "video": ["21", 0]}}
}""")


def _doc(drop=(), **nodes) -> dict:
    doc = copy.deepcopy(CHAIN)
    for k in drop:
        del doc[k]
    for k, v in nodes.items():
        doc[k] = v
    return doc


def _sound_for_clip(conv):
    text = said(conv)
    [gen] = nodes_of(conv, FOLEY)
    assert not nodes_of(conv, LTX2) and "cannot" not in text, text
    p = gen.params
    assert (p["prompt"], p["negative_prompt"], p["steps"], p["guidance"], p["seed"]) == (
        "footsteps on gravel, birds", "music, hiss", 24, 4.0, 7)
    clip = source_of(conv, gen.id, "video")
    assert clip.type_id == "io.load_video" and clip.params["path"] == "walk.mp4"
    [save] = nodes_of(conv, "io.save_video")
    assert source_of(conv, save.id, "video") is gen and source_of(conv, save.id, "audio") is gen
    assert not nodes_of(conv, "edit.frame_rate")  # (the clip's own rate: no Frame Rate at the conditioning's 25)
    return gen, text


def test_a_clip_held_by_a_noise_mask_of_0_beside_an_empty_sound_is_made_by_sound_for_clip():
    gen, text = _sound_for_clip(convert(_doc(), "v2a.json"))
    assert gen.params["window_frames"] == 0  # (the workflow samples the whole clip at once: no windows)
    assert "'LTXVConcatAVLatent' (LTXVConcatAVLatent, #13) joins the clip's frames encoded by 'VAEEncode' (VAEEncode, " \
           "#9) and held whole by 'SetLatentNoiseMask' (SetLatentNoiseMask, #11)'s noise mask of 0 ('SolidMask' " \
           "(SolidMask, #10): value 0) with 'LTXVEmptyLatentAudio' (LTXVEmptyLatentAudio, #12)'s empty sound latent, " \
           "which alone is sampled: read as LTX-2 Sound for Clip" in text
    assert "(LTXVEmptyLatentAudio, #12)'s frames_number 121 at frame_rate 25 is not taken" in text
    assert "'LTXVConditioning' (LTXVConditioning, #8)'s frame_rate 25 is not taken" in text
    assert "(SolidMask, #10)'s width 768 and height 512 only size a mask of one value" in text
    assert "'CreateVideo' (#21)'s fps is the rate of the clip 'LoadVideo' (LoadVideo, #1) loads" in text
    assert "not applied" not in text and "nodes not converted (listed" not in text, text


def test_the_same_frames_put_in_place_at_strength_1_are_held_too():
    inplace = {"class_type": "LTXVImgToVideoInplace", "inputs": {"vae": ["3", 2], "image": ["2", 0], "latent": ["9", 0],
                                                                  "strength": 1.0, "bypass": False}}
    _, text = _sound_for_clip(convert(_doc(drop=("10",), **{"11": inplace}), "v2a.json"))
    assert "put in place by 'LTXVImgToVideoInplace' (LTXVImgToVideoInplace, #11) at strength 1" in text


def test_the_held_latent_decoded_is_said_to_be_the_clips_own_frames():
    doc = _doc(**{"23": {"class_type": "VAEDecode", "inputs": {"samples": ["19", 0], "vae": ["3", 2]}}})
    doc["21"]["inputs"]["images"] = ["23", 0]
    _, text = _sound_for_clip(convert(doc, "v2a.json"))
    assert "'VAEDecode' (VAEDecode, #23) decodes the clip's latent the sampler held clean (its frames encoded and " \
           "decoded again): LTX-2 Sound for Clip gives the clip's own frames" in text


def test_a_mask_letting_the_video_change_or_a_take_making_both_stays_as_it_was():
    doc = _doc()
    doc["10"]["inputs"]["value"] = 0.4  # (the clip partly remade: not a sound for the clip as given)
    conv = convert(doc, "v2a.json")
    assert not nodes_of(conv, FOLEY) and "a video made around the encoded frames" in said(conv)
    empty = {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 768, "height": 512, "length": 121, "batch_size": 1}}
    doc = _doc(drop=("9", "10", "11"), **{"11": empty})
    conv = convert(doc, "t2v.json")
    [gen] = nodes_of(conv, LTX2)
    assert not nodes_of(conv, FOLEY) and gen.params["frames"] == 121


def _ui(api: dict) -> dict:
    """The API chain as a UI file (nodes with typed inputs and outputs, links, widgets by the declared order)."""
    from studio.convert.catalogue import node_type
    outs = {k: [{"name": f"o{i}", "type": t, "links": []} for i, t in enumerate(node_type(v["class_type"]).output_types)]
            for k, v in api.items()}
    nodes, links = [], []
    for k, v in api.items():
        inputs, widgets = [], []
        for i in node_type(v["class_type"]).inputs:
            val, widget = v["inputs"].get(i.name), i.type in ("INT", "FLOAT", "STRING", "BOOLEAN", "COMBO")
            if isinstance(val, list):
                links.append([len(links) + 1, int(val[0]), val[1], int(k), len(inputs), outs[val[0]][val[1]]["type"]])
                outs[val[0]][val[1]]["links"].append(len(links))
                inputs.append({"name": i.name, "type": i.type, "link": len(links),
                               **({"widget": {"name": i.name}} if widget else {})})
            if widget:
                widgets += [0 if isinstance(val, list) else val] + (["fixed"] if i.name == "noise_seed" else [])
        nodes.append({"id": int(k), "type": v["class_type"], "pos": [0, 0], "mode": 0, "inputs": inputs,
                      "outputs": outs[k], "widgets_values": widgets})
    return {"last_node_id": 30, "last_link_id": len(links), "nodes": nodes, "links": links, "version": 0.4}


def test_the_chain_saved_as_a_ui_file_is_read_the_same():
    gen, text = _sound_for_clip(convert(_ui(_doc()), "v2a_ui.json"))
    assert gen.params["window_frames"] == 0 and "which alone is sampled: read as LTX-2 Sound for Clip" in text

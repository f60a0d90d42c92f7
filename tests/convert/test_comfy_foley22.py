"""Held-out 102/03 (abork75 '_LTX23_Foley.json', API; LTX-2.3 Foley: the sound made for a loaded clip by a Foley
pack's LTXFoleyVideoToAudioLatent inside its window loop) read onto LTX-2 Sound for Clip (video_models.ltx2_foley):
the loaded clip on its 'video', its prompts, steps, guidance, seed and the Foley LoRA taken, its sound (the pack's
stitch, read as the one sound made) written by Save Video with the clip, the windows and the latent maker's size and
window length said; the latent maker alone (no window loop) read the same, its images the clip."""
from __future__ import annotations

import json

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said, source_of

FOLEY = "video_models.ltx2_foley"
WF = """{
 "1": {"class_type": "LoadVideo", "inputs": {"file": "na miejsce kary_001.mp4"}},
 "2": {"class_type": "GetVideoComponents", "inputs": {"video": ["1", 0]}},
 "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "foley sound effects, physical interactions, footsteps, cloth movement, object handling, impacts, synchronized with video, crisp, realistic", "clip": ["33", 0]}},
 "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "music, melody, song, singing, vocals, score, soundtrack, beat, rhythm bed, instrumental backing, tinny, thin, harsh, clipped, distorted, low bitrate, crackle, static noise, vinyl crackle, white noise, hiss, popping sounds", "clip": ["33", 0]}},
 "8": {"class_type": "LTXVConditioning", "inputs": {"frame_rate": ["2", 2], "positive": ["6", 0], "negative": ["7", 0]}},
 "9": {"class_type": "LTXFoleyWindowPlan", "inputs": {"frame_rate": ["2", 2], "window_frames": 145, "overlap_seconds": 0.5, "max_windows": 16, "images": ["2", 0]}},
 "10": {"class_type": "LoraLoaderModelOnly", "inputs": {"lora_name": "ltx-2.3-foley-400-steps.safetensors", "strength_model": 1, "model": ["29", 0]}},
 "11": {"class_type": "LTXFoleyForLoopOpen", "inputs": {"remaining": ["9", 1]}},
 "12": {"class_type": "LTXFoleyWindowSelect", "inputs": {"remaining": ["11", 1], "images": ["2", 0], "window_plan": ["9", 0]}},
 "13": {"class_type": "LTXFoleyVideoToAudioLatent", "inputs": {"frame_rate": ["2", 2], "width": 576, "height": 576, "frames": 145, "images": ["12", 0], "positive": ["8", 0], "negative": ["8", 1], "video_vae": ["31", 0], "audio_vae": ["32", 0]}},
 "14": {"class_type": "ModelSamplingLTXV", "inputs": {"max_shift": 2.05, "base_shift": 0.95, "model": ["10", 0], "latent": ["13", 2]}},
 "15": {"class_type": "LTXVApplySTG", "inputs": {"block_indices": "14, 19", "model": ["14", 0]}},
 "16": {"class_type": "STGGuiderNode", "inputs": {"cfg": 4, "stg": 1, "rescale": 0.7, "model": ["15", 0], "positive": ["13", 0], "negative": ["13", 1]}},
 "17": {"class_type": "RandomNoise", "inputs": {"noise_seed": 42}},
 "18": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler_ancestral_cfg_pp"}},
 "19": {"class_type": "LTXVScheduler", "inputs": {"steps": 30, "max_shift": 2.05, "base_shift": 0.95, "stretch": true, "terminal": 0.1, "latent": ["13", 2]}},
 "20": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["17", 0], "guider": ["16", 0], "sampler": ["18", 0], "sigmas": ["19", 0], "latent_image": ["13", 2]}},
 "21": {"class_type": "LTXVSeparateAVLatent", "inputs": {"av_latent": ["20", 0]}},
 "22": {"class_type": "LTXFoleyAudioVAEDecode", "inputs": {"samples": ["21", 1], "audio_vae": ["32", 0]}},
 "23": {"class_type": "LTXFoleyWindowAudioSave", "inputs": {"save_audio": true, "filename_prefix": "ltx_foley_window", "audio": ["22", 0], "window_info": ["12", 1]}},
 "24": {"class_type": "LTXFoleyAudioAccumulator", "inputs": {"window_record": ["23", 1], "accumulation": ["11", 2]}},
 "25": {"class_type": "LTXFoleyForLoopClose", "inputs": {"flow_control": ["11", 0], "audio_accumulation": ["24", 0]}},
 "26": {"class_type": "LTXFoleyAudioStitch", "inputs": {"accumulation": ["25", 0], "window_plan": ["9", 0]}},
 "27": {"class_type": "CreateVideo", "inputs": {"fps": ["2", 2], "bit_depth": 8, "images": ["2", 0], "audio": ["26", 0]}},
 "28": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "ltx_foley_loop", "format": "auto", "codec": "auto", "video": ["27", 0]}},
 "29": {"class_type": "UNETLoader", "inputs": {"unet_name": "ltx-2.3-22b-distilled-1.1_transformer_only_fp8_scaled.safetensors", "weight_dtype": "default"}},
 "31": {"class_type": "VAELoader", "inputs": {"vae_name": "ltx-2.3-22b-distilled_video_vae.safetensors"}},
 "32": {"class_type": "VAELoader", "inputs": {"vae_name": "ltx-2.3-22b-distilled_audio_vae.safetensors"}},
 "33": {"class_type": "DualCLIPLoaderGGUF", "inputs": {"clip_name1": "gemma-3-12b-it-qat-UD-Q4_K_XL.gguf", "clip_name2": "ltx-2.3-22b-dev_embeddings_connectors.safetensors", "type": "ltxv"}}
}"""


def _doc(**changes) -> dict:
    doc = json.loads(WF)
    for k, v in changes.items():
        doc[k]["inputs"].update(v)
    return doc


def test_heldout102_03_makes_the_clips_sound_with_ltx2_sound_for_clip():
    conv = convert(_doc(), "_LTX23_Foley.json")
    text = said(conv)
    [gen] = nodes_of(conv, FOLEY)
    p = gen.params
    assert (p["steps"], p["guidance"], p["seed"]) == (30, 4.0, 42)
    assert p["prompt"].startswith("foley sound effects, physical interactions") and p["negative_prompt"].startswith("music")
    clip = source_of(conv, gen.id, "video")
    assert clip.type_id == "io.load_video" and clip.params["path"] == "na miejsce kary_001.mp4"
    lora = source_of(conv, gen.id, "model")
    assert lora.type_id == "video_models.lora" and lora.params["lora"] == "ltx-2.3-foley-400-steps.safetensors"
    [save] = nodes_of(conv, "io.save_video")
    assert source_of(conv, save.id, "video") is gen and source_of(conv, save.id, "audio") is gen  # the new sound
    assert "cannot wire" not in text and "not a sound the model makes" not in text and "take without it" not in text
    # the pack's windows made (foleywin23): its plan's length and overlap, every window, the windows' files said
    assert (p["window_frames"], p["overlap"]) == (145, 0.5)
    assert "'LTXFoleyWindowSelect' (LTXFoleyWindowSelect, #12) gives 'LTXFoleyVideoToAudioLatent' " \
           "(LTXFoleyVideoToAudioLatent, #13) the clip in windows (the pack's window plan and loop, its sound " \
           "stitched): read as LTX-2 Sound for Clip's windows of 145 frames sharing at least 0.5 s" in text
    assert "(LTXFoleyWindowPlan, #9)'s max_windows 16 is not taken: LTX-2 Sound for Clip scores every window" in text
    assert "(LTXFoleyWindowAudioSave, #23) writes each window's sound to a WAV file of its own" in text
    assert "(LTXFoleyAudioStitch, #26) joins the windows' sounds decoded by" in text
    assert "s frames 145" not in text and "nodes not converted (listed" not in text  # (the same length: read)
    assert "LTXFoleyVideoToAudioLatent's width 576 (LTX-2 Sound for Clip reads the clip at its own size" in text


def test_the_latent_maker_given_the_clip_itself_is_read_the_same():
    doc = _doc(**{"13": {"images": ["2", 0]}, "27": {"audio": ["22", 0]}})
    for k in ("9", "11", "12", "23", "24", "25", "26"):
        del doc[k]
    conv = convert(doc, "t")
    text = said(conv)
    [gen] = nodes_of(conv, FOLEY)
    assert source_of(conv, gen.id, "video").type_id == "io.load_video"
    [save] = nodes_of(conv, "io.save_video")
    assert source_of(conv, save.id, "audio") is gen
    assert "the clip in windows" not in text and "cannot wire" not in text
    assert gen.params["window_frames"] == 145  # (its one call's length: a longer clip in windows of it, said)
    assert "'LTXFoleyVideoToAudioLatent' (LTXFoleyVideoToAudioLatent, #13)'s frames 145 (the clip's first frames it " \
           "scores, in one call, padded where the clip is shorter) is read as LTX-2 Sound for Clip's window_frames" in text

"""LTX-2.3 from split files as artists share it: the transformer alone (UNETLoader), the Gemma text encoder and
its text projection through ComfyUI's DualCLIPLoader of type 'ltxv', the video VAE through a VAELoader, and a tiny
VAE read by a preview patch alone. The held-out sets' re-judgement found the Log saying "Load Video Model takes it
from 'base' ...; separate files are read for ..., LTX-2, ... only" of an LTX-2 workflow (false: its own family) and
Load Video Model's text_encoder and vae left empty. Now the Gemma file and the video VAE are set, the projection
is set as 'text_encoder_2' (issue 112: read by families/ltx2/split23.py), the audio VAE file said read beside the VAE,
the preview's VAE said as its patch's alone."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrappers import _nodes
from tests.convert.said import said as _said

CKPT = "ltx-2.3-22b-distilled_transformer_only.safetensors"


def _doc(preview: bool = True) -> dict:
    doc = {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": CKPT, "weight_dtype": "default"}},
        "2": {"class_type": "DualCLIPLoader", "inputs": {"clip_name1": "gemma_3_12B_it.safetensors",
                                                         "clip_name2": "ltx-2.3_text_projection_bf16.safetensors",
                                                         "type": "ltxv", "device": "default"}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a lighthouse in a storm", "clip": ["2", 0]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "5": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 768, "height": 512, "length": 97, "batch_size": 1}},
        "6": {"class_type": "VAELoader", "inputs": {"vae_name": "LTX23_video_vae_bf16.safetensors"}},
        "7": {"class_type": "VAELoader", "inputs": {"vae_name": "LTX23_audio_vae_bf16.safetensors"}},
        "8": {"class_type": "LTXVEmptyLatentAudio", "inputs": {"audio_vae": ["7", 0], "frames_number": 97, "frame_rate": 24,
                                                               "batch_size": 1}},
        "9": {"class_type": "LTXVConcatAVLatent", "inputs": {"video_latent": ["5", 0], "audio_latent": ["8", 0]}},
        "10": {"class_type": "LTXVConditioning", "inputs": {"positive": ["3", 0], "negative": ["4", 0], "frame_rate": 24}},
        "11": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["10", 0], "negative": ["10", 1],
                                                    "latent_image": ["9", 0], "seed": 5, "steps": 8, "cfg": 1.0,
                                                    "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}},
        "12": {"class_type": "LTXVSeparateAVLatent", "inputs": {"av_latent": ["11", 0]}},
        "13": {"class_type": "VAEDecode", "inputs": {"samples": ["12", 0], "vae": ["6", 0]}},
        "14": {"class_type": "LTXVAudioVAEDecode", "inputs": {"samples": ["12", 1], "audio_vae": ["7", 0]}},
        "15": {"class_type": "CreateVideo", "inputs": {"images": ["13", 0], "audio": ["14", 0], "fps": 24}},
        "16": {"class_type": "SaveVideo", "inputs": {"video": ["15", 0], "filename_prefix": "lh", "format": "auto",
                                                     "codec": "auto"}},
    }
    if preview:  # a tiny VAE for the sampler's previews, through a patch on the model's way
        doc["17"] = {"class_type": "VAELoader", "inputs": {"vae_name": "taeltx2_3.safetensors"}}
        doc["18"] = {"class_type": "LTX2SamplingPreviewOverride", "inputs": {"model": ["1", 0], "vae": ["17", 0],
                                                                             "preview_rate": 8}}
        doc["11"]["inputs"]["model"] = ["18", 0]
    return doc


def test_dual_ltxv_loader_gives_the_text_encoder_and_the_vae_is_set():
    conv = convert(_doc(), "lh")
    assert [(t["family"], t["generator"]) for t in conv.tasks] == [("LTX-2", "video_models.ltx2")]
    load = _nodes(conv, "video_models.load")[0]
    assert load.params["text_encoder"] == "gemma_3_12B_it.safetensors"
    assert load.params["text_encoder_2"] == "ltx-2.3_text_projection_bf16.safetensors"
    assert load.params["vae"] == "LTX23_video_vae_bf16.safetensors"  # never the preview's tiny VAE
    said = _said(conv)
    assert "takes it from 'base'" not in said
    assert "is not read" not in said and "clip_name2" not in said
    assert "audio VAE 'LTX23_audio_vae_bf16.safetensors': read from 'LTX23_audio_vae_bf16.safetensors' beside the " \
           "VAE file: keep it there" in said
    assert "VAE 'taeltx2_3.safetensors' of 'VAELoader' (VAELoader, #17) is read by 'LTX2SamplingPreviewOverride' " \
           "(LTX2SamplingPreviewOverride, #18) alone" in said


def test_an_audio_vae_file_whose_name_does_not_say_so_is_said_not_read():
    """The loader reads the one *audio*vae* file beside the VAE (split23.py): a file named otherwise is not found."""
    doc = _doc(preview=False)
    doc["7"]["inputs"]["vae_name"] = "ltx23_sound.safetensors"
    said = _said(convert(doc, "lh"))
    assert "audio VAE 'ltx23_sound.safetensors': not read (Load Video Model has no audio VAE setting" in said
    assert "as its name does not say audio VAE: keep the audio VAE file (LTX23_audio_vae_bf16" in said


def test_without_the_preview_the_video_vae_is_still_the_one_set():
    conv = convert(_doc(preview=False), "lh")
    load = _nodes(conv, "video_models.load")[0]
    assert (load.params["text_encoder"], load.params["vae"]) == \
        ("gemma_3_12B_it.safetensors", "LTX23_video_vae_bf16.safetensors")
    assert "taeltx" not in _said(conv)


def test_a_family_reading_separate_files_is_never_said_to_read_none():
    """LTX-Video (whose separate files Load Video Model reads by CLIPLoader 'ltxv') fed by a DualCLIPLoader of
    another type: the files are said not set, with the family's own way, not 'separate files are read for LTX-Video
    only' as if it were another family's."""
    doc = {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "ltx-video-2b-v0.9.1.safetensors",
                                                     "weight_dtype": "default"}},
        "2": {"class_type": "DualCLIPLoader", "inputs": {"clip_name1": "t5xxl_fp8_e4m3fn.safetensors",
                                                         "clip_name2": "clip_l.safetensors", "type": "flux"}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox in snow", "clip": ["2", 0]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "5": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 768, "height": 512, "length": 97, "batch_size": 1}},
        "6": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["3", 0], "negative": ["4", 0],
                                                   "latent_image": ["5", 0], "seed": 42, "steps": 30, "cfg": 1.0,
                                                   "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}},
        "7": {"class_type": "VAELoader", "inputs": {"vae_name": "ae.safetensors"}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["6", 0], "vae": ["7", 0]}},
        "9": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["8", 0], "filename_prefix": "fox", "fps": 24.0,
                                                           "lossless": False, "quality": 90, "method": "default"}},
    }
    conv = convert(doc, "fox")
    assert [t["family"] for t in conv.tasks] == ["LTX-Video"]
    said = _said(conv)
    assert "separate files are read for" not in said
    assert "VAE 'ae.safetensors': not set on Load Video Model, which reads LTX-Video's separate files where the " \
           "prompts' text encoder comes from CLIPLoader of type 'ltxv'" in said

"""ComfyUI-LTXVideo's LTXVImgToVideoConditionOnly (its image encoded into the first latent frames under a noise mask
of 1 - strength, as the core LTXVImgToVideoInplace does) is LTX-2's start image, where it had held the official
LTX-2.3 T2V/I2V workflows with no generator; with its bypass on (those workflows' image-to-video switch, saved off)
the video is text to video and the unused image is said by name; a strength below 1 is LTX-2's image_strength (samplers18; it was said not taken)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrappers import _nodes
from tests.convert.said import said as _said

CKPT = "ltx-2.3-22b-distilled.safetensors"


def _doc(bypass: bool, strength: float = 1.0) -> dict:
    return {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": CKPT}},
        "2": {"class_type": "LTXAVTextEncoderLoader", "inputs": {"text_encoder": "gemma_3_12B_it.safetensors",
                                                                 "ckpt_name": CKPT, "device": "default"}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a lighthouse in a storm", "clip": ["2", 0]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "5": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 768, "height": 512, "length": 97, "batch_size": 1}},
        "6": {"class_type": "LoadImage", "inputs": {"image": "lighthouse.png"}},
        "7": {"class_type": "LTXVImgToVideoConditionOnly", "inputs": {"vae": ["1", 2], "image": ["6", 0], "latent": ["5", 0],
                                                                      "strength": strength, "bypass": bypass}},
        "8": {"class_type": "LTXVAudioVAELoader", "inputs": {"ckpt_name": CKPT}},
        "9": {"class_type": "LTXVEmptyLatentAudio", "inputs": {"audio_vae": ["8", 0], "frames_number": 97, "frame_rate": 24,
                                                               "batch_size": 1}},
        "10": {"class_type": "LTXVConcatAVLatent", "inputs": {"video_latent": ["7", 0], "audio_latent": ["9", 0]}},
        "11": {"class_type": "LTXVConditioning", "inputs": {"positive": ["3", 0], "negative": ["4", 0], "frame_rate": 24}},
        "12": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["11", 0], "negative": ["11", 1],
                                                    "latent_image": ["10", 0], "seed": 5, "steps": 8, "cfg": 1.0,
                                                    "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}},
        "13": {"class_type": "LTXVSeparateAVLatent", "inputs": {"av_latent": ["12", 0]}},
        "14": {"class_type": "VAEDecode", "inputs": {"samples": ["13", 0], "vae": ["1", 2]}},
        "15": {"class_type": "LTXVAudioVAEDecode", "inputs": {"samples": ["13", 1], "audio_vae": ["8", 0]}},
        "16": {"class_type": "CreateVideo", "inputs": {"images": ["14", 0], "audio": ["15", 0], "fps": 24}},
        "17": {"class_type": "SaveVideo", "inputs": {"video": ["16", 0], "filename_prefix": "lh", "format": "auto",
                                                     "codec": "auto"}},
    }


def test_the_condition_only_image_is_ltx2s_start_image():
    conv = convert(_doc(bypass=False), "lh")
    assert conv.graph.validate() == []
    assert [(t["task"], t["generator"], t["inputs"]) for t in conv.tasks] == \
        [("image to video", "video_models.ltx2", ["image"])]
    gen = _nodes(conv, "video_models.ltx2")[0]
    assert conv.graph.nodes[conv.graph.input_link(gen.id, "image").src].params["path"] == "lighthouse.png"
    assert "strength" not in _said(conv)


def test_bypassed_it_is_text_to_video_with_the_image_named_and_a_partial_strength_is_said():
    conv = convert(_doc(bypass=True), "lh")
    assert [(t["task"], t["generator"]) for t in conv.tasks] == [("text to video", "video_models.ltx2")]
    assert "the start image 'lighthouse.png' of 'LTXVImgToVideoConditionOnly' (LTXVImgToVideoConditionOnly, #7) is " \
           "bypassed in the workflow" in _said(conv)
    partly = convert(_doc(bypass=False, strength=0.7), "lh")  # (samplers18: LTX-2's 'image_strength', no longer
    said = _said(partly)  # said not taken)
    assert _nodes(partly, "video_models.ltx2")[0].params["image_strength"] == 0.7 and "strength 0.7 (" not in said

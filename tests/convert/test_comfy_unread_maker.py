"""A sampler's latent and prompt made by a node no family reads, from nothing Studio would lose (a node pack's
reference-to-video node given no reference, as an artist's MiniMax H3 workflow saves it): the text to video it
makes takes that node's size, length and prompt by ComfyUI's names, where it had taken Studio's defaults and
an empty prompt, the length unsaid."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrappers import _nodes


def _doc(prompt_wired: bool = True) -> dict:
    text = "a lantern festival over a river"
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors",
                                                      "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "PrimitiveStringMultiline", "inputs": {"value": text}},
        "5": {"class_type": "PrimitiveInt", "inputs": {"value": 61}},
        "6": {"class_type": "SomePackReferenceToVideo", "inputs": {
            "clip": ["2", 0], "vae": ["3", 0], "prompt": ["4", 0] if prompt_wired else text, "width": 640,
            "height": 352, "length": ["5", 0], "negative_prompt": "smeared"}},
        "7": {"class_type": "BasicGuider", "inputs": {"model": ["1", 0], "conditioning": ["6", 0]}},
        "8": {"class_type": "RandomNoise", "inputs": {"noise_seed": 3}},
        "9": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
        "10": {"class_type": "BasicScheduler", "inputs": {"model": ["1", 0], "scheduler": "simple", "steps": 12,
                                                          "denoise": 1.0}},
        "11": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["8", 0], "guider": ["7", 0],
                                                                 "sampler": ["9", 0], "sigmas": ["10", 0],
                                                                 "latent_image": ["6", 1]}},
        "12": {"class_type": "VAEDecode", "inputs": {"samples": ["11", 0], "vae": ["3", 0]}},
        "13": {"class_type": "CreateVideo", "inputs": {"images": ["12", 0], "fps": 16}},
        "14": {"class_type": "SaveVideo", "inputs": {"video": ["13", 0], "filename_prefix": "lantern"}},
    }


def test_its_size_length_and_prompt_are_the_generators_and_said():
    for wired in (True, False):
        conv = convert(_doc(wired), "maker")
        gen = _nodes(conv, "video_models.text_to_video")[0]
        assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (640, 352, 61)
        assert gen.params["prompt"] == "a lantern festival over a river"
        assert "the positive prompt comes from ComfyUI's 'SomePackReferenceToVideo' (SomePackReferenceToVideo, #6), " \
               "which Studio does not read: the text it is given is the generator's prompt" in "\n".join(conv.log)

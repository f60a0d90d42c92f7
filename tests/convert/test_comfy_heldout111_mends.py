"""Issue 112, heldout111's mends (fresh set judged on main bb316e27): each test builds its workflow from node types,
values and links and fails without its mend.

1. A MiniMax H3 take (its generator keeps the sound it makes on its clip) upscaled by a learned upscaler and resized
   before its CreateVideo / Save Video was said written "without that sound" ("Studio's generator gives the video
   alone"), though Studio's Upscale and Resize carry their source's sound: the nodes whose clip carries its source's
   sound are told by their types' declarations (NodeSpec.carries_sound), not a list of three names (111/04, 111/05).
"""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.core.registry import default_registry
from tests.convert.said import api, nodes_of, said


def _h3_upscaled(between: dict) -> dict:
    """MiniMax H3 text to video with its sound (API), the video through ``between`` ({id: (type, inputs)}, the last
    one's IMAGE output read as '90') before CreateVideo."""
    nodes = {
        "1": ("UNETLoader", {"unet_name": "minimax_h3_fl2va_pruned_int8_convrot.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "qwen3vl_32b_minimax_h3_nvfp4_awq.safetensors", "type": "minimax",
                             "device": "default"}),
        "3": ("VAELoader", {"vae_name": "minimax_h3_video_vae_fp16.safetensors"}),
        "4": ("VAELoader", {"vae_name": "minimax_h3_audio_vae_fp32.safetensors"}),
        "10": ("MiniMaxH3ImageToVideo", {"clip": ["2", 0], "vae": ["3", 0], "prompt": "a lighthouse in a storm, waves",
                                         "width": 960, "height": 544, "length": 97}),
        "11": ("RandomNoise", {"noise_seed": 7}),
        "12": ("KSamplerSelect", {"sampler_name": "euler"}),
        "13": ("BasicScheduler", {"model": ["1", 0], "scheduler": "simple", "steps": 8, "denoise": 1.0}),
        "14": ("BasicGuider", {"model": ["1", 0], "conditioning": ["10", 0]}),
        "15": ("SamplerCustomAdvanced", {"noise": ["11", 0], "guider": ["14", 0], "sampler": ["12", 0],
                                         "sigmas": ["13", 0], "latent_image": ["10", 1]}),
        "16": ("VAEDecode", {"samples": ["15", 0], "vae": ["3", 0]}),
        "17": ("VAEDecodeAudio", {"samples": ["15", 0], "vae": ["4", 0]}),
        **between,
        "22": ("CreateVideo", {"images": ["90", 0], "fps": 24.0, "audio": ["17", 0]}),
        "23": ("SaveVideo", {"video": ["22", 0], "filename_prefix": "h3", "format": "mp4", "codec": "h264"}),
    }
    return api(nodes)


UPSCALED = {"18": ("UpscaleModelLoader", {"model_name": "2x-spanx2-ch48.pth"}),
            "19": ("ImageUpscaleWithModel", {"upscale_model": ["18", 0], "image": ["16", 0]}),
            "90": ("ImageScale", {"image": ["19", 0], "upscale_method": "lanczos", "width": 1920, "height": 1088,
                                  "crop": "disabled"})}


def test_an_upscaled_and_resized_take_keeps_the_sound_its_generator_makes():
    conv = convert(_h3_upscaled(UPSCALED), "h3_upscaled")
    text = said(conv)
    assert nodes_of(conv, "finishing.upscale") and nodes_of(conv, "transform.resize")
    assert "Studio's generator gives the video alone" not in text
    assert ("the sound 'VAEDecodeAudio' (VAEDecodeAudio, #17) decodes from 'SamplerCustomAdvanced' (#15)'s latent for "
            "'SaveVideo' (#23) is the soundtrack Studio's 'Text to Video' makes with the video: its clip carries it, "
            "Save Video writes it") in text


def test_which_nodes_carry_their_sources_sound_is_declared_by_their_types():
    reg = default_registry()
    carried = {t: reg.get(t).carries_sound for t in ("transform.resize", "transform.scale", "finishing.upscale",
                                                       "motion.interpolate", "motion.interpolate_rife",
                                                       "video_models.text_to_video", "io.save_video")}
    assert carried == {"transform.resize": True, "transform.scale": True, "finishing.upscale": True,
                       "motion.interpolate": True, "motion.interpolate_rife": True,
                       "video_models.text_to_video": False, "io.save_video": False}


def test_the_resize_a_frame_node_makes_carries_the_clips_sound():
    """A FRAME node's default run (what NodeSpec.carries_sound says of Resize) wraps its first clip, sound and all."""
    import numpy as np

    from studio.core.values import Audio
    from studio.engine.clip import ArrayClip
    from studio.engine.frame_clip import FrameNodeClip
    spec = default_registry().get("transform.resize")
    src = ArrayClip(np.zeros((3, 8, 8, 3), np.float32), fps=24.0, audio=Audio(np.zeros((4800, 2), np.float32), 48000))
    out = FrameNodeClip(spec.cls(), None, {"video": src}, {}, width=16, height=16)
    assert out.audio is not None and out.audio.rate == 48000

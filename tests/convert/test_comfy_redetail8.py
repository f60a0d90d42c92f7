"""A re-detail of a whole clip (redetail8, issue 112): a task node given EVERY frame of a loaded clip in place at
strength 1 over the latent's whole length (LTXVImgToVideo: the clip becomes the starting latent), sampled part way,
is Video to Video on that clip at the sampler's strength, not a new take from the clip's first frame; a clip that
covers only part of the latent, or a strength below 1, stays the image to video it was."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import api, nodes_of, said


def _redetail(cap: int = 97, length: int = 97, strength: float = 1.0, denoise: float = 0.6) -> dict:
    """A clip of ``cap`` frames given whole to LTXVImgToVideo (``length``, ``strength``), sampled at ``denoise``."""
    return api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-video-2b-v0.9.5.safetensors"}),
        "2": ("CLIPLoader", {"clip_name": "t5xxl_fp16.safetensors", "type": "ltxv"}),
        "3": ("CLIPTextEncode", {"text": "a paper boat on a pond, sharp detail", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "5": ("VHS_LoadVideo", {"video": "pond.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                "frame_load_cap": cap, "skip_first_frames": 0, "select_every_nth": 1}),
        "6": ("LTXVImgToVideo", {"positive": ["3", 0], "negative": ["4", 0], "vae": ["1", 2], "image": ["5", 0],
                                 "width": 768, "height": 512, "length": length, "batch_size": 1,
                                 "strength": strength}),
        "7": ("KSampler", {"model": ["1", 0], "positive": ["6", 0], "negative": ["6", 1], "latent_image": ["6", 2],
                           "seed": 5, "steps": 20, "cfg": 3.0, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": denoise}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["1", 2]}),
        "9": ("VHS_VideoCombine", {"images": ["8", 0], "frame_rate": 24, "loop_count": 0, "filename_prefix": "boat",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })


def test_a_whole_clip_put_in_place_and_sampled_part_way_is_video_to_video_at_that_strength():
    conv = convert(_redetail(), "redetail.json")
    gen = nodes_of(conv, "video_models.video_to_video")
    assert len(gen) == 1 and gen[0].params["strength"] == 0.6 and gen[0].params["seed"] == 5
    assert gen[0].params["prompt"] == "a paper boat on a pond, sharp detail"
    assert not nodes_of(conv, "video_models.image_to_video") and not nodes_of(conv, "edit.frame_hold")
    text = said(conv)
    assert "the other frames are not given" not in text
    assert ("'LTXVImgToVideo' (LTXVImgToVideo, #6) puts every frame it is given of the clip 'pond.mp4' (97 frames; "
            "the latent's length 97) in place at strength 1: the clip is the latent 'KSampler' (#7) denoises part way, a restyle of it") in text


def test_a_clip_short_of_the_latent_or_held_below_strength_1_stays_image_to_video():
    for wf in (_redetail(cap=33), _redetail(strength=0.8)):
        conv = convert(wf, "part.json")
        assert not nodes_of(conv, "video_models.video_to_video")
        assert "in place at strength 1" not in said(conv)

"""heldout57's mends (benchmarks/results/heldout57_2026-11-30.md): each test builds a minimal workflow from node types,
values and links (no fetched file) and fails without its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, ui

T5 = (1, "LoadWanVideoT5TextEncoder", [], ["WANTEXTENCODER"], ["umt5-xxl-enc-bf16.safetensors", "bf16",
                                                                 "offload_device", "disabled"])
TEXT = (2, "WanVideoTextEncode", [("t5", "WANTEXTENCODER")], ["WANVIDEOTEXTEMBEDS"], ["a bird takes off", "blurry",
                                                                                     True])
VAE = (4, "WanVideoVAELoader", [], ["WANVAE"], ["Wan2_1_VAE_bf16.safetensors", "bf16"])


def _flf(combine: str) -> dict:
    """The wrapper's first+last frame: the CLIP-vision encode given the start picture and the end picture (the same
    end picture the image-to-video encode takes as its end_image), combined by ``combine``."""
    return ui([T5, TEXT,
               (3, "WanVideoModelLoader", [], ["WANVIDEOMODEL"], ["Wan2_1-FLF2V-14B-720P_fp8_e4m3fn.safetensors",
                                                                   "fp16", "fp8_e4m3fn", "offload_device", "sdpa"]),
               VAE, (5, "LoadImage", [], ["IMAGE", "MASK"], ["start.png", "image"]),
               (6, "LoadImage", [], ["IMAGE", "MASK"], ["end.png", "image"]),
               (7, "CLIPVisionLoader", [], ["CLIP_VISION"], ["clip_vision_h.safetensors"]),
               (8, "WanVideoClipVisionEncode", [("clip_vision", "CLIP_VISION"), ("image_1", "IMAGE"),
                                                ("image_2", "IMAGE")], ["WANVIDIMAGE_CLIPEMBEDS"],
                [1, 1, "center", combine, True, 0, 0.5]),
               (9, "WanVideoImageToVideoEncode", [("vae", "WANVAE"), ("clip_embeds", "WANVIDIMAGE_CLIPEMBEDS"),
                                                  ("start_image", "IMAGE"), ("end_image", "IMAGE")],
                ["WANVIDIMAGE_EMBEDS"], [640, 640, 81, 0, 1, 1, True, False, False]),
               (10, "WanVideoSampler", [("model", "WANVIDEOMODEL"), ("image_embeds", "WANVIDIMAGE_EMBEDS"),
                                        ("text_embeds", "WANVIDEOTEXTEMBEDS")], ["LATENT"],
                [6, 1.0, 5.0, 43, "fixed", True, "dpm++_sde", 0, 1, False, "comfy"]),
               (11, "WanVideoDecode", [("vae", "WANVAE"), ("samples", "LATENT")], ["IMAGE"], [False, 272, 272, 144, 128]),
               (12, "VHS_VideoCombine", [("images", "IMAGE")], [],
                {"frame_rate": 16, "loop_count": 0, "filename_prefix": "bird", "format": "video/h264-mp4",
                 "pix_fmt": "yuv420p", "crf": 19, "save_metadata": True, "pingpong": False, "save_output": True})],
              [(1, 0, 2, "t5"), (7, 0, 8, "clip_vision"), (5, 0, 8, "image_1"), (6, 0, 8, "image_2"),
               (4, 0, 9, "vae"), (8, 0, 9, "clip_embeds"), (5, 0, 9, "start_image"), (6, 0, 9, "end_image"),
               (3, 0, 10, "model"), (9, 0, 10, "image_embeds"), (2, 0, 10, "text_embeds"), (4, 0, 11, "vae"),
               (10, 0, 11, "samples"), (11, 0, 12, "images")])


def test_an_end_picture_encoded_beside_the_start_is_not_said_to_be_dropped():
    """heldout57 08: the FLF2V encode's second picture (the take's end picture, 'concat') had been said "not applied,
    Studio's generator encodes its picture ('image_1') itself", while Studio gives it to the generator as its last
    image and diffusers' pipeline encodes both pictures' tokens on the FLF2V model."""
    conv = convert(_flf("concat"), "bird")
    gen = nodes_of(conv, "video_models.image_to_video")
    assert len(gen) == 1
    assert any(l.dst == gen[0].id and l.dst_port == "last_image" for l in conv.graph.links)
    text = said(conv)
    assert "image_2 (a second picture" not in text
    assert ("#8)'s image_2 (the take's end picture, as 'WanVideoImageToVideoEncode' (#9)'s end_image, combined by "
            "'concat'): Studio's generator is given it as its last image") in text


def test_an_end_picture_averaged_in_is_still_said_not_applied():
    """The wrapper's 'average' of the two pictures' embeds is not what diffusers does with a last image: said."""
    text = said(convert(_flf("average"), "bird"))
    assert "image_2 (a second picture, combined by 'average'): not applied" in text
    assert "the take's end picture" not in text

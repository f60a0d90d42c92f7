"""Mechanisms a seventieth held-out set (benchmarks/results/heldout70_2026-11-30.md: workflows inside apps'
repositories - serverless workers, a web app's wrapper, a Modal app, a video app's folder) showed, each on a small
hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, ui

NEG = "blurry"


def _wan22_t2v_dead_low(end: int, steps: int = 20) -> dict:
    """01's shape: Wan 2.2 T2V's two experts, the high-noise KSamplerAdvanced running steps 0-``end`` of ``steps``
    with its leftover noise kept; the low-noise pass sampling on from its latent (adding no noise) reaches no output:
    the VAEDecode reads the high-noise pass's latent."""
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.2_t2v_high_noise_14B_fp8_scaled.safetensors", "weight_dtype": "default"}),
        "2": ("UNETLoader", {"unet_name": "wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors", "weight_dtype": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan", "device": "default"}),
        "5": ("EmptyHunyuanLatentVideo", {"width": 640, "height": 640, "length": 81, "batch_size": 1}),
        "6": ("CLIPTextEncode", {"text": "a red fox in the snow", "clip": ["4", 0]}),
        "7": ("CLIPTextEncode", {"text": NEG, "clip": ["4", 0]}),
        "8": ("ModelSamplingSD3", {"shift": 8, "model": ["2", 0]}),
        "9": ("ModelSamplingSD3", {"shift": 8, "model": ["1", 0]}),
        "10": ("KSamplerAdvanced", {"add_noise": "enable", "noise_seed": 7, "steps": steps, "cfg": 3.5,
                                    "sampler_name": "euler", "scheduler": "simple", "start_at_step": 0,
                                    "end_at_step": end, "return_with_leftover_noise": "enable", "model": ["9", 0],
                                    "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}),
        "11": ("VAEDecode", {"samples": ["10", 0], "vae": ["3", 0]}),
        "12": ("CreateVideo", {"fps": 16, "images": ["11", 0]}),
        "13": ("KSamplerAdvanced", {"add_noise": "disable", "noise_seed": 0, "steps": steps, "cfg": 3.5,
                                    "sampler_name": "euler", "scheduler": "simple", "start_at_step": 10,
                                    "end_at_step": 10000, "return_with_leftover_noise": "disable",
                                    "model": ["8", 0], "positive": ["6", 0], "negative": ["7", 0],
                                    "latent_image": ["10", 0]}),
        "14": ("SaveVideo", {"filename_prefix": "video/ComfyUI", "format": "auto", "codec": "auto",
                             "video": ["12", 0]}),
    })


def test_a_pass_running_its_whole_schedule_is_not_said_unfinished():
    """01: the high-noise pass runs steps 0-20 of 20 (its sigmas end at 0: the take is finished in ComfyUI, whatever
    its leftover-noise switch); a low-noise pass nothing reads sampled on from it, and the note said "#13 samples on
    from this pass's latent ..., so this output writes the take of ... (#10) unfinished in ComfyUI" - false. Also
    for ComfyUI's 'to the end' (10000)."""
    for end in (20, 10000):
        conv = convert(_wan22_t2v_dead_low(end), "dead_low.json")
        text = said(conv)
        assert "unfinished in ComfyUI" not in text
        assert "samples on from this pass's latent" not in text
        assert "which would sample on" not in text
        assert "'KSamplerAdvanced' (KSamplerAdvanced, #13) reaches no output of the workflow" in text
        gen, = nodes_of(conv, "video_models.text_to_video")
        assert gen.params["steps"] == 20


def test_a_part_pass_whose_later_pass_is_not_run_is_said_so():
    """The same shape with the high-noise pass stopping at step 10 of 20: ComfyUI writes its take as that pass
    leaves it (the later pass reaches no output, so nothing samples on); said so, naming #13 as not run, and the
    take made whole - not "#13 samples on from this pass's latent"."""
    conv = convert(_wan22_t2v_dead_low(10), "dead_low_part.json")
    text = said(conv)
    assert "samples on from this pass's latent adding no noise" not in text
    assert ("'KSamplerAdvanced' (KSamplerAdvanced, #13), which would sample on from this pass's latent, reaches no "
            "output, so ComfyUI writes the take of 'KSamplerAdvanced' (#10) as it leaves it after steps 0-10 of 20; "
            "Studio's generator makes its takes whole: this one is made whole on this pass's model alone") in text


def _concat_of_four() -> dict:
    """08's comparison column: KJNodes' ImageConcatMulti (a V3 node: its output and 'image_1' declared
    COMFY_MATCHTYPE_V3, its page growing 'image_3', 'image_4' to its inputcount) stacking four clips, then beside the
    take by a second concat into the save: the generated clip and three loaded ones."""
    wan = [
        (1, "UNETLoader", [], ["MODEL"], ["wan2.1_t2v_1.3B_fp16.safetensors", "default"]),
        (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"]),
        (3, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
        (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a fox"]),
        (5, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], [NEG]),
        (6, "EmptyHunyuanLatentVideo", [], ["LATENT"], [832, 480, 33, 1]),
        (7, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                         ("latent_image", "LATENT")], ["LATENT"], [1, "fixed", 20, 5, "uni_pc", "simple", 1]),
        (8, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
    ]
    loads = [(20 + k, "LoadImage", [], ["IMAGE", "MASK"], [f"p{k}.png", "image"]) for k in range(4)]
    concat = [
        (30, "ImageConcatMulti", [("image_1", "IMAGE"), ("image_2", "IMAGE"), ("inputcount", "INT"),
                                  ("direction", "COMBO"), ("match_image_size", "BOOLEAN"), ("image_3", "IMAGE"),
                                  ("image_4", "IMAGE")], ["IMAGE"], [4, "down", True, None]),
        (31, "ImageConcatMulti", [("image_1", "IMAGE"), ("image_2", "IMAGE"), ("inputcount", "INT"),
                                  ("direction", "COMBO"), ("match_image_size", "BOOLEAN")], ["IMAGE"],
         [2, "left", True, None]),
        (40, "CreateVideo", [("images", "IMAGE")], ["VIDEO"], [16]),
        (41, "SaveVideo", [("video", "VIDEO")], [], ["video/cmp", "auto", "auto"]),
    ]
    links = [(1, 0, 7, "model"), (2, 0, 4, "clip"), (2, 0, 5, "clip"), (4, 0, 7, "positive"), (5, 0, 7, "negative"),
             (6, 0, 7, "latent_image"), (7, 0, 8, "samples"), (3, 0, 8, "vae"),
             (20, 0, 30, "image_1"), (21, 0, 30, "image_2"), (22, 0, 30, "image_3"), (23, 0, 30, "image_4"),
             (8, 0, 31, "image_1"), (30, 0, 31, "image_2"), (31, 0, 40, "images"), (40, 0, 41, "video")]
    return ui(wan + loads + concat, links)


def test_a_v3_template_concat_of_four_is_said_as_putting_four_together():
    """08: a four-input ImageConcatMulti passed over was said "a step between its 'image_1', 'image_2' and ...": its
    V3 template output (COMFY_MATCHTYPE_V3) was no kind of picture to the gathering rule, so two of its four wired
    inputs went unnamed. Read by the file's saved types of its template sockets, it is said as putting the four
    pictures together (two of them inputs its page adds)."""
    conv = convert(_concat_of_four(), "concat4.json")
    text = said(conv)
    assert "(ImageConcatMulti, #30), a step between its" not in text
    assert ("'ImageConcatMulti' (ImageConcatMulti, #30) puts together the 4 pictures wired into its 'image_1', "
            "'image_2', 'image_3', 'image_4', 2 of them inputs its page adds beyond the 2 its type declares") in text

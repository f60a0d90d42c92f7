"""Mechanisms a sixtieth held-out set (benchmarks/results/heldout60_2026-11-30.md: Wan 2.2 Animate / S2V / VACE
templates, Kandinsky 5, InfiniteTalk, WanVideoWrapper examples) showed, each on a small hand-written workflow: a
sampler starting part way down its steps said to have a 'denoise' it does not have; the S2V template's doubled first
latent frame dropped without a word; a pack's saved value quoted whole (tens of kilobytes) in a Log line."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.builders import wan22_s2v
from tests.convert.said import api, said
from tests.convert.ui_files import ui


def _t2v_from_step(start: int) -> dict:
    """Wan 2.1 text to video whose one KSamplerAdvanced samples steps ``start`` to the end of 4 from an empty
    latent."""
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp16.safetensors", "type": "wan"}),
        "3": ("CLIPTextEncode", {"text": "a fox in the snow", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "5": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "6": ("KSamplerAdvanced", {"add_noise": "enable", "noise_seed": 7, "steps": 4, "cfg": 1.0,
                                   "sampler_name": "euler", "scheduler": "simple", "start_at_step": start,
                                   "end_at_step": 10000, "return_with_leftover_noise": "disable", "model": ["1", 0],
                                   "positive": ["3", 0], "negative": ["4", 0], "latent_image": ["5", 0]}),
        "7": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "8": ("VAEDecode", {"samples": ["6", 0], "vae": ["7", 0]}),
        "9": ("CreateVideo", {"images": ["8", 0], "fps": 16}),
        "10": ("SaveVideo", {"video": ["9", 0], "filename_prefix": "v", "format": "auto", "codec": "auto"}),
    })


def test_a_start_step_is_told_as_the_step_not_as_a_denoise_the_sampler_has_not():
    """heldout60 06: WanVideoSampler (read as KSamplerAdvanced) starting at step 2 of 4 was said to have 'denoise 0.5',
    a value it does not have (its denoise_strength is 1); KSamplerAdvanced has no denoise at all."""
    s = said(convert(_t2v_from_step(2), "t.json"))
    assert "denoise 0.5" not in s
    line = next(x for x in s.splitlines() if "(KSamplerAdvanced, #6) starts at step" in x)
    assert "starts at step 2 of its 4 steps" in line and "only the last 50 % of its schedule" in line
    assert "starts at step" not in said(convert(_t2v_from_step(0), "t.json"))


def _s2v_doubled_start(drop: bool) -> dict:
    """Wan 2.2 S2V, its take's first latent frame cut (LatentCut t 0 1) and set in front of it again (LatentConcat)
    before VAEDecode, as ComfyUI's template does; ``drop``: an ImageFromBatch from 3 after the decode."""
    nodes = {
        **wan22_s2v(["7", 0]),
        "12": ("LatentCut", {"dim": "t", "index": 0, "amount": 1, "samples": ["11", 0]}),
        "13": ("LatentConcat", {"dim": "t", "samples1": ["12", 0], "samples2": ["11", 0]}),
        "14": ("VAEDecode", {"samples": ["13", 0], "vae": ["5", 0]}),
        "16": ("CreateVideo", {"images": ["15", 0] if drop else ["14", 0], "fps": 16, "audio": ["7", 0]}),
        "17": ("SaveVideo", {"video": ["16", 0], "filename_prefix": "v", "format": "auto", "codec": "auto"}),
    }
    if drop:
        nodes["15"] = ("ImageFromBatch", {"batch_index": 3, "length": 4096, "image": ["14", 0]})
    return api(nodes)


def test_the_s2v_templates_doubled_first_latent_frame_is_said_not_dropped_unsaid():
    """heldout60 02: the S2V reading takes LatentCut and LatentConcat into its one take (the chunks' joins); the
    template's pair doubling the first latent frame before the decode went with them, named nowhere."""
    for drop in (True, False):
        s = said(convert(_s2v_doubled_start(drop), "s2v.json"))
        line = next(x for x in s.splitlines() if "(LatentCut, #12) cuts 1 latent frame(s) from 0" in x)
        assert "(LatentConcat, #13) sets them in front of it again before it is decoded" in line
        assert "not made" in line and ("are the take's own" in line) == drop


def test_a_long_saved_value_out_of_its_place_is_quoted_cut():
    """heldout60 09: a WanVideoSchedulerv2 saved its sigma plot (an HTML picture of 38,000 characters) where Studio
    reads another setting, and the Log line quoted it whole; it is cut as the Log cuts any value."""
    long = "<img src='data:image/png;base64," + "A" * 3000 + "'>"
    wf = ui([(1, "WanVideoModelLoader", [], ["WANVIDEOMODEL"],
              ["wan2.1_t2v_1.3B_fp16.safetensors", "fp16", "disabled", "offload_device", "sdpa"]),
             (2, "LoadWanVideoT5TextEncoder", [], ["WANTEXTENCODER"],
              ["umt5-xxl-enc-bf16.safetensors", "bf16", "offload_device", "disabled"]),
             (3, "WanVideoTextEncode", [("t5", "WANTEXTENCODER")], ["WANVIDEOTEXTEMBEDS"],
              ["a red panda", "blurry", True]),
             (4, "WanVideoEmptyEmbeds", [], ["WANVIDIMAGE_EMBEDS"], [512, 512, 33]),
             (5, "WanVideoSampler", [("model", "WANVIDEOMODEL"), ("text_embeds", "WANVIDEOTEXTEMBEDS"),
                                     ("image_embeds", "WANVIDIMAGE_EMBEDS")], ["LATENT"],
              [15, 6, 5, 7, "fixed", True, "dpm++", 0, 1, long, "comfy", 0, -1, False]),
             (6, "WanVideoVAELoader", [], ["WANVAE"], ["Wan2_1_VAE_bf16.safetensors", "bf16"]),
             (7, "WanVideoDecode", [("vae", "WANVAE"), ("samples", "LATENT")], ["IMAGE"], [False, 272, 272, 144, 128]),
             (8, "VHS_VideoCombine", [("images", "IMAGE")], [],
              {"frame_rate": 16, "loop_count": 0, "filename_prefix": "v", "format": "video/h264-mp4",
               "pingpong": False, "save_output": True})],
            [(2, 0, 3, "t5"), (1, 0, 5, "model"), (3, 0, 5, "text_embeds"), (4, 0, 5, "image_embeds"),
             (6, 0, 7, "vae"), (5, 0, 7, "samples"), (7, 0, 8, "images")])
    line = next(x for x in said(convert(wf, "t.json")).splitlines() if "(WanVideoSampler, #5) saves" in x)
    assert "at place 10 of its 14 values" in line and "more characters" in line and len(line) < 800


def test_a_frame_range_pick_keeps_the_size_its_measure_reads():
    """heldout60 06: the size a MultiTalk node read from GetImageSizeAndCount of KJNodes' GetImageRangeFromBatch (frame
    0 of a clip resized to 640x640) was 'a value Studio cannot work out', left unset: the pick gives IMAGE and MASK and
    takes a 'start_index', which the frame pickers' reading (one IMAGE out, frame-count settings) did not take."""
    wf = api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp16.safetensors", "type": "wan"}),
        "3": ("CLIPTextEncode", {"text": "a woman sings", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "5": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "6": ("LoadImage", {"image": "woman.png"}),
        "7": ("ImageResizeKJv2", {"width": 640, "height": 640, "upscale_method": "lanczos", "keep_proportion": "crop",
                                  "pad_color": "0, 0, 0", "crop_position": "center", "divisible_by": 16,
                                  "device": "cpu", "image": ["6", 0]}),
        "8": ("GetImageRangeFromBatch", {"start_index": 0, "num_frames": 1, "images": ["7", 0]}),
        "9": ("GetImageSizeAndCount", {"image": ["8", 0]}),
        "10": ("WanImageToVideo", {"width": ["9", 1], "height": ["9", 2], "length": 33, "batch_size": 1,
                                   "positive": ["3", 0], "negative": ["4", 0], "vae": ["5", 0],
                                   "start_image": ["9", 0]}),
        "11": ("KSampler", {"seed": 1, "steps": 20, "cfg": 5.0, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 1.0, "model": ["1", 0], "positive": ["10", 0], "negative": ["10", 1],
                            "latent_image": ["10", 2]}),
        "12": ("VAEDecode", {"samples": ["11", 0], "vae": ["5", 0]}),
        "13": ("CreateVideo", {"images": ["12", 0], "fps": 16}),
        "14": ("SaveVideo", {"video": ["13", 0], "filename_prefix": "v", "format": "auto", "codec": "auto"}),
    })
    conv = convert(wf, "i2v.json")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    assert (gen.params["width"], gen.params["height"]) == (640, 640)
    assert "cannot work out" not in said(conv)

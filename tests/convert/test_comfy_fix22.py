"""Issue 112, fix22: two false sentences rejudge22 found on the merged main (benchmarks/results/rejudge22_2026-12-01.md,
"New false sentences"). Each test builds its workflow from node types, values and links and fails without its mend.

1. A WanVideoWrapper take of two passes whose first pass's cfg is a CreateCFGScheduleFloatList (2 on step 0 alone,
   79/01, 84/05-06, 84/08, 84/10, 86/07-08) was said by tracing/cfg_split "guides steps 0-3 of 8 at cfg 2 ...: the
   generator's guidance_steps 4" while the list's reading kept guidance_steps 1: the split is not read where a reading
   carried the setting (the list owns it). A first pass of one cfg over its steps (84/07) keeps its split.
2. The RunningHub MiniMax H3 pack's API file with its older, undeclared loaders (97/07): the take's sound decoder,
   made in place of the pack's nodes with as many nodes dropped, was read with the table of who reads whom made
   before (its count of nodes unchanged): no decoder, "the sound ... is made by ComfyUI's 'RHMiniMaxH3DualSigmaSampler'
   (VAEDecodeAudio, #9), which Studio does not convert" and a not-converted entry. Now the generator's own sound."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said
from tests.convert.test_comfy_heldout10_mends import _wrapper_i2v

I2V = "video_models.image_to_video"


def _two_passes(cfg) -> dict:
    """84/05's shape: a high-noise WanVideoSampler on steps 0-3 of 8 (its cfg ``cfg``: a number or a link), a
    low-noise one from step 4 at cfg 1."""
    wf = _wrapper_i2v({
        "95": ("CreateCFGScheduleFloatList", {"steps": 8, "cfg_scale_start": 2, "cfg_scale_end": 2,
                                              "interpolation": "linear", "start_percent": 0, "end_percent": 0.01}),
        "71": ("WanVideoModelLoader", {"model": "wan2.2_i2v_low.safetensors", "base_precision": "bf16",
                                       "quantization": "disabled", "load_device": "offload_device"}),
        "90": ("WanVideoSampler", {"steps": 8, "cfg": 1, "shift": 8, "seed": 4, "scheduler": "unipc",
                                   "denoise_strength": 1, "start_step": 4, "end_step": -1, "model": ["71", 0],
                                   "image_embeds": ["89", 0], "text_embeds": ["16", 0], "samples": ["27", 0]}),
    }, cfg=cfg)
    wf["27"]["inputs"].update({"steps": 8, "start_step": 0, "end_step": 4})
    wf["28"]["inputs"]["samples"] = ["90", 0]
    return wf


def test_a_cfg_list_read_as_guidance_steps_is_not_said_split_over_the_pass():
    conv = convert(_two_passes(["95", 0]), "list.json")
    text = said(conv)
    gen, = nodes_of(conv, I2V)
    assert gen.params["guidance"] == 2.0 and gen.params["guidance_steps"] == 1, text
    assert "2 on its first 1 step, 1 after: the generator's guidance 2 with guidance_steps 1" in text, text
    assert "guidance_steps 4" not in text and "guides steps 0-3 of 8" not in text, text


def test_a_first_pass_of_one_cfg_keeps_its_split_over_the_take():
    conv = convert(_two_passes(2.0), "number.json")  # (84/07's shape: one cfg on the first pass's steps)
    text = said(conv)
    gen, = nodes_of(conv, I2V)
    assert gen.params["guidance_steps"] == 4, text
    assert "guides steps 0-3 of 8 at cfg 2.0 and every later pass of the take samples at cfg 1: the generator's " \
           "guidance_steps 4" in text, text


def _rh_api() -> dict:
    """heldout97 07 (lwx0218's API file of the RunningHub pack): its older RHMiniMaxH3*Loader nodes (not declared:
    their types told by what reads them), a first-frame FL2VA take, DecodeAV into CreateVideo and SaveVideo."""
    return api({
        "1": ("RHMiniMaxH3TextEncoderLoader", {"model_root": "MiniMax-H3", "dtype": "auto",
                                               "text_encoder_path": "qwen3-vl-32b-int8_convrot.safetensors"}),
        "2": ("RHMiniMaxH3ModelLoader", {"partition": "FL2VA", "model_root": "MiniMax-H3", "dtype": "auto",
                                         "transformer_path": "MiniMax-H3-FL2VA-int8_convrot.safetensors"}),
        "3": ("RHMiniMaxH3VAELoader", {"model_root": "MiniMax-H3", "video_vae_path": "MiniMax-H3-video_vae.safetensors",
                                       "audio_vae_path": "MiniMax-H3-audio_vae.safetensors"}),
        "4": ("LoadImage", {"image": "first.png"}),
        "5": ("RHMiniMaxH3FL2VAFirstFrameCondition", {"first_frame": ["4", 0]}),
        "6": ("RHMiniMaxH3FL2VATarget", {"keyframes": ["5", 0], "aspect_ratio": "16:9", "duration_seconds": 5.0,
                                         "width": 864, "height": 480}),
        "7": ("RHMiniMaxH3FL2VAEncode", {"h3_text_encoder": ["1", 0], "h3_vae_bundle": ["3", 0], "target": ["6", 0],
                                         "keyframes": ["5", 0], "prompt": "a slow drift with ambient sound"}),
        "8": ("RHMiniMaxH3EmptyAVLatent", {"target": ["6", 0]}),
        "9": ("RHMiniMaxH3DualSigmaSampler", {
            "h3_model": ["2", 0], "conditioning": ["7", 0], "av_latent": ["8", 0], "seed": 43, "sigma_points": 21,
            "video_shift": 12.0, "audio_shift": 3.0, "accel": "off", "denoise_video": True, "cache_dit_rdt": 0.12,
            "cache_dit_mc": 2, "cache_dit_warmup": 4, "velocity_stride": 4, "sampler_mode": "res_multistep",
            "allow_accel_with_res_multistep": False}),
        "10": ("RHMiniMaxH3DecodeAV", {"h3_vae_bundle": ["3", 0], "sampled_av_latent": ["9", 0]}),
        "11": ("CreateVideo", {"images": ["10", 0], "audio": ["10", 1], "fps": 24.0, "bit_depth": 8}),
        "12": ("SaveVideo", {"video": ["11", 0], "filename_prefix": "h3", "format": "mp4", "codec": "h264"}),
    })


def test_the_rh_packs_api_take_writes_its_own_sound_said_so():
    conv = convert(_rh_api(), "fl2va-api.json")
    text = said(conv)
    gen, = nodes_of(conv, I2V)
    assert gen.params["seed"] == 43 and gen.params["frames"] == 124, text
    assert "(RHMiniMaxH3DualSigmaSampler, #9)'s own sound for 'SaveVideo' (#12) is the soundtrack Studio's 'Image to " \
           "Video' makes with the video" in text, text
    assert "VAEDecodeAudio" not in text and "which Studio does not convert" not in text, text
    assert not [k for k in conv.dropped if k.startswith("9")], conv.dropped

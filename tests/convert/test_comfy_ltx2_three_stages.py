"""LTX-2 in three stages (ckinpdx's TRIPLE workflows: the take sampled, upsampled x2 and refined, upsampled x2 again
and refined again): every stage made, LTX-2 Latent Upscale after LTX-2 Latent Upscale, each with its own pass's
sigmas and seed, and said in one line (families/ltx2/comfy_stages.py)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

UPSCALE = "video_models.ltx2_latent_upscale"


def _pass(nodes: dict, k: str, latent: list, sigmas: str, seed: int) -> None:
    """A sampler pass 'k' on ``latent`` (an AV latent) with its own noise and manual sigmas."""
    nodes[f"{k}n"] = ("RandomNoise", {"noise_seed": seed})
    nodes[f"{k}m"] = ("ManualSigmas", {"sigmas": sigmas})
    nodes[k] = ("SamplerCustomAdvanced", {"noise": [f"{k}n", 0], "guider": ["g", 0], "sampler": ["ks", 0],
                                          "sigmas": [f"{k}m", 0], "latent_image": latent})
    nodes[f"{k}s"] = ("LTXVSeparateAVLatent", {"av_latent": [k, 0]})


def _three_stages() -> dict:
    nodes = {"ck": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-2.3-22b-dev.safetensors"}),
             "te": ("LTXAVTextEncoderLoader", {"text_encoder": "gemma_3_12B_it.safetensors",
                                               "ckpt_name": "ltx-2.3-22b-dev.safetensors", "device": "default"}),
             "p": ("CLIPTextEncode", {"clip": ["te", 0], "text": "a lighthouse at dusk"}),
             "q": ("CLIPTextEncode", {"clip": ["te", 0], "text": "blurry"}),
             "c": ("LTXVConditioning", {"positive": ["p", 0], "negative": ["q", 0], "frame_rate": 24}),
             "g": ("CFGGuider", {"model": ["ck", 0], "positive": ["c", 0], "negative": ["c", 1], "cfg": 1}),
             "ks": ("KSamplerSelect", {"sampler_name": "euler"}),
             "v": ("EmptyLTXVLatentVideo", {"width": 320, "height": 192, "length": 49, "batch_size": 1}),
             "a": ("LTXVEmptyLatentAudio", {"frames_number": 49, "frame_rate": 24, "batch_size": 1,
                                            "audio_vae": ["ck", 2]}),
             "av": ("LTXVConcatAVLatent", {"video_latent": ["v", 0], "audio_latent": ["a", 0]}),
             "ul": ("LatentUpscaleModelLoader", {"model_name": "ltx-2.3-spatial-upscaler-x2-1.1.safetensors"})}
    _pass(nodes, "s1", ["av", 0], "1.0, 0.99, 0.9, 0.5, 0.0", 11)
    latent = ["s1s", 0]
    for k, seed in (("s2", 22), ("s3", 33)):
        nodes[f"{k}u"] = ("LTXVLatentUpsampler", {"samples": latent, "upscale_model": ["ul", 0], "vae": ["ck", 2]})
        nodes[f"{k}c"] = ("LTXVConcatAVLatent", {"video_latent": [f"{k}u", 0], "audio_latent": [latent[0], 1]})
        _pass(nodes, k, [f"{k}c", 0], "0.909375, 0.725, 0.421875, 0.0", seed)
        latent = [f"{k}s", 0]
    nodes.update({"d": ("VAEDecode", {"samples": ["s3s", 0], "vae": ["ck", 2]}),
                  "ad": ("LTXVAudioVAEDecode", {"samples": ["s3s", 1], "audio_vae": ["ck", 2]}),
                  "cv": ("CreateVideo", {"images": ["d", 0], "audio": ["ad", 0], "fps": 24}),
                  "sv": ("SaveVideo", {"video": ["cv", 0], "filename_prefix": "video/triple"})})
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()}


def test_every_stage_is_made_one_upscale_after_the_other_and_said():
    conv = convert(_three_stages(), "triple.json")
    g = conv.graph
    ups = [n for n in g.nodes.values() if n.type_id == UPSCALE]
    assert len(ups) == 2
    first, second = ups
    assert g.input_link(second.id, "video").src == first.id  # the third pass upscales the second's take
    gen = g.nodes[g.input_link(first.id, "video").src]
    assert gen.type_id == "video_models.ltx2" and (gen.params["width"], gen.params["height"]) == (320, 192)
    assert (first.params["seed"], second.params["seed"]) == (22, 33)
    assert first.params["sigmas"] == second.params["sigmas"] == "0.909375, 0.725, 0.421875"
    text = "\n".join(n["text"] for n in g.ui.get("notes", []))
    assert "3 stages: LTX-2 makes the take at 320x192" in text and "(640x384)" in text and "(1280x768)" in text
    assert "as ComfyUI's third LTXVLatentUpsampler and sampler pass do" in text
    assert not conv.dropped


def test_a_last_upsampler_with_no_pass_after_it_is_an_upscale_alone():
    d = _three_stages()
    d["d"]["inputs"]["samples"] = ["s3u", 0]  # the second upsampler's latents decoded as they are: no third pass
    d["ad"]["inputs"]["samples"] = ["s2s", 1]
    for k in ("s3", "s3n", "s3m", "s3s", "s3c"):
        del d[k]
    g = convert(d, "upscale_alone.json").graph
    first, second = [n for n in g.nodes.values() if n.type_id == UPSCALE]
    assert first.params["refine"] and not second.params["refine"]
    assert g.input_link(second.id, "video").src == first.id
    text = "\n".join(n["text"] for n in g.ui.get("notes", []))
    assert "'refine' off, as ComfyUI's last LTXVLatentUpsampler does (its latents decoded as they are)" in text

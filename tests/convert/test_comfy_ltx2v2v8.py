"""LTX-2 does Video to Video since ltx2v2v8 (its Family's v2v: LTX2ConditionPipeline's latents, sigmas and
noise_scale): a loaded clip encoded by LTX-2's VAE and sampled from a sigma below 1 (the V2V Detailer's way) is made
as Video to Video with its values, no longer held (v2vhold8); Mochi 1's stays held."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import api, nodes_of, said


def _detailer(ckpt: str = "ltx-2-19b-dev.safetensors") -> dict:
    """A clip encoded by the checkpoint's VAE, sampled by SamplerCustomAdvanced on ManualSigmas from 0.909375 with a
    LoRA on the model, decoded and saved with the clip's sound."""
    return api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": ckpt}),
        "2": ("LoraLoaderModelOnly", {"model": ["1", 0], "lora_name": "ltx-2-19b-ic-lora-detailer.safetensors",
                                      "strength_model": 1.0}),
        "3": ("CLIPTextEncode", {"text": "a harbour at dusk, sharp detail", "clip": ["1", 1]}),
        "4": ("CLIPTextEncode", {"text": "", "clip": ["1", 1]}),
        "5": ("LoadVideo", {"file": "harbour.mp4"}),
        "6": ("GetVideoComponents", {"video": ["5", 0]}),
        "7": ("VAEEncode", {"pixels": ["6", 0], "vae": ["1", 2]}),
        "8": ("KSamplerSelect", {"sampler_name": "euler"}),
        "9": ("ManualSigmas", {"sigmas": "0.909375, 0.725, 0.421875, 0.0"}),
        "13": ("RandomNoise", {"noise_seed": 42}),
        "14": ("CFGGuider", {"model": ["2", 0], "positive": ["3", 0], "negative": ["4", 0], "cfg": 1.0}),
        "15": ("SamplerCustomAdvanced", {"noise": ["13", 0], "guider": ["14", 0], "sampler": ["8", 0],
                                         "sigmas": ["9", 0], "latent_image": ["7", 0]}),
        "16": ("VAEDecode", {"samples": ["15", 0], "vae": ["1", 2]}),
        "17": ("CreateVideo", {"images": ["16", 0], "audio": ["6", 1], "fps": 24}),
        "18": ("SaveVideo", {"video": ["17", 0], "filename_prefix": "detail", "format": "auto", "codec": "auto"}),
    })


def test_an_ltx2_detailer_of_a_loaded_clip_is_made_as_video_to_video_with_its_values():
    conv = convert(_detailer(), "detailer.json")
    gen = nodes_of(conv, "video_models.video_to_video")
    assert len(gen) == 1
    p = gen[0].params
    assert (p["strength"], p["seed"], p["guidance"], p["prompt"]) == (0.9094, 42, 1.0, "a harbour at dusk, sharp detail")
    assert [n.params["lora"] for n in nodes_of(conv, "video_models.lora")] == ["ltx-2-19b-ic-lora-detailer.safetensors"]
    assert [n.params.get("path") for n in nodes_of(conv, "io.load_video")] == ["harbour.mp4"]
    text = said(conv)
    assert "cannot restyle a clip with LTX-2" not in text and "no Video to Video in Studio" not in text


def test_a_mochi_restyle_stays_held():
    """The table's other families are untouched: Mochi 1 declares no video to video (HunyuanVideo did until
    restyle10)."""
    conv = convert(_detailer("mochi_preview_bf16.safetensors"), "mochi.json")
    assert not nodes_of(conv, "video_models.video_to_video")
    assert "Studio cannot restyle a clip with Mochi 1" in said(conv)

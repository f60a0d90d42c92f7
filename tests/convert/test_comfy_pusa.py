"""Issue 112 (pusa11): kijai's WanVideoWrapper Pusa V1 workflows (pictures encoded into the take's latent frames on
WanVideoEmptyEmbeds' 'extra_latents' or WanVideoAddExtraLatent, WanVideoAddPusaNoise's multipliers, a
'flowmatch_pusa' sampler) read as Studio's Wan Pusa node: the pictures at the take's start on 'start' (a clip's last
frames picked by a range from -1: its clip_frames), the one at the last latent frame on 'last_image', the size, frames,
multipliers and noisy steps; pictures elsewhere held with a sentence; another scheduler not read as Pusa. Built here
from node types, values and links (API layout)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, source_file

PUSA = "video_models.wan_pusa"


def _workflow(start=("LoadImage", "start.png"), end_at=None, noise=None, scheduler="flowmatch_pusa",
              pick=None) -> dict:
    nodes = {
        "1": ("WanVideoModelLoader", {"model": "WanVideo/Wan2_1-T2V-14B_fp8_e4m3fn.safetensors",
                                      "base_precision": "fp16", "quantization": "fp8_e4m3fn",
                                      "load_device": "offload_device", "lora": ["20", 0]}),
        "20": ("WanVideoLoraSelect", {"lora": "WanVideo/Pusa/Wan21_PusaV1_LoRA_14B_rank512_bf16.safetensors",
                                      "strength": 1.4}),
        "2": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16"}),
        "3": ("WanVideoTextEncode", {"positive_prompt": "an old man takes off his hat", "negative_prompt": "blurry",
                                     "t5": ["2", 0]}),
        "4": ("WanVideoVAELoader", {"model_name": "Wan2_1_VAE_bf16.safetensors", "precision": "bf16"}),
        "5": (start[0], {"image": start[1]} if start[0] == "LoadImage" else {"video": start[1]}),
        "6": ("WanVideoEncode", {"vae": ["4", 0], "image": ["5", 0], "enable_vae_tiling": False}),
        "7": ("WanVideoEmptyEmbeds", {"width": 832, "height": 480, "num_frames": 81, "extra_latents": ["6", 0]}),
        "14": ("WanVideoSampler", {"model": ["1", 0], "text_embeds": ["3", 0], "image_embeds": ["7", 0], "steps": 6,
                                   "cfg": 1.0, "shift": 5.0, "seed": 46, "force_offload": True,
                                   "scheduler": scheduler, "riflex_freq_index": 0}),
        "15": ("WanVideoDecode", {"vae": ["4", 0], "samples": ["14", 0], "enable_vae_tiling": False}),
        "17": ("VHS_VideoCombine", {"images": ["15", 0], "frame_rate": 16, "filename_prefix": "pusa",
                                    "format": "video/h264-mp4"}),
    }
    if pick is not None:  # a range of the clip's frames before the encode
        nodes["8"] = ("GetImageRangeFromBatch", {"images": ["5", 0], "start_index": pick[0], "num_frames": pick[1]})
        nodes["6"][1]["image"] = ["8", 0]
    if end_at is not None:  # a second picture added at a latent index
        nodes["9"] = ("LoadImage", {"image": "end.png"})
        nodes["10"] = ("WanVideoEncode", {"vae": ["4", 0], "image": ["9", 0], "enable_vae_tiling": False})
        nodes["11"] = ("WanVideoAddExtraLatent", {"embeds": ["7", 0], "extra_latents": ["10", 0],
                                                  "latent_index": end_at})
        nodes["14"][1]["image_embeds"] = ["11", 0]
    if noise is not None:
        src = nodes["14"][1]["image_embeds"]
        nodes["12"] = ("WanVideoAddPusaNoise", {"embeds": src, "noise_multipliers": noise[0], "noisy_steps": noise[1]})
        nodes["14"][1]["image_embeds"] = ["12", 0]
    return api(nodes)


def test_the_wrappers_pusa_image_to_video_is_read_as_the_wan_pusa_node():
    conv = convert(_workflow(), "pusa_i2v")
    assert [t["generator"] for t in conv.tasks] == [PUSA]
    gen = nodes_of(conv, PUSA)[0]
    p = gen.params
    assert (p["width"], p["height"], p["frames"], p["steps"], p["guidance"], p["seed"]) == (832, 480, 81, 6, 1.0, 46)
    assert (p["noise"], p["clip_frames"]) == ("0", 0)
    assert source_file(conv, gen.id, "start") == "start.png"
    text = said(conv)
    assert "given no noise multipliers (no WanVideoAddPusaNoise" in text and "keeps them clean (noise 0)" in text
    assert "is read as Studio's Wan Pusa node" in text
    assert "Pusa V1's own schedule" in text and "model folder's own scheduler" not in text
    loras = [n.params["lora"] for n in nodes_of(conv, "video_models.lora")]
    assert any("PusaV1" in x for x in loras)
    other = convert(_workflow(scheduler="unipc"), "not_pusa")  # another scheduler: not Pusa's per-frame timesteps
    assert not nodes_of(other, PUSA) and "Wan Pusa" not in said(other)


def test_an_extension_keeps_the_clips_last_frames_with_the_wrappers_multipliers():
    conv = convert(_workflow(start=("VHS_LoadVideo", "jeep.mp4"), pick=(-1, 13), noise=(0.3, 2)), "pusa_ext")
    gen = nodes_of(conv, PUSA)[0]
    p = gen.params
    assert (p["clip_frames"], p["noise"], p["noisy_steps"]) == (13, "0.3", 2)
    assert source_file(conv, gen.id, "start") == "jeep.mp4"
    assert "picks the last 13 frames of the clip" in said(conv)
    assert "WanVideoAddPusaNoise" not in "\n".join(l for l in said(conv).splitlines() if "not converted" in l)


def test_an_end_picture_at_the_last_latent_frame_is_the_nodes_last_image():
    for at in (20, -1):
        conv = convert(_workflow(end_at=at, noise=(0.2, -1)), "pusa_se")
        gen = nodes_of(conv, PUSA)[0]
        assert source_file(conv, gen.id, "start") == "start.png" and source_file(conv, gen.id, "last_image") == "end.png"
        assert gen.params["noisy_steps"] == -1 and gen.params["noise"] == "0.2" and gen.params["last_noise"] == 0.2
    doc = _workflow(end_at=-1)  # an end picture alone (the empty embeds given none): the node's last_image only
    del doc["7"]["inputs"]["extra_latents"]
    gen = nodes_of(convert(doc, "pusa_end"), PUSA)[0]
    assert source_file(convert(doc, "pusa_end"), gen.id, "last_image") == "end.png"
    assert source_file(convert(doc, "pusa_end"), gen.id, "start") is None


def test_a_picture_between_is_the_key_image_and_a_second_one_holds_the_task():
    conv = convert(_workflow(end_at=5, noise=(0.3, 1)), "pusa_mid")
    gen = nodes_of(conv, PUSA)[0]
    assert source_file(conv, gen.id, "key_image") == "end.png" and source_file(conv, gen.id, "start") == "start.png"
    assert (gen.params["key_frame"], gen.params["key_noise"], gen.params["noise"]) == (20, 0.3, "0.3")
    doc = _workflow(end_at=5)
    doc["13"] = {"class_type": "WanVideoAddExtraLatent", "inputs": {"embeds": ["11", 0], "extra_latents": ["10", 0],
                                                                     "latent_index": 7}}
    doc["14"]["inputs"]["image_embeds"] = ["13", 0]
    conv = convert(doc, "pusa_two_mid")
    assert not nodes_of(conv, PUSA)
    assert "keeps pictures at latent frame 5 of the take, where Studio's Wan Pusa keeps none" in said(conv) or \
           "keeps pictures at latent frame 7 of the take, where Studio's Wan Pusa keeps none" in said(conv)


"""Mechanisms a fifty-eighth held-out set (benchmarks/results/heldout58_2026-11-30.md: InfiniteTalk two-speaker
templates, a Wan 2.2 A14B first-to-last-frame take with no shift node, a 13-segment SVI long take) showed, each on a
small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said


def _shared_lora_chain(set_loras_read: bool) -> dict:
    """A WanVideoWrapper loader whose 'lora' is a LoRA select chain that a WanVideoSetLoRAs is given too (07): the
    sampler's model comes through the SetLoRAs (``set_loras_read``) or straight from a block-swap patch on the loader,
    the SetLoRAs then read by nothing."""
    nodes = {
        "22": ("WanVideoModelLoader", {"model": "wan2.1_i2v_480p_14B_fp16.safetensors", "base_precision": "fp16",
                                       "quantization": "disabled", "lora": ["72", 0]}),
        "69": ("WanVideoLoraSelect", {"lora": "distill.safetensors", "strength": 1.0}),
        "72": ("WanVideoLoraSelect", {"lora": "shot.safetensors", "strength": 1.0, "prev_lora": ["69", 0]}),
        "39": ("WanVideoBlockSwap", {"blocks_to_swap": 20}),
        "70": ("WanVideoSetBlockSwap", {"model": ["22", 0], "block_swap_args": ["39", 0]}),
        "71": ("WanVideoSetLoRAs", {"model": ["70", 0], "lora": ["72", 0]}),
        "2": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5.safetensors", "precision": "bf16"}),
        "3": ("WanVideoTextEncode", {"positive_prompt": "a girl smiling", "negative_prompt": "blur", "t5": ["2", 0]}),
        "4": ("WanVideoEmptyEmbeds", {"width": 480, "height": 272, "num_frames": 33}),
        "5": ("WanVideoSampler", {"model": ["71" if set_loras_read else "70", 0], "text_embeds": ["3", 0],
                                  "image_embeds": ["4", 0], "steps": 8, "cfg": 1.0, "shift": 5.0, "seed": 0,
                                  "scheduler": "euler"}),
        "6": ("WanVideoVAELoader", {"model_name": "wan_vae.safetensors"}),
        "7": ("WanVideoDecode", {"vae": ["6", 0], "samples": ["5", 0]}),
        "8": ("SaveVideo", {"video": ["7", 0], "filename_prefix": "x"}),
    }
    return api(nodes)


def test_a_lora_chain_given_to_the_loader_and_a_set_loras_keeps_the_loader():
    """07: the wrapper translation made the shared chain's LoraLoaderModelOnly nodes twice under one id ('72:lora'),
    the second overwriting the first: the model's way closed into a circle, the loader was lost and the Log said "no
    model loader found" (false: #22 is on the way). Each chain now has ids of its own; the model file is read."""
    conv = convert(_shared_lora_chain(True), "shared_lora_chain")
    text = said(conv)
    assert "no model loader found" not in text
    assert [n.params["model"] for n in nodes_of(conv, "video_models.load")] == ["wan2.1_i2v_480p_14B_fp16.safetensors"]
    # both nodes are on the model's way: each applies the chain (the wiring read as it is)
    names = sorted(n.params["lora"] for n in nodes_of(conv, "video_models.lora"))
    assert names == ["distill.safetensors", "distill.safetensors", "shot.safetensors", "shot.safetensors"]


def test_a_set_loras_nothing_reads_is_passed_not_read_on_the_model():
    """07 as saved: the SetLoRAs' output feeds nothing (the sampler takes the block-swapped loader), so ComfyUI does not
    run it: said so, and the loader's own LoRAs applied once."""
    conv = convert(_shared_lora_chain(False), "dead_set_loras")
    text = said(conv)
    assert "no model loader found" not in text
    assert "'WanVideoSetLoRAs' (WanVideoSetLoRAs, #71) reaches no output of the workflow" in text
    assert sorted(n.params["lora"] for n in nodes_of(conv, "video_models.lora")) == ["distill.safetensors",
                                                                                      "shot.safetensors"]
    assert [n.params["model"] for n in nodes_of(conv, "video_models.load")] == ["wan2.1_i2v_480p_14B_fp16.safetensors"]


def test_a_wan_2_2_take_no_node_shifts_samples_at_comfyuis_model_config_shift():
    """05: both ModelSamplingSD3 bypassed, ComfyUI samples Wan 2.2 A14B at the shift every Wan model config of its
    gives (8); Studio's generator was given 0 (its own scheduler's 3), unsaid. The Wan mapping declares ComfyUI's shift
    (hook 'comfy_shift'), read for a family its model file names ('Wan 2.2') as for the mapping's own titles."""
    from tests.convert.test_comfy_heldout8_mends import _two_experts
    conv = convert(_two_experts("enable", "disable"), "wan22_no_shift")
    (gen,) = nodes_of(conv, "video_models.text_to_video")
    assert gen.params["shift"] == 8.0
    assert "shift 8: no node on the model's way sets one, so ComfyUI samples Wan 2.2 at the shift its model " \
           "config gives: the generator's shift" in said(conv)
    doc = _two_experts("enable", "disable")  # a shift node on the way: its own value, nothing added
    doc["13"] = {"class_type": "ModelSamplingSD3", "inputs": {"model": ["1", 0], "shift": 5.0}}
    doc["7"]["inputs"]["model"] = ["13", 0]
    conv = convert(doc, "wan22_shift_5")
    (gen,) = nodes_of(conv, "video_models.text_to_video")
    assert gen.params["shift"] == 5.0 and "at the shift its model config gives" not in said(conv)


def test_the_model_config_shift_is_a_mappings_declaration():
    from studio.convert.mapping.comfy_shift import comfy_shift
    assert comfy_shift("Wan 2.2") == comfy_shift("Wan 2.1") == comfy_shift("Wan VACE") == 8.0
    assert comfy_shift("Wan 2.2 TI2V 5B") == 8.0  # a task node's family of the Wan mapping
    assert comfy_shift("an unrecognised model") is None


def _custom_take(sigmas: tuple) -> dict:
    """A Wan 2.2 text to video through SamplerCustomAdvanced, no shift node, its sigmas from ``sigmas``."""
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.2_t2v_low_noise_14B_fp8_scaled.safetensors", "weight_dtype": "default"}),
        "3": ("CLIPLoader", {"clip_name": "umt5.safetensors", "type": "wan"}),
        "4": ("CLIPTextEncode", {"text": "a smile", "clip": ["3", 0]}),
        "5": ("CLIPTextEncode", {"text": "", "clip": ["3", 0]}),
        "6": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "20": ("CFGGuider", {"model": ["1", 0], "positive": ["4", 0], "negative": ["5", 0], "cfg": 1.0}),
        "21": ("KSamplerSelect", {"sampler_name": "euler"}),
        "22": sigmas,
        "23": ("RandomNoise", {"noise_seed": 7}),
        "24": ("SamplerCustomAdvanced", {"noise": ["23", 0], "guider": ["20", 0], "sampler": ["21", 0],
                                         "sigmas": ["22", 0], "latent_image": ["6", 0]}),
        "9": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "10": ("VAEDecode", {"samples": ["24", 0], "vae": ["9", 0]}),
        "11": ("CreateVideo", {"images": ["10", 0], "fps": 16}),
        "12": ("SaveVideo", {"video": ["11", 0], "filename_prefix": "x"}),
    })


def test_a_take_given_its_sigmas_by_hand_is_not_said_at_the_model_config_shift():
    """A sigma list given by hand (ManualSigmas; a Lightning list into WanVideoSampler in an earlier set's cache) is
    what ComfyUI samples, whatever the model's shift: nothing said of the model config's. A scheduler made from the
    model (BasicScheduler) samples the model's shift: 8, said."""
    conv = convert(_custom_take(("ManualSigmas", {"sigmas": "1.0, 0.9375, 0.8333, 0.625, 0.0"})), "hand_sigmas")
    (gen,) = nodes_of(conv, "video_models.text_to_video")
    assert gen.params["shift"] != 8.0 and "at the shift its model config gives" not in said(conv)
    conv = convert(_custom_take(("BasicScheduler", {"model": ["1", 0], "scheduler": "simple", "steps": 4,
                                                    "denoise": 1.0})), "model_sigmas")
    (gen,) = nodes_of(conv, "video_models.text_to_video")
    assert gen.params["shift"] == 8.0 and "at the shift its model config gives" in said(conv)


def test_a_packs_sampler_on_its_own_model_type_is_not_given_comfyuis_model_config_shift():
    """VideoX-Fun's Wan2_2I2VSampler runs its own pipeline on its FunModels (no ComfyUI MODEL): an older file saving
    no 'shift' gets no ComfyUI model-config shift (8) and no sentence claiming ComfyUI samples it at that shift
    (heldout49's zhaofuq files, where the first version of the hook said so)."""
    from tests.convert.test_comfy_heldout49_mends import OLD_I2V, _folder
    from tests.convert.test_comfy_videox_fun import _gen, _workflow
    conv = convert(_workflow(_folder, "Wan2_2I2VSampler", OLD_I2V, {"start_img": "a.png"}), "fun_no_shift")
    assert _gen(conv).params.get("shift") != 8.0
    assert "at the shift its model config gives" not in said(conv)

"""Issue 112 (settings23, after held23): a CONVERTED task says the settings of the nodes it read that no Studio node
holds. kijai's WanVideoWrapper nodes read as ComfyUI's own (UNETLoader, KSamplerAdvanced, VAEDecode ...) lost their own
values silently on a made task: the loader's base_precision / attention_mode, the sampler's riflex_freq_index /
batched_cfg, the decoder's tiling. Said now in one sentence, naming node and input, leaving out what changes nothing (a
declared default) and what Studio applies; a native ComfyUI Wan chain, every value applied, gains no sentence. And a
listed setting is never cut ('… (154 more characters)' lost a LoRA's name). Small workflows of our own with the type
names and inputs the catalogue declares (kijai/ComfyUI-WanVideoWrapper and ComfyUI's own nodes as catalogued)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.core.shown import listed_whole, one_line, whole_json

LONG_LORA = "Wan21_T2V_14B_lightx2v_cfg_step_distill_lora_rank64_" + "very_long_name_" * 12 + "bf16.safetensors"
HEAD = ("Settings of the pack's nodes read as ComfyUI's own for the converted task that no Studio node made for it "
        "holds (not applied), as the workflow saves them: ")


def _said(conv) -> str:
    return "\n".join(conv.log) + "\n" + "\n".join(n["text"] for n in conv.graph.ui.get("notes", []))


def _t2v() -> dict:
    return {
        "1": {"class_type": "WanVideoModelLoader", "inputs": {
            "model": "wan2.1_t2v_14B_bf16.safetensors", "base_precision": "fp16", "quantization": "disabled",
            "load_device": "offload_device", "attention_mode": "sageattn", "rms_norm_function": "default",
            "lora": ["11", 0]}},
        "2": {"class_type": "WanVideoTextEncodeCached", "inputs": {
            "model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16", "positive_prompt": "a dancer",
            "negative_prompt": "blurry", "quantization": "disabled", "use_disk_cache": False, "device": "cpu"}},
        "4": {"class_type": "WanVideoEmptyEmbeds", "inputs": {"width": 1280, "height": 720, "num_frames": 61}},
        "5": {"class_type": "WanVideoSamplerSettings", "inputs": {
            "model": ["1", 0], "text_embeds": ["2", 0], "image_embeds": ["4", 0], "steps": 4, "cfg": 1.0,
            "shift": 8.0, "seed": ["12", 0], "force_offload": False, "scheduler": "euler", "riflex_freq_index": 6,
            "denoise_strength": 1.0, "batched_cfg": True, "rope_function": "comfy", "start_step": 0, "end_step": -1,
            "add_noise_to_samples": False}},
        "6": {"class_type": "WanVideoSamplerFromSettings", "inputs": {"sampler_inputs": ["5", 0]}},
        "7": {"class_type": "WanVideoVAELoader", "inputs": {"model_name": "Wan2_1_VAE_bf16.safetensors",
                                                             "precision": "bf16", "use_cpu_cache": False,
                                                             "verbose": False}},
        "8": {"class_type": "WanVideoDecode", "inputs": {
            "vae": ["7", 0], "samples": ["6", 0], "enable_vae_tiling": True, "tile_x": 272, "tile_y": 272,
            "tile_stride_x": 144, "tile_stride_y": 216, "normalization": "default"}},
        "9": {"class_type": "SaveVideo", "inputs": {"video": ["10", 0], "filename_prefix": "t2v/take",
                                                    "format": "mp4", "codec": "h264"}},
        "10": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 16}},
        "11": {"class_type": "WanVideoLoraSelectMulti", "inputs": {
            "lora_0": LONG_LORA, "strength_0": 0.8, "lora_1": "none", "strength_1": 1.0, "lora_2": "none",
            "strength_2": 1.0, "lora_3": "none", "strength_3": 1.0, "lora_4": "none", "strength_4": 1.0,
            "low_mem_load": False, "merge_loras": True}},
        "12": {"class_type": "PrimitiveInt", "inputs": {"value": 777}},
    }


def test_a_converted_wrapper_task_says_the_settings_no_studio_node_holds_naming_node_and_input():
    conv = convert(_t2v(), "t2v23.json")
    assert [t["generator"] for t in conv.tasks] == ["video_models.text_to_video"]
    lines = [x for x in conv.log if HEAD in x]
    assert len(lines) == 1  # one sentence for the task
    listed = lines[0].split(HEAD, 1)[1]
    assert ("'WanVideoModelLoader' (WanVideoModelLoader, #1) base_precision 'fp16' (Studio's loader's own dtype "
            "'auto' instead), attention_mode 'sageattn' (Studio's own attention 'native' instead)") in listed
    assert "'WanVideoDecode' (WanVideoDecode, #8) enable_vae_tiling True, tile_stride_y 216" in listed
    sampler = next(x for x in listed.split("; ") if x.startswith("'WanVideoSamplerSettings' (WanVideoSamplerSettings,"))
    assert sampler.rstrip(".") == ("'WanVideoSamplerSettings' (WanVideoSamplerSettings, #5) riflex_freq_index 6, "
                                   "batched_cfg True")
    assert "'WanVideoTextEncodeCached' (WanVideoTextEncodeCached, #2) device 'cpu'" in listed
    # what Studio applies (steps, cfg, shift, size, frames, seed, the LoRA and its strength, the prompts) and what
    # changes nothing (a declared default: quantization 'disabled', end_step -1, rms_norm_function) never said
    for never in ("steps 4", " cfg 1", "shift 8", "1280", "num_frames", "777", "strength_0", "a dancer", "quantization",
                  "end_step", "rms_norm_function", "tile_x", "merge_loras", "WanVideoVAELoader", "strength_1",
                  "force_offload", "use_disk_cache"):  # (a flag turned off: ComfyUI not doing what Studio does not)
        assert never not in listed, never
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert (gen.params["width"], gen.params["frames"], gen.params["shift"]) == (1280, 61, 8.0)
    assert any(HEAD in n["text"] for n in conv.graph.ui["notes"])  # on the canvas too


def test_a_setting_studio_applies_is_left_out_and_a_wrapper_chain_of_defaults_gains_no_sentence():
    wf = _t2v()
    wf["1"]["inputs"].update(base_precision="bf16", attention_mode="comfy")  # (ComfyUI's attention: SDPA, as Studio's)
    wf["2"]["inputs"].update(use_disk_cache=True, device="gpu")
    wf["5"]["inputs"].update(force_offload=True, riflex_freq_index=0, batched_cfg=False)
    wf["8"]["inputs"].update(enable_vae_tiling=False, tile_stride_y=128)
    said = _said(convert(wf, "defaults23.json"))
    assert HEAD not in said


def _native_i2v() -> dict:
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors",
                                                     "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                     "type": "wan", "device": "default"}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["2", 0], "text": "a cat turns its head"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["2", 0], "text": "blurry, static"}},
        "5": {"class_type": "CLIPVisionLoader", "inputs": {"clip_name": "clip_vision_h.safetensors"}},
        "6": {"class_type": "LoadImage", "inputs": {"image": "cat.png"}},
        "7": {"class_type": "CLIPVisionEncode", "inputs": {"clip_vision": ["5", 0], "image": ["6", 0],
                                                           "crop": "none"}},
        "8": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "9": {"class_type": "WanImageToVideo", "inputs": {
            "positive": ["3", 0], "negative": ["4", 0], "vae": ["8", 0], "clip_vision_output": ["7", 0],
            "start_image": ["6", 0], "width": 832, "height": 480, "length": 33, "batch_size": 1}},
        "10": {"class_type": "ModelSamplingSD3", "inputs": {"model": ["1", 0], "shift": 8.0}},
        "11": {"class_type": "KSampler", "inputs": {
            "model": ["10", 0], "positive": ["9", 0], "negative": ["9", 1], "latent_image": ["9", 2], "seed": 42,
            "steps": 20, "cfg": 6.0, "sampler_name": "uni_pc", "scheduler": "simple", "denoise": 1.0}},
        "12": {"class_type": "VAEDecode", "inputs": {"samples": ["11", 0], "vae": ["8", 0]}},
        "13": {"class_type": "CreateVideo", "inputs": {"images": ["12", 0], "fps": 16}},
        "14": {"class_type": "SaveVideo", "inputs": {"video": ["13", 0], "filename_prefix": "i2v/take",
                                                     "format": "auto", "codec": "auto"}},
    }


def test_a_native_wan_i2v_chain_every_value_applied_gains_no_sentence():
    conv = convert(_native_i2v(), "i2v23.json")
    assert [t["generator"] for t in conv.tasks] == ["video_models.image_to_video"]
    said = _said(conv)
    assert "Settings of the" not in said and "not applied" not in said
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    assert (gen.params["steps"], gen.params["seed"], gen.params["frames"], gen.params["shift"]) == (20, 42, 33, 8.0)


def test_a_not_converted_nodes_long_setting_is_listed_whole():
    wf = _native_i2v()
    wf["20"] = {"class_type": "SomeoneElsesLoraNote", "inputs": {"lora_name": LONG_LORA, "strength": 0.7,
                                                                 "note": "x"}}
    said = _said(convert(wf, "listed23.json"))
    line = next(x for x in said.split("\n") if "SomeoneElsesLoraNote" in x and "#20" in x)
    assert LONG_LORA in line and "more characters" not in line
    assert line.index("strength") < line.index(LONG_LORA)  # (the short first, the long whole at the end)


def test_a_listing_is_whole_with_its_long_values_last():
    parts = ["a 1", f"lora {LONG_LORA}", "b 'x'"]
    assert listed_whole(parts) == f"a 1, b 'x', lora {LONG_LORA}"
    assert whole_json({"lora": LONG_LORA, "s": 0.5}) == '{"s": 0.5, "lora": "' + LONG_LORA + '"}'
    assert one_line("first\nsecond") == "'first\\nsecond'" and one_line(0.30000000000000004) == 0.3


def test_the_settings_of_what_a_flag_turns_off_are_unused_and_not_said():
    wf = _t2v()
    wf["8"]["inputs"].update(enable_vae_tiling=False, tile_x=512, tile_y=512, tile_stride_x=256, tile_stride_y=256)
    wf["1"]["inputs"]["quantization"] = "fp8_e4m3fn"
    wf["5"]["inputs"]["rope_function"] = "default"
    listed = next(x for x in convert(wf, "off23.json").log if HEAD in x)
    assert "WanVideoDecode" not in listed and "tile_x" not in listed  # (no tiling in ComfyUI: its tile sizes unused)
    assert "riflex_freq_index 6" in listed and "rope_function" not in listed  # ('default': the implementation's own)
    assert "quantization 'fp8_e4m3fn' (Studio's loader's memory 'auto' picks fp8 weights itself where the card's " \
           "memory asks for them)" in listed


def test_the_listing_follows_the_files_node_numbers_whatever_their_form():
    """Ids a subgraph's export writes as '526_28' were ordered by hash (one file's sentence differed between runs):
    now by their numbers, '526_28' before '526_392' before '526_445'."""
    new = {"1": "526_1", "2": "526_445", "4": "526_4", "5": "526_392", "6": "526_6", "7": "526_7", "8": "526_28",
           "9": "526_9", "10": "526_10", "11": "526_11", "12": "526_12"}
    wf = {new[k]: {"class_type": n["class_type"],
                   "inputs": {i: [new[v[0]], v[1]] if isinstance(v, list) else v for i, v in n["inputs"].items()}}
          for k, n in _t2v().items()}
    listed = next(x for x in convert(wf, "ids24.json").log if HEAD in x).split(HEAD, 1)[1]
    at = [listed.index(f"#{i})") for i in ("526_1", "526_28", "526_392", "526_445")]
    assert at == sorted(at), listed

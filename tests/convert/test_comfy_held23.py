"""Issue 112 (held23, after scail22's 104/07): a task Studio holds (no generator made) lists every setting of the nodes
it read, by their declared types, as the workflow saves them. kijai's WanVideoWrapper nodes read as ComfyUI's own
(UNETLoader, KSamplerAdvanced, VAEDecode...) lost their own values silently on a held task: the loader's
base_precision / attention_mode, the sampler's riflex_freq_index / start_step, the decoder's tiling. Small workflows
of our own with kijai's type names and the inputs the catalogue declares for them (kijai/ComfyUI-WanVideoWrapper as
catalogued); a Phantom embeds node given no encoded reference holds the task (the family's reading says so)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

LONG_LORA = "Wan21_T2V_14B_lightx2v_cfg_step_distill_lora_rank64_" + "very_long_name_" * 12 + "bf16.safetensors"
HEAD = "Settings of the held task's nodes that no Studio node made for it takes (not applied; to set by hand), " \
       "as the workflow saves them: "


def _said(conv) -> str:
    return "\n".join(conv.log) + "\n" + "\n".join(n["text"] for n in conv.graph.ui.get("notes", []))


def _listed(conv) -> str:
    line = next(x for x in conv.log if HEAD in x)
    return line.split(HEAD, 1)[1]


def _held_chain() -> dict:
    return {
        "1": {"class_type": "WanVideoModelLoader", "inputs": {
            "model": "wan2.1_t2v_14B_bf16.safetensors", "base_precision": "fp16", "quantization": "disabled",
            "load_device": "offload_device", "attention_mode": "sageattn", "rms_norm_function": "default",
            "lora": ["11", 0]}},
        "2": {"class_type": "WanVideoTextEncodeCached", "inputs": {
            "model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16", "positive_prompt": "a dancer",
            "negative_prompt": "blurry", "quantization": "disabled", "use_disk_cache": False, "device": "gpu"}},
        "4": {"class_type": "WanVideoPhantomEmbeds", "inputs": {
            "num_frames": 33, "phantom_cfg_scale": 5.0, "phantom_start_percent": 0.0, "phantom_end_percent": 1.0}},
        "5": {"class_type": "WanVideoSamplerSettings", "inputs": {
            "model": ["1", 0], "text_embeds": ["2", 0], "image_embeds": ["4", 0], "steps": 4, "cfg": 1.0,
            "shift": 5.0, "seed": ["12", 0], "force_offload": False, "scheduler": "euler", "riflex_freq_index": 6,
            "denoise_strength": 1.0, "batched_cfg": True, "rope_function": "comfy", "start_step": 1, "end_step": -1,
            "add_noise_to_samples": False}},
        "6": {"class_type": "WanVideoSamplerFromSettings", "inputs": {"sampler_inputs": ["5", 0]}},
        "7": {"class_type": "WanVideoVAELoader", "inputs": {"model_name": "Wan2_1_VAE_bf16.safetensors",
                                                             "precision": "bf16", "use_cpu_cache": False,
                                                             "verbose": False}},
        "8": {"class_type": "WanVideoDecode", "inputs": {
            "vae": ["7", 0], "samples": ["6", 0], "enable_vae_tiling": True, "tile_x": 272, "tile_y": 272,
            "tile_stride_x": 144, "tile_stride_y": 216, "normalization": "default"}},
        "9": {"class_type": "SaveVideo", "inputs": {"video": ["10", 0], "filename_prefix": "held/take",
                                                    "format": "mp4", "codec": "h264"}},
        "10": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 16}},
        "11": {"class_type": "WanVideoLoraSelectMulti", "inputs": {
            "lora_0": LONG_LORA, "strength_0": 0.8, "lora_1": "none", "strength_1": 1.0, "lora_2": "none",
            "strength_2": 1.0, "lora_3": "none", "strength_3": 1.0, "lora_4": "none", "strength_4": 1.0,
            "low_mem_load": False, "merge_loras": True}},
        "12": {"class_type": "PrimitiveInt", "inputs": {"value": 777}},
    }


def test_a_held_wrapper_task_lists_every_setting_of_the_nodes_it_read_naming_node_and_input():
    conv = convert(_held_chain(), "held23.json")
    assert [t["generator"] for t in conv.tasks] == [None]  # (held: the Phantom embeds is given no reference)
    listed = _listed(conv)
    assert ("'WanVideoModelLoader' (WanVideoModelLoader, #1) base_precision 'fp16', quantization 'disabled', "
            "load_device 'offload_device', attention_mode 'sageattn', rms_norm_function 'default'") in listed
    assert ("'WanVideoDecode' (WanVideoDecode, #8) enable_vae_tiling True, tile_x 272, tile_y 272, tile_stride_x 144, "
            "tile_stride_y 216, normalization 'default'") in listed
    sampler = next(x for x in listed.split("; ") if x.startswith("'WanVideoSamplerSettings' (WanVideoSamplerSettings, #5)"))
    for said in ("riflex_freq_index 6", "batched_cfg True", "rope_function 'comfy'", "start_step 1", "end_step -1",
                 "add_noise_to_samples False", "force_offload False"):
        assert said in sampler, said
    assert "steps 4" not in sampler and "cfg 1.0" not in sampler  # (said once, in the held task's own sentence)
    assert "'WanVideoVAELoader' (WanVideoVAELoader, #7) " in listed and "precision 'bf16'" in listed
    assert "merge_loras True" in listed and "low_mem_load False" in listed
    assert "'CreateVideo'" not in listed or "fps 16" not in listed  # (its rate: said in the held task's sentence)
    # each value once over the whole conversion: the held sentence's settings are not listed again
    first = next(x for x in conv.log if x.startswith("This workflow makes"))
    assert "steps 4" in first and "shift 5.0" in first and "seed 777" in first and "denoise_strength 1.0" in first


def test_a_held_task_says_a_read_as_nodes_settings_as_the_file_names_them():
    first = next(x for x in convert(_held_chain(), "held23.json").log if x.startswith("This workflow makes"))
    part = first.split("(to set by hand): ", 1)[1]
    assert "'WanVideoSamplerSettings' (#5, read as ComfyUI's KSamplerAdvanced) seed 777, steps 4, cfg 1.0, " \
           "scheduler euler" in part
    assert "noise_seed" not in part and "scheduler simple" not in part and "sampler_name" not in part


def test_a_held_tasks_file_names_are_said_whole():
    said = _said(convert(_held_chain(), "held23.json"))
    assert LONG_LORA in said
    assert not any("#11" in x and "more characters)" in x and LONG_LORA not in x for x in said.split("\n"))


def test_a_constant_is_said_as_the_setting_it_gives_never_not_applied_itself():
    listed = _listed(convert(_held_chain(), "held23.json"))
    assert "PrimitiveInt" not in listed and "#12" not in listed  # (its 777: the sampler's seed, said so)


def test_a_converted_wrapper_task_says_no_held_list():
    doc = _held_chain()
    doc["4"] = {"class_type": "WanVideoEmptyEmbeds", "inputs": {"width": 480, "height": 272, "num_frames": 33}}
    conv = convert(doc, "made.json")
    assert [t["generator"] for t in conv.tasks] == ["video_models.text_to_video"]
    assert not any(HEAD in x for x in conv.log)


def _ui(nodes: list[dict], links: list[list]) -> dict:
    return {"last_node_id": 20, "last_link_id": 20, "nodes": nodes, "links": links, "version": 0.4}


def test_a_ui_files_values_saved_by_place_are_named_by_their_declared_types():
    """A UI file saved by an older wrapper (its loader without rms_norm_function: 5 values where 6 are declared; its
    sampler's seed followed by the frontend's control word): named by the declared order and types."""
    def node(i, t, widgets, inputs=(), outputs=()):
        return {"id": i, "type": t, "pos": [0, 0], "mode": 0, "widgets_values": widgets,
                "inputs": [{"name": n, "type": ty, "link": lk} for n, ty, lk in inputs],
                "outputs": [{"name": ty, "type": ty, "links": lks} for ty, lks in outputs]}
    nodes = [
        node(1, "WanVideoModelLoader", ["wan2.1_t2v_14B_bf16.safetensors", "fp16_fast", "disabled", "offload_device",
                                        "sdpa"], outputs=[("WANVIDEOMODEL", [1])]),
        node(2, "WanVideoTextEncodeCached", ["umt5-xxl-enc-bf16.safetensors", "bf16", "a dancer", "blurry",
                                             "disabled", False, "gpu"], outputs=[("WANVIDEOTEXTEMBEDS", [2])]),
        node(4, "WanVideoPhantomEmbeds", [33, 5.0, 0.0, 1.0], outputs=[("WANVIDIMAGE_EMBEDS", [3])]),
        node(5, "WanVideoSampler", [6, 1.0, 5.0, 41, "fixed", True, "unipc", 4, 1.0, False, "comfy", 0, -1, False],
             inputs=[("model", "WANVIDEOMODEL", 1), ("text_embeds", "WANVIDEOTEXTEMBEDS", 2),
                     ("image_embeds", "WANVIDIMAGE_EMBEDS", 3)], outputs=[("LATENT", [4])]),
        node(7, "WanVideoVAELoader", ["Wan2_1_VAE_bf16.safetensors", "bf16"], outputs=[("WANVAE", [5])]),
        node(8, "WanVideoDecode", [True, 272, 272, 144, 128],
             inputs=[("vae", "WANVAE", 5), ("samples", "LATENT", 4)], outputs=[("IMAGE", [6])]),
        node(9, "VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "ui/take",
                                     "format": "video/h264-mp4", "pingpong": False, "save_output": True},
             inputs=[("images", "IMAGE", 6)]),
    ]
    links = [[1, 1, 0, 5, 0, "WANVIDEOMODEL"], [2, 2, 0, 5, 1, "WANVIDEOTEXTEMBEDS"],
             [3, 4, 0, 5, 2, "WANVIDIMAGE_EMBEDS"], [4, 5, 0, 8, 1, "LATENT"], [5, 7, 0, 8, 0, "WANVAE"],
             [6, 8, 0, 9, 0, "IMAGE"]]
    conv = convert(_ui(nodes, links), "held23_ui.json")
    assert [t["generator"] for t in conv.tasks] == [None]
    listed = _listed(conv)
    assert "'WanVideoModelLoader' (WanVideoModelLoader, #1) base_precision 'fp16_fast', quantization 'disabled', " \
           "load_device 'offload_device', attention_mode 'sdpa'" in listed
    assert "riflex_freq_index 4" in listed and "force_offload True" in listed
    assert "'fixed'" not in listed  # (the frontend's control word: no setting of the node)
    assert "enable_vae_tiling True" in listed

"""Issue 112 (held-out 104/07): wuwukaka/ComfyUI-WanAnimatePlus registers renamed copies of kijai's WanVideoWrapper
nodes ('WanAnimatePlus ModelLoader', ... : its __init__.py at 7ae61415, catalogued with --add). Read by their declared
types, they are the wrapper's own nodes (exact_twins: a copy declaring all of it alike): a text-to-video chain of
them makes Studio's Wan text to video with its settings. Its 'SCAIL_2 Embeds' and 'ClipVisionEncode V2' (in the held-out file, saved by a later version) are in no
source at hand: not read, listed with their settings, the SCAIL-2 model file kept on its loader. Small API workflows
of our own, with the inputs and settings the catalogued types declare."""
from __future__ import annotations

from studio.convert import catalogue
from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of

PACK = "wuwukaka/ComfyUI-WanAnimatePlus"
PROMPT, NEGATIVE = "a dancer on a rooftop", "blurry"


def _said(conv) -> str:
    return "\n".join(conv.log) + "\n" + "\n".join(n["text"] for n in conv.graph.ui.get("notes", []))


def _chain(embeds: dict) -> dict:
    return {
        "1": {"class_type": "WanAnimatePlus ModelLoader", "inputs": {
            "model": "wan2.1_t2v_1.3B_bf16.safetensors", "base_precision": "bf16", "quantization": "disabled",
            "load_device": "offload_device"}},
        "2": {"class_type": "WanAnimatePlus TextEncodeCached", "inputs": {
            "model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16", "positive_prompt": PROMPT,
            "negative_prompt": NEGATIVE, "quantization": "disabled", "use_disk_cache": False, "device": "gpu"}},
        "4": embeds,
        "5": {"class_type": "WanAnimatePlus SamplerSettings", "inputs": {
            "model": ["1", 0], "text_embeds": ["2", 0], "image_embeds": ["4", 0], "steps": 6, "cfg": 1.0,
            "shift": 5.0, "seed": 41, "scheduler": "unipc", "force_offload": False, "riflex_freq_index": 0}},
        "6": {"class_type": "WanAnimatePlus SamplerFromSettings", "inputs": {"sampler_inputs": ["5", 0]}},
        "7": {"class_type": "WanAnimatePlus VAELoader", "inputs": {"model_name": "Wan2_1_VAE_bf16.safetensors",
                                                                   "precision": "bf16"}},
        "8": {"class_type": "WanAnimatePlus Decode", "inputs": {
            "vae": ["7", 0], "samples": ["6", 0], "enable_vae_tiling": False, "tile_x": 272, "tile_y": 272,
            "tile_stride_x": 144, "tile_stride_y": 128}},
        "9": {"class_type": "SaveVideo", "inputs": {"video": ["8", 0], "filename_prefix": "x"}},
    }


def test_the_packs_renamed_wrapper_nodes_are_catalogued_as_its_own():
    t = catalogue.node_type("WanAnimatePlus SamplerSettings")
    assert t is not None and t.pack == PACK and t.output_types == ("SAMPLER_ARGS",)
    assert {"model", "image_embeds", "text_embeds", "steps", "cfg", "shift", "seed"} <= {i.name for i in t.inputs}
    assert catalogue.node_type("WanAnimatePlus Decode").output_types == ("IMAGE",)


def test_a_chain_of_the_packs_nodes_makes_wan_text_to_video_with_its_settings():
    conv = convert(_chain({"class_type": "WanVideoEmptyEmbeds", "inputs": {"width": 480, "height": 272,
                                                                           "num_frames": 33}}), "wap_t2v")
    assert conv.graph.validate() == []
    assert [t["generator"] for t in conv.tasks] == ["video_models.text_to_video"]
    gen = nodes_of(conv, "video_models.text_to_video")[0].params
    assert (gen["steps"], gen["guidance"], gen["shift"], gen["seed"], gen["sampler"]) == (6, 1.0, 5.0, 41, "unipc")
    assert (gen["width"], gen["height"], gen["frames"], gen["prompt"]) == (480, 272, 33, PROMPT)
    assert [n.params["vae"] for n in nodes_of(conv, "video_models.load")] == ["Wan2_1_VAE_bf16.safetensors"]
    assert not any("nodes not converted (listed" in line for line in conv.log)  # (its FromSettings samples its settings node)
    said = _said(conv)
    for own, read in (("ModelLoader", "WanVideoModelLoader"), ("SamplerSettings", "WanVideoSamplerSettings"),
                      ("SamplerFromSettings", "WanVideoSamplerFromSettings"), ("VAELoader", "WanVideoVAELoader"),
                      ("Decode", "WanVideoDecode")):
        assert f"'WanAnimatePlus {own}' (WanAnimatePlus {own}, #" in said
        assert f"is read as ComfyUI-WanVideoWrapper's {read}, whose inputs and outputs it declares alike" in said


def test_its_scail2_embeds_in_no_source_at_hand_is_listed_never_made_text_to_video():
    scail = {"class_type": "WanAnimatePlus SCAIL_2 Embeds", "inputs": {
        "width": 576, "height": 1024, "num_frames": 81, "frame_window_size": 81, "pose_strength": 1.0,
        "ref_strength": 1.0, "replacement_mode": False, "vae": ["7", 0], "ref_image": ["10", 0],
        "pose_images": ["11", 0]}}
    doc = _chain(scail)
    doc["10"] = {"class_type": "LoadImage", "inputs": {"image": "dancer.png"}}
    doc["11"] = {"class_type": "VHS_LoadVideo", "inputs": {"video": "moves.mp4", "force_rate": 0, "frame_load_cap": 0,
                                                           "skip_first_frames": 0, "select_every_nth": 1}}
    doc["1"]["inputs"]["model"] = "wan2.1_14B_SCAIL_2_fp8_scaled.safetensors"
    conv = convert(doc, "wap_scail2")
    assert [t["generator"] for t in conv.tasks] == [None]  # (held: no generator)
    assert not nodes_of(conv, "video_models.text_to_video")
    assert [n.params["model"] for n in nodes_of(conv, "video_models.load")] == [
        "wan2.1_14B_SCAIL_2_fp8_scaled.safetensors"]
    said = _said(conv)
    assert "given to the sampler by WanAnimatePlus SCAIL_2 Embeds" in conv.log[0]
    listed = next(x for x in said.split("\n") if x.startswith("- 'WanAnimatePlus SCAIL_2 Embeds'"))
    assert '"frame_window_size": 81' in listed and '"pose_strength": 1.0' in listed

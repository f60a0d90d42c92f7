"""Mechanisms a thirty-fifth held-out set (benchmarks/results/heldout35_2026-11-30.md: LTX-2 / LTX-2.3 workflows
from small repositories, owners a-e) showed, each on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrapper_embeds import _said
from tests.convert.workflow_shapes import wan_i2v_api


def test_an_unrun_node_feeding_an_unrun_node_and_a_switch_input_not_passed_on_names_both():
    """aster-king's 'ULTRA' LTX-2 layout (12): a TrimAudioDuration feeds, through Set/Get, both an unrun separator
    and a Crystools switch's 'on_true' the switch does not pass on as saved; it was said to feed "only" the
    separator ("it feeds only 'MelBandRoFormerSampler' (#743:588)'s 'audio', which reach no output either"): false,
    it feeds the switch too."""
    doc = wan_i2v_api(["20", 0], **{
        "20": {"class_type": "LoadImage", "inputs": {"image": "heron.png"}},
        "50": {"class_type": "LoadAudio", "inputs": {"audio": "voice.wav"}},
        "51": {"class_type": "TrimAudioDuration", "inputs": {"audio": ["50", 0], "start_index": 0, "duration": 9}},
        "52": {"class_type": "LoadAudio", "inputs": {"audio": "other.wav"}},
        "53": {"class_type": "PrimitiveBoolean", "inputs": {"value": False}},
        "54": {"class_type": "Switch any [Crystools]", "inputs": {"on_true": ["51", 0], "on_false": ["52", 0],
                                                                  "boolean": ["53", 0]}},
        "55": {"class_type": "SaveAudio", "inputs": {"audio": ["54", 0], "filename_prefix": "sound"}},
        "56": {"class_type": "TrimAudioDuration", "inputs": {"audio": ["51", 0], "start_index": 1, "duration": 2}}})
    said = _said(convert(doc, "switch.json"))
    line = next(s for s in said.split("\n") if "(TrimAudioDuration, #51) reaches no output" in s)
    assert "(#56)'s 'audio'" in line and "(Switch any [Crystools], #54)'s 'on_true', a switch's input not passed " \
                                          "on" in line, line


def test_a_packs_seedvr2_upscale_between_a_vhs_clip_and_its_combine_is_a_utility_way_on_its_own():
    """axces2000's 'VideoUpscaler-1080.json' (05): VHS_LoadVideo -> ImageScaleBy 0.5 -> numz's SeedVR2VideoUpscaler
    -> VHS_VideoCombine (the clip's sound and rate) was held, "Studio cannot convert 'SeedVR2VideoUpscaler'": the
    pack's upscale was made only on a way that interpolates after it. A step a family makes on the way (the
    'way_steps' hook) now makes the way one: Load Video -> Scale 0.5 -> SeedVR2 Upscale -> Save Video."""
    doc = {
        "24": {"class_type": "VHS_LoadVideo", "inputs": {"video": "night.mp4", "force_rate": 0, "custom_width": 0,
                                                         "custom_height": 0, "frame_load_cap": 0,
                                                         "skip_first_frames": 0, "select_every_nth": 1}},
        "17": {"class_type": "ImageScaleBy", "inputs": {"image": ["24", 0], "upscale_method": "lanczos",
                                                        "scale_by": 0.5}},
        "16": {"class_type": "SeedVR2LoadDiTModel", "inputs": {"model": "seedvr2_ema_3b_fp16.safetensors",
                                                               "device": "cuda:0"}},
        "15": {"class_type": "SeedVR2LoadVAEModel", "inputs": {"model": "ema_vae_fp16.safetensors",
                                                               "device": "cuda:0"}},
        "18": {"class_type": "SeedVR2VideoUpscaler", "inputs": {"image": ["17", 0], "dit": ["16", 0], "vae": ["15", 0],
                                                                "seed": 9527, "resolution": 1080,
                                                                "max_resolution": 1920, "batch_size": 1,
                                                                "color_correction": "wavelet"}},
        "27": {"class_type": "VHS_VideoInfo", "inputs": {"video_info": ["24", 3]}},
        "26": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["18", 0], "audio": ["24", 2],
                                                            "frame_rate": ["27", 0], "loop_count": 0,
                                                            "filename_prefix": "Upscaled", "format": "video/h264-mp4",
                                                            "pingpong": False, "save_output": True}}}
    conv = convert(doc, "upscale.json")
    types = {n.type_id: n for n in conv.graph.nodes.values()}
    assert "finishing.seedvr2" in types, _said(conv)
    up = types["finishing.seedvr2"]
    assert (up.params["short_edge"], up.params["max_edge"], up.params["seed"]) == (1080, 1920, 9527)
    src = {e.dst: e.src for e in conv.graph.links}
    assert conv.graph.nodes[src[up.id]].params.get("scale") == 0.5  # ImageScaleBy as Studio's Scale before it
    save = next(n for n in conv.graph.nodes.values() if n.type_id == "io.save_video")
    assert src[save.id] == up.id
    assert "Studio cannot convert 'SeedVR2VideoUpscaler'" not in _said(conv)

"""Mechanisms a twenty-fourth held-out set (benchmarks/results/heldout24_2026-11-29.md: LTX-2.3 and Wan 2.2 workflows as
the issue's outside tester tried them - workers' API files, a RunPod request, packs' examples) showed, each on a small
hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said
from tests.convert.test_comfy_unread_maker import _doc
from tests.convert.workflow_shapes import wan_t2v_combined


def _combined(audio: bool) -> dict:
    """Wan 2.1 text to video written by a Video Combine whose trim_to_audio is on, given a sound or none."""
    doc = wan_t2v_combined(trim_to_audio=True)
    if audio:
        doc["10"] = {"class_type": "LoadAudio", "inputs": {"audio": "waves.wav"}}
        doc["9"]["inputs"]["audio"] = ["10", 0]
    return doc


def test_trim_to_audio_is_said_only_where_the_combine_is_given_a_sound():
    """lucasgarbinatto's wrapper API files (06, 07): "trim_to_audio not applied: Studio's Save Video writes the frames
    once, in order, with the whole sound" of a Video Combine given no sound (nothing to cut to: false)."""
    silent = _said(convert(_combined(False), "silent.json"))
    assert "trim_to_audio" not in silent
    voiced = _said(convert(_combined(True), "voiced.json"))
    assert "'VHS_VideoCombine' (#9)'s trim_to_audio not applied: Studio's Save Video writes the frames once" in voiced


def test_settings_under_names_a_node_does_not_declare_are_said_and_not_called_made_when_it_runs():
    """ercearts-dotcom's RunPod request (13): every setting written as 'value', 'text' or 'filename'. Its seed, steps
    and guidance were said to be "made by ComfyUI's 'RandomNoise' ... when the workflow runs" (they are written in the
    file, under names the nodes do not declare: ComfyUI refuses it), its sigmas line was "sigmas: sigmas", and its
    LoadAudio's file was lost without a word."""
    doc = _doc()
    doc["8"] = {"class_type": "RandomNoise", "inputs": {"value": 927829336316669}}
    doc["10"] = {"class_type": "ManualSigmas", "inputs": {"filename": "1.0, 0.725, 0.42, 0.0"}}
    said = _said(convert(doc, "request.json"))
    assert ("'RandomNoise' (RandomNoise, #8) is given 'value', which RandomNoise does not declare, and not its own "
            "'noise_seed': ComfyUI refuses the workflow as saved") in said
    assert "'ManualSigmas' (ManualSigmas, #10) is given 'filename'" in said
    assert "the first pass's seed is not read: ComfyUI's 'RandomNoise' (RandomNoise, #8) is not given its own" in said
    assert "made by ComfyUI's 'RandomNoise'" not in said and "made by ComfyUI's 'ManualSigmas'" not in said
    assert "sigmas: sigmas" not in said and "not all numbers" not in said
    whole = _said(convert(_doc(), "whole.json"))  # every setting under its own name: nothing of the kind
    assert "does not declare" not in whole


def test_a_loader_given_its_file_under_another_name_is_said():
    """13's LoadAudio {'filename': ...}: Studio's Load Audio was made with an empty path and nothing said; a node
    given an input ComfyUI ignores but lacking nothing it requires is never told."""
    doc = _combined(True)
    doc["10"] = {"class_type": "LoadAudio", "inputs": {"filename": "waves.wav"}}
    said = _said(convert(doc, "voice.json"))
    assert "'LoadAudio' (LoadAudio, #10) is given 'filename', which LoadAudio does not declare, and not its own " \
           "'audio'" in said
    extra = _combined(True)
    extra["10"]["inputs"]["upload"] = "audio"  # an extra name beside its own 'audio': ComfyUI ignores it
    assert "does not declare" not in _said(convert(extra, "extra.json"))


def test_one_context_options_node_given_to_both_experts_is_said_once_naming_itself():
    """lucasgarbinatto's wrapper API files (06, 07): one WanVideoContextOptions wired to the high and the low sampler
    was said twice, as "its context schedule 'static_standard' is made as Studio's 'uniform'" (naming no node)."""
    loader = {"base_precision": "bf16", "quantization": "fp8_e4m3fn", "load_device": "offload_device",
              "attention_mode": "sdpa"}
    sampler = {"steps": 8, "cfg": 1.0, "shift": 8.0, "force_offload": True, "scheduler": "unipc",
               "riflex_freq_index": 0, "image_embeds": ["6", 0], "text_embeds": ["5", 0], "context_options": ["7", 0]}
    doc = {
        "1": {"class_type": "WanVideoModelLoader", "inputs": {"model": "Wan2_2-T2V-A14B-HIGH_fp8_e4m3fn_scaled_KJ"
                                                                       ".safetensors", **loader}},
        "2": {"class_type": "WanVideoModelLoader", "inputs": {"model": "Wan2_2-T2V-A14B-LOW_fp8_e4m3fn_scaled_KJ"
                                                                       ".safetensors", **loader}},
        "3": {"class_type": "WanVideoVAELoader", "inputs": {"model_name": "Wan2_1_VAE_bf16.safetensors"}},
        "4": {"class_type": "LoadWanVideoT5TextEncoder", "inputs": {"model_name": "umt5-xxl-enc-bf16.safetensors",
                                                                    "precision": "bf16"}},
        "5": {"class_type": "WanVideoTextEncode", "inputs": {"positive_prompt": "a kite over dunes",
                                                             "negative_prompt": "blurry", "t5": ["4", 0]}},
        "6": {"class_type": "WanVideoEmptyEmbeds", "inputs": {"width": 832, "height": 480, "num_frames": 161}},
        "7": {"class_type": "WanVideoContextOptions", "inputs": {
            "context_schedule": "static_standard", "context_frames": 81, "context_stride": 4, "context_overlap": 16,
            "freenoise": True, "verbose": False, "fuse_method": "linear"}},
        "8": {"class_type": "WanVideoSampler", "inputs": {**sampler, "model": ["1", 0], "seed": 3, "start_step": 0,
                                                          "end_step": 4}},
        "9": {"class_type": "WanVideoSampler", "inputs": {**sampler, "model": ["2", 0], "seed": 3, "start_step": 4,
                                                          "end_step": -1, "samples": ["8", 0]}},
        "10": {"class_type": "WanVideoDecode", "inputs": {"vae": ["3", 0], "samples": ["9", 0],
                                                          "enable_vae_tiling": False}},
        "11": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["10", 0], "filename_prefix": "kite",
                                                            "fps": 16, "lossless": False, "quality": 90,
                                                            "method": "default"}},
    }
    said = "\n".join(convert(doc, "kite.json").log)
    line = "'WanVideoContextOptions' (WanVideoContextOptions, #7)'s context schedule 'static_standard' is not " \
           "taken: Studio lays its context windows out 'uniform'"  # (heldout71's wording, true of a held task too)
    assert said.count(line) == 1 and "its context schedule" not in said
    assert said.count("context_stride 4, freenoise True, fuse_method 'linear': not taken") == 1


def test_a_refining_passs_own_sampler_is_said_where_it_is_not_plain_euler():
    """Shudh25's LTX-2 template API (09): the x2 refine's euler_ancestral was not named (heldout20's euler_cfg_pp
    neither); LTX-2 Latent Upscale's refine steps with plain flow-matching Euler. Each refining pass, by its node."""
    from tests.convert.test_comfy_ltx2_three_stages import _three_stages
    doc = _three_stages()
    plain = "\n".join(n["text"] for n in convert(doc, "triple.json").graph.ui.get("notes", []))
    assert "refining pass" not in plain  # every pass 'euler': nothing to say
    doc["ks"]["inputs"]["sampler_name"] = "euler_ancestral"
    text = "\n".join(n["text"] for n in convert(doc, "triple.json").graph.ui.get("notes", []))
    for k in ("s2", "s3"):
        assert (f"the refining pass 'SamplerCustomAdvanced' (#{k})'s sampler 'euler_ancestral' is not taken: LTX-2 "
                "Latent Upscale's refine steps its sigmas with plain flow-matching Euler") in text


def test_a_pack_maker_given_several_pictures_is_said_made_from_them_all():
    """Granddyser's video extender (14): a node given eight loop pictures was said to make "a video ... from an
    image"; the held task counts the loaders of each kind on its way."""
    from tests.convert.test_comfy_pack_makers import PACK, _ui
    combine = {"frame_rate": 16, "loop_count": 0, "filename_prefix": "story", "format": "video/h264-mp4"}
    doc = _ui([
        (1, "LoadImage", [], ["IMAGE", "MASK"], ["shot1.png", "image"], {"cnr_id": "comfy-core"}),
        (2, "LoadImage", [], ["IMAGE", "MASK"], ["shot2.png", "image"], {"cnr_id": "comfy-core"}),
        (3, "LoadImage", [], ["IMAGE", "MASK"], ["shot3.png", "image"], {"cnr_id": "comfy-core"}),
        (4, "Story_Extender", [("pipe", "STORY_PIPE"), ("image_loop_1", "IMAGE"), ("image_loop_2", "IMAGE"),
                               ("image_loop_3", "IMAGE")], ["IMAGE"], [81, 16], PACK),
        (5, "VHS_VideoCombine", [("images", "IMAGE")], ["VHS_FILENAMES"], combine,
         {"cnr_id": "comfyui-videohelpersuite"}),
        (6, "Story_LoadModel", [], ["STORY_PIPE"], ["v2"], PACK),
    ], [(6, 0, 4, "pipe"), (1, 0, 4, "image_loop_1"), (2, 0, 4, "image_loop_2"), (3, 0, 4, "image_loop_3"),
        (4, 0, 5, "images")])
    conv = convert(doc, "story.json")
    assert conv.tasks[0]["task"] == "a video ('VHS_VideoCombine', #5) from 3 images"
    assert conv.log[0].startswith("This workflow makes a video ('VHS_VideoCombine', #5) from 3 images with the node "
                                  "pack 'someone/ComfyUI_TalkPack'")


def test_a_rate_the_model_is_told_from_a_clip_when_the_workflow_runs_is_said_with_the_one_studio_tells():
    """GandalfOnDMT's HDR band (01): LTXVConditioning's frame_rate is the loaded clip's (GetVideoComponents) while
    CreateVideo writes 30; Studio's generator tells the model 30, and nothing said so."""
    from tests.convert.test_comfy_ltx2_three_stages import _three_stages
    doc = _three_stages()
    doc["fr"] = {"class_type": "SomePackClipRate", "inputs": {"clip_path": "beach.mp4"}}  # (a rate known when it runs)
    doc["c"]["inputs"]["frame_rate"] = ["fr", 0]
    doc["cv"]["inputs"]["fps"] = 30
    said = "\n".join(convert(doc, "hdr.json").log)
    assert ("'LTXVConditioning' (LTXVConditioning, #c)'s frame_rate (the rate the model is told the clip has) is given "
            "by 'SomePackClipRate' (SomePackClipRate, #fr) when the workflow runs: not read; Studio's generator tells "
            "the model 30, the video's ('CreateVideo', #cv)") in said
    assert "the rate the model is told" not in "\n".join(convert(_three_stages(), "plain.json").log)


def test_a_clip_given_the_sampler_only_as_its_rate_is_no_lost_input():
    """A clip's rate (GetVideoComponents' fps) wired alone into LTXVConditioning's frame_rate held the pipeline as "a
    video from video given to the sampler by LTXVConditioning" (seen testing 01's HDR band): a number gives the take
    no picture; the take is made, its rate said."""
    from tests.convert.test_comfy_ltx2_three_stages import _three_stages
    doc = _three_stages()
    doc["lv"] = {"class_type": "LoadVideo", "inputs": {"file": "beach.mp4"}}
    doc["gc"] = {"class_type": "GetVideoComponents", "inputs": {"video": ["lv", 0]}}
    doc["c"]["inputs"]["frame_rate"] = ["gc", 2]
    doc["cv"]["inputs"]["fps"] = 30
    conv = convert(doc, "rate.json")
    assert conv.tasks[0]["generator"] == "video_models.ltx2"
    said = "\n".join(conv.log)
    assert "given to the sampler by" not in said
    assert "is given by 'GetVideoComponents' (GetVideoComponents, #gc) when the workflow runs: not read" in said
    doc["c"]["inputs"]["positive"] = ["p", 0]  # the clip's frames into a conditioning: still a lost picture
    doc["ic"] = {"class_type": "LTXVAddGuide", "inputs": {"positive": ["c", 0], "negative": ["c", 1], "vae": ["ck", 2],
                                                          "latent": ["av", 0], "image": ["gc", 0], "frame_idx": 0,
                                                          "strength": 1.0}}
    doc["g"]["inputs"]["positive"], doc["g"]["inputs"]["negative"] = ["ic", 0], ["ic", 1]
    assert convert(doc, "guide.json").tasks[0]["task"] != "text to video"

"""Mechanisms a sixth held-out set (benchmarks/results/heldout6_2026-11-29.md) showed, each on a small hand-written
workflow: a pose estimator's own part switches (DWPose's detect_hand / detect_body / detect_face) carried to Studio's
Draw Pose, a drawing without bodies said; FramePack's TeaCache said where it is on; the wrapper's image-encode and
context-window settings said; a measuring node's size of a fixed resize read; the not-converted note's first words
true of every node it lists; a node wired at inputs its type grows never said to make pictures from settings alone."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_framepack_wrapper import _workflow as _framepack
from tests.convert.test_comfy_wrappers import _nodes


def _fun_control(switches: dict) -> dict:
    """Wan 2.1 Fun Control (API JSON) whose control clip is drawn by DWPose with ``switches``."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_fun_control_1.3B_bf16.safetensors",
                                                     "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                     "type": "wan", "device": "default"}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a dancer on a stage", "clip": ["2", 0]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "5": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "6": {"class_type": "VHS_LoadVideo", "inputs": {"video": "dance.mp4"}},
        "7": {"class_type": "DWPreprocessor", "inputs": {**switches, "resolution": 512, "image": ["6", 0],
                                                         "bbox_detector": "yolox_l.onnx",
                                                         "pose_estimator": "dw-ll_ucoco_384_bs5.torchscript.pt"}},
        "8": {"class_type": "WanFunControlToVideo", "inputs": {"width": 480, "height": 320, "length": 33,
                                                               "batch_size": 1, "positive": ["3", 0],
                                                               "negative": ["4", 0], "vae": ["5", 0],
                                                               "control_video": ["7", 0]}},
        "9": {"class_type": "KSampler", "inputs": {"seed": 3, "steps": 20, "cfg": 5.0, "sampler_name": "uni_pc",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                   "positive": ["8", 0], "negative": ["8", 1],
                                                   "latent_image": ["8", 2]}},
        "10": {"class_type": "VAEDecode", "inputs": {"samples": ["9", 0], "vae": ["5", 0]}},
        "11": {"class_type": "VHS_VideoCombine", "inputs": {"frame_rate": 16, "filename_prefix": "fun",
                                                            "images": ["10", 0]}}}


@pytest.mark.parametrize("switches, drawn, said", [
    ({"detect_hand": "enable", "detect_body": "enable", "detect_face": "disable"}, (True, False), None),
    ({"detect_hand": "disable", "detect_body": "disable", "detect_face": "enable"}, (False, True),
     "'DWPreprocessor' (DWPreprocessor, #7) draws no bodies (detect_body disable, only the face): Studio's Draw Pose "
     "draws the bodies too"),
    ({"detect_hand": "enable", "detect_body": "enable", "detect_face": "enable"}, (True, True), None),
])
def test_a_pose_steps_part_switches_reach_draw_pose(switches, drawn, said):
    """Had been Draw Pose with hands and face whatever the estimator drew (Wan Animate's template draws its face
    clip with the face alone and its pose clip without the face), said nowhere."""
    conv = convert(_fun_control(switches), "dwpose")
    assert conv.graph.validate() == []
    draw = _nodes(conv, "preprocess.draw_pose")
    assert [(d.params["hands"], d.params["face"]) for d in draw] == [drawn]
    log = "\n".join(conv.log)
    assert (said in log) if said else "draws no bodies" not in log


def _wrapper(set_swap: bool) -> dict:
    doc = {"1": {"class_type": "WanVideoModelLoader", "inputs": {"model": "wan.safetensors"}},
           "2": {"class_type": "LoadWanVideoT5TextEncoder", "inputs": {"model_name": "umt5.safetensors"}},
           "3": {"class_type": "WanVideoTextEncode", "inputs": {"positive_prompt": "a fox", "negative_prompt": "",
                                                                "t5": ["2", 0]}},
           "4": {"class_type": "WanVideoEmptyEmbeds", "inputs": {"width": 480, "height": 272, "num_frames": 33}},
           "5": {"class_type": "WanVideoSampler", "inputs": {"model": ["14", 0], "text_embeds": ["3", 0], "steps": 4,
                                                             "image_embeds": ["4", 0]}},
           "6": {"class_type": "WanVideoVAELoader", "inputs": {"model_name": "wan_vae.safetensors"}},
           "7": {"class_type": "WanVideoDecode", "inputs": {"vae": ["6", 0], "samples": ["5", 0]}},
           "8": {"class_type": "SaveVideo", "inputs": {"video": ["7", 0], "filename_prefix": "x"}},
           "12": {"class_type": "WanVideoBlockSwap", "inputs": {"blocks_to_swap": 20}},
           "14": {"class_type": "WanVideoSetBlockSwap", "inputs": {"model": ["1", 0], "block_swap_args": ["12", 0]}}}
    if not set_swap:  # the same node given no block swap: nothing says it sets the machine
        del doc["14"]["inputs"]["block_swap_args"]
    return doc


def test_framepacks_teacache_is_said_where_it_is_on():
    """FramePackSampler's use_teacache and its threshold had been read and dropped unsaid."""
    log = "\n".join(convert(_framepack(), "framepack").log)
    assert ("samples with TeaCache (use_teacache, teacache_rel_l1_thresh 0.15), which reuses work between steps to go "
            "faster and changes the video a little: not applied") in log
    doc = _framepack()
    sampler = next(n for n in doc["nodes"] if n["type"] == "FramePackSampler")
    sampler["widgets_values"][1] = False  # TeaCache off: nothing to say
    assert "TeaCache" not in "\n".join(convert(doc, "framepack").log)


def _talk(encode: dict) -> dict:
    """InfiniteTalk through the wrapper (API JSON), its CLIP vision encode given ``encode``'s settings and links."""
    return {
        "1": {"class_type": "WanVideoVAELoader", "inputs": {"model_name": "Wan2_1_VAE_bf16.safetensors"}},
        "2": {"class_type": "WanVideoTextEncodeCached", "inputs": {"model_name": "umt5-xxl-enc-bf16.safetensors",
                                                                  "positive_prompt": "a person talking",
                                                                  "negative_prompt": "blurry"}},
        "3": {"class_type": "CLIPVisionLoader", "inputs": {"clip_name": "clip_vision_h.safetensors"}},
        "4": {"class_type": "Wav2VecModelLoader", "inputs": {"model": "wav2vec2-chinese-base_fp16.safetensors"}},
        "5": {"class_type": "MultiTalkModelLoader", "inputs": {"model": "Wan2_1-InfiniteTalk_Single_Q8.gguf"}},
        "6": {"class_type": "LoadAudio", "inputs": {"audio": "voice.wav"}},
        "7": {"class_type": "LoadImage", "inputs": {"image": "face.png"}},
        "8": {"class_type": "MultiTalkWav2VecEmbeds", "inputs": {"wav2vec_model": ["4", 0], "audio_1": ["6", 0],
                                                                 "num_frames": 81, "fps": 25.0}},
        "9": {"class_type": "WanVideoClipVisionEncode", "inputs": {"clip_vision": ["3", 0], "image_1": ["7", 0],
                                                                   **encode}},
        "10": {"class_type": "WanVideoImageToVideoMultiTalk", "inputs": {
            "vae": ["1", 0], "start_image": ["7", 0], "width": 480, "height": 832, "frame_window_size": 81,
            "motion_frame": 9, "clip_embeds": ["9", 0], "mode": "infinitetalk"}},
        "13": {"class_type": "WanVideoModelLoader", "inputs": {"model": "wan2.1-i2v-14b-480p-Q8_0.gguf",
                                                               "multitalk_model": ["5", 0]}},
        "14": {"class_type": "WanVideoSampler", "inputs": {"model": ["13", 0], "text_embeds": ["2", 0],
                                                           "image_embeds": ["10", 0], "multitalk_embeds": ["8", 0],
                                                           "steps": 4, "cfg": 1.0, "shift": 11.0, "seed": 2,
                                                           "scheduler": "unipc"}},
        "15": {"class_type": "WanVideoDecode", "inputs": {"vae": ["1", 0], "samples": ["14", 0]}},
        "16": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["15", 0], "audio": ["6", 0], "frame_rate": 25,
                                                            "filename_prefix": "talk"}},
        "17": {"class_type": "LoadImage", "inputs": {"image": "face_crop.png"}}}


@pytest.mark.parametrize("encode, said", [
    ({"strength_1": 0.8, "strength_2": 1.0, "combine_embeds": "average", "tiles": 0, "ratio": 0.5},
     "'WanVideoClipVisionEncode' (WanVideoClipVisionEncode, #9)'s strength_1 0.8: not applied"),
    ({"strength_1": 1.0, "strength_2": 1.0, "combine_embeds": "concat", "tiles": 4, "ratio": 0.5,
      "image_2": ["17", 0]},
     "'WanVideoClipVisionEncode' (WanVideoClipVisionEncode, #9)'s image_2 (a second picture from 'LoadImage' "
     "(LoadImage, #17), 'face_crop.png', combined by 'concat'), tiles 4 (ratio 0.5): not applied"),
    ({"strength_1": 1.0, "strength_2": 1.0, "combine_embeds": "average", "tiles": 0, "ratio": 0.5}, None),
])
def test_the_wrappers_image_encode_settings_beyond_its_picture_are_said(encode, said):
    """WanVideoClipVisionEncode had been read for its first picture and crop alone: a strength, a second picture and
    tiles were dropped unsaid."""
    conv = convert(_talk(encode), "talk")
    assert [t["generator"] for t in conv.tasks] == ["video_models.infinitetalk"]
    log = "\n".join(conv.log)
    assert (said in log) if said else "WanVideoClipVisionEncode, #9)'s" not in log


def test_a_part_loader_and_a_constant_not_converted_are_not_said_to_have_no_studio_node():
    """A VAE loader and an INTConstant whose readers are not converted had been listed under 'Studio has no node
    doing what they do' (only a file's loaders and saves were told apart)."""
    from studio.convert.mapping.dropped_kinds import kind, words
    from studio.convert.reading.workflow import CNode
    vae, clip_vision, const, other = (CNode("1", "VAELoader"), CNode("2", "CLIPVisionLoader"),
                                      CNode("3", "INTConstant"), CNode("4", "WanVideoBlockSwap"))
    assert [kind(n) for n in (vae, clip_vision, const, other)] == ["loaders", "loaders", "constants", None]
    assert words([vae, other]) == (1, "loaders") and words([const, other]) == (1, "constants")
    assert words([vae, const, CNode("5", "SaveVideo")]) == (3, "loaders, constants and saves")
    conv = convert({"1": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
                    "2": {"class_type": "SomeCloudImageToVideo", "inputs": {"image": ["1", 0], "prompt": "a fox"}},
                    "3": {"class_type": "SaveVideo", "inputs": {"video": ["2", 0], "filename_prefix": "v"}}}, "cloud")
    notes = "\n".join(n["text"] for n in conv.graph.ui["notes"])  # the words for a file's loader and a save kept
    assert "ComfyUI nodes not converted (2): loaders and saves, which Studio has nodes for" in notes


def test_context_options_not_taken_are_said_and_named_by_their_own_node():
    """WanVideoContextOptions' stride, freenoise and fuse method had been dropped unsaid, and a window setting Studio
    could not take said as read from the sampler (the sampler carries them)."""
    doc = _wrapper(True)
    doc["15"] = {"class_type": "WanVideoContextOptions", "inputs": {
        "context_schedule": "uniform_standard", "context_frames": 81, "context_stride": 4, "context_overlap": 500,
        "freenoise": True, "verbose": False, "fuse_method": "pyramid"}}
    doc["5"]["inputs"]["context_options"] = ["15", 0]
    log = "\n".join(convert(doc, "context").log)
    assert ("'WanVideoContextOptions' (WanVideoContextOptions, #15)'s context_stride 4, freenoise True, fuse_method "
            "'pyramid': not taken") in log
    assert "'overlap' 500 not taken" in log and "(from 'WanVideoContextOptions' #15)" in log
    assert "(from 'WanVideoSampler' #5)" not in log


def test_a_measuring_node_after_a_fixed_resize_gives_that_size():
    """GetImageSizeAndCount (KJNodes: the picture passed on, its width, height and count) of a KJ resize to 960x1024
    had been 'whose value Studio cannot work out': the take was made at the size the file saved (832x480) though its
    start image was scaled to 960x1024."""
    doc = _talk({"strength_1": 1.0, "strength_2": 1.0, "combine_embeds": "average", "tiles": 0, "ratio": 0.5})
    doc["20"] = {"class_type": "ImageResizeKJv2", "inputs": {
        "image": ["7", 0], "width": 960, "height": 1024, "upscale_method": "lanczos", "keep_proportion": "crop",
        "pad_color": "0, 0, 0", "crop_position": "center", "divisible_by": 16, "device": "cpu"}}
    doc["21"] = {"class_type": "GetImageSizeAndCount", "inputs": {"image": ["20", 0]}}
    doc["10"]["inputs"].update(start_image=["21", 0], width=["21", 1], height=["21", 2])
    conv = convert(doc, "talk")
    gen = _nodes(conv, "video_models.infinitetalk")[0]
    assert (gen.params["width"], gen.params["height"]) == (960, 1024)
    assert "cannot work out" not in "\n".join(conv.log)


def test_the_not_converted_note_never_says_studio_has_no_node_for_what_it_reads_elsewhere():
    """The note had said 'Studio has no node doing what they do' of every node listed: of a keyframe's prompt
    (CLIPTextEncode), an extension's WanAnimateToVideo or a held task's loaders too, which Studio has nodes for; it
    now says such a node is one none of its rules reads where it is."""
    from studio.convert.mapping.convert import NONE_READS
    doc = _talk({"strength_1": 1.0, "strength_2": 1.0, "combine_embeds": "average", "tiles": 0, "ratio": 0.5})
    doc["12"] = {"class_type": "WanVideoBlockSwap", "inputs": {"blocks_to_swap": 20}}
    doc["13"]["inputs"]["block_swap_args"] = ["12", 0]
    conv = convert(doc, "talk")
    notes = "\n".join(n["text"] for n in conv.graph.ui["notes"])
    assert conv.dropped == ["12"]
    assert f"ComfyUI nodes not converted (1): {NONE_READS}. Their settings" in notes


def test_a_node_wired_at_inputs_its_type_grows_is_not_made_from_settings_alone():
    """Core's BatchImagesNode (its inputs grown as 'images.image0', 'images.image1'...: not in its declared list)
    batching a loaded clip's frames before the take had been said to make the save's pictures 'from its settings
    alone'."""
    from tests.convert.test_comfy_outputs import _wan
    conv = convert(_wan(**{
        "30": {"class_type": "LoadImage", "inputs": {"image": "before.png"}},
        "31": {"class_type": "BatchImagesNode", "inputs": {"images.image0": ["30", 0], "images.image1": ["10", 0]}},
        "32": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["31", 0]}},
        "33": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "joined", "format": "auto", "codec": "auto",
                                                     "video": ["32", 0]}}}), "batched")
    assert "from its settings alone" not in "\n".join(conv.log)


def test_a_prompt_node_whose_text_names_no_lora_passes_its_model_on():
    """Impact's ImpactWildcardEncode (a model and a text encoder in; them, a conditioning and its text out) whose
    text holds no LoRA tag had been said to be 'a model patch ... not applied' and its prompt not read."""
    from tests.convert.test_comfy_outputs import _wan
    doc = _wan(**{
        "40": {"class_type": "ImpactWildcardEncode", "inputs": {
            "model": ["4", 0], "clip": ["2", 0], "wildcard_text": "a fox running in snow",
            "populated_text": "a fox running in snow", "mode": "populate",
            "Select to add LoRA": "Select the LoRA to add to the text",
            "Select to add Wildcard": "Select the Wildcard to add to the text", "seed": 1}},
        "20": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["10", 0]}},
        "21": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "fox", "format": "auto", "codec": "auto",
                                                     "video": ["20", 0]}}})
    doc["5"]["inputs"]["model"] = ["40", 0]
    doc["9"]["inputs"]["positive"] = ["40", 2]
    conv = convert(doc, "wildcard")
    log = "\n".join(conv.log)
    assert "a model patch" not in log
    assert "its text holds no wildcard and no LoRA tag, so it is read as the prompt 'a fox running in snow'" in log
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert gen.params["prompt"] == "a fox running in snow"

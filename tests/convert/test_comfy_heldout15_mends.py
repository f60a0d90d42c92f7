"""Mechanisms a fifteenth held-out set (benchmarks/results/heldout15_2026-11-29.md: video-to-video, editing and
finishing graphs) showed, each on a small hand-written workflow with invented pack node names where the rule is by
types: a step before a held task's save said to send its pictures 'there instead' where nothing is made."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said
from tests.convert.ui_files import ui as _ui


VHS_LOAD = (1, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"],
            {"video": "talk.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
             "skip_first_frames": 0, "select_every_nth": 1, "format": "None"})


def test_a_step_before_a_held_save_sends_nothing_there_instead():
    """An invented lip-sync node (no pack declares it) makes a held task's frames from a clip and a sound; an invented
    face fixer between it and the Video Combine is not applied, and as the Video Combine is not made (the task is
    held), nothing is said to go there instead."""
    wf = _ui([VHS_LOAD,
              (2, "LoadAudio", [], ["AUDIO"], ["voice.wav", None, ""]),
              (3, "InventedLipSync", [("images", "IMAGE"), ("audio", "AUDIO")], ["IMAGE", "AUDIO"], ["sequential", 8]),
              (4, "InventedFaceFix", [("image", "IMAGE")], ["IMAGE"], ["gfpgan.pth", 0.5]),
              (5, "VHS_VideoCombine", [("images", "IMAGE"), ("audio", "AUDIO")], [],
               {"frame_rate": 25, "loop_count": 0, "filename_prefix": "sync", "format": "video/h264-mp4",
                "pingpong": False, "save_output": True})],
             [(1, 0, 3, "images"), (2, 0, 3, "audio"), (3, 0, 4, "image"), (4, 0, 5, "images"), (2, 0, 5, "audio")])
    said = _said(convert(wf, "sync.json"))
    assert "with no generator" in said  # (held: the clip and the sound kept, no generator)
    fix = next(x for x in said.splitlines() if "(InventedFaceFix, #4)" in x)
    assert "not applied" in fix and "instead" not in fix


def _vsr() -> dict:
    """An invented video super-resolution on ComfyUI's own sampling (as FlashVSR's): a clip x2, an invented
    preparer making the latent, an invented loader making the model from its settings, an invented patch on it."""
    return _ui([(1, "LoadVideo", [], ["VIDEO"], ["clip.mp4", "image"]),
                (2, "GetVideoComponents", [("video", "VIDEO")], ["IMAGE", "AUDIO", "FLOAT"], []),
                (3, "ImageScaleBy", [("image", "IMAGE")], ["IMAGE"], ["bicubic", 2]),
                (4, "InventedPrepare", [("images", "IMAGE")], ["VSR_VIDEO", "LATENT"], []),
                (5, "InventedVSRLoader", [], ["MODEL"], ["vsr-int8.safetensors"]),
                (6, "InventedVSRPatch", [("model", "MODEL")], ["MODEL"], [1]),
                (7, "InventedPromptLoader", [], ["CONDITIONING"], ["prompt.safetensors"]),
                (8, "BasicGuider", [("model", "MODEL"), ("conditioning", "CONDITIONING")], ["GUIDER"], []),
                (9, "RandomNoise", [], ["NOISE"], [7, "fixed"]),
                (10, "KSamplerSelect", [], ["SAMPLER"], ["euler"]),
                (11, "BasicScheduler", [("model", "MODEL")], ["SIGMAS"], ["simple", 2, 1]),
                (12, "SamplerCustomAdvanced", [("noise", "NOISE"), ("guider", "GUIDER"), ("sampler", "SAMPLER"),
                                               ("sigmas", "SIGMAS"), ("latent_image", "LATENT")], ["LATENT", "LATENT"], []),
                (13, "InventedDecode", [("samples", "LATENT")], ["IMAGE"], []),
                (14, "CreateVideo", [("images", "IMAGE")], ["VIDEO"], [30]),
                (15, "SaveVideo", [("video", "VIDEO")], [], ["video/vsr", "auto", "auto"])],
               [(1, 0, 2, "video"), (2, 0, 3, "image"), (3, 0, 4, "images"), (5, 0, 6, "model"), (6, 0, 8, "model"),
                (7, 0, 8, "conditioning"), (6, 0, 11, "model"), (9, 0, 12, "noise"), (8, 0, 12, "guider"),
                (10, 0, 12, "sampler"), (11, 0, 12, "sigmas"), (4, 1, 12, "latent_image"), (12, 0, 13, "samples"),
                (13, 0, 14, "images"), (14, 0, 15, "video")])


def test_a_held_task_with_no_model_loader_says_no_model_is_loaded_and_names_its_maker():
    """The task is held with no Load Video Model (its model made by a node Studio does not read as a loader): the
    patch on the model's way is said not applied with no model loaded (never 'Studio loads the model without it'),
    the node making the model is named with its file, and the x2 ImageScaleBy before the preparer (an image step
    folded into nothing Studio makes) is said, not counted as read in silence."""
    conv = convert(_vsr(), "vsr.json")
    said = _said(conv)
    assert "with no generator" in said and not [n for n in conv.graph.nodes.values()
                                                if n.type_id == "video_models.load"]
    patch = next(x for x in said.splitlines() if "(InventedVSRPatch, #6" in x)
    assert "no model is loaded either" in patch and "Studio loads the model without it" not in patch
    assert any("(InventedVSRLoader, #5)" in x and "vsr-int8.safetensors" in x for x in said.splitlines())
    assert any("(ImageScaleBy, #3)" in x and "not applied" in x for x in said.splitlines())


def test_a_core_chains_video_combine_given_no_sound_and_only_previewing_is_written_so_and_said():
    """Load Video -> ImageScaleBy -> a Video Combine given no 'audio' with save_output off (a preview): the chain is
    made node for node, the loaded clip's sound is not written (Replace Audio with no sound before Save Video, said)
    and the preview written into out/ is said - as a generator's save says both."""
    wf = _ui([VHS_LOAD, (2, "ImageScaleBy", [("image", "IMAGE")], ["IMAGE"], ["nearest-exact", 0.5]),
              (3, "VHS_VideoCombine", [("images", "IMAGE")], [],
               {"frame_rate": 12, "loop_count": 0, "filename_prefix": "half", "format": "video/h264-mp4",
                "pingpong": False, "save_output": False})],
             [(1, 0, 2, "image"), (2, 0, 3, "images")])
    conv = convert(wf, "half.json")
    said, types = _said(conv), [n.type_id for n in conv.graph.nodes.values()]
    assert types == ["io.load_video", "transform.scale", "edit.frame_rate", "edit.replace_audio", "io.save_video"]
    mute = next(k for k, n in conv.graph.nodes.items() if n.type_id == "edit.replace_audio")
    assert not any(l.dst == mute and l.dst_port == "audio" for l in conv.graph.links)  # (no sound given: none written)
    assert "is given no 'audio'" in said and "only previews its video in ComfyUI" in said


def test_a_loaders_values_of_an_older_pack_version_keep_its_file_and_say_the_rest():
    """An older VideoHelperSuite's Load Video saved its values as a list of 7 ('force_size' third), which fits no
    reading of the widgets its type declares today: the file is read by the declared types (named while each value
    fits its widget), never lost, and the values kept by place (every 2nd frame among them) are said not applied."""
    wf = _ui([(1, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO"], ["lobby.mp4", 0, "Disabled", 0, 0, 2, "video"]),
              (2, "VHS_VideoCombine", [("images", "IMAGE"), ("audio", "AUDIO")], [],
               [15, 0, "RVM", "video/h264-mp4", False, True])],
             [(1, 0, 2, "images"), (1, 2, 2, "audio")])
    conv = convert(wf, "old.json")
    assert [n.params["path"] for n in conv.graph.nodes.values() if n.type_id == "io.load_video"] == ["lobby.mp4"]
    line = next(x for x in _said(conv).splitlines() if "(VHS_LoadVideo, #1) loads 'lobby.mp4'" in x)
    assert "another version of its pack" in line and "#5 2" in line and "not applied" in line


def test_a_second_expert_continuing_a_take_is_not_said_to_denoise_a_clip():
    """The wrapper's second WanVideoSampler continues the first's samples from a start step Studio cannot work out
    (a scheduler's): the step where it takes over that take is not known - never 'how far the sampler denoises its
    clip ... (set Video to Video's strength)' (no clip is encoded, no Video to Video is made)."""
    from tests.convert.test_comfy_heldout10_mends import _wrapper_i2v
    wf = _wrapper_i2v({
        "71": ("WanVideoModelLoader", {"model": "wan2.2_i2v_low.safetensors", "base_precision": "bf16",
                                       "quantization": "disabled", "load_device": "offload_device"}),
        "131": ("WanVideoSigmaToStep", {"sigma": 0.9}),
        "133": ("WanVideoScheduler", {"scheduler": "unipc", "steps": 6, "shift": 8, "start_step": ["131", 0],
                                      "end_step": -1}),
        "90": ("WanVideoSampler", {"steps": 6, "cfg": 1, "shift": 8, "seed": 4, "scheduler": "unipc",
                                   "denoise_strength": 1, "start_step": ["133", 4], "end_step": -1,
                                   "model": ["71", 0], "image_embeds": ["89", 0], "text_embeds": ["16", 0],
                                   "samples": ["27", 0]}),
    })
    wf["28"]["inputs"]["samples"] = ["90", 0]
    said = _said(convert(wf, "experts.json"))
    line = next(x for x in said.splitlines() if "(#90)'s start_step comes from" in x)
    assert "where it takes over the take of 'WanVideoSampler' (#27) is not known" in line
    assert "Video to Video" not in line and "denoises its clip" not in line


def test_a_lora_strength_that_is_no_number_is_said():
    """A LoRA's strength wired from a per-step list (KJNodes' StringToFloatList '0, 0, 3, 3'): the LoRA is loaded at
    1.0 and that is said, naming the list (it was taken as 1.0 in silence)."""
    from tests.convert.test_comfy_heldout12_mends import _wan_i2v
    wf = _wan_i2v(["20", 0], {"20": ("LoraLoaderModelOnly", {"lora_name": "lightx2v.safetensors",
                                                            "strength_model": ["21", 0], "model": ["1", 0]}),
                              "21": ("StringToFloatList", {"string": "0, 0, 3, 3"})})
    conv = convert(wf, "list.json")
    assert [(n.params["lora"], n.params["strength"]) for n in conv.graph.nodes.values()
            if n.type_id == "video_models.lora"] == [("lightx2v.safetensors", 1.0)]
    assert "strength is '0, 0, 3, 3' (from 'StringToFloatList' (StringToFloatList, #21)), not one number: Studio's " \
           "Video LoRA applies it at 1.0" in _said(conv)  # (heldout14's sentence, merged)


def test_a_video_an_unknown_node_makes_from_a_clip_and_the_samplers_picture_is_said_made_by_it():
    """As blob8's motion transfer: an SDXL sampler makes a picture from the loaded clip's frame (a ControlNet on it),
    and an invented warp (no pack declares it) makes the saved video from the clip and that picture. The held task is
    said made by the warp from the clip and what the sampler makes - never 'a video from video given to the sampler'."""
    wf = _ui([(13, "CheckpointLoaderSimple", [], ["MODEL", "CLIP", "VAE"], ["sdxl.safetensors"]),
              (2, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], [""]),
              (3, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], [""]),
              VHS_LOAD,
              (5, "ImageScaleToTotalPixels", [("image", "IMAGE")], ["IMAGE"], ["bicubic", 1]),
              (6, "VAEEncode", [("pixels", "IMAGE"), ("vae", "VAE")], ["LATENT"], []),
              (7, "ControlNetLoader", [], ["CONTROL_NET"], ["depth.safetensors"]),
              (8, "ControlNetApplyAdvanced", [("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                                              ("control_net", "CONTROL_NET"), ("image", "IMAGE")],
               ["CONDITIONING", "CONDITIONING"], [0.4, 0, 0.7]),
              (9, "KSamplerAdvanced", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                                       ("latent_image", "LATENT")], ["LATENT"],
               ["enable", 0, "fixed", 40, 7, "euler_ancestral", "normal", 0, 10000, "disable"]),
              (10, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
              (11, "InventedWarp", [("video_images", "IMAGE"), ("first_frame", "IMAGE")], ["IMAGE"], [0.15, 10]),
              (12, "VHS_VideoCombine", [("images", "IMAGE"), ("audio", "AUDIO")], [],
               {"frame_rate": 30, "loop_count": 0, "filename_prefix": "warp", "format": "video/h264-mp4",
                "pingpong": False, "save_output": True})],
             [(13, 1, 2, "clip"), (13, 1, 3, "clip"), (13, 0, 9, "model"), (13, 2, 6, "vae"), (13, 2, 10, "vae"),
              (1, 0, 5, "image"), (5, 0, 6, "pixels"), (7, 0, 8, "control_net"), (5, 0, 8, "image"),
              (2, 0, 8, "positive"), (3, 0, 8, "negative"), (8, 0, 9, "positive"), (8, 1, 9, "negative"),
              (6, 0, 9, "latent_image"), (9, 0, 10, "samples"), (1, 0, 11, "video_images"), (10, 0, 11, "first_frame"),
              (11, 0, 12, "images"), (1, 2, 12, "audio")])
    said = _said(convert(wf, "warp.json"))
    first = next(x for x in said.splitlines() if x.startswith("This workflow makes"))
    assert "and what its sampler makes, put together by 'InventedWarp' (InventedWarp, #11)" in first
    assert "given to the sampler by" not in first and "with no generator" in first

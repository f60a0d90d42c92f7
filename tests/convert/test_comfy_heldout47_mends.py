"""Mends from the forty-seventh held-out set (video workflows beyond LTX-2 / Wan 2.2: lip-sync, SeedVR2, Champ,
Veevee, owners f-l): each test builds a minimal workflow from node types, values and links (no fetched file) and
fails without its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said
from tests.convert.test_comfy_animatediff import _api as _animatediff
from tests.convert.test_comfy_heldout41_mends import _ui

LOAD = {"video": "dance.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
        "skip_first_frames": 0, "select_every_nth": 1}


def _preview(src: str, prefix: str) -> tuple:
    return ("VHS_VideoCombine", {"images": [src, 0], "frame_rate": 8, "loop_count": 0, "filename_prefix": prefix,
                                 "format": "image/webp", "pingpong": False, "save_output": False})


def test_a_mask_a_composite_places_its_pictures_with_is_not_the_way_its_preview_shows():
    """10 (Champ): DensePose pictures composited where a depth-made mask says were written as the depth map
    ("output 'VHS_VideoCombine' (#19): depth"), and the depth's own preview said "not made"; the depth clip written
    at the source's rate with its sound, unsaid."""
    conv = convert(api({"1": ("VHS_LoadVideo", LOAD),
                        "2": ("DepthAnythingPreprocessor", {"image": ["1", 0], "ckpt_name": "depth_anything_vitl14.pth",
                                                            "resolution": 512}),
                        "3": ("ImageColorToMask", {"image": ["2", 0], "color": 0}),
                        "4": ("DensePosePreprocessor", {"image": ["1", 0], "model": "densepose_r50_fpn_dl.torchscript",
                                                        "cmap": "Viridis (MagicAnimate)", "resolution": 512}),
                        "5": ("EmptyImage", {"width": 512, "height": 512, "batch_size": 1, "color": 0}),
                        "6": ("ImageCompositeMasked", {"destination": ["4", 0], "source": ["5", 0], "x": 0, "y": 0,
                                                       "resize_source": True, "mask": ["3", 0]}),
                        "7": _preview("6", "DensePose"), "8": _preview("2", "Depth")}), "champ.json")
    text = said(conv)
    assert "output 'VHS_VideoCombine' (#7): depth" not in text
    assert "output 'VHS_VideoCombine' (#8): depth (Depth Anything)" in text
    (save,) = nodes_of(conv, "io.save_animation")  # (anim25: an animated WEBP, as the preview writes; was an MP4)
    assert save.params["path"] == "out/Depth.webp"
    (rate,) = nodes_of(conv, "edit.frame_rate")
    assert rate.params["fps"] == 8.0 and nodes_of(conv, "edit.replace_audio")
    assert "'VHS_VideoCombine' (#8) writes the frames at 8 fps" in text
    assert "Studio's Frame Rate before Save Animation" in text and "MP4" not in text


def test_makers_of_a_video_from_two_packs_are_each_said_with_their_own_pack():
    """06 (MuseTalk): its sampler, of no pack the file or the catalogue names, and KJNodes' BatchUncrop were both
    said to make the video "with the node pack 'kijai/ComfyUI-KJNodes'"."""
    doc = _ui([(1, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"], dict(LOAD, video="talk.mp4")),
               (2, "VHS_LoadAudio", [], ["AUDIO"], {"audio_file": "voice.wav", "seek_seconds": 0}),
               (7, "ImageToMask", [("image", "IMAGE")], ["MASK"], ["red"]),
               (6, "BatchCropFromMask", [("original_images", "IMAGE"), ("masks", "MASK")],
                ["IMAGE", "IMAGE", "BBOX", "INT", "INT"], [1.8, 0.5]),
               (8, "TalkingMouthLoader", [], ["TALKMODEL"], []),
               (3, "TalkingMouthSampler", [("model", "TALKMODEL"), ("images", "IMAGE"), ("audio", "AUDIO")], ["IMAGE"],
                [16]),
               (4, "BatchUncrop", [("original_images", "IMAGE"), ("cropped_images", "IMAGE"), ("bboxes", "BBOX")],
                ["IMAGE"], [0.25, 1, True, True, True, True]),
               (5, "VHS_VideoCombine", [("images", "IMAGE"), ("audio", "AUDIO")], ["VHS_FILENAMES"],
                {"frame_rate": 25, "format": "video/h264-mp4", "filename_prefix": "talk", "save_output": True})],
              [(8, 0, 3, "model"), (1, 0, 7, "image"), (1, 0, 6, "original_images"), (7, 0, 6, "masks"),
               (6, 1, 3, "images"), (2, 0, 3, "audio"), (6, 0, 4, "original_images"), (3, 0, 4, "cropped_images"),
               (6, 2, 4, "bboxes"), (4, 0, 5, "images"), (2, 0, 5, "audio")])
    text = said(convert(doc, "talk.json"))
    assert "with the node pack 'kijai/ComfyUI-KJNodes' and one the file does not name; Studio cannot convert " \
           "'BatchUncrop'" in text
    assert "'TalkingMouthSampler' (TalkingMouthSampler, #3): makes a video ('VHS_VideoCombine', #5) from a video and " \
           "a sound with a node pack the file does not name" in text
    assert "'BatchUncrop' (BatchUncrop, #4): makes a video ('VHS_VideoCombine', #5) from a video and a sound with " \
           "the node pack 'kijai/ComfyUI-KJNodes'; Studio" in text


def test_an_apps_placeholders_in_number_settings_are_said_not_filled_with_defaults_unsaid():
    """03 (an app's SeedVR2 template): '{{UPSCALE}}', '{{SEED}}', '{{BATCH}}' were read as the pack's 1080, 42 and
    5 without a word. Told by the declared type (INT / FLOAT / BOOLEAN), never by the node's name; a number saved as
    text ('24') is a number."""
    conv = convert(api({"1": ("VHS_LoadVideo", dict(LOAD, video="{{INPUT_VIDEO}}")),
                        "2": ("SeedVR2LoadDiTModel", {"model": "seedvr2_ema_7b_fp8_e4m3fn.safetensors",
                                                      "device": "cuda:0"}),
                        "3": ("SeedVR2LoadVAEModel", {"model": "ema_vae_fp16.safetensors", "device": "cuda:0"}),
                        "4": ("SeedVR2VideoUpscaler", {"image": ["1", 0], "dit": ["2", 0], "vae": ["3", 0],
                                                       "seed": "{{SEED}}", "resolution": "{{UPSCALE}}",
                                                       "max_resolution": "0", "batch_size": "{{BATCH}}",
                                                       "color_correction": "wavelet"}),
                        "5": ("VHS_VideoCombine", {"images": ["4", 0], "frame_rate": 24, "loop_count": 0,
                                                   "filename_prefix": "up", "format": "video/h264-mp4",
                                                   "pingpong": False, "save_output": True})}), "up.json")
    text = said(conv)
    assert ("3 settings the node types declare as numbers or switches hold text ('{{SEED}}' as 'SeedVR2VideoUpscaler' "
            "(SeedVR2VideoUpscaler, #4)'s 'seed', '{{UPSCALE}}' as 'SeedVR2VideoUpscaler' (SeedVR2VideoUpscaler, "
            "#4)'s 'resolution', '{{BATCH}}' as") in text
    assert "Studio takes none of them as a value" in text and "'max_resolution'" not in text
    assert nodes_of(conv, "finishing.seedvr2")
    one = convert(api({"1": ("VHS_LoadVideo", LOAD),
                       "2": ("RIFE VFI", {"frames": ["1", 0], "ckpt_name": "rife47.pth", "multiplier": "PARAM_INT_X",
                                          "clear_cache_after_n_frames": 10, "fast_mode": True, "ensemble": True,
                                          "scale_factor": 1.0}),
                       "3": ("VHS_VideoCombine", {"images": ["2", 0], "frame_rate": 24, "loop_count": 0,
                                                  "filename_prefix": "x2", "format": "video/h264-mp4",
                                                  "pingpong": False, "save_output": True})}), "x2.json")
    assert ("1 setting the node types declare as numbers or switches holds text ('PARAM_INT_X' as 'RIFE VFI' "
            "(RIFE VFI, #2)'s 'multiplier'): an app's placeholder, filled before it posts the workflow (ComfyUI refuses "
            "the file as saved); Studio does not take it as a value") in said(one)


def test_a_later_passs_context_options_are_not_said_to_be_the_takes_windows():
    """08 (Veevee: an unsampling pass, then AnimateDiff smoothing on another ADE sampling's model): both context
    options were said to be "the take's context windows", the take holding one of them."""
    wf = _animatediff()
    wf["15"] = {"class_type": "ADE_UseEvolvedSampling", "inputs": {"model": ["1", 0], "beta_schedule": "autoselect",
                                                                   "m_models": ["3", 0], "context_options": ["16", 0]}}
    wf["16"] = {"class_type": "ADE_StandardStaticContextOptions",
                "inputs": {"context_length": 16, "context_overlap": 2, "fuse_method": "pyramid"}}
    wf["20"] = {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 6, "cfg": 2.0, "sampler_name": "euler",
                                                     "scheduler": "normal", "denoise": 0.3, "model": ["15", 0],
                                                     "positive": ["6", 0], "negative": ["7", 0],
                                                     "latent_image": ["9", 0]}}
    wf["10"]["inputs"]["samples"] = ["20", 0]
    conv = convert(wf, "boat")
    text = said(conv)
    assert "#16)'s windows of 16 frames overlapping by 2 are the take's context windows" not in text
    assert "#5)'s windows of 16 frames overlapping by 6 are the take's context windows" in text
    assert ("'ADE_StandardStaticContextOptions' (ADE_StandardStaticContextOptions, #16)'s context options (windows of "
            "16 frames overlapping by 2) are not taken: the take has one set of context windows, "
            "'ADE_StandardUniformContextOptions' (ADE_StandardUniformContextOptions, #5)'s") in text
    (gen,) = nodes_of(conv, "video_models.text_to_video")
    assert (gen.params["window"], gen.params["overlap"]) == (16, 6)


def test_a_pose_step_finding_the_face_alone_is_said_where_studio_finds_the_whole_pose():
    """06 (MuseTalk): a face-only DWPreprocessor (hand and body 'disable') on a clip's way was made as Studio's whole
    pose, unsaid. A step finding every part says nothing."""
    def pose(hand: str, body: str) -> str:
        return said(convert(api({"1": ("VHS_LoadVideo", LOAD),
                                 "2": ("DWPreprocessor", {"image": ["1", 0], "detect_hand": hand, "detect_body": body,
                                                          "detect_face": "enable", "resolution": 512,
                                                          "bbox_detector": "yolox_l.torchscript.pt",
                                                          "pose_estimator": "dw-ll_ucoco_384_bs5.torchscript.pt"}),
                                 "3": _preview("2", "Pose")}), "pose.json"))
    assert ("'DWPreprocessor' (DWPreprocessor, #2) finds only the faces of the people (detect_hand, detect_body "
            "disable): Studio's Pose Estimate finds the whole pose") in pose("disable", "disable")
    assert "finds only" not in pose("enable", "enable")


def test_an_older_upload_loaders_last_value_is_its_upload_buttons_word_not_its_newer_text_setting():
    """14 (Open-Sora's demo): KJNodes' LoadAndResizeImage saved before 'background_color' (9 values, the upload
    button's 'image' last) was read as background_color 'image', said "not applied". A file of today's version (10
    values) still has its colour read and said."""
    def load(values: list) -> str:
        doc = _ui([(1, "LoadAndResizeImage", [], ["IMAGE", "MASK", "INT", "INT"], values),
                   (2, "SaveImage", [("images", "IMAGE")], [], ["still"])], [(1, 0, 2, "images")])
        return said(convert(doc, "still.json"))
    assert "background_color" not in load(["cat.png", True, 480, 480, 1, True, 32, "alpha", "image"])
    assert "its setting background_color #ff0000 is not applied" in load(
        ["cat.png", True, 480, 480, 1, True, 32, "alpha", "#ff0000", "image"])


def test_a_pack_loader_resizing_its_picture_straight_into_a_save_is_scaled_and_said():
    """Found building the test above: KJNodes' LoadAndResizeImage (resize on, 480 within, multiple of 32) into a
    SaveImage was made as Load Image -> Save Image, its size dropped unsaid (a generator's picture had its Scale)."""
    doc = _ui([(1, "LoadAndResizeImage", [], ["IMAGE", "MASK", "INT", "INT"],
                ["cat.png", True, 480, 480, 1, True, 32, "alpha", "image"]),
               (2, "SaveImage", [("images", "IMAGE")], [], ["still"])], [(1, 0, 2, "images")])
    conv = convert(doc, "still.json")
    (scale,) = nodes_of(conv, "transform.scale")
    assert (scale.params["width"], scale.params["height"], scale.params["fit"], scale.params["multiple"]) == \
        (480, 480, "within", 32)
    assert "scales 'cat.png' to fit within 480x480 keeping its aspect, each side rounded down to a multiple of 32" \
        in said(conv)
    (save,) = nodes_of(conv, "io.save_image")
    assert [link.src for link in conv.graph.links if link.dst == save.id] == [scale.id]

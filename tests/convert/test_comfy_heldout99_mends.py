"""Issue 112, heldout99's mends (fresh set judged on main 542d1661): each test builds its workflow from node types,
values and links and fails without its mend.

1. Wan 2.2 TI2V 5B's Wan22ImageToVideoLatent cuts its start picture to the take's aspect about the middle
   (common_upscale 'bilinear', 'center' in its execute, as WanImageToVideo does): Image to Video's image_fit was left
   'stretch', squashing a picture of another aspect with no word (99/04): now 'crop'.
2. A native WanAnimateToVideo making its take alone (continuing none, continued by none, sampled by ComfyUI's own
   samplers, no context-window patch) samples its whole 'length' as one latent: Studio's Wan Animate made a clip
   longer than its 'window' (77) in segments, unsaid (99/09). A length saved as a number: the window set to it (one
   segment); a length wired from the clip's count: said, with the 'window' that makes one pass.
3. An output saving the background drawn for a Wan Animate replacement (a Save Video of Studio's Composite) wrote
   the loaded clip's sound, which the Composite carries, where ComfyUI's CreateVideo before it was given no 'audio'
   (99/09's #354): Replace Audio with no sound goes before it, said."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said


def _ti2v(start_image: bool) -> dict:
    wf = {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_ti2v_5B_fp16.safetensors",
                                                      "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                      "type": "wan", "device": "default"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan2.2_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a portrait, breathing", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "6": {"class_type": "ModelSamplingSD3", "inputs": {"shift": 8.0, "model": ["1", 0]}},
        "7": {"class_type": "Wan22ImageToVideoLatent", "inputs": {"width": 576, "height": 1024, "length": 49,
                                                                   "batch_size": 1, "vae": ["3", 0]}},
        "8": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 16, "cfg": 5.0, "sampler_name": "uni_pc",
                                                    "scheduler": "simple", "denoise": 1.0, "model": ["6", 0],
                                                    "positive": ["4", 0], "negative": ["5", 0],
                                                    "latent_image": ["7", 0]}},
        "9": {"class_type": "VAEDecode", "inputs": {"samples": ["8", 0], "vae": ["3", 0]}},
        "10": {"class_type": "CreateVideo", "inputs": {"fps": 24, "images": ["9", 0]}},
        "11": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "wan/i2v", "format": "auto", "codec": "auto",
                                                      "video": ["10", 0]}},
    }
    if start_image:
        wf["13"] = {"class_type": "LoadImage", "inputs": {"image": "upload.png"}}
        wf["7"]["inputs"]["start_image"] = ["13", 0]
    return wf


def test_wan22_latents_start_picture_is_cut_about_its_middle():
    take = nodes_of(convert(_ti2v(True), "ti2v_i2v.json"), "video_models.image_to_video")[0]
    assert (take.params["width"], take.params["height"], take.params["image_fit"]) == (576, 1024, "crop")


def test_wan22_latent_with_no_start_picture_is_text_to_video_as_before():
    conv = convert(_ti2v(False), "ti2v_t2v.json")
    assert nodes_of(conv, "video_models.text_to_video") and not nodes_of(conv, "video_models.image_to_video")


def _animate(length, sampler: str = "KSampler", patch: bool = False) -> dict:
    """A native Wan 2.2 Animate take of one WanAnimateToVideo: its length saved, or wired from the clip's count."""
    wf = {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "Wan2_2-Animate-14B_fp8.safetensors",
                                                      "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl.safetensors", "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "the person is dancing", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
        "6": {"class_type": "LoadImage", "inputs": {"image": "character.png"}},
        "7": {"class_type": "VHS_LoadVideo", "inputs": {"video": "dance.mp4", "force_rate": 0, "frame_load_cap": 0,
                                                         "skip_first_frames": 0, "select_every_nth": 1}},
        "8": {"class_type": "VHS_LoadVideo", "inputs": {"video": "face.mp4", "force_rate": 0, "frame_load_cap": 0,
                                                         "skip_first_frames": 0, "select_every_nth": 1}},
        "9": {"class_type": "WanAnimateToVideo", "inputs": {
            "positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0], "reference_image": ["6", 0],
            "pose_video": ["7", 0], "face_video": ["8", 0], "width": 480, "height": 832, "length": length,
            "batch_size": 1, "continue_motion_max_frames": 5, "video_frame_offset": 0}},
        "10": {"class_type": sampler, "inputs": {"model": ["1", 0], "positive": ["9", 0], "negative": ["9", 1],
                                                  "latent_image": ["9", 2], "seed": 7, "steps": 6, "cfg": 1.0,
                                                  "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}},
        "11": {"class_type": "VAEDecode", "inputs": {"samples": ["10", 0], "vae": ["3", 0]}},
        "12": {"class_type": "CreateVideo", "inputs": {"images": ["11", 0], "fps": 16}},
        "13": {"class_type": "SaveVideo", "inputs": {"video": ["12", 0], "filename_prefix": "animate"}},
    }
    if patch:  # ComfyUI's context windows on the model: its own windows, not one pass
        wf["14"] = {"class_type": "ContextWindowsManual", "inputs": {
            "model": ["1", 0], "context_length": 20, "context_overlap": 5, "context_schedule": "standard_static",
            "context_stride": 1, "closed_loop": False, "fuse_method": "pyramid", "dim": 2}}
        wf["10"]["inputs"]["model"] = ["14", 0]
    return wf


ONE_PASS = "samples the whole length"


def _gen(conv):
    return nodes_of(conv, "video_models.wan_animate")[0].params


def test_a_saved_length_past_the_window_is_one_segment():
    conv = convert(_animate(121), "animate_121.json")
    assert (_gen(conv)["frames"], _gen(conv)["window"]) == (121, 121)
    assert ONE_PASS not in said(conv)
    assert _gen(convert(_animate(77), "animate_77.json"))["window"] == 77  # (the window's own: nothing changed)


def test_a_length_wired_from_the_clips_count_is_said_made_in_segments():
    conv = convert(_animate(["7", 1]), "animate_clip.json")
    assert _gen(conv)["window"] == 77
    line = next(x for x in said(conv).splitlines() if ONE_PASS in x)
    assert line.startswith("- 'WanAnimateToVideo' (WanAnimateToVideo, #9) samples the whole length 'VHS_LoadVideo' "
                           "(VHS_LoadVideo, #7) gives it when the workflow runs in one pass; Studio's Wan Animate "
                           "makes a clip longer than its 'window' (77 frames) in segments")
    assert line.endswith("set 'window' to the clip's length (4k + 1 frames) for one pass")


def test_context_windows_on_the_model_are_not_one_pass():
    conv = convert(_animate(["7", 1], patch=True), "animate_windows.json")
    assert ONE_PASS not in said(conv) and _gen(conv)["window"] == 77
    assert _gen(convert(_animate(121, patch=True), "animate_windows_121.json"))["window"] == 77


def _background_saved(with_sound: bool) -> dict:
    """A replacement take whose background (the clip with the person drawn black by DrawMaskOnImage, its mask the
    task's) is also written by its own CreateVideo -> SaveVideo, the clip's sound given to it or not."""
    wf = _animate(81)
    wf.update({
        "20": {"class_type": "OnnxDetectionModelLoader", "inputs": {"vitpose_model": "vitpose-l-wholebody.onnx",
                                                                     "yolo_model": "yolov10m.onnx",
                                                                     "onnx_device": "CUDAExecutionProvider"}},
        "21": {"class_type": "PoseAndFaceDetection", "inputs": {"model": ["20", 0], "images": ["7", 0],
                                                                 "width": 480, "height": 832}},
        "22": {"class_type": "DownloadAndLoadSAM2Model", "inputs": {"model": "sam2.1_hiera_base_plus.safetensors",
                                                                     "segmentor": "video", "device": "cuda",
                                                                     "precision": "fp16"}},
        "23": {"class_type": "Sam2Segmentation", "inputs": {"sam2_model": ["22", 0], "image": ["7", 0],
                                                             "bboxes": ["21", 3], "keep_model_loaded": False,
                                                             "individual_objects": False}},
        "24": {"class_type": "DrawMaskOnImage", "inputs": {"image": ["7", 0], "mask": ["23", 0],
                                                            "color": "0, 0, 0", "device": "cpu"}},
        "30": {"class_type": "CreateVideo", "inputs": {"images": ["24", 0], "fps": 16}},
        "31": {"class_type": "SaveVideo", "inputs": {"video": ["30", 0], "filename_prefix": "background"}},
    })
    wf["9"]["inputs"].update(background_video=["24", 0], character_mask=["23", 0])
    if with_sound:
        wf["30"]["inputs"]["audio"] = ["7", 2]
    return wf


def _background_save(conv):
    comp = nodes_of(conv, "edit.composite")[0]
    way, out = [], comp.id
    while True:  # the nodes from the Composite to its Save Video, in order
        nxt = next((n for n in conv.graph.nodes.values() if any(
            (link := conv.graph.input_link(n.id, i.name)) is not None and link.src == out for i in n.spec.inputs)
            and n.type_id != "video_models.wan_animate"), None)
        if nxt is None:
            return way
        way.append(nxt.type_id)
        out = nxt.id


def test_a_drawn_background_saved_with_no_sound_is_written_without_the_clips():
    conv = convert(_background_saved(False), "animate_background.json")
    assert _background_save(conv) == ["edit.frame_rate", "edit.replace_audio", "io.save_video"]
    assert ("the workflow writes that background without sound ('CreateVideo' (CreateVideo, #30) before "
            "'SaveVideo' (#31) is given no 'audio'): Replace Audio with no sound goes before its Save Video") \
        in said(conv)


def test_a_drawn_background_saved_with_the_clips_sound_keeps_it():
    conv = convert(_background_saved(True), "animate_background_sound.json")
    assert _background_save(conv) == ["edit.frame_rate", "io.save_video"]
    assert "writes that background without sound" not in said(conv)

"""heldout57's mends (benchmarks/results/heldout57_2026-11-30.md): each test builds a minimal workflow from node types,
values and links (no fetched file) and fails without its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, ui

T5 = (1, "LoadWanVideoT5TextEncoder", [], ["WANTEXTENCODER"], ["umt5-xxl-enc-bf16.safetensors", "bf16",
                                                                 "offload_device", "disabled"])
TEXT = (2, "WanVideoTextEncode", [("t5", "WANTEXTENCODER")], ["WANVIDEOTEXTEMBEDS"], ["a bird takes off", "blurry",
                                                                                     True])
VAE = (4, "WanVideoVAELoader", [], ["WANVAE"], ["Wan2_1_VAE_bf16.safetensors", "bf16"])


def _flf(combine: str) -> dict:
    """The wrapper's first+last frame: the CLIP-vision encode given the start picture and the end picture (the same
    end picture the image-to-video encode takes as its end_image), combined by ``combine``."""
    return ui([T5, TEXT,
               (3, "WanVideoModelLoader", [], ["WANVIDEOMODEL"], ["Wan2_1-FLF2V-14B-720P_fp8_e4m3fn.safetensors",
                                                                   "fp16", "fp8_e4m3fn", "offload_device", "sdpa"]),
               VAE, (5, "LoadImage", [], ["IMAGE", "MASK"], ["start.png", "image"]),
               (6, "LoadImage", [], ["IMAGE", "MASK"], ["end.png", "image"]),
               (7, "CLIPVisionLoader", [], ["CLIP_VISION"], ["clip_vision_h.safetensors"]),
               (8, "WanVideoClipVisionEncode", [("clip_vision", "CLIP_VISION"), ("image_1", "IMAGE"),
                                                ("image_2", "IMAGE")], ["WANVIDIMAGE_CLIPEMBEDS"],
                [1, 1, "center", combine, True, 0, 0.5]),
               (9, "WanVideoImageToVideoEncode", [("vae", "WANVAE"), ("clip_embeds", "WANVIDIMAGE_CLIPEMBEDS"),
                                                  ("start_image", "IMAGE"), ("end_image", "IMAGE")],
                ["WANVIDIMAGE_EMBEDS"], [640, 640, 81, 0, 1, 1, True, False, False]),
               (10, "WanVideoSampler", [("model", "WANVIDEOMODEL"), ("image_embeds", "WANVIDIMAGE_EMBEDS"),
                                        ("text_embeds", "WANVIDEOTEXTEMBEDS")], ["LATENT"],
                [6, 1.0, 5.0, 43, "fixed", True, "dpm++_sde", 0, 1, False, "comfy"]),
               (11, "WanVideoDecode", [("vae", "WANVAE"), ("samples", "LATENT")], ["IMAGE"], [False, 272, 272, 144, 128]),
               (12, "VHS_VideoCombine", [("images", "IMAGE")], [],
                {"frame_rate": 16, "loop_count": 0, "filename_prefix": "bird", "format": "video/h264-mp4",
                 "pix_fmt": "yuv420p", "crf": 19, "save_metadata": True, "pingpong": False, "save_output": True})],
              [(1, 0, 2, "t5"), (7, 0, 8, "clip_vision"), (5, 0, 8, "image_1"), (6, 0, 8, "image_2"),
               (4, 0, 9, "vae"), (8, 0, 9, "clip_embeds"), (5, 0, 9, "start_image"), (6, 0, 9, "end_image"),
               (3, 0, 10, "model"), (9, 0, 10, "image_embeds"), (2, 0, 10, "text_embeds"), (4, 0, 11, "vae"),
               (10, 0, 11, "samples"), (11, 0, 12, "images")])


def test_an_end_picture_encoded_beside_the_start_is_not_said_to_be_dropped():
    """heldout57 08: the FLF2V encode's second picture (the take's end picture, 'concat') had been said "not applied,
    Studio's generator encodes its picture ('image_1') itself", while Studio gives it to the generator as its last
    image and diffusers' pipeline encodes both pictures' tokens on the FLF2V model."""
    conv = convert(_flf("concat"), "bird")
    gen = nodes_of(conv, "video_models.image_to_video")
    assert len(gen) == 1
    assert any(l.dst == gen[0].id and l.dst_port == "last_image" for l in conv.graph.links)
    text = said(conv)
    assert "image_2 (a second picture" not in text
    assert ("#8)'s image_2 (the take's end picture, as 'WanVideoImageToVideoEncode' (#9)'s end_image, combined by "
            "'concat'): Studio's generator is given it as its last image") in text


def test_an_end_picture_averaged_in_is_still_said_not_applied():
    """The wrapper's 'average' of the two pictures' embeds is not what diffusers does with a last image: said."""
    text = said(convert(_flf("average"), "bird"))
    assert "image_2 (a second picture from 'LoadImage' (LoadImage, #6), 'end.png', combined by 'average'): " \
           "not applied" in text
    assert "the take's end picture" not in text


def _seedvr2(**up) -> dict:
    """An API file: a clip upscaled by SeedVR2 and saved with its sound at its rate, the upscaler's settings ``up``."""
    return api({"10": ("SeedVR2VideoUpscaler", {"image": ["26", 0], "dit": ["14", 0], "vae": ["13", 0], "seed": 42,
                                                "max_resolution": 0, "batch_size": 33, "uniform_batch_size": False,
                                                "temporal_overlap": 3, "prepend_frames": 0, "color_correction": "wavelet",
                                                "input_noise_scale": 0, "latent_noise_scale": 0, **up}),
                "13": ("SeedVR2LoadVAEModel", {"model": "ema_vae_fp16.safetensors"}),
                "14": ("SeedVR2LoadDiTModel", {"model": "seedvr2_ema_7b_sharp_fp16.safetensors"}),
                "23": ("SaveVideo", {"video": ["24", 0], "filename_prefix": "video/up", "format": "auto",
                                     "codec": "auto"}),
                "24": ("CreateVideo", {"images": ["10", 0], "audio": ["26", 2], "fps": ["27", 0]}),
                "26": ("VHS_LoadVideoPath", {"video": "clip.mp4", "force_rate": 0, "custom_width": 0,
                                             "custom_height": 0, "frame_load_cap": 0, "skip_first_frames": 0,
                                             "select_every_nth": 1, "format": "None"}),
                "27": ("VHS_VideoInfo", {"video_info": ["26", 3]})})


def test_seedvr2s_earlier_name_of_its_shortest_edge_is_read_and_said():
    """heldout57 05: the upscaler given 'new_resolution' 720 (the pack's earlier name of 'resolution') was made at the
    reader's default 1080 unsaid, and the file's missing 'resolution' was said with "Studio reads the settings it is
    given" (it had not read 'new_resolution')."""
    conv = convert(_seedvr2(new_resolution=720), "up")
    up = nodes_of(conv, "finishing.seedvr2")
    assert len(up) == 1 and up[0].params["short_edge"] == 720
    text = said(conv)
    assert "'SeedVR2VideoUpscaler' (#10)'s new_resolution 720 (the pack's earlier name of its 'resolution'" in text
    assert "Studio reads the settings it is given by the names its reading of each node knows" in text


def test_seedvr2s_own_name_of_its_shortest_edge_is_read_as_before():
    conv = convert(_seedvr2(resolution=540), "up")
    assert nodes_of(conv, "finishing.seedvr2")[0].params["short_edge"] == 540
    assert "new_resolution" not in said(conv)


def test_a_depth_estimators_own_model_and_settings_are_said_as_they_are():
    """heldout57 03: a clip's DepthCrafter depth pass had been said "ComfyUI's model file '?' is its own format" (its
    loader names no file: the pack fetches its model) and its steps, window and overlap were dropped unsaid."""
    conv = convert(api({
        "1": ("VHS_LoadVideo", {"video": "viking.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1,
                                "format": "None"}),
        "2": ("DownloadAndLoadDepthCrafterModel", {"enable_model_cpu_offload": True,
                                                   "enable_sequential_cpu_offload": False}),
        "3": ("DepthCrafter", {"depthcrafter_model": ["2", 0], "images": ["1", 0], "force_size": True,
                               "num_inference_steps": 5, "guidance_scale": 1.5, "window_size": 81, "overlap": 14}),
        "4": ("VHS_VideoCombine", {"images": ["3", 0], "frame_rate": 24, "loop_count": 0,
                                   "filename_prefix": "viking_depth", "format": "video/h264-mp4",
                                   "pingpong": False, "save_output": True})}), "depth")
    assert len(nodes_of(conv, "preprocess.depth")) == 1
    text = said(conv)
    assert "model file '?'" not in text
    assert ("ComfyUI's model is the pack's own: 'DownloadAndLoadDepthCrafterModel' (DownloadAndLoadDepthCrafterModel, "
            "#2) names no file (the pack fetches its model itself)") in text
    assert ("'DepthCrafter' (#3)'s force_size True, num_inference_steps 5, guidance_scale 1.5, window_size 81, overlap 14:"
            " not taken, Studio's Depth has no such settings") in text


def test_a_pose_preprocessors_model_files_set_on_it_are_named():
    """The same sentence for DWPose, whose model files are settings of its own (no loader): they had been said as
    "ComfyUI's model file '?'"."""
    conv = convert(api({
        "1": ("VHS_LoadVideo", {"video": "dance.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1,
                                "format": "None"}),
        "2": ("DWPreprocessor", {"image": ["1", 0], "detect_hand": "enable", "detect_body": "enable",
                                 "detect_face": "enable", "resolution": 512, "bbox_detector": "yolox_l.onnx",
                                 "pose_estimator": "dw-ll_ucoco_384.onnx"}),
        "3": ("VHS_VideoCombine", {"images": ["2", 0], "frame_rate": 24, "loop_count": 0, "filename_prefix": "pose",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True})}), "pose")
    text = said(conv)
    assert "model file '?'" not in text
    assert ("ComfyUI's model files 'yolox_l.onnx', 'dw-ll_ucoco_384.onnx' (set on the node) are its own format; "
            "choose Studio's model (a Hugging Face folder) on Load Preprocessor (kind 'pose')") in text

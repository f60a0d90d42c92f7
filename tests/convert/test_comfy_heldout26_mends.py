"""Mechanisms a twenty-sixth held-out set (benchmarks/results/heldout26_2026-11-29.md: any video workflow an artist
shares - HunyuanVideo, SVD, AnimateDiff, Mochi, Wan, InfiniteTalk, lip-sync and finishing) showed, each on a small
hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said


def _nodes(conv, type_id: str) -> list:
    return [n for n in conv.graph.nodes.values() if n.type_id == type_id]


def _wan(save: dict | None = None) -> dict:
    """Wan 2.1 text to video decoded at #8 (its save given by ``save``, id -> node)."""
    doc = {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors",
                                                    "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp16.safetensors", "type": "wan"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "water falls into a pond", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["2", 0]}},
        "6": {"class_type": "EmptyHunyuanLatentVideo", "inputs": {"width": 832, "height": 480, "length": 33,
                                                                  "batch_size": 1}},
        "7": {"class_type": "KSampler", "inputs": {"seed": 5, "steps": 20, "cfg": 6.0, "sampler_name": "euler",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                   "positive": ["4", 0], "negative": ["5", 0],
                                                   "latent_image": ["6", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
    }
    doc.update(save or {})
    return doc


def _edits(same_text: bool) -> dict:
    """Qwen-Image-Edit stills (a picture made a wireframe, then a transition from it) batched and written as a video:
    no video model, as QuorlenVerse's wireframe transition (03) makes its frames."""
    first, then = "make this scene a wireframe", "make this scene a wireframe" if same_text else "a transition"
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "qwen_image_edit_2509_fp8_e4m3fn.safetensors",
                                                    "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "qwen_2.5_vl_7b_fp8_scaled.safetensors",
                                                    "type": "qwen_image"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "qwen_image_vae.safetensors"}},
        "4": {"class_type": "LoadImage", "inputs": {"image": "street.png"}},
        "5": {"class_type": "TextEncodeQwenImageEditPlus", "inputs": {"prompt": first, "clip": ["2", 0],
                                                                      "vae": ["3", 0], "image1": ["4", 0]}},
        "6": {"class_type": "TextEncodeQwenImageEditPlus", "inputs": {"prompt": "", "clip": ["2", 0],
                                                                      "vae": ["3", 0], "image1": ["4", 0]}},
        "7": {"class_type": "VAEEncode", "inputs": {"pixels": ["4", 0], "vae": ["3", 0]}},
        "8": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 4, "cfg": 1.0, "sampler_name": "euler",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                   "positive": ["5", 0], "negative": ["6", 0],
                                                   "latent_image": ["7", 0]}},
        "9": {"class_type": "VAEDecode", "inputs": {"samples": ["8", 0], "vae": ["3", 0]}},
        "10": {"class_type": "TextEncodeQwenImageEditPlus", "inputs": {"prompt": then, "clip": ["2", 0],
                                                                       "vae": ["3", 0], "image1": ["9", 0],
                                                                       "image2": ["4", 0]}},
        "11": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 4, "cfg": 1.0, "sampler_name": "euler",
                                                    "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                    "positive": ["10", 0], "negative": ["6", 0],
                                                    "latent_image": ["7", 0]}},
        "12": {"class_type": "VAEDecode", "inputs": {"samples": ["11", 0], "vae": ["3", 0]}},
        "13": {"class_type": "ImageBatch", "inputs": {"image1": ["9", 0], "image2": ["12", 0]}},
        "20": {"class_type": "LoadImage", "inputs": {"image": "park.png"}},  # a second picture made a wireframe,
        "21": {"class_type": "TextEncodeQwenImageEditPlus", "inputs": {"prompt": "make it a wireframe",  # and back
                                                                       "clip": ["2", 0], "vae": ["3", 0],
                                                                       "image1": ["20", 0]}},
        "22": {"class_type": "VAEEncode", "inputs": {"pixels": ["20", 0], "vae": ["3", 0]}},
        "23": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 4, "cfg": 1.0, "sampler_name": "euler",
                                                    "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                    "positive": ["21", 0], "negative": ["6", 0],
                                                    "latent_image": ["22", 0]}},
        "24": {"class_type": "VAEDecode", "inputs": {"samples": ["23", 0], "vae": ["3", 0]}},
        "25": {"class_type": "TextEncodeQwenImageEditPlus", "inputs": {"prompt": "from wireframe to colour",
                                                                       "clip": ["2", 0], "vae": ["3", 0],
                                                                       "image1": ["24", 0], "image2": ["20", 0]}},
        "26": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 4, "cfg": 1.0, "sampler_name": "euler",
                                                    "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                    "positive": ["25", 0], "negative": ["6", 0],
                                                    "latent_image": ["22", 0]}},
        "27": {"class_type": "VAEDecode", "inputs": {"samples": ["26", 0], "vae": ["3", 0]}},
        "28": {"class_type": "ImageBatch", "inputs": {"image1": ["13", 0], "image2": ["24", 0]}},
        "29": {"class_type": "ImageBatch", "inputs": {"image1": ["28", 0], "image2": ["27", 0]}},
        "14": {"class_type": "CreateVideo", "inputs": {"images": ["29", 0], "fps": 30}},
        "15": {"class_type": "SaveVideo", "inputs": {"video": ["14", 0], "filename_prefix": "wire",
                                                     "format": "auto", "codec": "auto"}},
    }


def test_an_image_editors_text_encoder_is_never_said_to_make_the_video():
    """03: "Studio cannot run TextEncodeQwenImageEditPlus, which makes the video itself (a paid service's node or a
    model it does not run)" of a local image-edit model's text encoder (it gives conditioning; the video is
    CreateVideo's, of the stills the samplers make)."""
    said = _said(convert(_edits(False), "wire.json"))
    assert "made by TextEncodeQwenImageEditPlus" not in said
    assert "a paid service's node" not in said


def test_two_encoders_of_one_text_are_each_their_own_prompt():
    """03: the first edit's encoder, whose text is the same as another edit's, was said "the text it is given is empty:
    no Text Prompt is made for it" (its text was found on the other encoder, taken for its own)."""
    conv = convert(_edits(True), "wire.json")
    said = _said(conv)
    assert "is empty: no Text Prompt is made for it" not in said
    texts = [n.params["text"] for n in _nodes(conv, "io.text")]
    assert texts.count("make this scene a wireframe") == 2


def test_a_save_given_nothing_is_said_and_not_made():
    """03: 'Wire 1 to Wire 2' (SaveImage, #507), its pictures dropped with a bypassed subgraph's, was made as a Save
    Image given nothing ("ComfyUI 'Wire 1 to Wire 2' -> Wire 1 to Wire 2")."""
    doc = _wan({"9": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 16}},
                "10": {"class_type": "SaveVideo", "inputs": {"video": ["9", 0], "filename_prefix": "pond",
                                                             "format": "auto", "codec": "auto"}},
                "20": {"class_type": "SaveImage", "inputs": {"filename_prefix": "dropped"}}})
    conv = convert(doc, "unfed.json")
    said = _said(conv)
    assert ("'SaveImage' (SaveImage, #20) is given nothing on its required 'images' (connected to nothing as ComfyUI "
            "queues the workflow): ComfyUI refuses this output (the others run)") in said
    assert not _nodes(conv, "io.save_image")
    assert "ComfyUI 'SaveImage' -> " not in said
    doc["21"] = {"class_type": "VHS_VideoCombine", "inputs": {"frame_rate": 25, "loop_count": 0, "filename_prefix": "x",
                                                              "format": "video/h264-mp4", "pingpong": False,
                                                              "save_output": True}}  # (heldout2's, in a subgraph)
    conv = convert(doc, "unfed.json")
    assert "'VHS_VideoCombine' (VHS_VideoCombine, #21) is given nothing on its required 'images'" in _said(conv)
    assert len(_nodes(conv, "io.save_video")) == 1


def test_a_second_save_writes_the_take_at_its_createvideos_rate():
    """02: 'Final Vid', CreateVideo at 25 fps beside the preview's 24, was written at 24 without a word."""
    doc = _wan({"9": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 16}},
                "10": {"class_type": "SaveVideo", "inputs": {"video": ["9", 0], "filename_prefix": "a",
                                                             "format": "auto", "codec": "auto"}},
                "11": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 25}},
                "12": {"class_type": "SaveVideo", "inputs": {"video": ["11", 0], "filename_prefix": "b",
                                                             "format": "auto", "codec": "auto"}}})
    conv = convert(doc, "rates.json")
    gen = _nodes(conv, "video_models.text_to_video")[0]
    rates = [n.params["fps"] for n in _nodes(conv, "edit.frame_rate")]
    assert gen.params["fps"] == 16.0 and rates == [25.0]
    assert "'SaveVideo' (#12) writes the take at 25 fps, not the 16 fps the generator makes it at" in _said(conv)


def test_a_file_named_with_comfyuis_folder_annotation_is_loaded_by_its_name():
    """02: a clipspace picture kept as 'clipspace/clipspace-painted-masked-1765654471246.png [input]' (no such file);
    a picture ComfyUI reads from its output folder is said."""
    doc = {
        "1": {"class_type": "LoadImage", "inputs": {"image": "clipspace/painted.png [input]"}},
        "2": {"class_type": "ImageScaleBy", "inputs": {"image": ["1", 0], "upscale_method": "lanczos",
                                                       "scale_by": 0.5}},
        "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "half"}},
        "4": {"class_type": "LoadImage", "inputs": {"image": "ComfyUI_00001_.png [output]"}},
        "5": {"class_type": "SaveImage", "inputs": {"images": ["4", 0], "filename_prefix": "again"}},
    }
    conv = convert(doc, "annotated.json")
    paths = sorted(n.params["path"] for n in _nodes(conv, "io.load_image"))
    assert paths == ["ComfyUI_00001_.png", "clipspace/painted.png"]
    assert ("'LoadImage' (LoadImage, #4) reads 'ComfyUI_00001_.png' from ComfyUI's output folder (its name saved as "
            "'ComfyUI_00001_.png [output]')") in _said(conv)


def test_a_resize_after_an_upscaler_on_a_clips_way_is_studios_scale():
    """06: a 720p clip upscaled x2 and scaled to exactly 1920x1080 was written at 2x ("'OUTPUT 1080P' (ImageScale,
    #6) ...: not applied, Studio makes no node for it on this way")."""
    doc = {
        "1": {"class_type": "VHS_LoadVideo", "inputs": {"video": "input_720p.mp4", "force_rate": 0,
                                                        "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
                                                        "skip_first_frames": 0, "select_every_nth": 1}},
        "2": {"class_type": "UpscaleModelLoader", "inputs": {"model_name": "RealESRGAN_x2plus.pth"}},
        "3": {"class_type": "ImageUpscaleWithModel", "inputs": {"upscale_model": ["2", 0], "image": ["1", 0]}},
        "4": {"class_type": "ImageScale", "inputs": {"image": ["3", 0], "upscale_method": "lanczos", "width": 1920,
                                                     "height": 1080, "crop": "disabled"}},
        "5": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["4", 0], "audio": ["1", 2], "frame_rate": 24,
                                                           "loop_count": 0, "filename_prefix": "up",
                                                           "format": "video/h264-mp4", "pingpong": False,
                                                           "save_output": True}},
    }
    conv = convert(doc, "upscale.json")
    scales = [n for n in _nodes(conv, "transform.scale") if conv.origin.get(n.id) == "4"]
    assert len(scales) == 1 and (scales[0].params["width"], scales[0].params["height"]) == (1920, 1080)
    up = _nodes(conv, "finishing.upscale")[0]
    links = {(link.src, link.dst) for link in conv.graph.links}
    save = _nodes(conv, "io.save_video")[0]
    after, todo = set(), [scales[0].id]
    while todo:  # (a Frame Rate may stand between the resize and the save)
        k = todo.pop()
        new = {d for s, d in links if s == k} - after
        after |= new
        todo += sorted(new)
    assert (up.id, scales[0].id) in links and save.id in after
    assert "not applied, Studio makes no node for it on this way" not in _said(conv)


def test_a_still_animated_by_a_packs_model_from_a_driving_clip_is_said_so():
    """11: an SD 1.5 still (IPAdapter) animated by LivePortrait from 'd9.mp4' was said to be "a video from image given
    to the sampler by IPAdapterAdvanced (model patch)" (the sampler makes one picture; the video is LivePortrait's)."""
    doc = {
        "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "realisticVision_v60.safetensors"}},
        "2": {"class_type": "LoadImage", "inputs": {"image": "cat.png"}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat cyborg smiling", "clip": ["1", 1]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["1", 1]}},
        "5": {"class_type": "IPAdapterModelLoader", "inputs": {"ipadapter_file": "ip-adapter_sd15.safetensors"}},
        "6": {"class_type": "CLIPVisionLoader", "inputs": {"clip_name": "CLIP-ViT-H-14.safetensors"}},
        "7": {"class_type": "IPAdapterAdvanced", "inputs": {
            "weight": 0.75, "weight_type": "ease in", "combine_embeds": "concat", "start_at": 0, "end_at": 0.8,
            "embeds_scaling": "V only", "model": ["1", 0], "ipadapter": ["5", 0], "image": ["2", 0],
            "clip_vision": ["6", 0]}},
        "8": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}},
        "9": {"class_type": "KSampler", "inputs": {"seed": 4, "steps": 20, "cfg": 8, "sampler_name": "euler",
                                                   "scheduler": "simple", "denoise": 1, "model": ["7", 0],
                                                   "positive": ["3", 0], "negative": ["4", 0],
                                                   "latent_image": ["8", 0]}},
        "10": {"class_type": "VAEDecode", "inputs": {"samples": ["9", 0], "vae": ["1", 2]}},
        "11": {"class_type": "VHS_LoadVideoFFmpeg", "inputs": {"video": "d9.mp4", "force_rate": 0,
                                                               "custom_width": 0, "custom_height": 0,
                                                               "frame_load_cap": 0, "start_time": 0}},
        "12": {"class_type": "DownloadAndLoadLivePortraitModels", "inputs": {"precision": "fp32"}},
        "13": {"class_type": "LivePortraitLoadCropper", "inputs": {"onnx_device": "CUDA", "keep_model_loaded": True,
                                                                   "detection_threshold": 0.1}},
        "14": {"class_type": "LivePortraitCropper", "inputs": {
            "dsize": 512, "scale": 2.3, "vx_ratio": 0, "vy_ratio": -0.125, "face_index": 0,
            "face_index_order": "large-small", "rotate": True, "pipeline": ["12", 0], "cropper": ["13", 0],
            "source_image": ["10", 0]}},
        "15": {"class_type": "LivePortraitProcess", "inputs": {
            "lip_zero": False, "lip_zero_threshold": 0.03, "stitching": False, "delta_multiplier": 1,
            "mismatch_method": "constant", "relative_motion_mode": "relative",
            "driving_smooth_observation_variance": 3e-06, "pipeline": ["12", 0], "crop_info": ["14", 1],
            "source_image": ["14", 0], "driving_images": ["11", 0]}},
        "16": {"class_type": "LivePortraitComposite", "inputs": {"source_image": ["10", 0], "cropped_image": ["15", 0],
                                                                 "liveportrait_out": ["15", 1]}},
        "17": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["16", 0], "frame_rate": 8, "loop_count": 0,
                                                            "filename_prefix": "cat", "format": "video/h264-mp4",
                                                            "pingpong": False, "save_output": True}},
    }
    said = _said(convert(doc, "portrait.json"))
    assert ("This workflow makes a video from video 'd9.mp4' (VHS_LoadVideoFFmpeg, #11) and what its sampler makes, "
            "put together by 'LivePortraitProcess' (LivePortraitProcess, #15), a node of kijai/ComfyUI-LivePortraitKJ "
            "that Studio does not convert") in said
    assert "given to the sampler by IPAdapterAdvanced" not in said.split("\n")[0]


def test_a_family_read_over_a_diffusers_folder_asks_for_base_where_none_is_given():
    """16: "Studio reads the denoiser file, with 'base' set to a diffusers Mochi folder" while Load Video Model's 'base'
    was left empty (the workflow names no folder): it is to be set."""
    doc = {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "mochi_preview_bf16.safetensors",
                                                    "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "t5xxl_fp16.safetensors", "type": "mochi"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "mochi_vae.safetensors"}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox in the snow", "clip": ["2", 0]}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["2", 0]}},
        "6": {"class_type": "EmptyMochiLatentVideo", "inputs": {"width": 848, "height": 480, "length": 37,
                                                                "batch_size": 1}},
        "7": {"class_type": "KSampler", "inputs": {"seed": 3, "steps": 30, "cfg": 4.5, "sampler_name": "euler",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                   "positive": ["4", 0], "negative": ["5", 0],
                                                   "latent_image": ["6", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
        "9": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 24}},
        "10": {"class_type": "SaveVideo", "inputs": {"video": ["9", 0], "filename_prefix": "fox", "format": "auto",
                                                     "codec": "auto"}},
    }
    conv = convert(doc, "mochi.json")
    assert _nodes(conv, "video_models.load")[0].params.get("base", "") == ""
    said = _said(conv)
    assert "given as Load Video Model's 'base' (its T5 text encoder and VAE come from that folder), which the " \
           "workflow does not name: set 'base' to one" in said
    assert "with 'base' set to" not in said


def test_a_node_given_undeclared_names_is_said_to_lack_its_required_sockets_too():
    """15: "'VideoLinearCFGGuidance' (#7) is given 'conditioning', which VideoLinearCFGGuidance does not declare, and
    not its own 'min_cfg'" left its missing 'model' (a socket, connected to nothing) unsaid."""
    doc = _wan({"9": {"class_type": "VideoLinearCFGGuidance", "inputs": {"conditioning": ["4", 0]}},
                "10": {"class_type": "CreateVideo", "inputs": {"images": ["8", 0], "fps": 16}},
                "11": {"class_type": "SaveVideo", "inputs": {"video": ["10", 0], "filename_prefix": "a",
                                                             "format": "auto", "codec": "auto"}}})
    assert ("'VideoLinearCFGGuidance' (VideoLinearCFGGuidance, #9) is given 'conditioning', which "
            "VideoLinearCFGGuidance does not declare, and not its own 'min_cfg' nor its required 'model' (connected to "
            "nothing): ComfyUI refuses the workflow as saved") in _said(convert(doc, "guidance.json"))

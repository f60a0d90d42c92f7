"""clipwork9 (issue 112): clips the held-out sets left. Each test builds a minimal workflow from node types, values and
links (no fetched file) and fails without its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, ui

PROMPT, NEG = "balloons rise over a valley at dawn", "worst quality, blurry"


def _ltxv_configurator_v2v(step: int = 1) -> dict:
    """LTX-Video 0.9 through Lightricks' 2024 nodes: a clip (every frame) on the configurator's 'conditioning', the
    sampler given SplitSigmas' later part of BasicScheduler's 20 steps, shifted (svjack's ltxvideo-v2v)."""
    return api({
        "1": ("LTXVLoader", {"ckpt_name": "ltx-video-2b-v0.9.safetensors", "dtype": "bfloat16"}),
        "2": ("CLIPLoader", {"clip_name": "t5xxl_fp16.safetensors", "type": "ltxv"}),
        "3": ("VHS_LoadVideo", {"video": "clip.mp4", "force_rate": 0, "force_size": "Disabled", "custom_width": 512,
                                "custom_height": 512, "frame_load_cap": 0, "skip_first_frames": 0,
                                "select_every_nth": 1}),
        "4": ("LTXVModelConfigurator", {"preset": "Custom", "width": 768, "height": 512, "frames_number": 65,
                                        "frame_rate": 25, "batch": 1, "mixed_precision": True, "model": ["1", 0],
                                        "vae": ["1", 1], "conditioning": ["3", 0]}),
        "5": ("CLIPTextEncode", {"text": PROMPT, "clip": ["2", 0]}),
        "6": ("CLIPTextEncode", {"text": NEG, "clip": ["2", 0]}),
        "7": ("CFGGuider", {"cfg": 4, "model": ["4", 0], "positive": ["5", 0], "negative": ["6", 0]}),
        "8": ("BasicScheduler", {"scheduler": "normal", "steps": 20, "denoise": 1, "model": ["4", 0]}),
        "9": ("LTXVShiftSigmas", {"sigma_shift": ["4", 2], "stretch": True, "terminal": 0.1, "sigmas": ["8", 0]}),
        "10": ("SplitSigmas", {"step": step, "sigmas": ["9", 0]}),
        "11": ("KSamplerSelect", {"sampler_name": "euler"}),
        "12": ("RandomNoise", {"noise_seed": 43}),
        "13": ("SamplerCustomAdvanced", {"noise": ["12", 0], "guider": ["7", 0], "sampler": ["11", 0],
                                         "sigmas": ["10", 1], "latent_image": ["4", 1]}),
        "14": ("VAEDecode", {"samples": ["13", 0], "vae": ["1", 1]}),
        "15": ("VHS_VideoCombine", {"images": ["14", 0], "frame_rate": 25, "loop_count": 0, "filename_prefix": "LTXV",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })


def test_a_clip_on_ltx_videos_configurator_sampled_from_split_sigmas_later_part_is_video_to_video():
    """heldout59 07: the configurator encodes the clip it is given as its latent and the sampler takes the sigmas
    after SplitSigmas' first of 20: a restyle of the clip at 0.95, made as image to video from its first frame."""
    conv = convert(_ltxv_configurator_v2v(), "v2v.json")
    assert not nodes_of(conv, "video_models.image_to_video") and not nodes_of(conv, "edit.frame_hold")
    (gen,) = nodes_of(conv, "video_models.video_to_video")
    assert gen.params["strength"] == 0.95 and gen.params["steps"] == 20 and gen.params["frames"] == 65
    text = said(conv)
    assert ("'SamplerCustomAdvanced' (SamplerCustomAdvanced, #13) samples steps 1 to 20 of 20 (SplitSigmas, #10, at "
            "step 1): it denoises the latent it is given from that step's noise level, running the last 19; Video to "
            "Video's strength 0.95 runs the last 19 of its 20 steps") in text
    assert "encodes every frame of the clip 'clip.mp4' it is given on its 'conditioning' as its latent" in text
    assert "which ComfyUI holds as the clip's, is not held" in text
    assert "not applied, the generator samples the whole schedule" not in text


def _encoded_clip_split(step: int) -> dict:
    """Wan 2.1 T2V 1.3B given a clip's VAEEncode latent, sampled from SplitSigmas' later part of 20 steps."""
    return api({
        "1": ("UNETLoader", {"unet_name": "wan2.1_t2v_1.3B_fp16.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": PROMPT, "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": NEG, "clip": ["2", 0]}),
        "6": ("VHS_LoadVideo", {"video": "clip.mp4", "force_rate": 16, "force_size": "Disabled", "custom_width": 832,
                                "custom_height": 480, "frame_load_cap": 81, "skip_first_frames": 0,
                                "select_every_nth": 1}),
        "7": ("VAEEncode", {"pixels": ["6", 0], "vae": ["3", 0]}),
        "8": ("BasicScheduler", {"scheduler": "simple", "steps": 20, "denoise": 1, "model": ["1", 0]}),
        "9": ("SplitSigmas", {"step": step, "sigmas": ["8", 0]}),
        "10": ("KSamplerSelect", {"sampler_name": "euler"}),
        "11": ("SamplerCustom", {"add_noise": True, "noise_seed": 7, "cfg": 5, "model": ["1", 0], "positive": ["4", 0],
                                 "negative": ["5", 0], "sampler": ["10", 0], "sigmas": ["9", 1],
                                 "latent_image": ["7", 0]}),
        "12": ("VAEDecode", {"samples": ["11", 0], "vae": ["3", 0]}),
        "13": ("CreateVideo", {"fps": 16, "images": ["12", 0]}),
        "14": ("SaveVideo", {"filename_prefix": "video/v2v", "format": "auto", "codec": "auto", "video": ["13", 0]}),
    })


def test_an_encoded_clip_sampled_from_split_sigmas_later_part_is_video_to_video_at_that_share_of_steps():
    """Any family with Video to Video: a clip's VAEEncode latent given to a sampler whose sigmas start at step 5 of
    20 (SplitSigmas' later part) is a restyle at strength 0.75 (15 of 20 steps), not "a strength Studio cannot
    work out"."""
    conv = convert(_encoded_clip_split(5), "encoded.json")
    (gen,) = nodes_of(conv, "video_models.video_to_video")
    assert gen.params["strength"] == 0.75 and gen.params["steps"] == 20
    text = said(conv)
    assert "cannot work out: Video to Video runs at its default strength" not in text
    assert "samples steps 5 to 20 of 20 (SplitSigmas, #9, at step 5)" in text
    assert "Video to Video's strength 0.75 runs the last 15 of its 20 steps" in text


def test_the_strength_of_a_split_runs_no_fewer_steps_than_the_workflow():
    """2 of 3 steps skipped: 1/3 rounded up (0.3334), so that int(3 x strength) runs the 1 step ComfyUI runs."""
    from studio.convert.mapping.split_strength import strength
    from studio.convert.reading.workflow import Workflow
    wf = _encoded_clip_split(2)
    wf["8"]["inputs"]["steps"] = 3
    w = Workflow.read(wf)
    k, line = strength(w, w.nodes["11"])
    assert int(3 * k) == 1 and k == 0.3334 and "running the last 1;" in line


def _rows_without_origin() -> dict:
    """A clip scaled and saved, its link rows written [id, origin slot, target node, target slot, type] (the origin
    node left out: mickeylan's video_split_upscale_example)."""
    wf = ui([
        (1, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO"], ["clip.mp4", 24, 0, 0]),
        (2, "ImageScale", [("image", "IMAGE")], ["IMAGE"], ["lanczos", 1920, 1080, "disabled"]),
        (3, "VHS_VideoCombine", [("images", "IMAGE")], ["VHS_FILENAMES"],
         {"frame_rate": 24, "loop_count": 0, "filename_prefix": "up", "format": "video/h264-mp4", "pingpong": False,
          "save_output": True}),
    ], [(1, 0, 2, "image"), (2, 0, 3, "images")])
    wf["links"] = [[lid, slot, dst, dslot, t] for lid, _, slot, dst, dslot, t in wf["links"]]
    return wf


def test_link_rows_from_no_nodes_output_are_said_to_wire_nothing_and_run_nothing():
    """heldout58 01: every link row lacks its origin node (5 values), so ComfyUI gives no input an output and its
    save lacks its pictures: Studio listed the nodes as not converted and said nothing of why."""
    text = said(convert(_rows_without_origin(), "rows.json"))
    assert ("the file's 2 link rows (each of 5 values, where ComfyUI's rows give 6: id, origin node, origin slot, "
            "target node, target slot, type) name no output of a node it holds as where they come from") in text
    assert ("none of the 2 inputs that name them is given an output when ComfyUI runs it, so 'VHS_VideoCombine' "
            "(VHS_VideoCombine, #3) lacks an input it requires and ComfyUI runs nothing of the workflow") in text
    wf = _rows_without_origin()  # the same rows as ComfyUI writes them: nothing said of rows
    wf["links"] = [[1, 1, 0, 2, 0, "IMAGE"], [2, 2, 0, 3, 0, "IMAGE"]]
    assert "link row" not in said(convert(wf, "rows.json"))


def _canny_through_a_list(to_list: str = "ImpactImageBatchToImageList") -> dict:
    """A clip's edges made frame by frame: Load Video -> batch to list -> Canny -> list to batch -> save (ggvfx's
    control passes)."""
    return ui([
        (1, "VHS_LoadVideo", [], ["IMAGE", "INT", "AUDIO"],
         {"video": "clip.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0, "frame_load_cap": 0,
          "skip_first_frames": 0, "select_every_nth": 1}),
        (2, to_list, [("image", "IMAGE")], ["IMAGE"], []),
        (3, "Canny", [("image", "IMAGE")], ["IMAGE"], [0.2, 0.7]),
        (4, "ImageListToImageBatch", [("images", "IMAGE")], ["IMAGE"], []),
        (5, "VHS_VideoCombine", [("images", "IMAGE")], ["VHS_FILENAMES"],
         {"frame_rate": 24, "loop_count": 0, "filename_prefix": "edges", "format": "video/h264-mp4",
          "pingpong": False, "save_output": True}),
    ], [(1, 0, 2, "image"), (2, 0, 3, "image"), (3, 0, 4, "images"), (4, 0, 5, "images")])


def test_a_step_between_a_batch_to_list_and_a_list_to_batch_is_made_on_the_clip():
    """heldout57 03: Canny between 'Image Batch to Image List' and 'Image List to Image Batch' (the same frames, in
    order) was said not applied; now Load Video -> Edges (0.2 / 0.7 of 255) -> Save Video, the round trip said."""
    conv = convert(_canny_through_a_list(), "canny.json")
    (edges,) = nodes_of(conv, "control.edges")
    assert (edges.params["low"], edges.params["high"]) == (51, 178)
    assert nodes_of(conv, "io.load_video") and nodes_of(conv, "io.save_video")
    text = said(conv)
    assert ("'ImpactImageBatchToImageList' (ImpactImageBatchToImageList, #2) gives the clip as a list of its frames and "
            "'ImageListToImageBatch' (ImageListToImageBatch, #4) joins them back into one clip in the same order; "
            "ComfyUI runs 'Canny' (Canny, #3) once per frame between them") in text
    assert "not applied" not in text
    # a node of one IMAGE in and out, no settings, whose declared name says no list (ImageInvert): not read away
    assert "as a list of its frames" not in said(convert(_canny_through_a_list("ImageInvert"), "invert.json"))


def _wan_i2v_resized(resize_values: list) -> dict:
    """Wan 2.1 I2V whose start picture goes through KJNodes' ImageResizeKJv2, its width and height outputs sizing
    WanImageToVideo (Han-TaeHun's Fun camera example, core nodes)."""
    return ui([
        (1, "UNETLoader", [], ["MODEL"], ["wan2.1_i2v_480p_14B_fp16.safetensors", "default"]),
        (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"]),
        (3, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
        (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["an old man smiles"]),
        (5, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], [NEG]),
        (6, "LoadImage", [], ["IMAGE", "MASK"], ["oldman.png", "image"]),
        (7, "ImageResizeKJv2", [("image", "IMAGE")], ["IMAGE", "INT", "INT", "MASK"], resize_values),
        (8, "WanImageToVideo", [("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("vae", "VAE"),
                                ("start_image", "IMAGE"), ("width", "INT"), ("height", "INT")],
         ["CONDITIONING", "CONDITIONING", "LATENT"], [832, 480, 81, 1]),
        (9, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                         ("latent_image", "LATENT")], ["LATENT"], [43, "fixed", 20, 6, "uni_pc", "simple", 1]),
        (10, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (11, "VHS_VideoCombine", [("images", "IMAGE")], ["VHS_FILENAMES"],
         {"frame_rate": 16, "loop_count": 0, "filename_prefix": "i2v", "format": "video/h264-mp4", "pingpong": False,
          "save_output": True}),
    ], [(1, 0, 9, "model"), (2, 0, 4, "clip"), (2, 0, 5, "clip"), (6, 0, 7, "image"), (4, 0, 8, "positive"),
        (5, 0, 8, "negative"), (3, 0, 8, "vae"), (7, 0, 8, "start_image"), (7, 1, 8, "width"), (7, 2, 8, "height"),
        (8, 0, 9, "positive"), (8, 1, 9, "negative"), (8, 2, 9, "latent_image"), (9, 0, 10, "samples"),
        (3, 0, 10, "vae"), (10, 0, 11, "images")])


def test_a_resize_saved_before_its_optional_settings_is_read_by_its_declared_types():
    """heldout57 09: ImageResizeKJv2 saved its earlier seven values (no 'device', an optional setting added later):
    read 'by place', its 624x624 crop was not made and the take's size left unset. Its values fit the required
    widgets in order: Studio's Scale 624x624 (centre crop) and a 624x624 take."""
    conv = convert(_wan_i2v_resized([624, 624, "lanczos", "crop", "0, 0, 0", "center", 16]), "camera.json")
    (gen,) = nodes_of(conv, "video_models.image_to_video")
    assert (gen.params["width"], gen.params["height"]) == (624, 624)
    (scale,) = nodes_of(conv, "transform.scale")
    assert (scale.params["width"], scale.params["height"], scale.params["crop"]) == (624, 624, "center")
    text = said(conv)
    assert "#0 624" not in text and "left unset" not in text
    # every widget optional (SeC segmentation saved before its optional 'bbox'): its words are not placed so
    from studio.convert import catalogue
    from studio.convert.reading import unsaved_optional
    base = sorted(catalogue.node_type("SeCVideoSegmentation").widgets, key=lambda i: i.optional)
    assert unsaved_optional.named(base, ["", "", "bidirectional", 0, 1, -1, 12, True, True]) is None



def test_a_resize_on_a_held_tasks_start_picture_is_said_not_applied():
    """A held FantasyTalking task (its audio embeds have no Studio generator) whose start picture is cropped 512x512 by
    ImageResizeKJv2, the encode sized by its outputs: the resize, read on the picture's way but made by nothing, was
    named only by its size in the held note (its crop unsaid: heldout57's try lost this in a FantasyTalking file).
    (fantasy15: FantasyTalking is made where its file is on the model loader; here it is not, so the task is held.)"""
    conv = convert(api({
    "2": ("LoadImage", {"image": "face.png"}),
    "5": ("ImageResizeKJv2", {"width": 512, "height": 512, "upscale_method": "lanczos", "keep_proportion": "crop",
                              "pad_color": "0, 0, 0", "crop_position": "center", "divisible_by": 2, "device": "cpu",
                              "image": ["2", 0]}),
    "70": ("LoadAudio", {"audio": "speech.wav"}),
    "71": ("DownloadAndLoadWav2VecModel", {"model": "facebook/wav2vec2-base-960h", "base_precision": "fp16", "load_device": "main_device"}),
    "72": ("FantasyTalkingModelLoader", {"model": "fantasytalking_fp16.safetensors", "base_precision": "fp16"}),
    "73": ("FantasyTalkingWav2VecEmbeds", {"num_frames": 81, "fps": 23.0, "audio_scale": 1.0, "audio_cfg_scale": 1.0,
                                           "wav2vec_model": ["71", 0], "fantasytalking_model": ["72", 0], "audio": ["70", 0]}),
    "10": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5_xxl_fp8.safetensors", "precision": "bf16", "load_device": "offload_device", "quantization": "disabled"}),
    "11": ("WanVideoModelLoader", {"model": "Wan2_1-I2V-14B-480P_fp8.safetensors", "base_precision": "bf16", "quantization": "disabled",
                                   "load_device": "offload_device", "attention_mode": "sdpa"}),
    "13": ("WanVideoVAELoader", {"model_name": "wan_2.1_vae.safetensors", "precision": "bf16"}),
    "20": ("WanVideoTextEncode", {"positive_prompt": "a person speaks", "negative_prompt": "blurry", "force_offload": True, "t5": ["10", 0]}),
    "31": ("WanVideoImageToVideoEncode", {"width": ["5", 1], "height": ["5", 2], "num_frames": 81, "noise_aug_strength": 0.0,
                                          "start_latent_strength": 1.0, "end_latent_strength": 1.0, "force_offload": True,
                                          "vae": ["13", 0], "start_image": ["5", 0]}),
    "50": ("WanVideoSampler", {"steps": 20, "cfg": 5.0, "shift": 8.0, "seed": 42, "force_offload": True, "scheduler": "unipc",
                               "riflex_freq_index": 0, "model": ["11", 0], "image_embeds": ["31", 0], "text_embeds": ["20", 0],
                               "fantasytalking_embeds": ["73", 0]}),
    "60": ("WanVideoDecode", {"enable_vae_tiling": False, "tile_x": 272, "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128,
                              "vae": ["13", 0], "samples": ["50", 0]}),
    "61": ("VHS_VideoCombine", {"frame_rate": 24, "loop_count": 0, "filename_prefix": "talk", "format": "video/h264-mp4",
                                "pingpong": False, "save_output": True, "images": ["60", 0]}),
}), "talking.json")
    assert [t["generator"] for t in conv.tasks] == [None] and not nodes_of(conv, "transform.scale")
    assert ("'ImageResizeKJv2' (ImageResizeKJv2, #5), a step between its 'image' and 'WanVideoImageToVideoEncode' "
            "(#31)'s 'start_image': not applied (its settings: width 512, height 512, upscale_method lanczos, "
            "keep_proportion crop") in said(conv)

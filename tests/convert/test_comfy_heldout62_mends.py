"""Mends from the sixty-second held-out set (today's models from personal workflow collections): each test builds a
minimal workflow from node types, values and links (no fetched file) and fails without its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, ui


def _hunyuan_i2v(prompt_values: list) -> dict:
    """HunyuanVideo I2V as ComfyUI's March 2025 example saves it (UI): its image-to-video text encode given
    ``prompt_values`` (one value, the prompt, from before the encoder declared 'image_interleave' after it)."""
    nodes = [
        (1, "UNETLoader", [], ["MODEL"], ["hunyuan_video_image_to_video_720p_bf16.safetensors", "default"]),
        (2, "DualCLIPLoader", [], ["CLIP"], ["clip_l.safetensors", "llava_llama3_fp16.safetensors", "hunyuan_video",
                                             "default"]),
        (3, "VAELoader", [], ["VAE"], ["hunyuan_video_vae_bf16.safetensors"]),
        (4, "LoadImage", [], ["IMAGE", "MASK"], ["1.png", "image"]),
        (5, "CLIPVisionLoader", [], ["CLIP_VISION"], ["llava_llama3_vision.safetensors"]),
        (6, "CLIPVisionEncode", [("clip_vision", "CLIP_VISION"), ("image", "IMAGE")], ["CLIP_VISION_OUTPUT"], ["none"]),
        (7, "TextEncodeHunyuanVideo_ImageToVideo", [("clip", "CLIP"), ("clip_vision_output", "CLIP_VISION_OUTPUT")],
         ["CONDITIONING"], prompt_values),
        (8, "HunyuanImageToVideo", [("positive", "CONDITIONING"), ("vae", "VAE"), ("start_image", "IMAGE")],
         ["CONDITIONING", "LATENT"], [512, 512, 49, 1]),
        (9, "FluxGuidance", [("conditioning", "CONDITIONING")], ["CONDITIONING"], [6]),
        (10, "BasicGuider", [("model", "MODEL"), ("conditioning", "CONDITIONING")], ["GUIDER"], []),
        (11, "KSamplerSelect", [], ["SAMPLER"], ["euler"]),
        (12, "BasicScheduler", [("model", "MODEL")], ["SIGMAS"], ["simple", 30, 1]),
        (13, "RandomNoise", [], ["NOISE"], [1, "fixed"]),
        (14, "SamplerCustomAdvanced", [("noise", "NOISE"), ("guider", "GUIDER"), ("sampler", "SAMPLER"),
                                       ("sigmas", "SIGMAS"), ("latent_image", "LATENT")], ["LATENT", "LATENT"], []),
        (15, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (16, "SaveAnimatedWEBP", [("images", "IMAGE")], [], ["ComfyUI", 24, False, 80, "default"]),
    ]
    links = [(5, 0, 6, "clip_vision"), (4, 0, 6, "image"), (2, 0, 7, "clip"), (6, 0, 7, "clip_vision_output"),
             (7, 0, 8, "positive"), (3, 0, 8, "vae"), (4, 0, 8, "start_image"), (8, 0, 9, "conditioning"),
             (1, 0, 10, "model"), (9, 0, 10, "conditioning"), (1, 0, 12, "model"), (13, 0, 14, "noise"),
             (10, 0, 14, "guider"), (11, 0, 14, "sampler"), (12, 0, 14, "sigmas"), (8, 1, 14, "latent_image"),
             (14, 0, 15, "samples"), (3, 0, 15, "vae"), (15, 0, 16, "images")]
    return ui(nodes, links)


def test_an_older_files_values_fewer_than_the_declared_widgets_are_read_by_place_over_the_first():
    """08 (fahdmirza's HunyuanVideo I2V): TextEncodeHunyuanVideo_ImageToVideo saved one value, its prompt, where its
    type declares 'prompt' and then 'image_interleave' (added later, a default of 2); its values were not named and
    the take's prompt was left empty with nothing said. ComfyUI puts saved values on the widgets by place, the rest at
    their defaults: read so where each value fits its widget's declared type."""
    conv = convert(_hunyuan_i2v(["a robotic dance, gyrating"]), "hy.json")
    (gen,) = nodes_of(conv, "video_models.image_to_video")
    assert gen.params["prompt"] == "a robotic dance, gyrating"


def test_a_text_encoders_values_studio_cannot_name_are_said_not_to_give_the_prompt():
    """08, the guard: where the saved values fit no reading of the declared widgets (a number where the prompt, a
    text, is declared first), the prompt is not read and that is said, never an empty prompt with nothing said."""
    conv = convert(_hunyuan_i2v([7]), "hy.json")
    (gen,) = nodes_of(conv, "video_models.image_to_video")
    assert gen.params["prompt"] == ""
    assert ("'TextEncodeHunyuanVideo_ImageToVideo' (TextEncodeHunyuanVideo_ImageToVideo, #7) saves its values in a "
            "form Studio cannot name by its declared settings, so its 'prompt' is not read: the prompt it holds is "
            "not in Studio's graph (the values as saved: [7])") in said(conv)


def _ltx2(told: float, written: float) -> dict:
    """LTX-2 text to video told ``told`` fps, its frames RIFE x2 before CreateVideo writes them at ``written``."""
    return api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-2-19b-dev.safetensors"}),
        "2": ("LTXAVTextEncoderLoader", {"text_encoder": "gemma_3_12B_it.safetensors",
                                         "ckpt_name": "ltx-2-19b-dev.safetensors", "device": "default"}),
        "3": ("CLIPTextEncode", {"text": "two women at sunset", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "low quality", "clip": ["2", 0]}),
        "5": ("LTXVConditioning", {"frame_rate": told, "positive": ["3", 0], "negative": ["4", 0]}),
        "6": ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": 97, "batch_size": 1}),
        "7": ("KSampler", {"seed": 3, "steps": 20, "cfg": 3, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1, "model": ["1", 0], "positive": ["5", 0], "negative": ["5", 1],
                           "latent_image": ["6", 0]}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["1", 2]}),
        "11": ("RIFE VFI", {"ckpt_name": "rife47.pth", "clear_cache_after_n_frames": 10, "multiplier": 2,
                            "fast_mode": True, "ensemble": True, "scale_factor": 1, "frames": ["8", 0]}),
        "9": ("CreateVideo", {"fps": written, "images": ["11", 0]}),
        "10": ("SaveVideo", {"filename_prefix": "ltx2", "format": "auto", "codec": "auto", "video": ["9", 0]}),
    })


def test_a_rate_told_that_the_interpolation_after_the_take_raises_to_the_videos_is_not_said_to_differ():
    """05 (dseditor's LTX-2 keyframes): LTXVConditioning told 24, RIFE x2, written at 48; it was said "is not the
    video's 48.0 ...: Studio's generator takes one rate, 48.0, for both" while the generator took 24 (the note's
    interpolation line). A rate told that differs from the take's is said against the take's rate."""
    conv = convert(_ltx2(24, 48), "r.json")
    (gen,) = nodes_of(conv, "video_models.ltx2")
    assert gen.params["fps"] == 24.0
    assert "takes one rate" not in said(conv)
    other = said(convert(_ltx2(25, 48), "r.json"))
    assert ("'LTXVConditioning' (LTXVConditioning, #5)'s frame_rate 25 (the rate the model is told the clip has) is "
            "not the take's 24.0 (the video's 48.0, 'CreateVideo', #9, over the frame interpolation x2 after the "
            "take): Studio's generator takes one rate, 24.0, for both") in other


def _keyframed(second_at: int, resized_at: int = 0) -> dict:
    """LTX-2 from two guides: the picture ImageResizeKJv2 fits within 960 (whose size the latent is made at) at
    frame ``resized_at``, another picture at ``second_at`` (its guide the outer one: read first)."""
    return api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-2-19b-dev.safetensors"}),
        "2": ("LTXAVTextEncoderLoader", {"text_encoder": "gemma_3_12B_it.safetensors",
                                         "ckpt_name": "ltx-2-19b-dev.safetensors", "device": "default"}),
        "3": ("CLIPTextEncode", {"text": "two women on a train", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "low quality", "clip": ["2", 0]}),
        "5": ("LTXVConditioning", {"frame_rate": 24, "positive": ["3", 0], "negative": ["4", 0]}),
        "20": ("LoadImage", {"image": "first.png"}),
        "21": ("ImageResizeKJv2", {"width": 960, "height": 960, "upscale_method": "nearest-exact",
                                   "keep_proportion": "resize", "pad_color": "0, 0, 0", "crop_position": "center",
                                   "divisible_by": 2, "device": "cpu", "image": ["20", 0]}),
        "22": ("LoadImage", {"image": "second.png"}),
        "6": ("EmptyLTXVLatentVideo", {"width": ["21", 1], "height": ["21", 2], "length": 161, "batch_size": 1}),
        "30": ("LTXVAddGuide", {"frame_idx": resized_at, "strength": 1, "positive": ["5", 0], "negative": ["5", 1],
                                "vae": ["1", 2], "latent": ["6", 0], "image": ["21", 0]}),
        "31": ("LTXVAddGuide", {"frame_idx": second_at, "strength": 1, "positive": ["30", 0], "negative": ["30", 1],
                                "vae": ["1", 2], "latent": ["30", 2], "image": ["22", 0]}),
        "7": ("KSampler", {"seed": 3, "steps": 20, "cfg": 3, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1, "model": ["1", 0], "positive": ["31", 0], "negative": ["31", 1],
                           "latent_image": ["31", 2]}),
        "8": ("VAEDecode", {"samples": ["7", 0], "vae": ["1", 2]}),
        "9": ("CreateVideo", {"fps": 24, "images": ["8", 0]}),
        "10": ("SaveVideo", {"filename_prefix": "ltx2", "format": "auto", "codec": "auto", "video": ["9", 0]}),
    })


def test_a_latent_sized_by_the_earliest_keyframes_resize_is_said_taken_from_that_keyframe():
    """05: EmptyLTXVLatentVideo sized by ImageResizeKJv2's picture, the guide at frame 0; it was said "not read, the
    generator's own are used" while the generator (width and height 0) takes its earliest keyframe's size, that
    picture's. A resized picture at a later frame is not the size taken: the plain words stay."""
    text = said(convert(_keyframed(5), "k.json"))
    assert ("'EmptyLTXVLatentVideo' (EmptyLTXVLatentVideo, #6)'s width and height come from 'ImageResizeKJv2' "
            "(ImageResizeKJv2, #21), the size of the picture it makes, which Studio's Scale makes on the way to the "
            "generator's 'keyframe_2': the generator takes that size when it runs (its 'width' and 'height' 0: its "
            "'keyframe_2''s size)") in text
    later = said(convert(_keyframed(0, resized_at=40), "k.json"))
    assert "the generator takes that size when it runs" not in later
    assert "not read, the generator's own are used" in later


def _sound_driven() -> dict:
    """LTX-2 making a picture sing a song: the song's latents masked from the diffusion (sound held: 'drive'), the
    take's length AudioToFrameCount's count of the song at 25 fps."""
    return api({
        "1": ("UNETLoader", {"unet_name": "ltx-2-19b-dev.safetensors", "weight_dtype": "default"}),
        "2": ("DualCLIPLoader", {"clip_name1": "gemma_3_12B_it.safetensors",
                                 "clip_name2": "ltx-2-19b-embeddings_connector_distill_bf16.safetensors",
                                 "type": "ltxv", "device": "default"}),
        "40": ("VAELoader", {"vae_name": "LTX2_video_vae_bf16.safetensors"}),
        "41": ("VAELoader", {"vae_name": "LTX2_audio_vae_bf16.safetensors"}),
        "3": ("CLIPTextEncode", {"text": "a girl singing", "clip": ["2", 0]}),
        "4": ("ConditioningZeroOut", {"conditioning": ["3", 0]}),
        "5": ("LTXVConditioning", {"frame_rate": 25, "positive": ["3", 0], "negative": ["4", 0]}),
        "20": ("LoadImage", {"image": "singer.png"}),
        "21": ("LoadAudio", {"audio": "song.mp3"}),
        "22": ("AudioToFrameCount", {"fps": 25, "audio": ["21", 0]}),
        "6": ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": ["22", 0], "batch_size": 1}),
        "23": ("LTXVImgToVideoInplace", {"strength": 1, "bypass": False, "vae": ["40", 0], "image": ["20", 0],
                                         "latent": ["6", 0]}),
        "24": ("LTXVAudioVAEEncode", {"audio": ["21", 0], "audio_vae": ["41", 0]}),
        "25": ("SolidMask", {"value": 0, "width": 512, "height": 512}),
        "26": ("SetLatentNoiseMask", {"samples": ["24", 0], "mask": ["25", 0]}),
        "27": ("LTXVConcatAVLatent", {"video_latent": ["23", 0], "audio_latent": ["26", 0]}),
        "28": ("CFGGuider", {"cfg": 1, "model": ["1", 0], "positive": ["5", 0], "negative": ["5", 1]}),
        "29": ("KSamplerSelect", {"sampler_name": "euler"}),
        "30": ("ManualSigmas", {"sigmas": "1., 0.99375, 0.9875, 0.98125, 0.975, 0.909375, 0.725, 0.421875, 0.0"}),
        "31": ("RandomNoise", {"noise_seed": 7}),
        "32": ("SamplerCustomAdvanced", {"noise": ["31", 0], "guider": ["28", 0], "sampler": ["29", 0],
                                         "sigmas": ["30", 0], "latent_image": ["27", 0]}),
        "33": ("LTXVSeparateAVLatent", {"av_latent": ["32", 0]}),
        "8": ("VAEDecode", {"samples": ["33", 0], "vae": ["40", 0]}),
        "9": ("CreateVideo", {"fps": 25, "images": ["8", 0], "audio": ["21", 0]}),
        "10": ("SaveVideo", {"filename_prefix": "sing", "format": "auto", "codec": "auto", "video": ["9", 0]}),
    })


def test_a_length_not_read_where_the_sound_driven_generator_follows_its_sound_is_said_so():
    """04 (dseditor's LTX-2 song): the latent's length from AudioToFrameCount was said "not read, the generator's
    own is used (set its 'frames' to the workflow's)", while the generator, 'frames' 0 with 'sound: drive', makes the
    take as long as its sound: said so."""
    conv = convert(_sound_driven(), "s.json")
    (gen,) = nodes_of(conv, "video_models.ltx2")
    assert (gen.params["sound"], gen.params["frames"]) == ("drive", 0)
    text = said(conv)
    assert "the generator's own is used" not in text
    assert ("'EmptyLTXVLatentVideo' (EmptyLTXVLatentVideo, #6)'s length comes from 'AudioToFrameCount' "
            "(AudioToFrameCount, #22), whose value Studio cannot work out when converting: not read; the generator, its "
            "'frames' 0 with 'sound: drive', makes the take as long as the sound it is given on 'audio'") in text


def _scail() -> dict:
    """Wan 2.1 SCAIL-2 from a driving clip, WanSCAILToVideo's size the clip's first frame's (GetImageSize) and its
    length the clip's frame count (VHS_VideoInfo), as one take."""
    return api({
        "37": ("UNETLoader", {"unet_name": "wan2.1_14B_SCAIL_2_fp8_scaled.safetensors", "weight_dtype": "default"}),
        "38": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan",
                              "device": "default"}),
        "39": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "57": ("CLIPVisionLoader", {"clip_name": "clip_vision_h.safetensors"}),
        "58": ("LoadImage", {"image": "dancer.png"}),
        "56": ("CLIPVisionEncode", {"crop": "none", "clip_vision": ["57", 0], "image": ["58", 0]}),
        "113": ("VHS_LoadVideo", {"video": "moves.mp4", "force_rate": 16, "custom_width": 0, "custom_height": 0,
                                  "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1,
                                  "format": "None"}),
        "126": ("VHS_VideoInfo", {"video_info": ["113", 3]}),
        "128": ("ImageFromBatch", {"batch_index": 0, "length": 1, "image": ["113", 0]}),
        "104": ("GetImageSize", {"image": ["128", 0]}),
        "6": ("CLIPTextEncode", {"text": "she dances", "clip": ["38", 0]}),
        "7": ("CLIPTextEncode", {"text": "blurry", "clip": ["38", 0]}),
        "101": ("WanSCAILToVideo", {"width": ["104", 0], "height": ["104", 1], "length": ["126", 6],
                                    "batch_size": 1, "pose_strength": 1, "pose_start": 0, "pose_end": 1,
                                    "previous_frame_count": 5, "replacement_mode": False, "positive": ["6", 0],
                                    "negative": ["7", 0], "vae": ["39", 0], "pose_video": ["113", 0],
                                    "reference_image": ["58", 0], "clip_vision_output": ["56", 0]}),
        "3": ("KSampler", {"seed": 5, "steps": 6, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1, "model": ["37", 0], "positive": ["101", 0], "negative": ["101", 1],
                           "latent_image": ["101", 2]}),
        "8": ("VAEDecode", {"samples": ["3", 0], "vae": ["39", 0]}),
        "49": ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "SCAIL",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                    "images": ["8", 0]}),
    })


def test_scail_sizes_and_a_length_worked_out_as_it_runs_are_said_as_the_node_makes_them():
    """06 (dseditor's SCAIL-2): "Studio's SCAIL-2 node makes NonexNone" (it makes 512x896) and "ComfyUI's first
    segment: its first 81 frames of the driving video" (ComfyUI makes one take of the whole clip, its length the
    clip's frame count): the node's size and what its 81 frames are now said."""
    d = _scail()  # (the count of another load's frames: the length of the very clip given is made, test_comfy_left10)
    d["114"] = {"class_type": "VHS_LoadVideo", "inputs": {**d["113"]["inputs"], "video": "other.mp4"}}
    d["126"]["inputs"]["video_info"] = ["114", 3]
    conv = convert(d, "sc.json")
    (gen,) = nodes_of(conv, "video_models.scail2")
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (512, 896, 81)
    text = said(conv)
    assert "NonexNone" not in text and "first segment" not in text
    assert "Studio's SCAIL-2 node makes 512x896; set width and height (multiples of 32) for your clip" in text
    assert ("WanSCAILToVideo's length comes from 'VHS_VideoInfo' (VHS_VideoInfo, #126) when the workflow runs: not "
            "read; Studio's SCAIL-2 node makes the first 81 frames of the driving video (set its 'frames' to the "
            "workflow's; 0: the whole driving video)") in text

"""Mends from the fifty-first held-out set (what artists share now, owners i-r): each test builds a minimal workflow
from node types, values and links (no fetched file) and fails without its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said


def _keyframes_morph() -> dict:
    """LTX-Video 2B: an SD1.5 still (its own KSampler) given to LTXVAddGuide at frame 0, the take's sampler
    SamplerCustomAdvanced, LTXVCropGuides between it and the decode (the conditioning reaches the save through it)."""
    return api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "photon_v1.safetensors"}),
        "2": ("CLIPTextEncode", {"text": "a barren landscape", "clip": ["1", 1]}),
        "3": ("CLIPTextEncode", {"text": "blurry", "clip": ["1", 1]}),
        "4": ("EmptyLatentImage", {"width": 768, "height": 512, "batch_size": 1}),
        "5": ("KSampler", {"seed": 5, "steps": 30, "cfg": 7, "sampler_name": "dpmpp_2m", "scheduler": "karras",
                           "denoise": 1, "model": ["1", 0], "positive": ["2", 0], "negative": ["3", 0],
                           "latent_image": ["4", 0]}),
        "6": ("VAEDecode", {"samples": ["5", 0], "vae": ["1", 2]}),
        "10": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-video-2b-v0.9.safetensors"}),
        "11": ("CLIPLoader", {"clip_name": "t5xxl_fp16.safetensors", "type": "ltxv", "device": "default"}),
        "12": ("CLIPTextEncode", {"text": "a slow transition, timelapse", "clip": ["11", 0]}),
        "13": ("CLIPTextEncode", {"text": "shaky, glitchy", "clip": ["11", 0]}),
        "14": ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": 121, "batch_size": 1}),
        "15": ("LTXVAddGuide", {"frame_idx": 0, "strength": 1, "positive": ["12", 0], "negative": ["13", 0],
                                "vae": ["10", 2], "latent": ["14", 0], "image": ["6", 0]}),
        "16": ("LTXVConditioning", {"frame_rate": 25, "positive": ["15", 0], "negative": ["15", 1]}),
        "17": ("CFGGuider", {"cfg": 3, "model": ["10", 0], "positive": ["16", 0], "negative": ["16", 1]}),
        "18": ("RandomNoise", {"noise_seed": 42}),
        "19": ("KSamplerSelect", {"sampler_name": "euler"}),
        "20": ("LTXVScheduler", {"steps": 20, "max_shift": 2.05, "base_shift": 0.95, "stretch": True,
                                 "terminal": 0.1, "latent": ["15", 2]}),
        "21": ("SamplerCustomAdvanced", {"noise": ["18", 0], "guider": ["17", 0], "sampler": ["19", 0],
                                         "sigmas": ["20", 0], "latent_image": ["15", 2]}),
        "22": ("LTXVCropGuides", {"positive": ["16", 0], "negative": ["16", 1], "latent": ["21", 0]}),
        "23": ("VAEDecode", {"samples": ["22", 2], "vae": ["10", 2]}),
        "24": ("CreateVideo", {"fps": 25, "images": ["23", 0]}),
        "25": ("SaveVideo", {"filename_prefix": "LTX", "format": "auto", "codec": "auto", "video": ["24", 0]}),
    })


def test_a_still_reaching_the_save_only_through_a_guides_conditioning_is_not_said_to_be_a_segment_to_join():
    """05 (MrVa55's keyframes morph): the SD1.5 KSampler making a guide's still reached the save only through
    LTXVCropGuides' positive and negative, and was said to "make part of this output (another segment, a loop or an
    extension joined by ComfyUI's nodes) ... add a generator for each and join them (Concatenate)" (false: it makes
    the picture a guide is given; the guide's own sentence says it is not taken)."""
    conv = convert(_keyframes_morph(), "morph.json")
    text = said(conv)
    assert "more sampler pass" not in text and "join them (Concatenate)" not in text
    assert "a guide at frame 0 (LTXVAddGuide, #15) is not taken: its image is made by nodes Studio does not convert" \
        in text
    (gen,) = nodes_of(conv, "video_models.text_to_video")
    assert gen.params["frames"] == 121 and gen.params["prompt"] == "a slow transition, timelapse"


def test_a_pass_saved_with_no_seed_at_all_is_not_told_to_set_the_workflows_seed():
    """06 (kandinsky-5's own T2V workflow, an older Kandinsky5Generate declaring no seed): "the first pass's seed is
    not read from 'Kandinsky5Generate' (#75): the generator's own 0 stands; set the workflow's" (false: the workflow
    has no seed to read or set). Now said as saved with none; a seed saved is read as before."""
    import copy
    from tests.convert.test_comfy_kandinsky_nodes import K5_LAB
    wf = copy.deepcopy(K5_LAB)
    for k in ("78", "79"):  # text to video: no start image
        del wf[k]
    del wf["68"]["inputs"]["image"]
    gen_in = wf["75"]["inputs"]
    del gen_in["image_latent"], gen_in["seed"], gen_in["precision"]
    conv = convert(wf, "k5.json")
    text = said(conv)
    assert "the first pass's seed is not read from" not in text
    assert ("the first pass's seed: 'Kandinsky5Generate' (#75) is saved with none (the workflow sets no seed): the "
            "generator's own 0 stands") in text
    (gen,) = nodes_of(conv, "video_models.text_to_video")
    assert gen.params["seed"] == 0 and gen.params["steps"] == 50
    gen_in["seed"] = 800  # a seed saved: read, nothing said of it
    conv = convert(wf, "k5.json")
    (gen,) = nodes_of(conv, "video_models.text_to_video")
    assert gen.params["seed"] == 800 and "the first pass's seed" not in said(conv)


def _wan_two_segments(length) -> dict:
    """Wan 2.2 i2v in two segments: the second as long as the first (WanImageToVideo's length from
    GetImageSizeAndCount's count of the first's decode) and started from its last frame (ImageFromBatch at that
    count); ``length``: the first segment's length, a number or a link."""
    def seg(first: int, image: list, length_of) -> dict:
        i = str(first)
        return {
            i: ("WanImageToVideo", {"width": 832, "height": 480, "length": length_of, "batch_size": 1,
                                    "positive": ["3", 0], "negative": ["4", 0], "vae": ["5", 0],
                                    "start_image": image}),
            str(first + 1): ("KSampler", {"seed": 7, "steps": 6, "cfg": 1, "sampler_name": "euler",
                                          "scheduler": "simple", "denoise": 1, "model": ["1", 0],
                                          "positive": [i, 0], "negative": [i, 1], "latent_image": [i, 2]}),
            str(first + 2): ("VAEDecode", {"samples": [str(first + 1), 0], "vae": ["5", 0]}),
            str(first + 3): ("GetImageSizeAndCount", {"image": [str(first + 2), 0]}),
        }
    nodes = {
        "1": ("UNETLoader", {"unet_name": "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors", "type": "wan", "device": "default"}),
        "3": ("CLIPTextEncode", {"text": "a paper boat on a river", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "5": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "6": ("LoadImage", {"image": "boat.png"}),
        **seg(10, ["6", 0], length),
        "20": ("ImageFromBatch", {"image": ["12", 0], "batch_index": ["13", 3], "length": 1}),
        **seg(30, ["20", 0], ["13", 3]),
        "40": ("ImageBatch", {"image1": ["12", 0], "image2": ["32", 0]}),
        "41": ("CreateVideo", {"fps": 16, "images": ["40", 0]}),
        "42": ("SaveVideo", {"filename_prefix": "boat", "format": "auto", "codec": "auto", "video": ["41", 0]}),
    }
    return api(nodes)


def test_a_count_of_a_decoded_takes_frames_is_the_length_it_was_made_at():
    """01 (Nexevonai's Wan 2.2 long take): the second and third segments' length is GetImageSizeAndCount's count of
    the segment before's decode, and their start ImageFromBatch at that count; the count was "a value Studio cannot
    work out": the segments were made at the generator's own length and the third from frame 0. A decoded take of
    81 frames (1 + 8k) counts 81."""
    conv = convert(_wan_two_segments(81), "boat.json")
    gens = nodes_of(conv, "video_models.image_to_video")
    assert [g.params["frames"] for g in gens] == [81, 81]
    (hold,) = [h for h in nodes_of(conv, "edit.frame_hold") if h.params["frame"] != 0]
    assert hold.params["frame"] == 80
    text = said(conv)
    assert "length comes from 'GetImageSizeAndCount'" not in text and "cannot work out" not in text
    assert "take 2 starts from frame 80 of take 1's video (ComfyUI's ImageFromBatch, #20)" in text
    odd = convert(_wan_two_segments(50), "boat.json")  # 50: a length the family's VAE rounds, not known here
    # (the first made as ComfyUI's latent holds 50 frames, 49, said: heldout73's latent_frames)
    assert [g.params["frames"] for g in nodes_of(odd, "video_models.image_to_video")] == [49, 0]


def test_a_take_started_from_a_frame_of_a_take_of_unknown_length_does_not_say_the_last_frames_are_taken():
    """01 (before the count was read): "take 3 starts from frame 0 of take 2's video (ComfyUI's ImageFromBatch,
    #280): ... take 2's length is not known: set the frame to its last; 'FromBatch' (#280)'s batch_index is given by
    a node Studio cannot work out when converting: the last frames are taken" (false: Frame Hold takes frame 0, the
    first). The first take's length here is a count of a still Studio cannot work out."""
    wf = _wan_two_segments(["7", 3])
    wf["7"] = {"class_type": "GetImageSizeAndCount", "inputs": {"image": ["6", 0]}}
    conv = convert(wf, "boat.json")
    text = said(conv)
    assert "the last frames are taken" not in text and "starts from frame 0 of take 1" not in text
    assert ("take 2 starts from a frame of take 1's video (ComfyUI's ImageFromBatch, #20) in ComfyUI; Studio's Frame "
            "Hold gives frame 0 (the first) as the start image; take 1's length is not known: set the frame to its "
            "last") in text
    assert "frame 0 is taken" in text


def _infinitetalk_cropped(crop: dict) -> dict:
    """Wan 2.1 InfiniteTalk through the wrapper's nodes, its voice cut by AudioCrop (``crop``: its settings) before
    both the voice's embeds and the save's sound (Nexevonai's serverless template, its vocal separation left out)."""
    return api({
        "120": ("MultiTalkModelLoader", {"model": "Wan2_1-InfiniteTalk_Single_Q8.gguf"}),
        "122": ("WanVideoModelLoader", {"model": "wan2.1-i2v-14b-480p-Q4_0.gguf", "base_precision": "bf16",
                                        "quantization": "disabled", "load_device": "offload_device",
                                        "attention_mode": "sdpa", "multitalk_model": ["120", 0]}),
        "129": ("WanVideoVAELoader", {"model_name": "wan_2.1_vae.safetensors", "precision": "bf16"}),
        "136": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16",
                                              "load_device": "offload_device", "quantization": "disabled"}),
        "135": ("WanVideoTextEncode", {"t5": ["136", 0], "positive_prompt": "A woman is talking",
                                       "negative_prompt": "blurry", "force_offload": True}),
        "137": ("DownloadAndLoadWav2VecModel", {"model": "TencentGameMate/chinese-wav2vec2-base",
                                                "base_precision": "fp16", "load_device": "main_device"}),
        "217": ("LoadAudio", {"audio": "voice.mp3"}),
        "159": ("AudioCrop", {"audio": ["217", 0], **crop}),
        "194": ("MultiTalkWav2VecEmbeds", {"wav2vec_model": ["137", 0], "audio_1": ["159", 0], "num_frames": 175,
                                           "fps": 25, "normalize_loudness": False, "audio_scale": 1.0,
                                           "audio_cfg_scale": 1.0, "multi_audio_type": "para"}),
        "173": ("CLIPVisionLoader", {"clip_name": "clip_vision_h.safetensors"}),
        "207": ("LoadImage", {"image": "face.png"}),
        "193": ("WanVideoClipVisionEncode", {"clip_vision": ["173", 0], "image_1": ["207", 0], "strength_1": 1.0,
                                             "strength_2": 1.0, "crop": "center", "combine_embeds": "average",
                                             "force_offload": True, "tiles": 0, "ratio": 0.5}),
        "192": ("WanVideoImageToVideoMultiTalk", {"vae": ["129", 0], "start_image": ["207", 0],
                                                  "clip_embeds": ["193", 0], "width": 832, "height": 480,
                                                  "frame_window_size": 81, "motion_frame": 9, "force_offload": False,
                                                  "colormatch": "disabled", "tiled_vae": False}),
        "213": ("WanVideoSampler", {"model": ["122", 0], "image_embeds": ["192", 0], "text_embeds": ["135", 0],
                                    "multitalk_embeds": ["194", 0], "steps": 4, "cfg": 1.0, "shift": 11.0,
                                    "seed": 3, "force_offload": True, "scheduler": "unipc",
                                    "riflex_freq_index": 0, "denoise_strength": 1.0}),
        "130": ("WanVideoDecode", {"vae": ["129", 0], "samples": ["213", 0], "enable_vae_tiling": False,
                                   "tile_x": 272, "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128}),
        "131": ("VHS_VideoCombine", {"images": ["130", 0], "audio": ["159", 0], "frame_rate": 25, "loop_count": 0,
                                     "filename_prefix": "talk", "format": "video/h264-mp4", "pingpong": False,
                                     "save_output": True}),
    })


def test_a_voice_cut_by_audiocrop_is_cut_for_the_take_and_for_the_saves_sound():
    """03 (Nexevonai's InfiniteTalk template): AudioCrop 0:00-0:07 on the voice was "not applied": the whole voice's
    length made, and saved with the whole sound. Now Audio Trim 0-7 s before Speech Features and before the Save
    Video's sound, said; a crop whose times are not read is left to the sentence as before."""
    conv = convert(_infinitetalk_cropped({"start_time": "0:00", "end_time": "0:07"}), "talk.json")
    trims = nodes_of(conv, "edit.audio_trim")
    assert trims and all((t.params["start"], t.params["end"]) == (0.0, 7.0) for t in trims)
    g = conv.graph
    (save,) = nodes_of(conv, "io.save_video")
    (speech,) = nodes_of(conv, "encode.speech")
    ids = {t.id for t in trims}
    assert g.input_link(save.id, "audio").src in ids and g.input_link(speech.id, "audio").src in ids
    text = said(conv)
    assert "'Crop Audio'" not in text and ("'VHS_VideoCombine' (#131)'s 'audio' is the sound 'voice.mp3' ('LoadAudio' "
                                           "(LoadAudio, #217)) cut by 'AudioCrop' (AudioCrop, #159)'s 0-7 s: Studio's "
                                           "Save Video writes the same, made with Audio Trim") in text
    odd = convert(_infinitetalk_cropped({"start_time": "soon", "end_time": "0:07"}), "talk.json")
    assert not nodes_of(odd, "edit.audio_trim") and "(AudioCrop, #159), a step between its 'audio'" in said(odd)


def test_the_joined_takes_last_frame_repeated_after_them_is_made_as_a_hold():
    """01: the joined segments' last frame repeated 10 times at the end (ImageFromBatch at 4095, VHS_DuplicateImages
    x10, ImageBatch after the joined frames) was "not applied" (the tail not made). Now Time (hold) of that frame of
    the joined video, 10 frames, concatenated after it, said."""
    wf = _wan_two_segments(81)
    wf["43"] = {"class_type": "ImageFromBatch", "inputs": {"image": ["40", 0], "batch_index": 4095, "length": 1}}
    wf["44"] = {"class_type": "VHS_DuplicateImages", "inputs": {"images": ["43", 0], "multiply_by": 10}}
    wf["45"] = {"class_type": "ImageBatch", "inputs": {"image1": ["40", 0], "image2": ["44", 0]}}
    wf["41"]["inputs"]["images"] = ["45", 0]
    conv = convert(wf, "boat.json")
    (hold,) = [t for t in nodes_of(conv, "edit.time") if t.params["mode"] == "hold"]
    assert (hold.params["hold_frame"], hold.params["length"]) == (161, 10)
    g = conv.graph
    (save,) = nodes_of(conv, "io.save_video")
    cat = g.input_link(save.id, "video").src
    assert g.nodes[cat].type_id == "edit.concatenate" and g.input_link(cat, "b").src == hold.id
    text = said(conv)
    assert "not applied" not in text
    assert ("'VHS_DuplicateImages' (VHS_DuplicateImages, #44) repeats frame 161 (their last) of the joined takes "
            "('ImageFromBatch' (ImageFromBatch, #43)) 10 times after them ('ImageBatch' (ImageBatch, #45)): Time "
            "(hold) of the joined video, concatenated after it") in text

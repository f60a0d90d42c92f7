"""Mechanisms a fourth held-out set (benchmarks/results/heldout4_2026-11-29.md) showed, each on a small hand-written
workflow (API JSON): a take interpolated before its save is made at the save's rate over the multiplier (RIFE x3
then 24 fps: 8 fps, raised back to 24 by Studio's interpolation); InfiniteTalk's later window sampled from the family's
continued take is no 'other take', and a save writing the two voices joined its own way says Studio's mix; a pose
drawn from a detector's data is never 'made from its settings alone'; a folder of pictures is Studio's Load Image
Sequence; FramePack's older 'image_embeds' read as the
Framepack node's own SigLIP encoding; a KJNodes resize to a fixed size gives that size on its width/height outputs
(and its middle crop is Studio's Scale's); a wrapper's InfiniteTalk wired otherwise is held with its true reason."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said
from tests.convert.test_comfy_outputs import _wan


def _rife(multiplier: int | None) -> dict:
    """Wan 2.1 text to video (#10 decodes it), interpolated by RIFE (``multiplier``; None: no interpolation) and
    written at 24 fps by CreateVideo -> SaveVideo."""
    frames = ["10", 0]
    extra = {}
    if multiplier is not None:
        extra["30"] = {"class_type": "RIFE VFI", "inputs": {"ckpt_name": "rife49.pth", "multiplier": multiplier,
                                                           "frames": ["10", 0]}}
        frames = ["30", 0]
    extra["31"] = {"class_type": "CreateVideo", "inputs": {"fps": 24, "images": frames}}
    extra["32"] = {"class_type": "SaveVideo", "inputs": {"filename_prefix": "smooth", "video": ["31", 0]}}
    return _wan(**extra)


def _generator(conv):
    return next(n for n in conv.graph.nodes.values() if n.type_id.startswith("video_models.")
                and n.type_id not in ("video_models.load", "video_models.lora"))


def test_a_take_interpolated_before_its_save_is_made_at_the_rate_over_the_multiplier():
    """Had been made at the save's 24 fps and interpolated to 72 (a third of ComfyUI's length), unsaid."""
    conv = convert(_rife(3), "rife")
    assert conv.graph.validate() == []
    assert _generator(conv).params["fps"] == 8.0
    assert "the generator makes 8 fps, which Studio's interpolation after it raises to 24" in _said(conv)
    plain = convert(_rife(None), "plain")
    assert _generator(plain).params["fps"] == 24.0 and "interpolation after it" not in _said(plain)


def _talk() -> dict:
    """InfiniteTalk native, two speakers (a start image's mask and a second image's), its take continued by a
    second window from the first's decoded frames (previous_frames), both windows batched for #128, whose sound is
    the two voices one after the other (AudioConcat 'after')."""
    talk = {"mode": "two_speakers", "width": 832, "height": 480, "length": 81, "motion_frame_count": 9,
            "audio_scale": 1.0, "model": ["13", 0], "model_patch": ["112", 0], "positive": ["14", 0],
            "negative": ["17", 0], "vae": ["29", 0], "audio_encoder_output_1": ["25", 0], "start_image": ["32", 0],
            "mode.audio_encoder_output_2": ["93", 0], "mode.mask_1": ["32", 1], "mode.mask_2": ["99", 1]}
    return {
        "13": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors",
                                                      "weight_dtype": "default"}},
        "16": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                      "type": "wan"}},
        "29": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "112": {"class_type": "ModelPatchLoader", "inputs": {"name": "wan2.1_infiniteTalk_single_fp16.safetensors"}},
        "26": {"class_type": "AudioEncoderLoader", "inputs": {"audio_encoder_name": "wav2vec2_base_fp16.safetensors"}},
        "24": {"class_type": "LoadAudio", "inputs": {"audio": "one.wav"}},
        "90": {"class_type": "LoadAudio", "inputs": {"audio": "two.wav"}},
        "25": {"class_type": "AudioEncoderEncode", "inputs": {"audio_encoder": ["26", 0], "audio": ["24", 0]}},
        "93": {"class_type": "AudioEncoderEncode", "inputs": {"audio_encoder": ["26", 0], "audio": ["90", 0]}},
        "32": {"class_type": "LoadImage", "inputs": {"image": "two_people.png"}},
        "99": {"class_type": "LoadImage", "inputs": {"image": "second_face.png"}},
        "14": {"class_type": "CLIPTextEncode", "inputs": {"text": "people talking", "clip": ["16", 0]}},
        "17": {"class_type": "ConditioningZeroOut", "inputs": {"conditioning": ["14", 0]}},
        "129": {"class_type": "WanInfiniteTalkToVideo", "inputs": dict(talk)},
        "106": {"class_type": "RandomNoise", "inputs": {"noise_seed": 2}},
        "108": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
        "19": {"class_type": "BasicScheduler", "inputs": {"scheduler": "normal", "steps": 4, "denoise": 1.0,
                                                          "model": ["129", 0]}},
        "107": {"class_type": "CFGGuider", "inputs": {"cfg": 1.0, "model": ["129", 0], "positive": ["129", 1],
                                                      "negative": ["129", 2]}},
        "120": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["106", 0], "guider": ["107", 0],
                                                                  "sampler": ["108", 0], "sigmas": ["19", 0],
                                                                  "latent_image": ["129", 3]}},
        "119": {"class_type": "VAEDecode", "inputs": {"samples": ["120", 0], "vae": ["29", 0]}},
        "130": {"class_type": "WanInfiniteTalkToVideo", "inputs": {**talk, "previous_frames": ["119", 0]}},
        "122": {"class_type": "CFGGuider", "inputs": {"cfg": 1.0, "model": ["130", 0], "positive": ["130", 1],
                                                      "negative": ["130", 2]}},
        "123": {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["106", 0], "guider": ["122", 0],
                                                                  "sampler": ["108", 0], "sigmas": ["19", 0],
                                                                  "latent_image": ["130", 3]}},
        "124": {"class_type": "VAEDecode", "inputs": {"samples": ["123", 0], "vae": ["29", 0]}},
        "126": {"class_type": "ImageFromBatch", "inputs": {"image": ["124", 0], "batch_index": ["130", 4],
                                                           "length": 4096}},
        "127": {"class_type": "ImageBatch", "inputs": {"image1": ["119", 0], "image2": ["126", 0]}},
        "113": {"class_type": "AudioConcat", "inputs": {"audio1": ["24", 0], "audio2": ["90", 0],
                                                        "direction": "after"}},
        "128": {"class_type": "VHS_VideoCombine", "inputs": {"frame_rate": 25, "loop_count": 0, "format": "video/h264-mp4",
                                                             "filename_prefix": "dialogue", "images": ["127", 0],
                                                             "audio": ["113", 0]}}}


def test_a_familys_continued_window_is_no_other_take_and_the_mixed_voices_are_said():
    """Had said 'another take ... Studio's graph makes only the first take' beside the family's one continued take,
    and written the two voices mixed where the save joins them one after the other, with no word of it (then said;
    now the workflow's join is made: tests/convert/test_comfy_voice_joins.py)."""
    conv = convert(_talk(), "dialogue")
    said = _said(conv)
    talk = _generator(conv)
    assert talk.type_id == "video_models.infinitetalk" and talk.params["frames"] == 153
    assert "another take" not in said
    assert "a later window: 'SamplerCustomAdvanced' (#123) samples what 'WanInfiniteTalkToVideo' (#130) continues" \
        in said
    assert ("'VHS_VideoCombine' (#128)'s 'audio' is the sound 'AudioConcat' (AudioConcat, #113) joins, its 'audio2' "
            "after its 'audio1': Studio's Save Video writes the same, made with Audio Concat") in said  # (talk2)


def _animate(frames: dict) -> dict:
    """Kijai's wrapper's Wan Animate (API JSON) whose driving frames come from node #20 (``frames``)."""
    return {
        "1": {"class_type": "WanVideoModelLoader", "inputs": {"model": "Wan2_2-Animate-14B_fp8.safetensors",
                                                              "base_precision": "bf16"}},
        "2": {"class_type": "WanVideoVAELoader", "inputs": {"model_name": "wan_2.1_vae.safetensors"}},
        "3": {"class_type": "CLIPVisionLoader", "inputs": {"clip_name": "clip_vision_h.safetensors"}},
        "5": {"class_type": "LoadImage", "inputs": {"image": "ref.png"}},
        "7": {"class_type": "WanVideoClipVisionEncode", "inputs": {"clip_vision": ["3", 0], "image_1": ["5", 0],
                                                                   "strength_1": 1.0, "strength_2": 1.0,
                                                                   "crop": "center", "combine_embeds": "average",
                                                                   "force_offload": True}},
        "8": {"class_type": "LoadWanVideoT5TextEncoder", "inputs": {"model_name": "umt5-xxl-enc-bf16.safetensors",
                                                                    "precision": "bf16"}},
        "10": {"class_type": "WanVideoTextEncode", "inputs": {"positive_prompt": "tai chi", "negative_prompt": "",
                                                              "t5": ["8", 0]}},
        "20": frames,
        "21": {"class_type": "OnnxDetectionModelLoader", "inputs": {"vitpose_model": "vitpose.onnx",
                                                                    "yolo_model": "yolo.onnx"}},
        "22": {"class_type": "PoseAndFaceDetection", "inputs": {"model": ["21", 0], "images": ["20", 0],
                                                                "width": 832, "height": 480}},
        "23": {"class_type": "DrawViTPose", "inputs": {"pose_data": ["22", 0], "width": 832, "height": 480,
                                                       "retarget_padding": 16, "body_stick_width": -1,
                                                       "hand_stick_width": -1, "draw_head": True}},
        "24": {"class_type": "WanVideoAnimateEmbeds", "inputs": {"vae": ["2", 0], "clip_embeds": ["7", 0],
                                                                 "ref_images": ["5", 0], "pose_images": ["23", 0],
                                                                 "face_images": ["22", 1], "width": 832,
                                                                 "height": 480, "num_frames": 81,
                                                                 "frame_window_size": 77}},
        "30": {"class_type": "WanVideoSampler", "inputs": {"model": ["1", 0], "image_embeds": ["24", 0],
                                                           "text_embeds": ["10", 0], "steps": 6, "cfg": 1.0,
                                                           "shift": 5.0, "seed": 42, "scheduler": "dpm++_sde"}},
        "40": {"class_type": "WanVideoDecode", "inputs": {"vae": ["2", 0], "samples": ["30", 0]}},
        "50": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["40", 0], "frame_rate": 16, "loop_count": 0,
                                                            "filename_prefix": "animate", "format": "video/h264-mp4"}}}


def test_a_pose_drawn_from_a_detectors_data_is_not_made_from_settings_alone():
    """Driving frames from a loader Studio does not know: DrawViTPose had been said to make the pose video 'from its
    settings alone'; it is listed with the nodes not converted."""
    said = _said(convert(_animate({"class_type": "FramesFromSomewhere", "inputs": {"where": "/renders"}}), "unknown"))
    assert "from its settings alone" not in said
    assert "'DrawViTPose' (DrawViTPose, #23)" in said  # listed with the nodes not converted, never dropped unsaid


def test_a_folder_of_pictures_is_studios_image_sequence():
    """VideoHelperSuite's Load Images (a folder, told by its declared types) had been listed as not converted: no
    pose, no face. It is Studio's Load Image Sequence of that folder, its frame cap a Trim after it (heldout80: said
    not applied before)."""
    conv = convert(_animate({"class_type": "VHS_LoadImages", "inputs": {"directory": "/renders", "image_load_cap": 81}}),
                   "folder")
    assert conv.graph.validate() == []
    seq = next(n for n in conv.graph.nodes.values() if n.type_id == "footage.load_sequence")
    assert seq.params["path"] == "/renders"
    g = conv.graph
    trim = next(g.nodes[l.dst] for l in g.links if l.src == seq.id)
    assert trim.type_id == "transform.trim" and trim.params == {"start": 0, "end": 81, "step": 1}
    into = {(g.nodes[l.dst].type_id, l.dst_port) for l in g.links if l.src == trim.id}
    assert ("preprocess.detect_people", "video") in into and ("preprocess.face_crops", "video") in into
    assert ("'VHS_LoadImages' (VHS_LoadImages, #20) loads pictures 0 to 80 of the folder '/renders' "
            "(skip_first_images, select_every_nth, image_load_cap): Studio's Trim after Load Image Sequence") in _said(conv)


def test_a_folder_loader_capped_at_one_picture_is_a_picture_not_a_sequence():
    """A folder loader capped at one picture (Inspire's list loader, load cap 1, a start index) gives one picture a
    run: the folder-sequence reading had taken it as the whole folder; it is that one picture of the folder, picked
    when it runs (loops18: Load Image Sequence, its Trim keeping the place; before, a Load Image with no file)."""
    conv = convert(_animate({"class_type": "LoadImageListFromDir //Inspire",
                             "inputs": {"directory": "./output/keys", "image_load_cap": 1, "start_index": 3,
                                        "load_always": False}}), "capped")
    g = conv.graph
    seq = next(n for n in g.nodes.values() if n.type_id == "footage.load_sequence")
    trims = [g.nodes[l.dst] for l in g.links if l.src == seq.id]
    assert [t.type_id for t in trims] == ["transform.trim"] and trims[0].params == {"start": 3, "end": 4, "step": 1}
    said = _said(conv)
    assert "loads picture 3 of the folder './output/keys' (counted from 0: start_index, image_load_cap)" in said
    assert "reads every picture of the folder" not in said


def test_framepacks_older_image_embeds_are_the_framepack_nodes_own_siglip():
    """FramePackSampler's one 'image_embeds' (an older release's name): its CLIPVisionEncode and loader had been
    listed as not converted beside the family's word that the Framepack node encodes the image itself."""
    wf = {
        "1": {"class_type": "LoadFramePackModel", "inputs": {"model": "FramePackI2V_HY_bf16.safetensors",
                                                             "base_precision": "bf16"}},
        "2": {"class_type": "DualCLIPLoader", "inputs": {"clip_name1": "llava_llama3_fp8_scaled.safetensors",
                                                         "clip_name2": "clip_l.safetensors", "type": "hunyuan_video"}},
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a cat walks", "clip": ["2", 0]}},
        "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["2", 0]}},
        "5": {"class_type": "VAELoader", "inputs": {"vae_name": "hunyuan_video_vae_bf16.safetensors"}},
        "6": {"class_type": "CLIPVisionLoader", "inputs": {"clip_name": "sigclip_vision_patch14_384.safetensors"}},
        "7": {"class_type": "LoadImage", "inputs": {"image": "cat.png"}},
        "9": {"class_type": "VAEEncode", "inputs": {"pixels": ["7", 0], "vae": ["5", 0]}},
        "10": {"class_type": "CLIPVisionEncode", "inputs": {"clip_vision": ["6", 0], "image": ["7", 0],
                                                            "crop": "center"}},
        "11": {"class_type": "FramePackSampler", "inputs": {
            "model": ["1", 0], "positive": ["3", 0], "negative": ["4", 0], "start_latent": ["9", 0],
            "image_embeds": ["10", 0], "steps": 25, "use_teacache": True, "teacache_rel_l1_thresh": 0.15,
            "cfg": 1.0, "guidance_scale": 10.0, "shift": 0.0, "seed": 42, "latent_window_size": 9,
            "total_second_length": 5.0, "gpu_memory_preservation": 6.0, "sampler": "unipc_bh1"}},
        "12": {"class_type": "VAEDecode", "inputs": {"samples": ["11", 0], "vae": ["5", 0]}},
        "13": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["12", 0], "frame_rate": 30, "loop_count": 0,
                                                            "filename_prefix": "fp", "format": "video/h264-mp4"}}}
    conv = convert(wf, "framepack")
    said = _said(conv)
    assert _generator(conv).type_id == "video_models.framepack"
    assert "CLIPVisionLoader" not in said and "ComfyUI nodes not converted (" not in said
    assert ("the image embeddings FramePackSampler is given ('CLIPVisionEncode' (#10, with "
            "'sigclip_vision_patch14_384.safetensors')) are made by the Framepack node") in said


def test_a_kj_resize_to_a_fixed_size_gives_its_size_and_its_middle_crop_is_scale():
    """WanImageToVideo's width and height wired from ImageResizeKJv2's outputs (480x480, cropped about the middle):
    had been 'not read' (the generator's own size) with the start image wired without the crop."""
    extra = {
        "40": {"class_type": "LoadImage", "inputs": {"image": "portrait.png"}},
        "41": {"class_type": "ImageResizeKJv2", "inputs": {"image": ["40", 0], "width": 480, "height": 480,
                                                           "upscale_method": "lanczos", "keep_proportion": "crop",
                                                           "pad_color": "0, 0, 0", "crop_position": "center",
                                                           "divisible_by": 16, "device": "cpu"}},
        "42": {"class_type": "WanImageToVideo", "inputs": {"width": ["41", 1], "height": ["41", 2], "length": 33,
                                                           "batch_size": 1, "positive": ["6", 0], "negative": ["7", 0],
                                                           "vae": ["3", 0], "start_image": ["41", 0]}},
        "31": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["10", 0]}},
        "32": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "i2v", "video": ["31", 0]}}}
    wf = _wan(**extra)
    wf["9"]["inputs"].update(positive=["42", 0], negative=["42", 1], latent_image=["42", 2])
    conv = convert(wf, "kj_sized")
    assert conv.graph.validate() == []
    gen = _generator(conv)
    assert (gen.type_id, gen.params["width"], gen.params["height"]) == ("video_models.image_to_video", 480, 480)
    scale = next(n for n in conv.graph.nodes.values() if n.type_id == "transform.scale")
    assert (scale.params["width"], scale.params["height"], scale.params["crop"]) == (480, 480, "center")
    assert "scaled to 480x480 (cut to that aspect, its middle kept) by Studio's Scale" in _said(conv)


def test_a_wrapper_infinitetalk_wired_otherwise_is_held_with_its_reason():
    """The voice wired into WanVideoImageToVideoMultiTalk itself (a hand-written file): held, said as not wired as
    the wrapper wires it, never as a node 'with no ComfyUI core counterpart'."""
    wf = {
        "1": {"class_type": "WanVideoModelLoader", "inputs": {"model": "wan2.1_i2v_480p_14B_fp16.safetensors",
                                                              "base_precision": "bf16"}},
        "2": {"class_type": "MultiTalkModelLoader", "inputs": {"model": "infinitetalk.safetensors"}},
        "4": {"class_type": "WanVideoVAELoader", "inputs": {"vae_model": "wan_2.1_vae.safetensors"}},
        "10": {"class_type": "LoadImage", "inputs": {"image": "face.png"}},
        "11": {"class_type": "LoadAudio", "inputs": {"audio": "speech.mp3"}},
        "22": {"class_type": "MultiTalkWav2VecEmbeds", "inputs": {"multitalk_model": ["2", 0], "audio": ["11", 0]}},
        "30": {"class_type": "WanVideoImageToVideoMultiTalk", "inputs": {
            "multitalk_model": ["2", 0], "image": ["10", 0], "wav2vec_embeds": ["22", 0], "width": 832,
            "height": 480, "motion_frame": 25, "frame_window": 81}},
        "40": {"class_type": "WanVideoSampler", "inputs": {"model": ["1", 0], "image_embeds": ["30", 0],
                                                           "seed": 42, "steps": 20, "cfg": 3.0, "shift": 5.0}},
        "50": {"class_type": "WanVideoDecode", "inputs": {"vae": ["4", 0], "samples": ["40", 0]}},
        "60": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["50", 0], "audio": ["11", 0],
                                                            "frame_rate": 16, "filename_prefix": "talk"}}}
    conv = convert(wf, "talk_api")
    said = _said(conv)
    assert [t["generator"] for t in conv.tasks] == [None]
    assert "no ComfyUI core counterpart" not in said
    assert ("'WanVideoImageToVideoMultiTalk' (WanVideoImageToVideoMultiTalk, #30) is read as InfiniteTalk where its "
            "sampler 'WanVideoSampler' (#40) is given the voice on 'multitalk_embeds'") in said


def test_an_interpolated_rate_is_not_said_where_the_family_sets_its_own():
    """InfiniteTalk makes its takes at 25 fps whatever the save says: a RIFE x2 before a 32 fps save gives no sentence
    of a 16 fps take."""
    wf = _talk()
    wf["131"] = {"class_type": "RIFE VFI", "inputs": {"ckpt_name": "rife49.pth", "multiplier": 2, "frames": ["127", 0]}}
    wf["128"]["inputs"].update(images=["131", 0], frame_rate=32)
    conv = convert(wf, "dialogue_rife")
    assert _generator(conv).params["fps"] == 25.0
    assert "interpolated (" not in _said(conv)

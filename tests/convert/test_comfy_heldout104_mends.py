"""Mechanisms a hundred-and-fourth held-out set (benchmarks/results/heldout104_2026-12-01.md: LTX-2.5 pack examples, a
VACE outpaint, ComfyUI's VOID blueprint, workers' API templates) showed, each on a small hand-written workflow, with
invented pack node names where the rule is by declared types."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, said
from tests.convert.test_comfy_heldout39_mends import _link


def _detector_beside_a_held_sampler() -> dict:
    """A take Studio holds (VOID's object removal: no family runs it) whose conditioning is given a mask a detector
    makes, the detector's model from a checkpoint (SAM 3's, as ComfyUI's VOID blueprint wires it)."""
    return api({
        "1": ("UNETLoader", {"unet_name": "void_pass1.safetensors", "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "t5xxl_fp16.safetensors", "type": "cogvideox", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "cogvideox_vae.safetensors"}),
        "4": ("CLIPTextEncode", {"text": "an empty table", "clip": ["2", 0]}),
        "5": ("CLIPTextEncode", {"text": "", "clip": ["2", 0]}),
        "6": ("LoadVideo", {"file": "table.mp4"}),
        "7": ("GetVideoComponents", {"video": ["6", 0]}),
        "8": ("CheckpointLoaderSimple", {"ckpt_name": "sam3.1_multiplex_fp16.safetensors"}),
        "9": ("CLIPTextEncode", {"text": "cup", "clip": ["8", 1]}),
        "10": ("SAM3_Detect", {"model": ["8", 0], "image": ["7", 0], "conditioning": ["9", 0], "threshold": 0.5,
                               "refine_iterations": 2, "individual_masks": False}),
        "11": ("VOIDInpaintConditioning", {"positive": ["4", 0], "negative": ["5", 0], "vae": ["3", 0],
                                           "video": ["7", 0], "quadmask": ["10", 0], "width": 672, "height": 384,
                                           "length": 45, "batch_size": 1}),
        "12": ("CFGGuider", {"model": ["1", 0], "positive": ["11", 0], "negative": ["11", 1], "cfg": 6}),
        "13": ("VOIDSampler", {}),
        "14": ("BasicScheduler", {"model": ["1", 0], "scheduler": "simple", "steps": 30, "denoise": 1}),
        "15": ("RandomNoise", {"noise_seed": 43}),
        "16": ("SamplerCustomAdvanced", {"noise": ["15", 0], "guider": ["12", 0], "sampler": ["13", 0],
                                         "sigmas": ["14", 0], "latent_image": ["11", 2]}),
        "17": ("VAEDecode", {"samples": ["16", 0], "vae": ["3", 0]}),
        "18": ("CreateVideo", {"images": ["17", 0], "fps": 30}),
        "19": ("SaveVideo", {"video": ["18", 0], "filename_prefix": "void", "format": "auto", "codec": "auto"})})


def test_a_detectors_checkpoint_is_not_called_a_model_a_pass_samples_with():
    """05 (VOID): "'CheckpointLoaderSimple' (#...) loads 'sam3.1_multiplex_fp16.safetensors', a model a pass of the held
    task samples with" - its model goes only to the detector, whose mask reaches the sampler through the conditioning.
    The walk from a loader to a sampler follows inputs that take a model or a guider. And the detector passed over was
    "a step between its 'model' and" the mask's reader: a step's way is a picture, clip, mask, sound or latent it is
    given before a model or conditioning."""
    text = said(convert(_detector_beside_a_held_sampler(), "void.json"))
    assert "Studio cannot run VOID" in text
    assert "a model a pass of the held task samples with" not in text
    assert '"ckpt_name": "sam3.1_multiplex_fp16.safetensors"' in text  # (still listed with its file, not dropped)
    # the detector, passed over, is said to lie on its picture's way (was "a step between its 'model' and ...")
    assert "'SAM3_Detect' (SAM3_Detect, #10), a step between its 'image' and 'VOIDInpaintConditioning' (#11)'s " \
           "'quadmask': not applied" in text
    from studio.convert.mapping.held_models import _carries_model
    assert _carries_model("MODEL") and _carries_model("GUIDER") and _carries_model("WANVIDEOMODEL")
    assert _carries_model("")  # (a type not known: followed, as before)
    assert not _carries_model("MASK") and not _carries_model("CONDITIONING") and not _carries_model("IMAGE")


def _guides_then_a_latent_lock() -> dict:
    """LTX-2.5 first and last frame (two LTXVAddGuide) whose latent then passes a pack's node no catalogued pack
    declares, given a picture and a mask of its own (PolyGoneNYC's background lock, renamed), on its way to the
    sampler."""
    return api({
        "1": ("UNETLoader", {"unet_name": "ltx-2.5-22b-distilled-transformer-comfy-int8-convrot.safetensors",
                             "weight_dtype": "default"}),
        "2": ("CLIPLoader", {"clip_name": "gemma4-12b-with-proj-ltx-2.5-comfy-int8-convrot.safetensors",
                             "type": "ltxv", "device": "default"}),
        "3": ("VAELoader", {"vae_name": "ltx-2.5-video-vae-bf16.safetensors"}),
        "4": ("VAELoader", {"vae_name": "ltx-2.5-audio-vae-bf16.safetensors"}),
        "5": ("LoadImage", {"image": "first.png"}),
        "6": ("LoadImage", {"image": "last.png"}),
        "7": ("CLIPTextEncode", {"text": "a hand opens", "clip": ["2", 0]}),
        "8": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "9": ("LTXVConditioning", {"positive": ["7", 0], "negative": ["8", 0], "frame_rate": 24}),
        "10": ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": 97, "batch_size": 1}),
        "11": ("LTXVAddGuide", {"positive": ["9", 0], "negative": ["9", 1], "vae": ["3", 0], "latent": ["10", 0],
                                "image": ["5", 0], "frame_idx": 0, "strength": 0.7}),
        "12": ("LTXVAddGuide", {"positive": ["11", 0], "negative": ["11", 1], "vae": ["3", 0], "latent": ["11", 2],
                                "image": ["6", 0], "frame_idx": -1, "strength": 0.7}),
        "13": ("LoadImage", {"image": "scene.png"}),
        "14": ("LoadImageMask", {"image": "scene_mask.png", "channel": "red"}),
        "15": ("AcmeLatentRegionLock", {"latent": ["12", 2], "vae": ["3", 0], "image": ["13", 0], "mask": ["14", 0],
                                        "strength": 1.0}),
        "16": ("LTXVEmptyLatentAudio", {"audio_vae": ["4", 0], "frames_number": 97, "frame_rate": 24,
                                        "batch_size": 1}),
        "17": ("LTXVConcatAVLatent", {"video_latent": ["15", 0], "audio_latent": ["16", 0]}),
        "18": ("KSampler", {"model": ["1", 0], "positive": ["12", 0], "negative": ["12", 1], "latent_image": ["17", 0],
                            "seed": 42, "steps": 8, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 1}),
        "19": ("LTXVSeparateAVLatent", {"av_latent": ["18", 0]}),
        "20": ("VAEDecode", {"samples": ["19", 0], "vae": ["3", 0]}),
        "21": ("LTXVAudioVAEDecode", {"samples": ["19", 1], "audio_vae": ["4", 0]}),
        "22": ("CreateVideo", {"images": ["20", 0], "audio": ["21", 0], "fps": 24}),
        "23": ("SaveVideo", {"video": ["22", 0], "filename_prefix": "flf", "format": "auto", "codec": "auto"})})


def test_a_held_task_names_the_guides_read_beside_the_blocked_files():
    """01: "This workflow makes a video from image and mask given to the sampler by LTXVLockBackgroundRegion (latent
    step) ...; Studio cannot wire what that node gives into a generator of that task (made from the prompt alone, it
    would be another video)" - the two LTXVAddGuide's frames were read for the generator: made without the lock it would
    be a first and last frame take, not one from the prompt alone. The guides read are named beside the files held."""
    first = said(convert(_guides_then_a_latent_lock(), "flf.json")).splitlines()[0]
    assert "given to the sampler by AcmeLatentRegionLock (latent step), beside a guide at the last frame (LTXVAddGuide) " \
           "and a guide at frame 0 (LTXVAddGuide) with LTX-2" in first
    assert "(made without it, it would be another video)" in first and "prompt alone" not in first
    # no guide read: as before
    wf = _guides_then_a_latent_lock()
    wf["15"]["inputs"]["latent"] = ["10", 0]
    wf["18"]["inputs"]["positive"], wf["18"]["inputs"]["negative"] = ["9", 0], ["9", 1]
    for k in ("11", "12"):
        del wf[k]
    first = said(convert(wf, "flf.json")).splitlines()[0]
    assert "(made from the prompt alone, it would be another video)" in first and "beside" not in first


def _two_output_blueprint() -> dict:
    """A blueprint (one subgraph node, wired to nothing) with two clip outputs, as ComfyUI's VOID blueprint has
    ('pass_1_video', 'final_pass_2_video')."""
    sid = "b1a3e39f-0000-4000-8000-000000000104"
    nodes = [
        {"id": 1, "type": "EmptyImage", "widgets_values": [64, 64, 8, 0], "inputs": [],
         "outputs": [{"name": "IMAGE", "type": "IMAGE", "links": [1, 4]}]},
        {"id": 2, "type": "CreateVideo", "widgets_values": [16], "inputs": [{"name": "images", "type": "IMAGE", "link": 1}],
         "outputs": [{"name": "VIDEO", "type": "VIDEO", "links": [3]}]},
        {"id": 3, "type": "CreateVideo", "widgets_values": [24], "inputs": [{"name": "images", "type": "IMAGE", "link": 4}],
         "outputs": [{"name": "VIDEO", "type": "VIDEO", "links": [5]}]}]
    sub = {"id": sid, "name": "Two Clips", "nodes": nodes, "inputs": [],
           "outputs": [{"name": "draft_video", "type": "VIDEO", "linkIds": [3]},
                       {"name": "final_video", "type": "VIDEO", "linkIds": [5]}],
           "links": [_link(1, 1, 0, 2, 0, "IMAGE"), _link(4, 1, 0, 3, 0, "IMAGE"), _link(3, 2, 0, -20, 0, "VIDEO"),
                     _link(5, 3, 0, -20, 1, "VIDEO")]}
    top = {"id": 9, "type": sid, "inputs": [], "widgets_values": [],
           "outputs": [{"name": "draft_video", "type": "VIDEO", "links": []},
                       {"name": "final_video", "type": "VIDEO", "links": []}]}
    return {"nodes": [top], "links": [], "definitions": {"subgraphs": [sub]}}


def test_a_blueprints_two_saves_of_one_kind_are_named_by_their_outputs():
    """05: "whose output feeds nothing ...: a save of its video and video" for a blueprint with two clip outputs. Each
    is named by its output, and the outputs counted."""
    text = said(convert(_two_output_blueprint(), "Two Clips.json"))
    assert "'Two Clips' is a blueprint: its one node is a subgraph whose outputs feed nothing, so ComfyUI runs nothing " \
           "as saved; read as a workflow it is dropped into gives it: a save of its video 'draft_video' and video " \
           "'final_video'" in text
    assert "video and video" not in text


def test_a_packs_speech_encoder_file_is_looked_for_in_its_own_folder_too(tmp_path, monkeypatch):
    """08 (InfiniteTalk through WanVideoWrapper): "Speech Features reads ComfyUI's
    'wav2vec2-chinese-base_fp16.safetensors' (audio_encoders/)", while the wrapper's Wav2VecModelLoader lists its
    files from ComfyUI's wav2vec2/ folder, where Studio did not look. Studio now looks in both, and says so where the
    file is a pack loader's (ComfyUI's own AudioEncoderLoader: audio_encoders/, as before)."""
    from nodes.encoders.speech_file import find_encoder
    name = "wav2vec2-chinese-base_fp16.safetensors"
    (tmp_path / "models" / "wav2vec2").mkdir(parents=True)
    (tmp_path / "models" / "wav2vec2" / name).write_bytes(b"weights")
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))
    assert find_encoder(name, None, "Speech Features") == str(tmp_path / "models" / "wav2vec2" / name)
    wf = api({
        "1": ("Wav2VecModelLoader", {"model": name, "base_precision": "fp16", "load_device": "main_device"}),
        "2": ("LoadAudio", {"audio": "voice.wav"}),
        "3": ("MultiTalkWav2VecEmbeds", {"wav2vec_model": ["1", 0], "audio_1": ["2", 0], "num_frames": 81,
                                         "fps": 25, "audio_scale": 1.0, "normalize_loudness": False,
                                         "multi_audio_type": "para"}),
        "4": ("WanVideoVAELoader", {"model_name": "wan_2.1_vae.safetensors", "precision": "bf16"}),
        "5": ("LoadImage", {"image": "face.png"}),
        "6": ("MultiTalkModelLoader", {"model": "Wan2_1-InfiniteTalk-Single_fp8_e4m3fn_scaled_KJ.safetensors"}),
        "7": ("WanVideoModelLoader", {"model": "wan2.1_i2v_480p_14B_fp16.safetensors", "base_precision": "bf16",
                                      "quantization": "disabled", "load_device": "offload_device",
                                      "attention_mode": "sdpa", "multitalk_model": ["6", 0]}),
        "8": ("WanVideoTextEncodeCached", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16",
                                           "positive_prompt": "a woman talks", "negative_prompt": "blurry",
                                           "quantization": "disabled", "use_disk_cache": False, "device": "gpu"}),
        "9": ("WanVideoImageToVideoMultiTalk", {"vae": ["4", 0], "start_image": ["5", 0], "width": 480, "height": 832,
                                                "frame_window_size": 81, "motion_frame": 9, "force_offload": True,
                                                "colormatch": "disabled", "mode": "infinitetalk"}),
        "10": ("WanVideoSampler", {"model": ["7", 0], "image_embeds": ["9", 0], "text_embeds": ["8", 0],
                                   "multitalk_embeds": ["3", 0], "steps": 6, "cfg": 1.0, "shift": 11.0, "seed": 2,
                                   "force_offload": True, "scheduler": "unipc", "riflex_freq_index": 0}),
        "11": ("WanVideoDecode", {"vae": ["4", 0], "samples": ["10", 0], "enable_vae_tiling": False, "tile_x": 272,
                                  "tile_y": 272, "tile_stride_x": 144, "tile_stride_y": 128}),
        "12": ("VHS_VideoCombine", {"images": ["11", 0], "audio": ["2", 0], "frame_rate": 25, "loop_count": 0,
                                    "filename_prefix": "talk", "format": "video/h264-mp4", "save_output": True})})
    text = said(convert(wf, "talk.json"))
    assert f"Speech Features reads ComfyUI's '{name}' (the file 'Wav2VecModelLoader' (Wav2VecModelLoader, #1) " \
           "loads: Studio looks for it in audio_encoders/ and wav2vec2/)" in text
    assert f"'{name}' (audio_encoders/)" not in text

"""A sound made for a loaded clip (kijai's ComfyUI-MMAudio, read by the declared types of its sampler and loaders)
becomes Studio's MMAudio between the Load Video and Save Video's 'audio'; a 16 kHz set stays held."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, source_of

FILES = {"model": "mmaudio_large_44k_v2_fp16.safetensors", "vae": "mmaudio_vae_44k_fp16.safetensors",
         "synchformer": "mmaudio_synchformer_fp16.safetensors", "clip": "apple_DFN5B-CLIP-ViT-H-14-384_fp16.safetensors"}


def _workflow(mode="44k", duration=None, prompt="rain on a tin roof", mask=False):
    return api({
        "1": ("MMAudioModelLoader", {"mmaudio_model": FILES["model"], "base_precision": "bf16"}),
        "2": ("VHS_LoadVideo", {"video": "street.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1,
                                "format": "None"}),
        "3": ("MMAudioSampler", {"duration": ["5", 7] if duration is None else duration, "steps": 30, "cfg": 5.0, "seed": 11, "prompt": prompt,
                                 "negative_prompt": "music", "mask_away_clip": mask, "force_offload": True,
                                 "mmaudio_model": ["1", 0], "feature_utils": ["6", 0], "images": ["2", 0]}),
        "4": ("VHS_VideoCombine", {"frame_rate": ["5", 5], "loop_count": 0, "filename_prefix": "sound",
                                   "format": "video/h264-mp4", "pix_fmt": "yuv420p", "crf": 19,
                                   "save_metadata": True, "pingpong": False, "save_output": True,
                                   "images": ["2", 0], "audio": ["3", 0]}),
        "5": ("VHS_VideoInfo", {"video_info": ["2", 3]}),
        "6": ("MMAudioFeatureUtilsLoader", {"vae_model": FILES["vae"], "synchformer_model": FILES["synchformer"],
                                            "clip_model": FILES["clip"], "mode": mode, "precision": "fp16"}),
    })


def test_the_sampler_becomes_mmaudio_its_sound_written_with_the_clip():
    conv = convert(_workflow(), "sound")
    (mm,) = nodes_of(conv, "video_models.mmaudio")
    (save,) = nodes_of(conv, "io.save_video")
    p = mm.params
    assert {k: p[k] for k in FILES} == FILES
    assert (p["steps"], p["cfg"], p["prompt"], p["negative_prompt"], p["precision"]) == (30, 5.0, "rain on a tin roof",
                                                                                          "music", "bf16")
    assert p["duration"] == 0.0  # the loaded clip's own duration, wired from VHS_VideoInfo: the clip's length
    assert source_of(conv, save.id, "audio").id == mm.id
    assert source_of(conv, mm.id, "video").type_id == "io.load_video"
    text = said(conv)
    assert "'MMAudio Sampler' (MMAudioSampler, #3)" not in text or "makes the clip's sound with MMAudio" in text
    assert "its duration the loaded clip's length, as 'VHS_VideoInfo' (VHS_VideoInfo, #5) gives it" in text
    assert "Studio cannot convert" not in text
    assert [t["generator"] for t in conv.tasks] == ["video_models.mmaudio"]  # a generator of the sound


def test_a_set_duration_and_mask_away_clip_are_taken():
    conv = convert(_workflow(duration=3.5, mask=True), "sound")
    (mm,) = nodes_of(conv, "video_models.mmaudio")
    assert mm.params["duration"] == 3.5 and mm.params["mask_away_clip"] is True
    assert "its duration 3.5 s (the clip's length where it is shorter)" in said(conv)


def test_loaders_asking_two_precisions_are_said():
    text = said(convert(_workflow(), "sound"))  # the network's loader bf16, the features' fp16
    assert ("the loaders ask bf16 ('MMAudioModelLoader' (MMAudioModelLoader, #1)) and fp16 ('MMAudioFeatureUtilsLoader' "
            "(MMAudioFeatureUtilsLoader, #6)): Studio's MMAudio runs its networks in bf16, its VAE and vocoder in fp32"
            in text)


def test_a_16k_set_is_not_made():
    conv = convert(_workflow(mode="16k"), "sound")
    assert not nodes_of(conv, "video_models.mmaudio")
    assert "Studio cannot convert 'MMAudio Sampler' (MMAudioSampler, #3)" in said(conv) or \
        "Studio cannot convert 'MMAudioSampler' (MMAudioSampler, #3)" in said(conv)


def test_core_nodes_the_clip_taken_apart_and_the_sound_put_beside_it():
    """LoadVideo -> GetVideoComponents -> the sampler; CreateVideo(its frames, the sampler's sound) -> SaveVideo."""
    wf = _workflow()
    wf = {k: v for k, v in wf.items() if k in ("1", "3", "6")}
    wf["3"]["inputs"].update(duration=2.0, images=["8", 0])
    wf.update(api({"7": ("LoadVideo", {"file": "street.mp4"}), "8": ("GetVideoComponents", {"video": ["7", 0]}),
                   "9": ("CreateVideo", {"images": ["8", 0], "audio": ["3", 0], "fps": ["8", 2]}),
                   "10": ("SaveVideo", {"video": ["9", 0], "filename_prefix": "video/foley", "format": "auto",
                                        "codec": "auto"})}))
    conv = convert(wf, "core")
    (mm,) = nodes_of(conv, "video_models.mmaudio")
    (save,) = nodes_of(conv, "io.save_video")
    assert mm.params["duration"] == 2.0
    assert source_of(conv, save.id, "audio").id == mm.id and source_of(conv, mm.id, "video").type_id == "io.load_video"
    assert "its duration 2.0 s (the clip's length where it is shorter)" in said(conv)


def _saved_alone(preview=False):
    wf = {
        "1": ("MMAudioModelLoader", {"mmaudio_model": FILES["model"], "base_precision": "fp16"}),
        "2": ("LoadVideo", {"file": "take.mp4"}),
        "7": ("GetVideoComponents", {"video": ["2", 0]}),
        "3": ("MMAudioSampler", {"duration": 2.5, "steps": 20, "cfg": 4.5, "seed": 5, "prompt": "soft fabric rustle",
                                 "negative_prompt": "music", "mask_away_clip": False, "force_offload": True,
                                 "mmaudio_model": ["1", 0], "feature_utils": ["6", 0], "images": ["7", 0]}),
        "6": ("MMAudioFeatureUtilsLoader", {"vae_model": FILES["vae"], "synchformer_model": FILES["synchformer"],
                                            "clip_model": FILES["clip"], "mode": "44k", "precision": "fp16"}),
    }
    wf["4"] = ("PreviewAudio", {"audio": ["3", 0]}) if preview else ("SaveAudio", {"filename_prefix": "foley/take",
                                                                                   "audio": ["3", 0]})
    return api(wf)


def test_a_clip_s_sound_saved_alone_is_made_and_written_by_save_audio():
    """heldout74 01: LoadVideo -> GetVideoComponents -> MMAudioSampler -> SaveAudio (the foley track alone) was held,
    "Studio cannot convert 'MMAudioSampler'": now Load Video -> MMAudio -> Save Audio, the WAV said."""
    conv = convert(_saved_alone(), "foley")
    (mm,) = nodes_of(conv, "video_models.mmaudio")
    (save,) = nodes_of(conv, "io.save_audio")
    assert source_of(conv, mm.id, "video").type_id == "io.load_video" and source_of(conv, save.id, "audio").id == mm.id
    assert save.params["path"] == "out/foley/take.wav" and mm.params["duration"] == 2.5 and mm.params["seed"] == 5
    text = said(conv)
    assert "Save Audio writes it alone (out/foley/take.wav)" in text and "Studio cannot convert" not in text
    assert "is written as a 16-bit WAV file, out/foley/take.wav" in text
    assert "GetVideoComponents" not in text.split("passed over")[-1]  # passing the frames on: read, not passed over
    assert [t["generator"] for t in conv.tasks] == ["video_models.mmaudio"]


def test_a_preview_of_the_sound_alone_is_written_too_and_said():
    conv = convert(_saved_alone(preview=True), "foley")
    (save,) = nodes_of(conv, "io.save_audio")
    assert save.params["path"] == "out/ComfyUI_preview.wav"
    assert "where ComfyUI plays it from a temporary file" in said(conv)

"""Mechanisms a hundred-and-eighteenth held-out set (benchmarks/results/heldout118_2026-12-01.md: MiniMax H3 templates,
a 2023 AnimateDiff first/last interpolation, a folder-of-frames utility, an InfiniteTalk deployment) showed, each on a
small hand-written API workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said as _said, source_of


def _frames_folder(vfi: str = "RIFE VFI") -> dict:
    """VideoHelperSuite's Load Images (a folder of frames) -> a frame interpolation x2 -> Video Combine at 8 fps, no
    sound (C0nsumption's frames_to_video, heldout118 05)."""
    return {
        "1": {"class_type": "VHS_LoadImages", "inputs": {"directory": "video_frames", "image_load_cap": 0,
                                                         "skip_first_images": 0, "select_every_nth": 1}},
        "4": {"class_type": vfi, "inputs": {"ckpt_name": "rife47.pth", "clear_cache_after_n_frames": 10,
                                            "multiplier": 2, "frames": ["1", 0]}},
        "2": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["4", 0], "frame_rate": 8, "loop_count": 0,
                                                          "filename_prefix": "_frames", "format": "video/h264-mp4",
                                                          "pingpong": False, "save_output": True}},
    }


def test_a_folder_of_frames_starts_a_utility_s_way():
    """A folder loader read as Load Image Sequence -> an interpolation -> a save is made as that chain (it made no
    node: "no video output with a sampler found: only notes made"), written at the save's 8 fps, with no loaded
    clip's sound spoken of (a folder of pictures has none)."""
    conv = convert(_frames_folder(), "frames.json")
    seq, = nodes_of(conv, "footage.load_sequence")
    assert seq.params["path"] == "video_frames"
    interp, = nodes_of(conv, "motion.interpolate")
    assert source_of(conv, interp.id, "video").id == seq.id and interp.params["factor"] == 2.0
    rate, = nodes_of(conv, "edit.frame_rate")
    assert rate.params["fps"] == 8.0 and source_of(conv, rate.id, "video").id == interp.id
    save, = nodes_of(conv, "io.save_video")
    assert source_of(conv, save.id, "video").id == rate.id
    assert not nodes_of(conv, "edit.replace_audio")
    said = _said(conv)
    assert "-> Load Image Sequence -> frame interpolation (RIFE)" in said
    assert "only notes made" not in said and "loaded clip's own sound" not in said


def test_a_folder_whose_rate_is_not_known_keeps_the_sequence_s_own_said():
    """Where nothing on the way sets a rate known when converting (the save's frame_rate wired from a node giving
    none), the folder's frames keep Load Image Sequence's own 24 fps, said (never a loaded clip's rate)."""
    wf = _frames_folder()
    wf["2"]["inputs"]["frame_rate"] = ["7", 0]
    wf["7"] = {"class_type": "PrimitiveNode", "inputs": {}}
    conv = convert(wf, "frames.json")
    assert [n.type_id for n in conv.graph.nodes.values()] == ["footage.load_sequence", "motion.interpolate",
                                                              "io.save_video"]
    assert ("the folder's pictures are a clip at 24 fps (Load Image Sequence's own rate), the frames written at the "
            "rate they reach Save Video with") in _said(conv)


def _animatediff(beta: str, motion: bool = True) -> dict:
    """AnimateDiff-Evolved's checkpoint loader with its own beta_schedule -> (its motion loader) -> KSampler -> Video
    Combine (C0nsumption's first/last interpolation's loaders, heldout118 04)."""
    wf = {
        "52": {"class_type": "CheckpointLoaderSimpleWithNoiseSelect",
               "inputs": {"ckpt_name": "sd15/counterfeit.safetensors", "beta_schedule": beta}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a girl looking up", "clip": ["52", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "worst quality", "clip": ["52", 1]}},
        "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 16}},
        "197": {"class_type": "ADE_AnimateDiffLoaderWithContext",
                "inputs": {"model_name": "mm_sd_v15_v2.safetensors", "beta_schedule": "sqrt_linear (AnimateDiff)",
                           "motion_scale": 1.0, "apply_v2_models_properly": True, "model": ["52", 0]}},
        "49": {"class_type": "KSampler", "inputs": {"seed": 88888, "steps": 20, "cfg": 7.0, "sampler_name": "euler",
                                                    "scheduler": "normal", "denoise": 1.0, "model": ["197", 0],
                                                    "positive": ["6", 0], "negative": ["7", 0],
                                                    "latent_image": ["5", 0]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["49", 0], "vae": ["52", 2]}},
        "9": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["8", 0], "frame_rate": 8, "loop_count": 0,
                                                           "filename_prefix": "ad", "format": "video/h264-mp4",
                                                           "pingpong": False, "save_output": True}},
    }
    if not motion:  # a plain still of SD 1.5 from the same loader
        del wf["197"], wf["9"]
        wf["49"]["inputs"]["model"] = ["52", 0]
        wf["5"]["inputs"]["batch_size"] = 1
        wf["9"] = {"class_type": "SaveImage", "inputs": {"images": ["8", 0], "filename_prefix": "still"}}
    return wf


def test_a_checkpoint_loader_s_beta_schedule_is_the_betas_animatediff_samples_with():
    """Its 'sqrt_linear (AnimateDiff)' was said "not applied ... its result may differ from the pack's" while Studio's
    AnimateDiff samples the model with exactly those betas (false): now said as the betas it samples with."""
    said = _said(convert(_animatediff("sqrt_linear (AnimateDiff)"), "ad.json"))
    assert ("its beta_schedule 'sqrt_linear (AnimateDiff)' is the betas Studio's AnimateDiff samples the model it "
            "loads with (ComfyUI's 'sqrt_linear': linear betas 0.00085-0.012") in said
    assert "beta_schedule 'sqrt_linear (AnimateDiff)' is not applied" not in said


def test_another_beta_schedule_is_said_not_taken_and_a_still_keeps_the_twin_s_words():
    """ComfyUI's 'linear' (square roots spaced evenly) is not AnimateDiff's betas: said not taken, with what is used;
    the same loader feeding no motion module keeps the twin's own sentence (no family speaks of it)."""
    said = _said(convert(_animatediff("linear (HotshotXL/default)"), "ad.json"))
    assert ("its beta_schedule 'linear (HotshotXL/default)' is not taken (ComfyUI's 'linear' spaces the betas' square "
            "roots evenly): Studio's AnimateDiff samples the model it loads with linear betas 0.00085-0.012") in said
    still = _said(convert(_animatediff("sqrt_linear (AnimateDiff)", motion=False), "still.json"))
    assert "its beta_schedule 'sqrt_linear (AnimateDiff)' is not applied" in still
    assert "Studio's AnimateDiff samples" not in still


def test_a_second_pass_at_denoise_1_over_an_upscaled_latent_is_a_take_of_its_own():
    """KSampler 512x512 x16 -> LatentUpscaleBy 1.5 -> KSampler at denoise 1 with its own save (heldout118 04): it was
    said "a second pass ... this pass is not made" and the save given the first pass's 512x512 take; at denoise 1 the
    pass starts from full noise, so it is a take of its own at 768x768 from its own settings, said."""
    wf = _animatediff("sqrt_linear (AnimateDiff)")
    wf["189"] = {"class_type": "LatentUpscaleBy", "inputs": {"upscale_method": "nearest-exact", "scale_by": 1.5,
                                                              "samples": ["49", 0]}}
    wf["188"] = {"class_type": "KSampler", "inputs": {**wf["49"]["inputs"], "seed": 7, "latent_image": ["189", 0]}}
    wf["187"] = {"class_type": "VAEDecode", "inputs": {"samples": ["188", 0], "vae": ["52", 2]}}
    wf["192"] = {"class_type": "VHS_VideoCombine", "inputs": {**wf["9"]["inputs"], "images": ["187", 0],
                                                               "filename_prefix": "ad_hires"}}
    conv = convert(wf, "ad.json")
    takes = sorted((n.params["width"], n.params["height"], n.params["frames"], n.params["seed"])
                   for n in nodes_of(conv, "video_models.text_to_video"))
    assert takes == [(512, 512, 16, 88888), (768, 768, 16, 7)]
    said = _said(conv)
    assert ("'KSampler' (KSampler, #188) samples 'LatentUpscaleBy' (LatentUpscaleBy, #189)'s upscale of 'KSampler' "
            "(KSampler, #49)'s latent at denoise 1, from full noise with that latent only added beneath it: read as a "
            "take of its own at the upscaled size (768x768, 16 frames)") in said
    assert "this pass is not made" not in said

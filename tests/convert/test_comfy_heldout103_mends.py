"""The mends the hundred-and-third held-out set showed (benchmarks/results/heldout103_2026-12-01.md), each test failing
without its mend; the fixtures are small workflows written here from the facts of those files, no file copied."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.workflow_shapes import still_then_svd


def _held(conv) -> str:
    return next(x for x in conv.log if x.startswith("This workflow makes"))


def test_a_constant_wired_into_a_held_tasks_listed_setting_is_not_said_unread():
    """heldout103 10 (LTX-2.5 MSR, held): 'Width' (INTConstant) was said to give EmptyLTXVLatentVideo's width 832
    "which Studio does not read there" beside the held note listing "width 832" read there. A constant, a math node
    of constants, into a setting the held note lists is read there; one into a setting it does not list stays said."""
    wf = still_then_svd()
    wf["91"] = {"class_type": "INTConstant", "inputs": {"value": 1024}}
    wf["92"] = {"class_type": "INTConstant", "inputs": {"value": 5}}
    wf["93"] = {"class_type": "SimpleMath+", "inputs": {"value": "a*b", "a": ["92", 0], "b": ["92", 0]}}
    wf["12"]["inputs"]["width"] = ["91", 0]
    wf["12"]["inputs"]["video_frames"] = ["93", 0]
    conv = convert(wf, "held.json")
    line = _held(conv)
    assert "width 1024" in line and "video_frames 25" in line
    unread = [x for x in conv.log if "which Studio does not read there" in x]
    assert not any("#91" in x or "#92" in x or "#93" in x for x in unread), unread


def _inspire_wan(values: list) -> dict:
    """Wan 2.1 text to video whose sampler is Inspire's KSampler, saved with ``values`` (tests.convert.ui_files)."""
    from tests.convert.ui_files import ui
    sampler_in = [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                  ("latent_image", "LATENT")]
    return ui([(1, "UNETLoader", [], ["MODEL"], ["wan2.1_t2v_1.3B_fp16.safetensors", "default"]),
               (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"]),
               (3, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a fox in the snow"]),
               (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"]),
               (5, "EmptyHunyuanLatentVideo", [], ["LATENT"], [832, 480, 33, 1]),
               (6, "KSampler //Inspire", sampler_in, ["LATENT"], values),
               (7, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
               (8, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
               (9, "VHS_VideoCombine", [("images", "IMAGE")], [],
                {"frame_rate": 16, "loop_count": 0, "filename_prefix": "fox", "format": "video/h264-mp4",
                 "pingpong": False, "save_output": True})],
              [(2, 0, 3, "clip"), (2, 0, 4, "clip"), (1, 0, 6, "model"), (3, 0, 6, "positive"), (4, 0, 6, "negative"),
               (5, 0, 6, "latent_image"), (6, 0, 8, "samples"), (7, 0, 8, "vae"), (8, 0, 9, "images")])


def test_a_pack_sampler_saved_before_its_optional_settings_is_read_with_its_seeds_control_word():
    """heldout103 04, 05: Inspire's KSampler of 2024 saved [seed, 'fixed', steps, cfg, sampler, scheduler, denoise,
    noise_mode, batch_seed_mode, variation_seed, variation_strength], before the optional variation_method and
    internal_seed the catalogue declares today: its values were left unnamed and the generator's own steps, guidance
    and seed stood. Read as its required widgets with the frontend's control word after the seed."""
    conv = convert(_inspire_wan([7, "fixed", 12, 3.5, "euler", "simple", 1, "GPU(=A1111)", "incremental", 0, 0]),
                   "inspire.json")
    made = next(x for x in conv.log if "-> video_models." in x)
    assert "steps 12" in made and "guidance 3.5" in made and "seed 7" in made, made
    own = next(x for x in conv.log if "is read as KSampler" in x)
    assert "noise_mode 'GPU(=A1111)'" in own and "control_after_generate" not in own  # (a frontend word, no input)


def test_a_pack_samplers_values_that_do_not_fit_its_widgets_stay_unnamed():
    """The reading keeps to the declared types: a word where a number belongs is no older save of that node."""
    conv = convert(_inspire_wan([7, "fixed", "twelve", 3.5, "euler", "simple", 1, "GPU(=A1111)", "incremental", 0, 0]),
                   "inspire.json")
    made = next(x for x in conv.log if "-> video_models." in x)
    assert "steps" not in made and "seed" not in made and not any("is read as KSampler" in x for x in conv.log)


def _two_motion_modules() -> dict:
    """AnimateDiff-Evolved's Gen2 chain with two motion modules (heldout103 04's shape): 'mm_sd_v15' applied 0-0.2
    of the schedule, then 'sd15_t2v_beta' 0.2-1, on an SD 1.5 checkpoint."""
    n = {
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "sd15.safetensors"}),
        "15": ("ADE_LoadAnimateDiffModel", {"model_name": "sd15_t2v_beta.safetensors"}),
        "22": ("ADE_LoadAnimateDiffModel", {"model_name": "mm_sd_v15_v2.safetensors"}),
        "23": ("ADE_ApplyAnimateDiffModel", {"start_percent": 0, "end_percent": 0.2, "motion_model": ["22", 0]}),
        "14": ("ADE_ApplyAnimateDiffModel", {"start_percent": 0.2, "end_percent": 1, "motion_model": ["15", 0],
                                             "prev_m_models": ["23", 0]}),
        "13": ("ADE_UseEvolvedSampling", {"beta_schedule": "autoselect", "model": ["1", 0], "m_models": ["14", 0]}),
        "5": ("CLIPTextEncode", {"text": "a fox", "clip": ["1", 1]}),
        "6": ("CLIPTextEncode", {"text": "blurry", "clip": ["1", 1]}),
        "7": ("EmptyLatentImage", {"width": 512, "height": 512, "batch_size": 16}),
        "8": ("KSampler", {"seed": 5, "steps": 20, "cfg": 7, "sampler_name": "euler", "scheduler": "normal",
                           "denoise": 1, "model": ["13", 0], "positive": ["5", 0], "negative": ["6", 0],
                           "latent_image": ["7", 0]}),
        "9": ("VAEDecode", {"samples": ["8", 0], "vae": ["1", 2]}),
        "10": ("VHS_VideoCombine", {"frame_rate": 8, "loop_count": 0, "filename_prefix": "fox",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                    "images": ["9", 0]}),
    }
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in n.items()}


def _said(conv) -> str:
    return "\n".join(conv.log + [str(n.get("text", "")) for n in conv.graph.ui.get("notes", [])])


def test_a_second_motion_module_and_the_schedule_parts_they_are_applied_on_are_said():
    """heldout103 04: of two motion modules chained (prev_m_models), Studio's AnimateDiff takes one, and the other's
    file and each one's part of the schedule (start / end percent) went unsaid: the apply node was marked used before
    its settings were read."""
    conv = convert(_two_motion_modules(), "two.json")
    gen = next(x for x in conv.graph.nodes.values() if x.type_id == "video_models.text_to_video")
    assert gen is not None
    text = _said(conv)
    assert "'ADE_LoadAnimateDiffModel' (ADE_LoadAnimateDiffModel, #22)'s motion module 'mm_sd_v15_v2.safetensors' is " \
           "not taken: Studio's AnimateDiff samples the take with one motion module, 'sd15_t2v_beta.safetensors'" in text
    assert "(ADE_ApplyAnimateDiffModel, #14)'s start_percent 0.2" in text
    assert "(ADE_ApplyAnimateDiffModel, #23)'s end_percent 0.2" in text


def test_one_motion_module_over_the_whole_schedule_says_nothing_more():
    wf = _two_motion_modules()
    for k in ("22", "23"):
        del wf[k]
    del wf["14"]["inputs"]["prev_m_models"]
    wf["14"]["inputs"]["start_percent"] = 0
    text = _said(convert(wf, "one.json"))
    assert "is not taken: Studio's AnimateDiff samples the take with one motion module" not in text
    assert "start_percent" not in text and "end_percent" not in text


def _kj_api(saved: dict) -> dict:
    """An LTX-2.3 API workflow whose latent gets two pictures through KJNodes' LTXVImgToVideoInplaceKJ, the export
    keeping the images and ``saved`` of their settings (heldout103 02's export kept none)."""
    ck = "ltx-2.3-22b-distilled.safetensors"
    n = {
        "1": ("CheckpointLoaderSimple", {"ckpt_name": ck}),
        "2": ("LTXAVTextEncoderLoader", {"text_encoder": "gemma_3_12B_it.safetensors", "ckpt_name": ck,
                                         "device": "default"}),
        "3": ("CLIPTextEncode", {"text": "a lighthouse at dusk", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": "blurry", "clip": ["2", 0]}),
        "5": ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": 97, "batch_size": 1}),
        "6": ("LoadImage", {"image": "first.png"}),
        "7": ("LoadImage", {"image": "last.png"}),
        "8": ("LTXVImgToVideoInplaceKJ", {"vae": ["1", 2], "latent": ["5", 0], "num_images": "2",
                                          "num_images.image_1": ["6", 0], "num_images.image_2": ["7", 0], **saved}),
        "9": ("KSampler", {"seed": 5, "steps": 8, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                           "denoise": 1, "model": ["1", 0], "positive": ["3", 0], "negative": ["4", 0],
                           "latent_image": ["8", 0]}),
        "10": ("VAEDecode", {"samples": ["9", 0], "vae": ["1", 2]}),
        "11": ("CreateVideo", {"fps": 24, "images": ["10", 0]}),
        "12": ("SaveVideo", {"filename_prefix": "lh", "format": "auto", "codec": "auto", "video": ["11", 0]}),
    }
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in n.items()}


def test_a_keyframe_pictures_frame_and_strength_an_export_left_out_are_said():
    """heldout103 02: an API export of LTXVImgToVideoInplaceKJ without its 'num_images.index_i' / 'strength_i': both
    pictures were placed at frame 0 at strength 1 with no word (the pack's node inserts no image given no index)."""
    conv = convert(_kj_api({}), "kj.json")
    gen = next(x for x in conv.graph.nodes.values() if x.type_id == "video_models.ltx2")
    assert gen.params["keyframes"] == "0, 0"
    text = _said(conv)
    for i in (1, 2):
        assert (f"the file saves no frame for 'LTXVImgToVideoInplaceKJ' (LTXVImgToVideoInplaceKJ, #8) "
                f"('num_images.index_{i}'): its image is placed at frame 0, the node's default") in text
        assert f"('num_images.strength_{i}'): the keyframe is held at LTX-2's keyframe strength as it stands" in text


def test_a_keyframe_pictures_saved_frame_and_strength_say_nothing_of_the_kind():
    conv = convert(_kj_api({"num_images.index_1": 0, "num_images.strength_1": 1.0, "num_images.index_2": -1,
                            "num_images.strength_2": 1.0}), "kj.json")
    gen = next(x for x in conv.graph.nodes.values() if x.type_id == "video_models.ltx2")
    assert gen.params["keyframes"] == "0, last"
    assert "the file saves no" not in _said(conv)

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

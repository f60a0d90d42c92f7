"""rejudge9's mend (benchmarks/results/heldout46-52_final_2026-11-30.md), on minimal workflows of our own.

A CogVideoX-Fun sampler on an InP model is held (diffusers' CogVideoX pipelines give its transformer no inpaint mask);
since left8 read heldout46 13-14's older-named samplers as VideoX-Fun's, their held note listed the translated
KSampler's seed, steps, cfg, sampler and scheduler but no longer the sampler's video_length nor a video to video's
denoise_strength (before, every saved value was listed by place): the held take's length and strength were lost
without a word. They are listed again with the held task's settings. (cogfun16: an InP model's sampler is read to the
CogVideoX Fun InP node, its length and strength its settings; a Control model given no control clip is still held.)
"""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from tests.convert.said import said


def _held_fun(kind: str, model_name: str = "CogVideoX-Fun-V1.5-5b-InP", kind_name: str = "Inpaint"):
    """An InP model's sampler under CogVideoX-Fun's older names (no catalogue declares them: read by what the file
    saves of them), given a picture (I2V) or a clip (V2V)."""
    from tests.convert.test_comfy_wiring import UI
    w = UI()
    model = w.add("OldFunModelLoader", [model_name, kind_name, False, "bf16"], ["OldFunHandleMODEL"])
    pos = w.add("OldFunPromptBox", ["a cat playing the guitar"], ["STRING_PROMPT"])
    neg = w.add("OldFunPromptBox", ["blurry"], ["STRING_PROMPT"])
    links = {"cogvideoxfun_model": (model, 0, "OldFunHandleMODEL"), "prompt": (pos, 0, "STRING_PROMPT"),
             "negative_prompt": (neg, 0, "STRING_PROMPT")}
    if kind == "i2v":
        pic = w.add("LoadImage", ["cat.png", "image"], ["IMAGE", "MASK"])
        s = w.add("OldFunI2V", [85, 512, 43, "fixed", 50, 6, "DDIM"], ["IMAGE"],
                  {**links, "start_img": (pic, 0, "IMAGE"), "end_img": "IMAGE"})
    else:
        clip = w.add("VHS_LoadVideo", {"video": "cat.mp4", "force_rate": 0, "custom_width": 0, "custom_height": 0,
                                       "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1},
                     ["IMAGE", "INT", "AUDIO", "VHS_VIDEOINFO"])
        s = w.add("OldFunV2V", [45, 512, 43, "fixed", 50, 6, 0.7, "DDIM"], ["IMAGE"],
                  {**links, "validation_video": (clip, 0, "IMAGE"), "control_video": "IMAGE"})
    w.add("SaveAnimatedWEBP", ["Cog", 8, False, 80, "default"], [], {"images": (s, 0, "IMAGE")})
    return w.doc()


def test_a_cogvideox_fun_take_keeps_its_length_and_strength():
    from tests.convert.said import nodes_of
    (i2v,) = nodes_of(convert(_held_fun("i2v"), "rejudge9_cog_i2v"), "video_models.cogvideox_fun_inp")
    assert i2v.params["frames"] == 85
    (v2v,) = nodes_of(convert(_held_fun("v2v"), "rejudge9_cog_v2v"), "video_models.cogvideox_fun_inp")
    assert (v2v.params["frames"], v2v.params["strength"]) == (45, 0.7)
    held = said(convert(_held_fun("i2v", "CogVideoX-Fun-V1.1-5b-Pose", "Control"), "rejudge9_cog_pose"))
    assert "without a control clip" in held  # (held, for its reason)
    assert "'OldFunI2V' (#5) seed 43, steps 50, cfg 6, sampler_name ddim, scheduler simple, length 85; " \
           "'SaveAnimatedWEBP' (#6) fps 8." in held  # (its writer's rate last: heldout86)

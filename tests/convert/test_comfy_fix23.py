"""Issue 112, fix23: loose and stale sentences heldout108-110 left. Each test builds its workflow from node types,
values and links (facts, no file copied) and fails without its mend.

1. A shift patch whose values are those the family's schedulers sample at already (108/07: MiniMaxH3SigmaShift 12 / 3
   on MiniMax H3, whose Studio schedulers use 12 / 3) was said "not applied"; now said as sampled at already, told by
   the family's declared 'schedule_shifts', not by the node's name. Other values stay "not applied".
2. A Wan Animate extension's take made once (108/06): the Log true (the replaced generator's line gone, the kept one's
   frames the whole take's) and the joined output's picks read as that take.
3. A held task's first sentence (109/08, 109/01): every picture of the kind its named latent steps are given counted
   (none named alone), its empty prompts said apart from the inputs the graph holds."""
from __future__ import annotations

import copy

from studio.convert.mapping.convert import convert
from studio.convert.mapping.own_shifts import matches

from .said import api, nodes_of, said
from .test_comfy_animate_extend import BASE
from .test_comfy_minimax_sound import _workflow


def _with_shift(video: float, audio: float) -> dict:
    wf = _workflow()
    wf["30"] = {"class_type": "MiniMaxH3SigmaShift", "inputs": {"model": ["6", 0], "shift_video": video,
                                                                "shift_audio": audio}}
    wf["16"]["inputs"]["model"] = ["30", 0]
    wf["9"]["inputs"]["model"] = ["30", 0]
    return wf


def test_a_shift_patch_of_the_familys_own_values_is_said_sampled_at_already():
    text = said(convert(_with_shift(12.0, 3.0), "h3_shift"))
    assert "'MiniMaxH3SigmaShift' (MiniMaxH3SigmaShift, #30) on the model 'SamplerCustomAdvanced' (#14) samples with, " \
           "sets shift_video 12, shift_audio 3: the shifts Studio's MiniMax H3 schedulers sample at already" in text, text
    assert "#30: a model patch) between the model loader" not in text
    assert "(MiniMaxH3SigmaShift, #30), a model patch on the model" not in text  # (not passed over as not applied)


def test_a_shift_patch_of_other_values_is_still_not_applied():
    text = said(convert(_with_shift(5.0, 3.0), "h3_shift5"))
    assert "'MiniMaxH3SigmaShift' (MiniMaxH3SigmaShift, #30: a model patch) between the model loader and " \
           "'SamplerCustomAdvanced' (#14) is not applied" in text, text
    assert "sample at already" not in text


def test_only_settings_named_as_shifts_match():
    assert matches({"shift_video": 3, "shift_audio": 12.0}, (12.0, 3.0))
    assert not matches({"shift_video": 12, "strength": 3.0}, (12.0, 3.0))
    assert not matches({"#0": 12, "#1": 3}, (12.0, 3.0))
    assert not matches({"shift": 12}, (12.0, 3.0))
    assert not matches({"shift": 12}, ())


# 2. heldout108 06: a Wan Animate extension saved alone, its take made once (comfy_animate_extend._continued): the
# replaced first generator's Log line stayed ("-> video_models.wan_animate (... frames 77 ...)") and the kept one said
# frames 77 for 149; the joined output's picks and join were listed as steps "not applied".

def _segments_joined_by_picks() -> dict:
    """heldout108 06's shape: each segment saved alone, then the first take's frames before the 5 it carries
    (GetImageRangeFromBatch 0 / 72) and the extension's 77 joined by ImageBatchMulti, written by a Save Video."""
    wf = copy.deepcopy(BASE)
    for k in ("23", "24", "25", "26"):
        wf.pop(k)
    wf.update({
        "30": {"class_type": "CreateVideo", "inputs": {"images": ["22", 0], "fps": 16}},
        "31": {"class_type": "SaveVideo", "inputs": {"video": ["30", 0], "filename_prefix": "second"}},
        "40": {"class_type": "GetImageRangeFromBatch", "inputs": {"images": ["9", 0], "start_index": 0,
                                                                  "num_frames": 72}},
        "41": {"class_type": "GetImageRangeFromBatch", "inputs": {"images": ["22", 0], "start_index": 0,
                                                                  "num_frames": 77}},
        "42": {"class_type": "ImageBatchMulti", "inputs": {"inputcount": 2, "image_1": ["40", 0],
                                                           "image_2": ["41", 0]}},
        "43": {"class_type": "CreateVideo", "inputs": {"images": ["42", 0], "fps": 16}},
        "44": {"class_type": "SaveVideo", "inputs": {"video": ["43", 0], "filename_prefix": "joined"}},
    })
    return wf


def test_the_replaced_first_generators_log_line_goes_and_the_kept_one_says_the_whole_take():
    conv = convert(_segments_joined_by_picks(), "segments_picked")
    assert len(nodes_of(conv, "video_models.wan_animate")) == 1
    made = [x for x in conv.log if "-> video_models.wan_animate" in x]
    assert len(made) == 1 and "frames 149" in made[0], made


def test_the_joined_outputs_picks_are_read_as_the_whole_take_not_steps_not_applied():
    conv = convert(_segments_joined_by_picks(), "segments_picked")
    text = said(conv)
    assert "'GetImageRangeFromBatch' (GetImageRangeFromBatch, #40), 'GetImageRangeFromBatch' (GetImageRangeFromBatch, " \
           "#41), 'ImageBatchMulti' (ImageBatchMulti, #42) pick and join the frames of the first take and of its " \
           "extension, the frames carried over counted once: read as the whole Wan Animate take Studio makes once " \
           "(149 frames)" in text, text
    assert "not applied (its settings: start_index 0" not in text
    saves = nodes_of(conv, "io.save_video")
    gen = nodes_of(conv, "video_models.wan_animate")[0]
    assert sum(conv.graph.input_link(s.id, "video").src == gen.id for s in saves) == 1  # (the joined: the whole take)


# 3. heldout109 08 / 01: a held task's first sentence named only the first of two pictures its latent steps are given
# (the second loader, into another LTXVAddGuide, went unnamed) and counted its empty prompts among the inputs the
# graph holds.

def _two_guides_held(negative: str = "blurry") -> dict:
    """LTX-Video 0.9.5 with two LTXVAddGuide keyframes, each given a picture by a node of a pack Studio does not read
    (no folder setting: not read as a loader), so the task is held."""
    return api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-video-2b-v0.9.5.safetensors"}),
        "2": ("CLIPLoader", {"clip_name": "t5xxl_fp16.safetensors", "type": "ltxv"}),
        "3": ("CLIPTextEncode", {"text": "a cat", "clip": ["2", 0]}),
        "4": ("CLIPTextEncode", {"text": negative, "clip": ["2", 0]}),
        "5": ("EmptyLTXVLatentVideo", {"width": 768, "height": 512, "length": 97, "batch_size": 1}),
        "10": ("ZenkaiImagePromptV2", {"prompt_set": "Coffee-Time", "index": 23}),
        "11": ("ZenkaiImagePromptV2", {"prompt_set": "Coffee-Time", "index": 30}),
        "12": ("LTXVPreprocess", {"image": ["10", 0], "img_compression": 35}),
        "13": ("LTXVPreprocess", {"image": ["11", 0], "img_compression": 35}),
        "14": ("LTXVAddGuide", {"positive": ["3", 0], "negative": ["4", 0], "vae": ["1", 2], "latent": ["5", 0],
                                "image": ["12", 0], "frame_idx": 0, "strength": 1.0}),
        "15": ("LTXVAddGuide", {"positive": ["14", 0], "negative": ["14", 1], "vae": ["1", 2], "latent": ["14", 2],
                                "image": ["13", 0], "frame_idx": 48, "strength": 1.0}),
        "16": ("LTXVConditioning", {"positive": ["15", 0], "negative": ["15", 1], "frame_rate": 25}),
        "17": ("KSamplerSelect", {"sampler_name": "euler"}),
        "18": ("LTXVScheduler", {"steps": 30, "max_shift": 2.05, "base_shift": 0.95, "stretch": True,
                                 "terminal": 0.1, "latent": ["15", 2]}),
        "19": ("SamplerCustom", {"model": ["1", 0], "add_noise": True, "noise_seed": 1, "cfg": 3.0,
                                 "positive": ["16", 0], "negative": ["16", 1], "sampler": ["17", 0],
                                 "sigmas": ["18", 0], "latent_image": ["15", 2]}),
        "20": ("VAEDecode", {"samples": ["19", 0], "vae": ["1", 2]}),
        "21": ("CreateVideo", {"images": ["20", 0], "fps": 25}),
        "22": ("SaveVideo", {"video": ["21", 0], "filename_prefix": "out", "format": "auto", "codec": "auto"}),
    })


def _first(conv) -> str:
    return next(x for x in conv.log if x.startswith("This workflow makes"))


def test_a_held_tasks_sentence_does_not_name_one_of_two_pictures_given_alike():
    first = _first(convert(_two_guides_held(), "two_guides"))
    assert "given to the sampler by LTXVAddGuide (latent step) with LTX-Video" in first, first
    assert "which is given" not in first  # (before: "which is given input (ZenkaiImagePromptV2, #10)" alone)


def test_a_held_tasks_empty_prompt_is_not_counted_among_the_inputs_it_holds():
    first = _first(convert(_two_guides_held(negative=""), "two_guides_empty"))
    held = first.split("its inputs (", 1)[1].split(", with no generator", 1)[0]
    assert "empty" not in held, first
    assert "with no generator; not held: an empty negative prompt ('CLIPTextEncode' (CLIPTextEncode, #4))" in first

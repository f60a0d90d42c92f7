"""Number operations worked out by their declared types (studio/convert/reading/math_ops.py): a pick naming the
operation and one or two numbers, any pack (heldout13 10: ComfyMath's CM_IntBinaryOperation giving a Triple sampler's
steps); and a split of a split's part counted in the steps of the whole."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.math_ops import operated
from studio.convert.reading.workflow import CNode
from tests.convert.said import api as _api, notes as _notes


def _of(cls: str, slot: int = 0, **settings):
    return operated(CNode(id="1", cls=cls, widgets=settings), slot, settings.get)


def test_each_packs_operation_is_worked_out_as_its_source_says():
    assert _of("CM_IntBinaryOperation", op="Div", a=7, b=2) == 3  # two declared INTs: a // b
    assert _of("CM_FloatBinaryOperation", op="Div", a=7.0, b=2.0) == 3.5
    assert _of("CM_IntBinaryOperation", op="Mul", a=6, b=4) == 24
    assert _of("CM_IntBinaryOperation", op="Sub", a=3, b=1) == 2
    assert _of("CM_IntUnaryOperation", op="Neg", a=5) == -5
    assert _of("CM_FloatUnaryOperation", op="Sqrt", a=9.0) == 3.0
    assert _of("easy mathInt", operation="divide", a=9, b=2) == 4
    assert _of("easy mathFloat", operation="power", a=2.0, b=3.0) == 8.0
    assert _of("Number Operation", 2, operation="floor division", number_a=9, number_b=2) == 4  # WAS, its INT
    assert _of("LayerUtility: NumberCalculator", 1, operator="/", a=7, b=2) == 3.5  # its FLOAT out
    assert _of("LayerUtility: NumberCalculator", 0, operator="max", a=7, b=2) == 7


def test_what_is_not_known_is_not_worked_out():
    assert _of("CM_IntBinaryOperation", op="Xor", a=6, b=3) is None  # an operation not in the table
    assert _of("CM_IntUnaryOperation", op="Factorial", a=5) is None
    assert _of("Number Operation", 0, operation="greater-than", number_a=3, number_b=2) is None  # a comparison
    assert _of("CM_IntBinaryOperation", op="Div", a=6, b=0) is None  # ComfyUI fails there
    assert _of("LayerUtility: NumberCalculator", 0, operator="/", a=7, b=2) is None  # a fraction on an INT out
    assert _of("CM_IntBinaryOperation", op="Pow", a=10, b=10 ** 9) is None  # too large to work out
    assert _of("CM_IntBinaryOperation", op="Add", a=None, b=2) is None
    assert _of("CR Current Frame", index=3, print_to_console="Yes") is None  # a pick that names no operation


def _three_passes(step_a, step_b, steps) -> dict:
    """Wan 2.2 A14B's Triple sampler: BasicScheduler(steps) split at step_a; its rest split again at step_b; the
    high expert on the first part, again on the second, the low one on the last."""
    return _api({
        "37": ("UNETLoader", {"unet_name": "wan2.2_t2v_high_noise_14B.safetensors", "weight_dtype": "default"}),
        "56": ("UNETLoader", {"unet_name": "wan2.2_t2v_low_noise_14B.safetensors", "weight_dtype": "default"}),
        "38": ("CLIPLoader", {"clip_name": "umt5.safetensors", "type": "wan", "device": "default"}),
        "39": ("VAELoader", {"vae_name": "wan_2.1_vae.safetensors"}),
        "6": ("CLIPTextEncode", {"text": "a cat", "clip": ["38", 0]}),
        "40": ("EmptyHunyuanLatentVideo", {"width": 832, "height": 480, "length": 33, "batch_size": 1}),
        "50": ("CM_IntBinaryOperation", {"op": "Mul", "a": 5, "b": 2}),
        "51": ("easy mathInt", {"operation": "subtract", "a": 4, "b": 1}),
        "34": ("BasicScheduler", {"scheduler": "simple", "steps": steps, "denoise": 1, "model": ["37", 0]}),
        "29": ("SplitSigmas", {"step": step_a, "sigmas": ["34", 0]}),
        "41": ("SplitSigmas", {"step": step_b, "sigmas": ["29", 1]}),
        "31": ("KSamplerSelect", {"sampler_name": "euler"}),
        "35": ("RandomNoise", {"noise_seed": 5}),
        "28": ("DisableNoise", {}),
        "30": ("BasicGuider", {"model": ["37", 0], "conditioning": ["6", 0]}),
        "33": ("BasicGuider", {"model": ["56", 0], "conditioning": ["6", 0]}),
        "36": ("SamplerCustomAdvanced", {"noise": ["35", 0], "guider": ["30", 0], "sampler": ["31", 0],
                                         "sigmas": ["29", 0], "latent_image": ["40", 0]}),
        "42": ("SamplerCustomAdvanced", {"noise": ["28", 0], "guider": ["30", 0], "sampler": ["31", 0],
                                         "sigmas": ["41", 0], "latent_image": ["36", 0]}),
        "32": ("SamplerCustomAdvanced", {"noise": ["28", 0], "guider": ["33", 0], "sampler": ["31", 0],
                                         "sigmas": ["41", 1], "latent_image": ["42", 0]}),
        "8": ("VAEDecode", {"samples": ["32", 0], "vae": ["39", 0]}),
        "9": ("VHS_VideoCombine", {"frame_rate": 16, "loop_count": 0, "filename_prefix": "t2v",
                                   "format": "video/h264-mp4", "save_output": True, "images": ["8", 0]}),
    })


def test_steps_given_by_number_operations_are_the_takes_and_a_split_part_split_again_counts_in_the_whole():
    """Steps 5*2 (ComfyMath), split at 2, the rest split at 4-1 (Easy-Use): passes 0-2, 2-5 and 5 to the end of 10;
    every operation and splitter read, none said not converted or passed."""
    conv = convert(_three_passes(2, ["51", 0], ["50", 0]), "triple.json")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    notes = _notes(conv)
    assert gen.params["steps"] == 10
    assert "first sampler runs steps 0-2 of 10" in notes
    assert "steps 2-5" in notes and "steps 5 to the end" in notes
    assert not {"29", "41", "50", "51", "34"} & (set(conv.dropped) | set(conv.passed))


def test_an_unknown_operation_leaves_the_steps_said_worked_out_when_the_workflow_runs():
    wf = _three_passes(2, 3, ["50", 0])
    wf["50"]["inputs"]["op"] = "Shl"
    conv = convert(wf, "unknown.json")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert gen.params["steps"] != 10
    assert "'CM_IntBinaryOperation' (CM_IntBinaryOperation, #50)" in "\n".join(conv.log) + _notes(conv)


def test_an_interpolation_of_part_of_the_take_joined_with_it_does_not_divide_its_rate():
    """The written rate 48 (2*24 by a number operation): RIFE x3 straight to the save makes the take at 16 fps; RIFE
    x3 of frames then batched with the take itself (heldout WAN2.2_LOOP's seam) leaves the rate unknown, said."""
    wf = _three_passes(2, 3, 10)
    wf.update(_api({"60": ("RIFE VFI", {"ckpt_name": "rife47.pth", "multiplier": 3, "frames": ["8", 0]}),
                    "62": ("CM_IntBinaryOperation", {"op": "Mul", "a": 2, "b": 24})}))
    wf["9"]["inputs"].update({"images": ["60", 0], "frame_rate": ["62", 0]})
    gen = next(n for n in convert(wf, "whole.json").graph.nodes.values()
               if n.type_id == "video_models.text_to_video")
    assert gen.params["fps"] == 16.0
    wf.update(_api({"61": ("ImageBatch", {"image1": ["8", 0], "image2": ["60", 0]})}))
    wf["9"]["inputs"]["images"] = ["61", 0]
    conv = convert(wf, "part.json")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert gen.params["fps"] != 16.0
    assert "interpolated in part ('RIFE VFI' (RIFE VFI, #60) x3, joined with others) before they are written at " \
           "48 fps" in "\n".join(conv.log) + _notes(conv)

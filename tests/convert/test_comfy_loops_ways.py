"""Loops and split samplers as the segments and passes they are (branch loops): a loop of the graph whose passes
continue one take (each pass's start image picked from the frames of the passes before, the frames gathered by a
batch into the loop's end) read as the extend chain of N segments a hand-unrolled chain is (N from the loop's count,
worked out where it is a constant or a sum); a loop whose count is made when the workflow runs, or whose passes
continue nothing, said in one sentence naming its start and end. Small API workflows built here (Wan 2.1 image to
video; the loop nodes Easy-Use's, told by their FLOW_CONTROL socket)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

BASE = {"1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.1_i2v_480p_14B_fp16.safetensors",
                                                     "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                     "type": "wan", "device": "default"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "5": {"class_type": "LoadImage", "inputs": {"image": "start.png"}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a dancer turns", "clip": ["2", 0]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}}}


def _loop(total=3, continued: bool = True) -> dict:
    """A for-loop of ``total`` passes (#50 start, #60 end): value1 the start image (the loaded picture first, then
    the last frame of the frames so far), value2 the frames so far (nothing given first), joined by ImageBatch
    (#57); each pass's seed is its index + 1 (#51). ``continued`` False: each pass starts from the loaded picture."""
    d = {k: dict(v) for k, v in BASE.items()}
    d.update({
        "40": {"class_type": "PrimitiveInt", "inputs": {"value": 2}},
        "41": {"class_type": "ComfyMathExpression", "inputs": {"expression": "a + 1", "values.a": ["40", 0]}},
        "50": {"class_type": "easy forLoopStart", "inputs": {"total": total, "initial_value1": ["5", 0]}},
        "51": {"class_type": "ComfyMathExpression", "inputs": {"expression": "a + 1", "values.a": ["50", 1]}},
        "52": {"class_type": "WanImageToVideo", "inputs": {
            "width": 832, "height": 480, "length": 33, "batch_size": 1, "positive": ["6", 0], "negative": ["7", 0],
            "vae": ["3", 0], "start_image": ["50", 2] if continued else ["5", 0]}},
        "53": {"class_type": "KSampler", "inputs": {
            "seed": ["51", 1], "steps": 20, "cfg": 5.0, "sampler_name": "uni_pc", "scheduler": "simple",
            "denoise": 1.0, "model": ["1", 0], "positive": ["52", 0], "negative": ["52", 1],
            "latent_image": ["52", 2]}},
        "54": {"class_type": "VAEDecode", "inputs": {"samples": ["53", 0], "vae": ["3", 0]}},
        "57": {"class_type": "ImageBatch", "inputs": {"image1": ["50", 3], "image2": ["54", 0]}},
        "58": {"class_type": "ImageFromBatch", "inputs": {"image": ["57", 0], "batch_index": 4095, "length": 1}},
        "60": {"class_type": "easy forLoopEnd", "inputs": {"flow": ["50", 0], "initial_value1": ["58", 0],
                                                           "initial_value2": ["57", 0]}},
        "70": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["60", 1]}},
        "71": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "long", "format": "auto", "codec": "auto",
                                                     "video": ["70", 0]}}})
    if total == "sum":
        d["50"]["inputs"]["total"] = ["41", 1]
    return d


def _said(conv) -> str:
    return "\n".join(conv.log + [n["text"] for n in conv.graph.ui.get("notes", [])])


def _gens(g) -> list:
    return sorted((n for n in g.nodes.values() if n.type_id == "video_models.image_to_video"),
                  key=lambda n: n.params["seed"])


def test_a_loop_continuing_one_take_is_its_segments_each_from_the_last_frame_of_the_one_before():
    conv = convert(_loop(3), "loop")
    g = conv.graph
    assert g.validate() == []
    gens = _gens(g)
    assert [n.params["seed"] for n in gens] == [1, 2, 3]  # a generator a pass, its index read
    assert all(n.params["prompt"] == "a dancer turns" and n.params["frames"] == 33 for n in gens)
    load = next(n for n in g.nodes.values() if n.type_id == "io.load_image")
    assert g.input_link(gens[0].id, "image").src == load.id
    for k in (1, 2):  # each later pass starts from the last frame of the pass before
        hold = g.nodes[g.input_link(gens[k].id, "image").src]
        assert hold.type_id == "edit.frame_hold" and hold.params["frame"] == 32
        assert g.input_link(hold.id, "video").src == gens[k - 1].id
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    cat = g.nodes[g.input_link(save.id, "video").src]
    assert cat.type_id == "edit.concatenate"
    assert [g.input_link(cat.id, p).src for p in "abc"] == [n.id for n in gens]
    said = _said(conv)
    assert ("the loop from 'easy forLoopStart' (easy forLoopStart, #50) to 'easy forLoopEnd' (easy forLoopEnd, #60) "
            "runs 3 passes, each continuing the take from frames of the one before: read as 3 segments") in said
    assert "'ImageBatch' (ImageBatch, #57) joins the frames carried with the new ones" in said
    assert "Studio runs no loops" not in said and "one pass of the loop" not in said


def test_the_loops_count_worked_out_from_a_sum():
    gens = _gens(convert(_loop("sum"), "sum").graph)
    assert [n.params["seed"] for n in gens] == [1, 2, 3]


def test_a_loop_whose_count_is_made_when_the_workflow_runs_is_said_not_unrolled():
    d = _loop(3)
    d["80"] = {"class_type": "GetImageSizeAndCount", "inputs": {"image": ["5", 0]}}
    d["50"]["inputs"]["total"] = ["80", 3]
    conv = convert(d, "runtime")
    said = _said(conv)
    assert ("the loop from 'easy forLoopStart' (easy forLoopStart, #50) to 'easy forLoopEnd' (easy forLoopEnd, #60) "
            "is not unrolled into segments: its 'total' is a value Studio cannot work out when converting") in said
    assert len(_gens(conv.graph)) <= 1  # never a chain of copies


def test_a_loop_whose_passes_continue_nothing_is_said_not_unrolled():
    conv = convert(_loop(3, continued=False), "independent")
    said = _said(conv)
    assert ("runs 3 passes, not unrolled into segments: no frames decoded in a pass feed the next pass's sampling "
            "(what it carries is not a take's frames)") in said
    assert len(_gens(conv.graph)) <= 1


def test_a_while_loop_is_said_not_counted():
    d = _loop(3)
    d["50"] = {"class_type": "easy whileLoopStart", "inputs": {"condition": True, "initial_value1": ["5", 0]}}
    d["60"]["class_type"] = "easy whileLoopEnd"
    d["60"]["inputs"]["condition"] = True
    said = _said(convert(d, "while"))
    assert ("the loop from 'easy whileLoopStart' (easy whileLoopStart, #50) to 'easy whileLoopEnd' (easy "
            "whileLoopEnd, #60) repeats until its condition says so when the workflow runs") in said

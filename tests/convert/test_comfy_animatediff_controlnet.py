"""An AnimateDiff workflow steered by a ControlNet (ComfyUI's ControlNetApply / ControlNetApplyAdvanced,
Advanced-ControlNet's ACN_AdvancedControlNetApply, told by their declared types) is Studio's AnimateDiff ControlNet
(families/animatediff/comfy_controlnet.py), not held: the loader's file, strength and start / end are its settings,
the clip behind 'image' is its 'control' with the preprocessor made by Studio's own node (depth, edges); what it does
not take (a mask, timestep keyframes, a second ControlNet) is said one sentence each; the context options are its
context windows."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_animatediff import _api, _said
from tests.convert.test_comfy_wrappers import _nodes

GEN = "video_models.animatediff_controlnet"
CN = "control_v11f1p_sd15_depth.safetensors"


def _steered(apply="ControlNetApplyAdvanced", pre="DepthAnythingV2Preprocessor", **extra):
    """The Gen2 workflow of test_comfy_animatediff, its prompts through a ControlNet fed a preprocessed clip."""
    wf = _api(context=False)
    wf["20"] = {"class_type": "ControlNetLoader", "inputs": {"control_net_name": CN}}
    wf["21"] = {"class_type": "VHS_LoadVideo", "inputs": {"video": "dance.mp4", "force_rate": 0}}
    wf["22"] = {"class_type": pre, "inputs": {"image": ["21", 0], "resolution": 512}}
    if apply == "ControlNetApply":
        wf["23"] = {"class_type": apply, "inputs": {"conditioning": ["6", 0], "control_net": ["20", 0],
                                                   "image": ["22", 0], "strength": 0.7}}
        wf["9"]["inputs"]["positive"] = ["23", 0]
    else:
        wf["23"] = {"class_type": apply, "inputs": {"positive": ["6", 0], "negative": ["7", 0], "control_net": ["20", 0],
                                                   "image": ["22", 0], "strength": 0.85, "start_percent": 0.1,
                                                   "end_percent": 0.75, **extra}}
        wf["9"]["inputs"].update(positive=["23", 0], negative=["23", 1])
    return wf


def _control_way(conv):
    g = conv.graph
    gen = _nodes(conv, GEN)[0]
    way, link = [], g.input_link(gen.id, "control")
    while link is not None:
        way.append(g.nodes[link.src].type_id)
        ins = [l for l in g.links if l.dst == link.src]
        link = ins[0] if ins else None
    return way


def test_an_animatediff_take_through_controlnet_apply_advanced_is_animatediff_controlnet():
    conv = convert(_steered(), "dance")
    assert conv.graph.validate() == []
    assert [(t["generator"], t["family"]) for t in conv.tasks] == [(GEN, "AnimateDiff")]
    p = _nodes(conv, GEN)[0].params
    assert (p["controlnet"], p["strength"], p["start"], p["end"]) == (CN, 0.85, 0.1, 0.75)
    assert (p["width"], p["height"], p["steps"], p["guidance"], p["seed"]) == (512, 384, 20, 7.5, 42)
    assert p["prompt"] == "a paper boat drifting down a rain gutter" and p["negative_prompt"] == "blurry"
    assert _control_way(conv) == ["preprocess.depth", "io.load_video"]
    said = _said(conv)
    assert "(ControlNetApplyAdvanced, #23)'s ControlNet 'control_v11f1p_sd15_depth.safetensors' (from " \
           "'ControlNetLoader' (ControlNetLoader, #20)) steers the take as AnimateDiff ControlNet's 'controlnet', " \
           "strength 0.85 ('strength'), from 0.1 to 0.75 of the steps" in said
    assert "'control' is made by Studio's depth nodes for DepthAnythingV2Preprocessor (#22)" in said
    assert "cannot" not in said and "not converted" not in said.replace("ComfyUI nodes not converted", "")


def test_the_old_apply_a_line_extractor_and_a_pickled_file_are_read_and_said():
    wf = _steered("ControlNetApply", "LineArtPreprocessor")
    wf["20"]["inputs"]["control_net_name"] = "control_v11p_sd15_lineart.pth"
    conv = convert(wf, "lines")
    assert [t["generator"] for t in conv.tasks] == [GEN]
    p = _nodes(conv, GEN)[0].params
    assert (p["controlnet"], p["strength"], p["start"], p["end"]) == ("control_v11p_sd15_lineart.pth", 0.7, 0.0, 1.0)
    assert _control_way(conv)[0] == "control.edges"
    said = _said(conv)
    assert "'control' is made by Studio's Edges (OpenCV's Canny) for LineArtPreprocessor (#22)" in said
    assert "'control_v11p_sd15_lineart.pth' is a pickled file, which Studio never opens" in said


def test_what_advanced_controlnet_adds_is_said_not_taken_and_a_second_controlnet_steers_too():
    wf = _steered("ACN_AdvancedControlNetApply", mask_optional=["31", 0], timestep_kf=["30", 0])
    wf["30"] = {"class_type": "TimestepKeyframe", "inputs": {"start_percent": 0.0, "strength": 1.0}}
    wf["31"] = {"class_type": "LoadImageMask", "inputs": {"image": "mask.png", "channel": "alpha"}}
    wf["24"] = {"class_type": "ControlNetApplyAdvanced", "inputs": {
        "positive": ["23", 0], "negative": ["23", 1], "control_net": ["20", 0], "image": ["21", 0], "strength": 0.5,
        "start_percent": 0.0, "end_percent": 1.0}}
    wf["9"]["inputs"].update(positive=["24", 0], negative=["24", 1])
    wf["5"] = {"class_type": "ADE_StandardUniformContextOptions",
               "inputs": {"context_length": 16, "context_stride": 1, "context_overlap": 4, "fuse_method": "flat"}}
    wf["4"]["inputs"]["context_options"] = ["5", 0]
    conv = convert(wf, "acn")
    assert [t["generator"] for t in conv.tasks] == [GEN]
    p = _nodes(conv, GEN)[0].params
    assert (p["strength"], p["start"], p["end"]) == (0.5, 0.0, 1.0)  # the one nearest the sampler
    assert (p["controlnet_2"], p["strength_2"], p["start_2"], p["end_2"]) == (CN, 0.85, 0.1, 0.75)  # (acn21) the next
    assert (p["window"], p["overlap"]) == (16, 4)  # the context options: AnimateDiff ControlNet's context windows
    said = _said(conv)
    assert "(ACN_AdvancedControlNetApply, #23)'s ControlNet 'control_v11f1p_sd15_depth.safetensors' (from " \
           "'ControlNetLoader' (ControlNetLoader, #20)) steers the take too as AnimateDiff ControlNet's 'controlnet_2'" \
           in said
    assert "(ADE_StandardUniformContextOptions, #5)'s windows of 16 frames overlapping by 4 are the take's context " \
           "windows" in said
    conv = convert(_steered("ACN_AdvancedControlNetApply", mask_optional=["31", 0], timestep_kf=["30", 0]) |
                   {"30": wf["30"], "31": wf["31"]}, "acn")
    said = _said(conv)
    assert "(ACN_AdvancedControlNetApply, #23)'s 'mask_optional' (a mask, from 'LoadImageMask' (LoadImageMask, " \
           "#31)) is not taken: AnimateDiff ControlNet applies its ControlNet over the whole picture" in said
    assert "'timestep_kf' (timestep keyframes, from 'TimestepKeyframe' (TimestepKeyframe, #30)) is not taken" in said


def test_a_sparsectrl_model_or_a_control_clip_studio_cannot_make_is_left_to_the_other_rules():
    """SparseCtrl (its loader filed under SparseCtrl by Advanced-ControlNet) is no ControlNet AnimateDiff ControlNet
    reads; a control clip no loader Studio reads gives is never a generator with its 'control' unwired."""
    wf = _steered("ACN_AdvancedControlNetApply")
    wf["20"] = {"class_type": "ACN_SparseCtrlLoaderAdvanced", "inputs": {"sparsectrl_name": "v3_sd15_sparsectrl_rgb.ckpt",
                                                                         "use_motion": True, "motion_strength": 1.0}}
    conv = convert(wf, "sparse")
    assert GEN not in [t["generator"] for t in conv.tasks]
    wf = _steered()
    wf["22"] = {"class_type": "SomeInventedPainter", "inputs": {"seed": 3}}  # gives the 'image' from nothing read
    conv = convert(wf, "painted")
    assert GEN not in [t["generator"] for t in conv.tasks] and conv.graph.validate() == []

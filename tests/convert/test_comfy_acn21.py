"""acn21: AnimateDiff workflows steered by several ControlNets (chained ControlNetApply(Advanced) /
ACN_AdvancedControlNetApply, told by their declared types) read onto AnimateDiff ControlNet's 'controlnet',
'controlnet_2', 'controlnet_3' with their control clips, strengths and ranges; a fourth said not taken; the frame
folders the ControlNets are given (VideoHelperSuite's Load Images saved by place with its upload word after the
folder; Load Images (Path) with its load cap and skip wired from constants) read as Studio's Load Image Sequence; a
clip encoded and denoised from full noise (denoise 1) gives the take only its length and size; a ControlNet whose
clip Studio cannot make is said not taken beside those it can (heldout91 01/03, heldout90 02 held before)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said
from tests.convert.test_comfy_animatediff import _api
from tests.convert.test_comfy_wrappers import UI, _nodes

GEN = "video_models.animatediff_controlnet"
FILES = ("control_v11p_sd15_lineart_fp16.safetensors", "control_v11p_sd15_openpose_fp16.safetensors",
         "control_v11u_sd15_tile_fp16.safetensors", "control_v11f1p_sd15_depth.safetensors")


def _chained(n: int = 3, denoise: float = 1.0, painted: int | None = None) -> dict:
    """The Gen2 workflow of test_comfy_animatediff restyling a clip (VAEEncode at ``denoise``) through ``n`` chained
    ControlNetApplyAdvanced, each fed a preprocessed picture of the clip (the first, nearest the prompts, the last
    file of FILES' first n...); ``painted``: that apply's picture from a node Studio does not read."""
    wf = _api(context=True, clip=True)
    wf["9"]["inputs"]["denoise"] = denoise
    pres = ("LineArtPreprocessor", "DWPreprocessor", "TilePreprocessor", "DepthAnythingV2Preprocessor")
    pos, neg = ["6", 0], ["7", 0]
    for i in range(n):
        loader, pre, apply = str(30 + 3 * i), str(31 + 3 * i), str(32 + 3 * i)
        wf[loader] = {"class_type": "ControlNetLoaderAdvanced", "inputs": {"control_net_name": FILES[i]}}
        wf[pre] = {"class_type": pres[i], "inputs": {"image": ["13", 0], "resolution": 512}} if painted != i else \
            {"class_type": "SomeInventedPainter", "inputs": {"seed": 3}}
        wf[apply] = {"class_type": "ControlNetApplyAdvanced", "inputs": {
            "positive": pos, "negative": neg, "control_net": [loader, 0], "image": [pre, 0],
            "strength": round(0.9 - 0.1 * i, 2), "start_percent": 0.0, "end_percent": round(1.0 - 0.1 * i, 2)}}
        pos, neg = [apply, 0], [apply, 1]
    wf["9"]["inputs"].update(positive=pos, negative=neg)
    return wf


def test_three_chained_controlnets_on_a_clip_noised_whole_steer_one_animatediff_controlnet_take():
    wf = _chained(3)
    wf["16"] = {"class_type": "ImageScale", "inputs": {"image": ["13", 0], "upscale_method": "nearest-exact",
                                                      "width": 520, "height": 768, "crop": "disabled"}}
    wf["14"]["inputs"]["pixels"] = ["16", 0]  # (the encoded clip scaled, the control clips not: the latent's size)
    conv = convert(wf, "three")
    assert conv.graph.validate() == []
    assert [(t["generator"], sorted(t["inputs"])) for t in conv.tasks] == [(GEN, ["control", "control_2", "control_3"])]
    gen = _nodes(conv, GEN)[0]
    p = gen.params
    # the apply nearest the sampler is the first: the third of the chain (tile), then the second, then the first
    assert (p["controlnet"], p["strength"], p["start"], p["end"]) == (FILES[2], 0.7, 0.0, 0.8)
    assert (p["controlnet_2"], p["strength_2"], p["end_2"]) == (FILES[1], 0.8, 0.9)
    assert (p["controlnet_3"], p["strength_3"], p["end_3"]) == (FILES[0], 0.9, 1.0)
    assert (p["frames"], p["width"], p["height"]) == (0, 520, 768) and (p["window"], p["overlap"]) == (16, 6)
    g = conv.graph
    assert g.input_link(gen.id, "video") is None  # (denoise 1: the encoded clip is noised away, not restyled)
    ways = {k: g.nodes[g.input_link(gen.id, k).src].type_id for k in ("control", "control_2", "control_3")}
    assert ways["control_2"] == "preprocess.draw_pose" and ways["control_3"] == "control.edges"
    said = _said(conv)
    assert "(ControlNetApplyAdvanced, #38)'s ControlNet 'control_v11u_sd15_tile_fp16.safetensors' (from " \
           "'ControlNetLoaderAdvanced' (ControlNetLoaderAdvanced, #36)) steers the take as AnimateDiff ControlNet's " \
           "'controlnet', strength 0.7 ('strength'), from 0 to 0.8 of the steps ('start', 'end')" in said
    assert "(ControlNetApplyAdvanced, #32)'s ControlNet 'control_v11p_sd15_lineart_fp16.safetensors' (from " \
           "'ControlNetLoaderAdvanced' (ControlNetLoaderAdvanced, #30)) steers the take too as AnimateDiff " \
           "ControlNet's 'controlnet_3', strength 0.9 ('strength_3'), from 0 to 1 of the steps ('start_3', 'end_3')" \
           in said
    assert "denoises its encoded latent whole (denoise 1)" in said
    assert "the take is as long as the control clip (AnimateDiff ControlNet's 'frames' 0)" in said
    assert "the take is made at 520x768, the size 'ImageScale' (ImageScale, #16) gives the encoded clip (the latent's, " \
           "as in ComfyUI): the control clips are resized to it" in said
    assert "another ControlNet" not in said and "cannot wire" not in said


def test_a_restyle_part_way_keeps_the_clip_and_a_fourth_controlnet_is_said_not_taken():
    conv = convert(_chained(4, denoise=0.7), "four")
    gen = _nodes(conv, GEN)[0]
    p = gen.params
    assert conv.graph.input_link(gen.id, "video") is not None and p["denoise"] == 0.7
    assert (p["controlnet"], p["controlnet_2"], p["controlnet_3"]) == (FILES[3], FILES[2], FILES[1])
    said = _said(conv)
    assert "'ControlNetApplyAdvanced' (ControlNetApplyAdvanced, #32), another ControlNet on the conditioning " \
           "('control_v11p_sd15_lineart_fp16.safetensors', from 'ControlNetLoaderAdvanced' (ControlNetLoaderAdvanced, " \
           "#30)), is not taken: AnimateDiff ControlNet takes up to 3 ControlNets (the take is steered by those of " \
           "'ControlNetApplyAdvanced' (ControlNetApplyAdvanced, #41), 'ControlNetApplyAdvanced' (ControlNetApplyAdvanced," \
           " #38), 'ControlNetApplyAdvanced' (ControlNetApplyAdvanced, #35))" in said
    assert "the encoded clip is its 'video', restyled at denoise 0.7 ('denoise')" in said


def test_a_controlnet_whose_clip_studio_cannot_make_is_said_beside_the_ones_it_makes():
    conv = convert(_chained(2, painted=1), "painted")
    assert [t["generator"] for t in conv.tasks] == [GEN]
    p = _nodes(conv, GEN)[0].params
    assert p["controlnet"] == FILES[0] and not p["controlnet_2"]
    said = _said(conv)
    assert "'ControlNetApplyAdvanced' (ControlNetApplyAdvanced, #35)'s ControlNet is not taken: Studio makes no clip " \
           "for its 'image' when converting (what gives it is no loader Studio reads); the take is steered by the others" \
        in said
    conv = convert(_chained(1, painted=0), "alone")  # (none made: held, as before)
    assert GEN not in [t["generator"] for t in conv.tasks]


def _folders_ui(wired: bool = False) -> dict:
    """AnimateDiff from text steered by two ControlNets given frame folders, as GhostPrincess1's imgtovideo.json
    saves VideoHelperSuite's Load Images (the folder, the upload button's word 'directory', cap, skip, nth), the
    latent's batch wired from the second folder's frame count; ``wired``: the second a Load Images (Path) whose cap
    and skip come from an INTConstant and a SimpleMath+ of it (Donato-touch's workflow_03)."""
    w = UI()
    ck = w.add("CheckpointLoaderSimple", ["xbb_v1.safetensors"])
    ctx = w.add("ADE_AnimateDiffUniformContextOptions", [16, 1, 4, "uniform", False])
    ad = w.add("ADE_AnimateDiffLoaderWithContext", ["mm_sd_v15_v2.safetensors", "sqrt_linear (AnimateDiff)", 1, True],
               model=(ck, 0), context_options=(ctx, 0))
    pos = w.add("CLIPTextEncode", ["a chibi dancer"], clip=(ck, 1))
    neg = w.add("CLIPTextEncode", ["blurry"], clip=(ck, 1))
    pose = w.add("VHS_LoadImages", ["openpose", "directory", 10, 0, 1])
    if wired:
        count = w.add("INTConstant", [10])
        zero = w.add("INTConstant", [0])
        skip = w.add("SimpleMath+", ["a*b"], a=(count, 0), b=(zero, 0))
        lines = w.add("VHS_LoadImagesPath", ["D:/frames/lines", 0, 0, 1], image_load_cap=(count, 0),
                      skip_first_images=(skip, 0))
    else:
        lines = w.add("VHS_LoadImages", ["lines", "directory", 10, 0, 1])
    l1 = w.add("ControlNetLoaderAdvanced", ["control_v11p_sd15_openpose_fp16.safetensors"])
    a1 = w.add("ControlNetApplyAdvanced", [0.9, 0, 1], positive=(pos, 0), negative=(neg, 0), control_net=(l1, 0),
               image=(pose, 0))
    l2 = w.add("ControlNetLoaderAdvanced", ["control_v11p_sd15_scribble_fp16.safetensors"])
    a2 = w.add("ControlNetApplyAdvanced", [0.6, 0, 1], positive=(a1, 0), negative=(a1, 1), control_net=(l2, 0),
               image=(lines, 0))
    lat = w.add("EmptyLatentImage", [304, 400, 1], batch_size=(lines, 2))
    s = w.add("KSampler", [7, "fixed", 15, 7, "euler", "normal", 1.0], model=(ad, 0), positive=(a2, 0),
              negative=(a2, 1), latent_image=(lat, 0))
    dec = w.add("VAEDecode", [], samples=(s, 0), vae=(ck, 2))
    w.add("VHS_VideoCombine", {"frame_rate": 8, "filename_prefix": "pose"}, images=(dec, 0))
    return w.doc()


def _sequence_way(conv, gen, port: str) -> list[tuple[str, dict]]:
    g, way = conv.graph, []
    link = g.input_link(gen.id, port)
    while link is not None:
        n = g.nodes[link.src]
        way.append((n.type_id, dict(n.params)))
        ins = [x for x in g.links if x.dst == link.src]
        link = ins[0] if ins else None
    return way


def test_frame_folders_saved_by_place_with_the_upload_word_are_the_control_clips():
    conv = convert(_folders_ui(), "folders")
    assert [t["generator"] for t in conv.tasks] == [GEN]
    gen = _nodes(conv, GEN)[0]
    p = gen.params
    assert (p["controlnet"], p["strength"], p["controlnet_2"], p["strength_2"]) == (
        "control_v11p_sd15_scribble_fp16.safetensors", 0.6, "control_v11p_sd15_openpose_fp16.safetensors", 0.9)
    assert (p["frames"], p["width"], p["height"]) == (0, 304, 400)
    for port, folder in (("control", "lines"), ("control_2", "openpose")):
        way = _sequence_way(conv, gen, port)
        assert [t for t, _ in way] == ["transform.trim", "footage.load_sequence"], way
        assert way[1][1]["path"] == folder and (way[0][1]["start"], way[0][1]["end"]) == (0, 10)
    said = _said(conv)
    assert "loads pictures 0 to 9 of the folder 'openpose'" in said and "loads pictures 0 to 9 of the folder 'lines'" \
        in said
    assert "#0 openpose" not in said and "cannot wire" not in said


def test_a_frame_folders_cap_and_skip_wired_from_constants_are_worked_out():
    conv = convert(_folders_ui(wired=True), "wired")
    gen = _nodes(conv, GEN)[0]
    way = _sequence_way(conv, gen, "control")
    assert [t for t, _ in way] == ["transform.trim", "footage.load_sequence"], way
    assert way[1][1]["path"] == "D:/frames/lines" and (way[0][1]["start"], way[0][1]["end"]) == (0, 10)
    said = _said(conv)
    assert "'VHS_LoadImagesPath' (VHS_LoadImagesPath, #10)'s image_load_cap 10, skip_first_images 0 (wired from " \
           "'INTConstant' (INTConstant, #7), 'SimpleMath+' (SimpleMath+, #9)) are worked out when converting: read " \
           "as Studio's Load Image Sequence of the folder 'D:/frames/lines' with those values" in said


def test_a_node_changing_the_conditioning_after_the_controlnets_is_said_not_applied():
    """(The corpus' logtd fourpeople_workflow: InstanceDiffusion's tracking prompt between the ControlNets and the
    sampler went unsaid once the take was made.)"""
    wf = _chained(1)
    wf["50"] = {"class_type": "InstanceDiffusionTrackingPrompt", "inputs": {
        "positive": ["32", 0], "negative": ["32", 1], "clip": ["1", 1], "positive_text": "\"1.person\": \"a knight\"",
        "negative_text": "", "tracking": ["51", 0]}}
    wf["51"] = {"class_type": "YOLOTrackerNode", "inputs": {"images": ["13", 0], "model_name": "yolov8m-seg.pt"}}
    wf["9"]["inputs"].update(positive=["50", 0], negative=["50", 1])
    conv = convert(wf, "tracked")
    assert [t["generator"] for t in conv.tasks] == [GEN]
    assert "'InstanceDiffusionTrackingPrompt' (InstanceDiffusionTrackingPrompt, #50), between the ControlNets and " \
           "'KSampler' (KSampler, #9), is not applied: AnimateDiff ControlNet takes the prompt's text and the " \
           "ControlNets' clips" in _said(conv)

"""A control clip drawn from a spline editor's tracks (studio/convert/mapping/drawn_tracks.py): VideoX-Fun's 'control
trajectory' in the shape of the release's example (two SplineEditors listed by AppendStringsToList, drawn by
CreateTrajectoryBasedOnKJNodes on the frame of the first editor's mask, into the sampler's control_video, the drawn
clip saved too) becomes Spline Tracks, Merge Tracks and Track Shapes wired to Wan Fun Control's 'control'; an editor
whose saved points are not its control points sampled again is read from its saved points, said; KJNodes'
CreateShapeImageOnPath is read by its declared shape settings. Minimal workflows of our own (values by place in the
packs' INPUT_TYPES order). Before, the control was left unwired and the editors were listed as not converted."""
from __future__ import annotations

import json

from studio.convert.mapping.convert import convert

from tests.convert.said import api, nodes_of, said, source_of
from tests.convert.test_comfy_videox_fun import CACHE, _folder, _gen, _workflow

FUN_V2V = [5, 640, 43, "fixed", 20, 6, 1, "Flow", 5] + CACHE
LINE = [{"x": 100.0, "y": 50.0}, {"x": 140.0, "y": 50.0}]  # a straight spline: 5 points 10 px apart


def _spline(w, points, coords, width=600, height=382, count=5):
    store = json.dumps([{"points": points, "color": "#1f77b4", "name": "Spline 1"}])
    return w.add("SplineEditor", [store, json.dumps([coords]), width, height, count, "path", "linear", 0.5, 1, "list",
                                  0, 1, "", None], ["MASK", "STRING", "FLOAT", "INT", "STRING"])


def _line(x0, y0, x1, n=5):
    return [{"x": x0 + (x1 - x0) * i / (n - 1), "y": y0} for i in range(n)]


def _trajectory(second_coords=None, drawer="CreateTrajectoryBasedOnKJNodes", drawer_values=()):
    def more(w):
        a = _spline(w, LINE, _line(100, 50, 140))
        b = _spline(w, [{"x": 300.0, "y": 200.0}, {"x": 320.0, "y": 200.0}],
                    second_coords or _line(300, 200, 320))
        joined = w.add("AppendStringsToList", [], ["STRING"], {"string1": (a, 1, "STRING"), "string2": (b, 1, "STRING")})
        ins = {"coordinates": (joined, 0, "STRING")}
        if drawer == "CreateTrajectoryBasedOnKJNodes":
            ins["masks"] = (a, 0, "MASK")
        d = w.add(drawer, list(drawer_values), ["IMAGE"] if drawer != "CreateShapeImageOnPath" else ["IMAGE", "MASK"],
                  ins)
        w.add("VHS_VideoCombine", [], [], {"images": (d, 0, "IMAGE")}, props={"Node name for S&R": "VHS_VideoCombine"})
        w.nodes[-1]["widgets_values"] = {"frame_rate": 8, "loop_count": 0, "filename_prefix": "Trajectory",
                                         "format": "video/h264-mp4"}  # (the pack's saved dict, as the file has it)
        return {"control_video": (d, 0, "IMAGE")}
    return _workflow(_folder("Wan2.1-Fun-V1.1-1.3B-Control", "Control"), "WanFunV2VSampler", FUN_V2V,
                     {"start_image": "dog.png"}, more)


def test_the_editors_tracks_drawn_as_blobs_are_the_generators_control():
    conv = convert(_trajectory(), "fun_trajectory")
    gen, text = _gen(conv), said(conv)
    assert gen.type_id == "video_models.wan_fun_control"
    shapes = source_of(conv, gen.id, "control")
    assert shapes.type_id == "motion.track_shapes"
    assert (shapes.params["shape"], shapes.params["width"], shapes.params["height"]) == ("gaussian", 600, 382)
    merge = source_of(conv, shapes.id, "keypoints")
    assert merge.type_id == "motion.merge_tracks"
    a, b = source_of(conv, merge.id, "a"), source_of(conv, merge.id, "b")
    assert a.type_id == b.type_id == "motion.spline_tracks"
    assert (a.params["points"], a.params["sampling"], a.params["interpolation"], a.params["width"]) == \
        (5, "path", "linear", 600)
    assert json.loads(a.params["splines"])[0]["points"] == LINE
    assert "'CreateTrajectoryBasedOnKJNodes' (CreateTrajectoryBasedOnKJNodes, #" in text
    assert "as Gaussian blobs on black, 600x382, the control clip 'control_video' of 'WanFunV2VSampler' reads" in text
    assert "wired to the generator's 'control'" in text and "(listed by 'AppendStringsToList'" in text
    saves = [n for n in nodes_of(conv, "io.save_video") if source_of(conv, n.id, "video").id == shapes.id]
    assert len(saves) == 1 and "writes the control clip" in text  # the drawn clip's own save, at its rate
    assert a.params["fps"] == 8.0
    assert "ComfyUI nodes not converted (listed" not in text
    assert conv.graph.validate() == []


def test_the_graphs_tracks_are_the_points_the_editor_saved():
    from studio.core.graph import Graph
    from studio.engine.executor import Executor
    conv = convert(_trajectory(), "fun_trajectory_run")
    merge = source_of(conv, source_of(conv, _gen(conv).id, "control").id, "keypoints")
    g = Graph()
    g.add_node("motion.spline_tracks", dict(source_of(conv, merge.id, "a").params), node_id="a")
    kp = Executor(frame_caching=False).run(g, device="cpu").value("a")
    assert kp.points[:, 0].tolist() == [[100, 50], [110, 50], [120, 50], [130, 50], [140, 50]]


def test_an_editor_whose_saved_points_are_older_than_its_spline_is_read_from_them():
    stale = _line(10, 20, 90)  # what the editor last sampled for its second spline: not its control points
    conv = convert(_trajectory(second_coords=stale), "fun_trajectory_stale")
    gen, text = _gen(conv), said(conv)
    merge = source_of(conv, source_of(conv, gen.id, "control").id, "keypoints")
    a, b = source_of(conv, merge.id, "a"), source_of(conv, merge.id, "b")
    assert a.type_id == "motion.spline_tracks" and b.type_id == "motion.tracks_from_coordinates"
    assert json.loads(b.params["coordinates"]) == [[{"x": round(q["x"]), "y": 20} for q in stale]]
    assert "points sampled again are up to 290 px from those it saved" in text
    assert "the points it saved are read, as Tracks from Coordinates" in text


def test_a_shape_drawer_is_read_by_its_declared_shape_settings():
    conv = convert(_trajectory(drawer="CreateShapeImageOnPath",
                               drawer_values=["square", 512, 320, 16, 24, "white", "black", 2.0, 1.0, 0.5, 0, "red"]),
                   "fun_shapes")
    gen, text = _gen(conv), said(conv)
    shapes = source_of(conv, gen.id, "control")
    p = shapes.params
    assert shapes.type_id == "motion.track_shapes"
    assert (p["shape"], p["width"], p["height"], p["shape_width"], p["shape_height"], p["blur"], p["trailing"]) == \
        ("square", 512, 320, 16, 24, 2.0, 0.5)
    assert (p["color"], p["background"], p["border_color"], p["scale"]) == ("#ffffff", "#000000", "#ff0000", False)
    assert "as a square of 16x24 px at each point, 512x320" in text


def test_a_drawer_fed_by_anything_but_editors_is_left_to_its_sentence():
    def more(w):
        text = w.add("PrimitiveString", ["[[{\"x\": 1, \"y\": 2}]]"], ["STRING"])
        d = w.add("CreateTrajectoryBasedOnKJNodes", [], ["IMAGE"], {"coordinates": (text, 0, "STRING")})
        return {"control_video": (d, 0, "IMAGE")}
    conv = convert(_workflow(_folder("Wan2.1-Fun-V1.1-1.3B-Control", "Control"), "WanFunV2VSampler", FUN_V2V,
                             {"start_image": "dog.png"}, more), "fun_no_editor")
    assert source_of(conv, _gen(conv).id, "control") is None
    assert not nodes_of(conv, "motion.track_shapes")
    assert "made by ComfyUI nodes Studio does not convert" in said(conv)


def _ltx_tracks(editor_file: str = "still.png", width=768, height=448) -> dict:
    """LTX-2 image to video from a still scaled to 768x448, its IC-LoRA guide the tracks LTXVSparseTrackEditor draws
    on a picture of ``editor_file`` (two splines, 97 points), drawn by LTXVDrawTracks at ``width`` x ``height``."""
    splines = [[{"x": 100.0, "y": 100.0}, {"x": 300.0, "y": 200.0}, {"x": 500.0, "y": 100.0}],
               [{"x": 50.0, "y": 400.0}, {"x": 90.0, "y": 400.0}]]
    nodes = {
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "ltx-2.3-22b-dev.safetensors"}),
        "2": ("CLIPLoader", {"clip_name": "gemma_3_12B_it.safetensors", "type": "ltxv", "device": "default"}),
        "4": ("LTXICLoRALoaderModelOnly", {"model": ["1", 0], "strength_model": 1.0,
                                           "lora_name": "ltx-2.3-22b-ic-lora-motion-track-control.safetensors"}),
        "5": ("CLIPTextEncode", {"clip": ["2", 0], "text": "a kite in the wind"}),
        "6": ("CLIPTextEncode", {"clip": ["2", 0], "text": "blurry"}),
        "7": ("LoadImage", {"image": "still.png"}),
        "8": ("ImageScale", {"image": ["7", 0], "width": 768, "height": 448, "upscale_method": "lanczos",
                             "crop": "disabled"}),
        "30": ("LoadImage", {"image": editor_file}),
        "31": ("LTXVSparseTrackEditor", {"image": ["8", 0] if editor_file == "still.png" else ["30", 0],
                                         "points_store": json.dumps(splines), "coordinates": "[]",
                                         "points_to_sample": 97}),
        "32": ("LTXVDrawTracks", {"tracks": ["31", 0], "width": width, "height": height}),
        "9": ("EmptyLTXVLatentVideo", {"width": 768, "height": 448, "length": 97, "batch_size": 1}),
        "11": ("LTXVImgToVideoInplace", {"vae": ["1", 2], "image": ["8", 0], "latent": ["9", 0], "strength": 1.0,
                                         "bypass": False}),
        "10": ("LTXAddVideoICLoRAGuide", {"positive": ["5", 0], "negative": ["6", 0], "vae": ["1", 2],
                                          "latent": ["11", 0], "image": ["32", 0], "frame_idx": 0, "strength": 1.0,
                                          "latent_downscale_factor": 1.0, "crop": "disabled",
                                          "use_tiled_encode": False, "tile_size": 256, "tile_overlap": 64}),
        "12": ("BasicScheduler", {"model": ["4", 0], "scheduler": "linear_quadratic", "steps": 8, "denoise": 1.0}),
        "13": ("KSamplerSelect", {"sampler_name": "euler"}),
        "22": ("RandomNoise", {"noise_seed": 42}),
        "23": ("CFGGuider", {"model": ["4", 0], "positive": ["10", 0], "negative": ["10", 1], "cfg": 1.0}),
        "14": ("SamplerCustomAdvanced", {"noise": ["22", 0], "guider": ["23", 0], "sampler": ["13", 0],
                                         "sigmas": ["12", 0], "latent_image": ["10", 2]}),
        "19": ("VAEDecode", {"vae": ["1", 2], "samples": ["14", 0]}),
        "20": ("VHS_VideoCombine", {"images": ["19", 0], "frame_rate": 24, "loop_count": 0, "filename_prefix": "kite",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    }
    if editor_file == "still.png":
        del nodes["30"]
    return api(nodes)


def test_ltx_tracks_drawn_as_an_age_trail_on_the_generators_picture_are_its_control():
    conv = convert(_ltx_tracks(), "ltx_tracks")
    (gen,) = nodes_of(conv, "video_models.ltx2")
    text = said(conv)
    shapes = source_of(conv, gen.id, "control")
    assert shapes.type_id == "motion.track_shapes"
    assert (shapes.params["shape"], shapes.params["width"], shapes.params["height"], shapes.params["scale"]) == \
        ("age trail", 768, 448, False)
    tracks = source_of(conv, shapes.id, "keypoints")
    assert tracks.type_id == "motion.spline_tracks"
    assert (tracks.params["sampling"], tracks.params["interpolation"], tracks.params["points"]) == \
        ("uniform", "catmull-rom", 97)
    plate = source_of(conv, tracks.id, "plate")
    assert plate is not None and plate.type_id == "transform.scale"  # the still the take starts from, scaled
    assert "'LTXVDrawTracks' (LTXVDrawTracks, #32) draws the tracks of 'LTXVSparseTrackEditor' (LTXVSparseTrackEditor, " \
           "#31) as an age trail" in text
    assert "Spline Tracks reads them on the picture the generator's 'image' is given (from the same file, " \
           "'still.png'), wired into its 'plate'" in text
    assert "is not known here" not in text and "connect one to the generator's 'control'" not in text
    assert conv.graph.validate() == []


def test_ltx_tracks_drawn_on_another_picture_are_read_on_a_frame_said_not_known():
    conv = convert(_ltx_tracks("other.png", 0, 0), "ltx_tracks_other")
    (gen,) = nodes_of(conv, "video_models.ltx2")
    tracks = source_of(conv, source_of(conv, gen.id, "control").id, "keypoints")
    assert tracks.type_id == "motion.spline_tracks" and source_of(conv, tracks.id, "plate") is None
    assert "'LTXVSparseTrackEditor' (LTXVSparseTrackEditor, #31)'s tracks are pixels of the picture it is drawn on " \
           "(its 'image'), which is not known here: Spline Tracks reads them on its own 832x480 frame" in said(conv)


def test_ltx_tracks_resized_on_their_way_to_the_guide_are_scaled_by_studio():
    wf = _ltx_tracks()
    wf["33"] = {"class_type": "ImageScale", "inputs": {"image": ["32", 0], "width": 384, "height": 224,
                                                       "upscale_method": "bilinear", "crop": "disabled"}}
    wf["10"]["inputs"]["image"] = ["33", 0]
    conv = convert(wf, "ltx_tracks_resized")
    (gen,) = nodes_of(conv, "video_models.ltx2")
    scale = source_of(conv, gen.id, "control")
    assert scale.type_id == "transform.scale" and (scale.params["width"], scale.params["height"]) == (384, 224)
    assert source_of(conv, scale.id, "video").type_id == "motion.track_shapes"
    assert "'ImageScale' (ImageScale, #33) resizes the drawn clip on its way to 'image' of 'LTXAddVideoICLoRAGuide': " \
           "Studio's Scale" in said(conv)


def test_the_take_merged_with_the_drawn_clip_is_composited_brighter_of_the_two():
    doc = _trajectory()
    ids = {n["type"]: n["id"] for n in doc["nodes"]}
    sampler, drawer = ids["WanFunV2VSampler"], ids["CreateTrajectoryBasedOnKJNodes"]
    top = max(n["id"] for n in doc["nodes"])
    lid = max(link[0] for link in doc["links"])
    doc["links"] += [[lid + 1, sampler, 0, top + 1, 0, "IMAGE"], [lid + 2, drawer, 0, top + 1, 1, "IMAGE"],
                     [lid + 3, top + 1, 0, top + 2, 0, "IMAGE"]]
    doc["nodes"] += [
        {"id": top + 1, "type": "ImageMaximumNode", "mode": 0, "outputs": [{"name": "image", "type": "IMAGE"}],
         "inputs": [{"name": "video_1", "type": "IMAGE", "link": lid + 1},
                    {"name": "video_2", "type": "IMAGE", "link": lid + 2}], "widgets_values": []},
        {"id": top + 2, "type": "VHS_VideoCombine", "mode": 0, "outputs": [], "properties": {},
         "inputs": [{"name": "images", "type": "IMAGE", "link": lid + 3}],
         "widgets_values": {"frame_rate": 16, "loop_count": 0, "filename_prefix": "Merge", "format": "video/h264-mp4"}}]
    conv = convert(doc, "fun_trajectory_merge")
    gen = _gen(conv)
    (comp,) = nodes_of(conv, "edit.composite")
    assert comp.params["mode"] == "lighten" and source_of(conv, comp.id, "background").id == gen.id
    scale = source_of(conv, comp.id, "foreground")
    assert scale.type_id == "transform.scale" and source_of(conv, scale.id, "like").id == gen.id
    assert source_of(conv, scale.id, "video").type_id == "motion.track_shapes"
    ways = [source_of(conv, n.id, "video") for n in nodes_of(conv, "io.save_video")]  # (through its own rate)
    assert any(w.id == comp.id or (source_of(conv, w.id, "video") or w).id == comp.id for w in ways)
    assert "Studio's Composite 'lighten' of the take and Track Shapes, scaled to the take's size" in said(conv)
    assert conv.graph.validate() == []


def test_a_picture_maker_whose_inputs_the_catalogue_does_not_know_is_no_drawer():
    """A catalogued type whose inputs are built when its pack runs (UltimateSDUpscale: inputs unknown, a picture out)
    on a control input is not a track drawer, and asking does not fail (heldout20's router crashed the converter)."""
    from studio.convert.mapping.drawn_tracks import _drawer, _resize
    from studio.convert.reading.workflow import CNode
    n = CNode("5", "UltimateSDUpscale", links={"image": ("4", 0)})
    assert _drawer(n) is None and _resize(n) is None

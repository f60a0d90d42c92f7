"""ComfyUI's motion and first-last-frame workflows keep their task (issue 55, with issue 57's nodes):
WanMove's tracks become Path Tracks merged into Image to Video's 'tracks', a Fun control clip made by
Canny becomes Edges over the loaded video into Wan Fun Control, an end image is Image to Video's last
image (the sentence for a task Studio cannot do: test_comfy_tasks). Ported from e8a72b9 onto the
task table (comfy_tasks.py)."""
from __future__ import annotations

import json
import os

import pytest

from studio.convert.mapping.convert import convert

templates = pytest.importorskip("comfyui_workflow_templates_json")
TEMPLATES = os.path.join(os.path.dirname(templates.__file__), "templates")


def _doc(name):
    with open(os.path.join(TEMPLATES, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def _into(g, node_id, port):
    return next(((lk.src, lk.src_port) for lk in g.links if lk.dst == node_id and lk.dst_port == port), None)


def test_wanmove_tracks_become_path_tracks_merged_into_image_to_videos_tracks():
    c = convert(_doc("video_wanmove_480p"), "wanmove")
    g = c.graph
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.image_to_video")
    assert _into(g, gen.id, "image") is not None
    src = _into(g, gen.id, "tracks")
    assert src is not None and g.nodes[src[0]].type_id == "motion.merge_tracks"
    paths = sorted((n.params["start_x"], n.params["start_y"], n.params["end_x"], n.params["end_y"], n.params["tracks"],
                    n.params["spread"], n.params["bezier"], n.params["frames"])
                   for n in g.nodes.values() if n.type_id == "motion.path_tracks")
    assert paths[0] == (0.12, 1.0, 0.55, 0.63, 5, 0.012, True, 81)  # GenerateTracks' own settings
    assert len(paths) == 3
    from studio.engine.executor import Executor
    tracks = Executor().run(g, targets=[src[0]], device="cpu").value(src[0])
    assert tracks.points.shape == (81, 5 + 7 + 5, 2)  # the three paths' tracks in one set


def test_an_end_image_is_image_to_videos_last_image():
    g = convert(_doc("video_wan2_2_14B_flf2v"), "flf").graph
    gens = [n for n in g.nodes.values() if n.type_id == "video_models.image_to_video"]
    assert gens and all(_into(g, n.id, "last_image") is not None and _into(g, n.id, "image") is not None for n in gens)
    on = next(n for n in gens if n.mode == "normal")  # the template's switched-off copy swaps its two stills
    assert g.nodes[_into(g, on.id, "last_image")[0]].params["path"] == "video_wan2_2_14B_flf2v_end_image.png"
    assert g.nodes[_into(g, on.id, "image")[0]].params["path"] == "video_wan2_2_14B_flf2v_start_image.png"


def test_a_fun_control_workflow_is_wan_fun_control_with_its_clip_and_start_image():
    """video_wan2_2_14B_fun_control: its Canny is bypassed in the template, so the loaded clip itself
    is the control (a Canny that runs becomes Edges: test_comfy_tasks, on the LTX-2 canny template)."""
    c = convert(_doc("video_wan2_2_14B_fun_control"), "fun")
    g = c.graph
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.wan_fun_control" and n.mode == "normal")
    video = g.nodes[_into(g, gen.id, "control")[0]]
    assert video.type_id == "io.load_video" and video.params["path"].endswith("_control_video.mp4")
    assert g.nodes[_into(g, gen.id, "image")[0]].type_id == "io.load_image"
    assert g.validate() == [] and not [line for line in c.log if line.startswith("This workflow makes")]


@pytest.mark.parametrize("name, preset, size", [
    ("video_wan2.1_fun_camera_v1.1_1.3B", "Zoom In", 512),
    ("video_wan2.1_fun_camera_v1.1_14B", "Zoom Out", 512),
    ("video_wan2_2_14B_fun_camera", "Static", 720),
])
def test_a_fun_camera_workflow_is_camera_path_into_wan_fun_camera_with_its_pose_speed_and_length(name, preset, size):
    """WanCameraEmbedding -> Camera Path (its pose, speed, length and lens); WanCameraImageToVideo -> Wan Fun
    Camera with the start image, its size and length the embedding's (wired from it in the templates)."""
    c = convert(_doc(name), "camera")
    g = c.graph
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.wan_fun_camera" and n.mode == "normal")
    src = _into(g, gen.id, "camera")
    path = g.nodes[src[0]]
    assert path.type_id == "motion.camera_path" and src[1] == "camera"
    assert {k: path.params[k] for k in ("preset", "speed", "frames", "fx", "fy", "cx", "cy")} == \
        {"preset": preset, "speed": 1.0, "frames": 81, "fx": 0.5, "fy": 0.5, "cx": 0.5, "cy": 0.5}
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (size, size, 81)
    assert g.nodes[_into(g, gen.id, "image")[0]].type_id == "io.load_image"
    assert g.validate() == [] and not [line for line in c.log if line.startswith("This workflow makes")]
    from studio.engine.executor import Executor
    cam = Executor().run(g, targets=[path.id], device="cpu").value(path.id)
    assert cam.n_frames == 81 and cam.label == f"{preset}, speed 1"


def test_comfyuis_orbit_names_are_camera_paths_orbits_and_an_unknown_pose_is_said():
    from nodes.video_models.families.wan.comfy_motion import CAMERA_PRESETS
    from nodes.motion.camera import PRESETS
    assert CAMERA_PRESETS["Anti Clockwise (ACW)"] == "Orbit ACW" and CAMERA_PRESETS["ClockWise (CW)"] == "Orbit CW"
    assert set(CAMERA_PRESETS.values()) == set(PRESETS)  # every ComfyUI pose is a Camera Path preset, and back
    doc = _doc("video_wan2.1_fun_camera_v1.1_1.3B")
    emb = next(n for n in doc["nodes"] if n["type"] == "WanCameraEmbedding")
    emb["widgets_values"][0] = "Spiral"
    c = convert(doc, "camera")
    path = next(n for n in c.graph.nodes.values() if n.type_id == "motion.camera_path")
    assert path.params["preset"] == "Static"
    text = "\n".join(c.log + [n["text"] for n in c.graph.ui["notes"]])
    assert "its camera pose 'Spiral' is not one Studio knows: Camera Path is Static; choose its preset" in text


def test_atis_drawn_tracks_become_tracks_from_coordinates_into_image_to_video_with_ati_chosen():
    doc = _doc("video_wan_ati")
    c = convert(doc, "ati")
    g = c.graph
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.image_to_video")
    assert (gen.params["tracks_as"], gen.params["ati_temperature"], gen.params["ati_topk"]) == ("ati", 220.0, 10)
    assert (gen.params["frames"], gen.params["width"], gen.params["height"]) == (81, 720, 480)
    assert g.nodes[_into(g, gen.id, "image")[0]].params["path"] == "video_wan_ati_input_image.jpg"
    src = g.nodes[_into(g, gen.id, "tracks")[0]]
    assert src.type_id == "motion.tracks_from_coordinates"
    assert (src.params["width"], src.params["height"], src.params["points_per_frame"]) == (720, 480, 1.5)
    assert g.validate() == [] and c.tasks[0]["task"] == "image to video along tracks (ATI)"
    drawn = json.loads(next(n for n in doc["nodes"] if n["type"] == "PrimitiveStringMultiline")["widgets_values"][0])
    from studio.engine.executor import Executor
    k = Executor().run(g, targets=[src.id], device="cpu").value(src.id)
    # ComfyUI spreads the editor's first 121 points over the 81 frames: frame 80 is point 120
    assert k.points[80, 0].tolist() == [drawn[0][120]["x"], drawn[0][120]["y"]]
    assert k.points[1, 0].tolist() == [drawn[0][1]["x"], drawn[0][1]["y"]]


def test_an_ati_workflow_with_no_drawn_tracks_says_so():
    doc = _doc("video_wan_ati")
    next(n for n in doc["nodes"] if n["type"] == "PrimitiveStringMultiline")["widgets_values"][0] = "[]"
    c = convert(doc, "ati")
    gen = next(n for n in c.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    assert _into(c.graph, gen.id, "tracks") is None and gen.params["tracks_as"] == "ati"
    notes = [n["text"] for n in c.graph.ui.get("notes", [])]
    assert any("has no drawn tracks: connect Keypoints to Image to Video's 'tracks'" in t for t in notes)


def test_an_ati_temperature_of_nan_is_said_not_dropped_silently():
    """Issue 76 item 7: the converter says a non-finite temperature and keeps Image to Video's own."""
    doc = _doc("video_wan_ati")
    next(n for n in doc["nodes"] if n["type"] == "WanTrackToVideo")["widgets_values"][5] = float("nan")
    c = convert(doc, "ati")
    gen = next(n for n in c.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    assert gen.params["ati_topk"] == 10 and gen.params["ati_temperature"] == gen.spec.param("ati_temperature").default
    text = "\n".join(c.log + [n["text"] for n in c.graph.ui.get("notes", [])])
    assert "its temperature is not a finite number (nan): Image to Video's own ATI temperature is used" in text


@pytest.mark.parametrize("value, shown", [("NaN", "'NaN'"), ("hot", "'hot'"), (True, "True"), ([220], "[220]")])
def test_an_ati_temperature_that_is_no_number_is_said_not_made_the_default_silently(value, shown):
    """Issue 101: a temperature given as the text 'NaN' (or any other no-number) had become Image to Video's 220,
    unsaid."""
    doc = _doc("video_wan_ati")
    next(n for n in doc["nodes"] if n["type"] == "WanTrackToVideo")["widgets_values"][5] = value
    c = convert(doc, "ati")
    text = "\n".join(c.log + [n["text"] for n in c.graph.ui.get("notes", [])])
    assert f"its temperature is not a finite number ({shown}): Image to Video's own ATI temperature is used" in text

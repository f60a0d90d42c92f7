"""faces9 (issue 112): the wrapper's Fun camera embeds read as Studio's Camera Path + Wan Fun Camera (heldout57 09), and
InfiniteTalk's face masks found at run time by a face detector (heldout58 03, 04). Each test builds a minimal workflow
from node types, values and links (no fetched file) and fails without its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said


def _camera_i2v(move: str = "Zoom Out", speed: float = 0.1, strength: float = 1.0, length: int = 81) -> dict:
    """kijai's Fun 1.1 Control-Camera example's shape (API): ADE_CameraPoseBasic's poses, its frame_length from an
    INTConstant, into WanVideoFunCameraEmbeds, given to a WanVideoImageToVideoEncode's control_embeds."""
    return api({
        "11": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16"}),
        "16": ("WanVideoTextEncode", {"positive_prompt": "an old man", "negative_prompt": "blurry", "t5": ["11", 0]}),
        "22": ("WanVideoModelLoader", {"model": "Wan2.1-Fun-V1.1-1.3B-Control-Camera.safetensors",
                                       "base_precision": "bf16", "quantization": "disabled",
                                       "load_device": "offload_device", "attention_mode": "sdpa"}),
        "38": ("WanVideoVAELoader", {"model_name": "Wan2_1_VAE_bf16.safetensors", "precision": "bf16"}),
        "58": ("LoadImage", {"image": "oldman.png"}),
        "105": ("INTConstant", {"value": length}),
        "99": ("ADE_CameraPoseBasic", {"motion_type": move, "speed": speed, "frame_length": ["105", 0]}),
        "104": ("WanVideoFunCameraEmbeds", {"poses": ["99", 0], "width": 624, "height": 624, "strength": strength,
                                            "start_percent": 0.0, "end_percent": 1.0}),
        "63": ("WanVideoImageToVideoEncode", {"width": 624, "height": 624, "num_frames": 81, "noise_aug_strength": 0.0,
                                              "start_latent_strength": 1, "end_latent_strength": 1,
                                              "force_offload": True, "vae": ["38", 0], "start_image": ["58", 0],
                                              "control_embeds": ["104", 0]}),
        "27": ("WanVideoSampler", {"steps": 30, "cfg": 6.0, "shift": 5.0, "seed": 43, "force_offload": True,
                                   "scheduler": "unipc", "riflex_freq_index": 0, "model": ["22", 0],
                                   "image_embeds": ["63", 0], "text_embeds": ["16", 0]}),
        "28": ("WanVideoDecode", {"enable_vae_tiling": False, "tile_x": 272, "tile_y": 272, "tile_stride_x": 144,
                                  "tile_stride_y": 128, "vae": ["38", 0], "samples": ["27", 0]}),
        "30": ("VHS_VideoCombine", {"images": ["28", 0], "frame_rate": 16, "loop_count": 0, "filename_prefix": "cam",
                                    "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })


def _fed(conv, dst: str, port: str):
    return next((l for l in conv.graph.links if l.dst == dst and l.dst_port == port), None)


def test_the_wrappers_fun_camera_embeds_are_made_as_a_camera_path_into_wan_fun_camera():
    """57/09: the camera embeds were "not applied: Studio makes the image to video without the control clip". Now
    ADE_CameraPoseBasic's 'Zoom Out' (a sixteenth of its speed a frame) is Studio's Camera Path 'Zoom Out' at the
    speed that moves as far over the path (0.1 x 81 / 16), 81 frames, ADE's lens, wired into Wan Fun Camera with the
    encode's picture, size and length."""
    conv = convert(_camera_i2v(), "camera.json")
    assert [t["generator"] for t in conv.tasks] == ["video_models.wan_fun_camera"]
    assert not nodes_of(conv, "video_models.image_to_video")
    gen = nodes_of(conv, "video_models.wan_fun_camera")[0]
    path = nodes_of(conv, "motion.camera_path")
    assert len(path) == 1
    p = path[0].params
    assert (p["preset"], p["frames"]) == ("Zoom Out", 81)
    assert abs(p["speed"] - 0.1 * 81 / 16) < 1e-9
    assert (p["fx"], p["fy"], p["cx"], p["cy"]) == (0.474812461, 0.844111024, 0.5, 0.5)
    assert (gen.params["frames"], gen.params["width"], gen.params["height"]) == (81, 624, 624)
    assert _fed(conv, gen.id, "camera").src == path[0].id
    assert conv.graph.nodes[_fed(conv, gen.id, "image").src].type_id == "io.load_image"
    text = said(conv)
    assert "not applied" not in text
    assert ("control_embeds are the Fun camera embeds of 'WanVideoFunCameraEmbeds' (WanVideoFunCameraEmbeds, #104): "
            "read as Studio's Wan Fun Camera") in text
    assert "'ADE_CameraPoseBasic' (ADE_CameraPoseBasic, #99)'s motion_type 'Zoom Out' at speed 0.1 over 81 frames" in text
    assert "ADE_CameraPoseBasic, CLIP" not in text and "not converted (listed in a note on the canvas): ADE" not in text


def test_a_roll_is_an_orbit_and_a_weaker_camera_is_said():
    """ADE's 'Roll Clockwise' is ComfyUI's 'ClockWise (CW)' move (Camera Path's 'Orbit CW'); the embeds' strength
    below 1 is said, not dropped."""
    conv = convert(_camera_i2v("Roll Clockwise", 0.5, strength=0.6), "roll.json")
    p = nodes_of(conv, "motion.camera_path")[0].params
    assert p["preset"] == "Orbit CW"
    assert abs(p["speed"] - 0.5 * 81 / 16) < 1e-9
    assert "its strength 0.6 (the camera's latents scaled) is not taken" in said(conv)


def test_a_move_camera_path_has_no_preset_for_stays_said_not_applied():
    """ADE's tilts have no Camera Path preset: nothing made of the camera, and both why and the control's loss said."""
    conv = convert(_camera_i2v("Tilt Up"), "tilt.json")
    assert not nodes_of(conv, "motion.camera_path")
    text = said(conv)
    assert "'ADE_CameraPoseBasic' (ADE_CameraPoseBasic, #99)'s motion_type 'Tilt Up' is not one of Studio's Camera Path" in text
    assert "are not applied: Studio makes the image to video without the control clip" in text
    fast = said(convert(_camera_i2v(speed=3.0), "fast.json"))  # 3 x 81 / 16 = 15.2: past Camera Path's 10
    assert "is outside Camera Path's 0 to 10" in fast


def _detected_masks(maker: str = "FaceDetectMask", widgets=(1.5,), other_picture: bool = False):
    """The wrapper's InfiniteTalk given two voices (heldout58 03's shape): the masks' batch made at run time by ``maker``
    from the take's picture (or from another picture)."""
    from .test_comfy_wrapper_embeds import _talk
    from .test_comfy_wrappers import UI
    w = UI()
    pic = w.add("LoadImage", ["other.png" if other_picture else "face.png", "image"])
    masks = w.add(maker, list(widgets), image=(pic, 0))
    voice = w.add("LoadAudio", ["second.wav", None, None])
    _talk(w, audio_2=(voice, 0), ref_target_masks=(masks, 0))
    if not other_picture:  # the take's start image is the detector's picture (one Load Image, as the file wires it)
        doc = w.doc()
        start = next(n for n in doc["nodes"] if n["type"] == "WanVideoImageToVideoMultiTalk")
        link = next(l for l in doc["links"] if l[3] == start["id"] and l[0] == next(
            i["link"] for i in start["inputs"] if i["name"] == "start_image"))
        link[1] = pic
        doc["nodes"] = [n for n in doc["nodes"] if not (n["type"] == "LoadImage" and n["id"] != pic)]
        return convert(doc, "dialogue")
    return convert(w.doc(), "dialogue")


def _fed_node(conv, dst: str, port: str):
    link = _fed(conv, dst, port)
    return conv.graph.nodes[link.src] if link is not None else None


def test_face_masks_a_detector_finds_at_run_time_are_made_by_studios_face_step():
    """58/03, 04: the take was held ("its face masks come as one batch, which Studio does not split"). The batch is
    FaceDetectMask's (catalogued from its pack's source: a 'face' category turning a picture into masks; its faces
    left to right, each box grown expand_ratio times): now Studio's face step on the take's picture makes it, Detect
    People and Pose Estimate finding the faces and Face Mask 1 / 2 (the leftmost face, the next) on mask_1 / mask_2."""
    conv = _detected_masks(widgets=(1.8,))
    assert [t["generator"] for t in conv.tasks] == ["video_models.infinitetalk"]
    assert conv.graph.validate() == []
    gen = nodes_of(conv, "video_models.infinitetalk")[0]
    picture = _fed(conv, gen.id, "image").src
    masks = [_fed_node(conv, gen.id, f"mask_{i}") for i in (1, 2)]
    assert [m.type_id for m in masks] == ["preprocess.face_mask"] * 2
    assert [(m.params["face"], m.params["grow"]) for m in masks] == [(1, 1.8), (2, 1.8)]
    pose = {_fed_node(conv, m.id, "pose").id for m in masks}
    assert len(pose) == 1
    pose = conv.graph.nodes[pose.pop()]
    assert pose.type_id == "preprocess.pose_estimate"
    assert _fed_node(conv, pose.id, "people").type_id == "preprocess.detect_people"
    assert {_fed(conv, x, "video").src for x in (masks[0].id, masks[1].id, pose.id)} == {picture}
    text = said(conv)
    assert ("its face masks come as one batch (ref_target_masks) made by 'FaceDetectMask' (FaceDetectMask, #2) "
            "(InsightFace's faces on the first picture, sorted left to right, each box's width and height times 1.8 "
            "about its centre") in text
    assert ("are made by Studio's own face step on the take's picture: Detect People and Pose Estimate find the faces "
            "(their models chosen on each Load Preprocessor: an RT-DETR folder, kind 'people', and a whole-body ViTPose "
            "of 133 points, kind 'pose'), Face Mask 1 and Face Mask 2 give the leftmost face's box and the next "
            "one's") in text
    assert "so the take is held" not in text and "FaceDetectMask x" not in text


def test_face_masks_found_on_another_picture_or_by_another_maker_hold_the_take_naming_it():
    """Where the detector looks at another picture than the take's, Studio's face step is not put in its place: held,
    the detector and why named; a batch made by a node that finds no faces is named too."""
    text = said(_detected_masks(other_picture=True))
    assert ("made by 'FaceDetectMask' (FaceDetectMask, #2), a face detector run on its 'image' when the workflow runs "
            "(InsightFace's faces on the first picture") in text
    assert ("its picture is not the take's start image as Studio gives it (another picture, or other steps on its way), "
            "so Studio's face step (Face Mask) is not made in its place: they are not split into mask_1 and mask_2, so "
            "the take is held") in text
    other = said(_detected_masks("LoadImageMask", ("masks.png", "alpha", "image"), other_picture=True))
    assert "made by 'LoadImageMask' (LoadImageMask, #2), which Studio does not split into mask_1 and mask_2" in other
    assert "face detector" not in other


def _ade_c2w(rotate, translate, speed: float, n: int):
    """ADE_CameraPoseBasic's poses as camera-to-world matrices, written from its facts (nodes_cameractrl.py: frame i's
    world-to-camera rotation Rz Ry Rx of (i / 16) x speed x pi/3 x the move's rotation, translation (i / 16) x speed x
    1.5 x the move's translation)."""
    import numpy as np
    out = []
    for i in range(n):
        ax, ay, az = np.asarray(rotate, float) * (i / 16) * speed * np.pi / 3
        rx = np.array([[1, 0, 0], [0, np.cos(ax), -np.sin(ax)], [0, np.sin(ax), np.cos(ax)]])
        ry = np.array([[np.cos(ay), 0, np.sin(ay)], [0, 1, 0], [-np.sin(ay), 0, np.cos(ay)]])
        rz = np.array([[np.cos(az), -np.sin(az), 0], [np.sin(az), np.cos(az), 0], [0, 0, 1]])
        w2c = np.eye(4)
        w2c[:3, :3] = rz @ ry @ rx
        w2c[:3, 3] = np.asarray(translate, float) * (i / 16) * speed * 1.5
        out.append(np.linalg.inv(w2c))
    return np.stack(out)


def test_each_ade_move_read_is_the_same_camera_path():
    """The Camera Path each ADE move is read as (its preset, speed x frames / 16) has ADE's poses, frame for frame."""
    import numpy as np
    from nodes.motion.camera import CameraPathNode
    from nodes.video_models.families.wan.comfy_motion import CAMERA_PRESETS
    from nodes.video_models.families.wan.comfy_wrapper_camera import MOVES
    ade = {"Pan Up": ((0, 0, 0), (0, 1, 0)), "Pan Down": ((0, 0, 0), (0, -1, 0)), "Pan Left": ((0, 0, 0), (1, 0, 0)),
           "Pan Right": ((0, 0, 0), (-1, 0, 0)), "Zoom In": ((0, 0, 0), (0, 0, -2)), "Zoom Out": ((0, 0, 0), (0, 0, 2)),
           "Roll Clockwise": ((0, 0, -1), (0, 0, 0)), "Roll Anticlockwise": ((0, 0, 1), (0, 0, 0))}
    for move, (rot, move_t) in ade.items():
        for speed, n in ((0.1, 81), (1.0, 49)):
            p = {"preset": CAMERA_PRESETS[MOVES[move]], "speed": speed * n / 16, "frames": n, "fx": 0.5, "fy": 0.5,
                 "cx": 0.5, "cy": 0.5, "poses": "[]", "interpolation": "smooth"}
            got = CameraPathNode.path_of(p).c2w
            assert np.allclose(got, _ade_c2w(rot, move_t, speed, n), atol=1e-6), (move, speed, n)

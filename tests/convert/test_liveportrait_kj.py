"""kijai's LivePortraitKJ chain (DownloadAndLoadLivePortraitModels, a cropper, LivePortraitProcess,
LivePortraitComposite, VHS_VideoCombine) read as Load Image + Load Video -> Live Portrait -> Save Video, its
settings carried over and what Studio does otherwise said naming the node; the cropper's face crop made by Live
Portrait from Studio's whole-body poses of the same pictures, the composite's paste-back Live Portrait's; a source
clip (the pack's video-to-video) animated frame by frame."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said

LOAD = {"video": "drive.mp4", "force_rate": 0, "force_size": "Disabled", "custom_width": 512, "custom_height": 512,
        "frame_load_cap": 0, "skip_first_frames": 0, "select_every_nth": 1}
PROCESS = {"lip_zero": False, "lip_zero_threshold": 0.03, "stitching": True, "delta_multiplier": 1.0,
           "mismatch_method": "constant", "relative_motion_mode": "relative",
           "driving_smooth_observation_variance": 3e-6, "expression_friendly": False,
           "expression_friendly_multiplier": 1.0}


def _doc(source=("LoadImage", {"image": "face.jpg"}), process=None, models=None, combine=None, mask=True, crop=None):
    nodes = {
        "1": ("DownloadAndLoadLivePortraitModels", dict({"precision": "auto", "mode": "human"}, **(models or {}))),
        "2": ("LivePortraitLoadCropper", {"onnx_device": "CPU", "keep_model_loaded": True,
                                          "detection_threshold": 0.5}),
        "3": source,
        "4": ("ImageResizeKJ", {"width": 512, "height": 512, "upscale_method": "lanczos", "keep_proportion": True,
                                "divisible_by": 2, "crop": "disabled", "image": ["3", 0]}),
        "5": ("GetImageSizeAndCount", {"image": ["4", 0]}),
        "6": ("LivePortraitCropper", {"pipeline": ["1", 0], "cropper": ["2", 0], "source_image": ["5", 0],
                                      **dict({"face_index": 0, "face_index_order": "large-small", "rotate": True,
                                              "dsize": 512, "scale": 2.3, "vx_ratio": 0.0, "vy_ratio": -0.125},
                                             **(crop or {}))}),
        "7": ("VHS_LoadVideo", LOAD),
        "8": ("LivePortraitProcess", dict(PROCESS, **(process or {}), pipeline=["1", 0], crop_info=["6", 1],
                                          source_image=["5", 0], driving_images=["7", 0])),
        "9": ("LivePortraitComposite", {"source_image": ["5", 0], "cropped_image": ["8", 0],
                                        "liveportrait_out": ["8", 1]}),
        "10": ("VHS_VideoCombine", dict({"frame_rate": 25, "loop_count": 0, "filename_prefix": "LivePortrait",
                                         "format": "video/h264-mp4", "pingpong": False, "save_output": True,
                                         "images": ["9", 0]}, **(combine or {}))),
    }
    if mask:
        nodes["11"] = ("CreateShapeMask", {"shape": "square", "frames": 1, "location_x": 256, "location_y": 256,
                                           "grow": 0, "frame_width": 512, "frame_height": 512, "shape_width": 480,
                                           "shape_height": 480})
        nodes["9"][1]["mask"] = ["11", 0]
    return api(nodes)


def test_the_pack_chain_is_load_image_and_load_video_into_live_portrait():
    conv = convert(_doc())
    lp = nodes_of(conv, "portrait.live_portrait")
    assert len(lp) == 1
    p = lp[0].params
    assert (p["relative_motion"], p["stitching"], p["animation_region"], p["size"]) == (True, True, "all", "source")
    g = conv.graph
    src = g.nodes[g.input_link(lp[0].id, "source").src]
    assert src.type_id == "transform.scale" and src.params["width"] == 512  # the resize before, as Scale
    assert g.nodes[g.input_link(src.id, "video").src].params["path"] == "face.jpg"
    assert g.nodes[g.input_link(lp[0].id, "driving").src].params["path"] == "drive.mp4"
    rate = [n for n in nodes_of(conv, "edit.frame_rate")]
    assert len(rate) == 1 and rate[0].params["fps"] == 25.0 and rate[0].params["keep"] == "frames"
    assert nodes_of(conv, "io.save_video")[0].params["path"] == "out/LivePortrait.mp4"
    # the cropper's face crop: Live Portrait's, about the face Pose Estimate finds on the same (scaled) picture
    pose = g.nodes[g.input_link(lp[0].id, "source_pose").src]
    assert pose.type_id == "preprocess.pose_estimate" and g.input_link(pose.id, "video").src == src.id
    people = g.nodes[g.input_link(pose.id, "people").src]
    assert people.type_id == "preprocess.detect_people" and g.input_link(people.id, "video").src == src.id
    assert (p["crop_size"], p["crop_scale"], p["vx_ratio"], p["vy_ratio"], p["rotate"], p["person"],
            p["paste_back"]) == (512, 2.3, 0.0, -0.125, True, 0, True)
    assert g.input_link(lp[0].id, "driving_pose") is None  # the pack takes the driving frames whole
    text = said(conv)
    assert "'LivePortraitCropper' (LivePortraitCropper, #6)'s face crop is made by Live Portrait (its settings: " \
           "face_index 0, face_index_order large-small, rotate True, dsize 512, scale 2.3" in text
    assert "(not by 'LivePortraitLoadCropper' (LivePortraitLoadCropper, #2)" in text
    assert "#6)'s face_index 0 counts faces in 'large-small' order" in text
    assert "'LivePortraitComposite' (LivePortraitComposite, #9)'s paste-back into 'LoadImage' (LoadImage, #3)'s " \
           "picture is Live Portrait's (the release's paste-back); its 'mask' from 'CreateShapeMask' " \
           "(CreateShapeMask, #11)" in text
    assert "not made" not in text and "crop not" not in text
    assert "'LivePortraitProcess' (LivePortraitProcess, #8) runs the stitching network twice" in text
    assert "the workflow writes the video without sound ('VHS_VideoCombine' (VHS_VideoCombine, #10) is given no " \
           "'audio'): Replace Audio with no sound goes before Save Video" in text
    assert "Studio cannot convert" not in text


def test_the_packs_settings_carried_over_or_said():
    conv = convert(_doc(process={"relative_motion_mode": "off", "stitching": False, "lip_zero": True,
                                 "delta_multiplier": 0.5, "expression_friendly": True},
                        models={"mode": "animal", "precision": "fp32"}))
    p = nodes_of(conv, "portrait.live_portrait")[0].params
    assert (p["relative_motion"], p["animation_region"], p["stitching"]) == (False, "pose", False)
    assert (p["driving_option"], p["precision"]) == ("pose-friendly", "fp32")  # (it scales the relative motion)
    assert p["warping_model"] == "animal/warping_module.safetensors"
    text = said(conv)
    assert "#8)'s lip_zero is not applied" in text
    assert "#8)'s delta_multiplier 0.5 (the expression deltas scaled) is not applied" in text
    assert "runs the stitching network twice" not in text
    assert "#8)'s expression_friendly is not applied with relative_motion_mode 'off'" in text
    assert "liveportrait/animal/ (Studio never downloads)" in text
    assert "#6)'s face crop (with 'LivePortraitLoadCropper' (LivePortraitLoadCropper, #2)" in text
    assert "is not made (its settings: face_index 0, face_index_order large-small, rotate True, dsize 512, " \
           "scale 2.3, vx_ratio 0.0, vy_ratio -0.125) in animal mode" in text  # (faces found through people)
    assert "pastes the animated face back into 'LoadImage' (LoadImage, #3)'s picture inside a mask: not made" in text
    assert g_input(conv, "source_pose") is None
    other = convert(_doc(crop={"dsize": 256, "scale": 2.0, "vx_ratio": 0.1, "vy_ratio": 0.0, "rotate": False,
                               "face_index": 1}))
    p = nodes_of(other, "portrait.live_portrait")[0].params
    assert (p["crop_size"], p["crop_scale"], p["vx_ratio"], p["vy_ratio"], p["rotate"], p["person"]) == \
        (256, 2.0, 0.1, 0.0, False, 1)
    mode = convert(_doc(process={"relative_motion_mode": "single_frame", "expression_friendly": True}))
    assert "#8)'s relative_motion_mode 'single_frame' is the pack's own" in said(mode)
    assert nodes_of(mode, "portrait.live_portrait")[0].params["driving_option"] == "expression-friendly"


def g_input(conv, port: str):
    return conv.graph.input_link(nodes_of(conv, "portrait.live_portrait")[0].id, port)


def test_a_source_clip_is_animated_frame_by_frame():
    conv = convert(_doc(source=("VHS_LoadVideo", dict(LOAD, video="source.mp4"))))
    lp = nodes_of(conv, "portrait.live_portrait")[0]
    assert lp.params["source_clip"] == "each frame"
    g = conv.graph
    src = g.nodes[g.input_link(lp.id, "source").src]
    assert g.nodes[g.input_link(src.id, "video").src].params["path"] == "source.mp4"
    assert g.nodes[g_input(conv, "source_pose").src].type_id == "preprocess.pose_estimate"
    assert "Studio cannot convert" not in said(conv)


def test_a_cropped_driving_clip_and_a_sound_file_of_its_own():
    doc = _doc(mask=False)
    doc["12"] = {"class_type": "LivePortraitCropper", "inputs": dict(doc["6"]["inputs"], source_image=["7", 0])}
    doc["8"]["inputs"]["driving_images"] = ["12", 0]  # the pack's earlier chain: the driving frames cropped first
    doc["13"] = {"class_type": "LoadAudio", "inputs": {"audio": "voice.mp3"}}
    doc["10"]["inputs"]["audio"] = ["13", 0]
    conv = convert(doc)
    lp = nodes_of(conv, "portrait.live_portrait")[0]
    g = conv.graph
    assert g.nodes[g.input_link(lp.id, "driving").src].params["path"] == "drive.mp4"
    save = nodes_of(conv, "io.save_video")[0]
    assert g.nodes[g.input_link(save.id, "audio").src].params["path"] == "voice.mp3"
    text = said(conv)
    assert "'LivePortraitCropper' (LivePortraitCropper, #12)'s face crop of 'LivePortraitProcess' " \
           "(LivePortraitProcess, #8)'s 'driving_images' is made as the release's driving crop: one square" in text
    pose = g.nodes[g_input(conv, "driving_pose").src]  # found on the driving clip itself
    assert g.nodes[g.input_link(pose.id, "video").src].params["path"] == "drive.mp4"
    assert len(nodes_of(conv, "preprocess.load")) == 2  # one model of each kind for both clips' poses
    assert g.input_link(pose.id, "model").src == g.input_link(g_input(conv, "source_pose").src, "model").src
    assert "without sound" not in text and "Studio cannot convert" not in text

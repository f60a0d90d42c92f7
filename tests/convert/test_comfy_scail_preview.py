"""Issue 112 (scailprev15): the WanVideoWrapper's SCAIL embeds (WanVideoAddSCAILPoseEmbeds on a
WanVideoAddSCAILReferenceEmbeds on a WanVideoEmptyEmbeds: the SCAIL-Preview model's conditioning) read to Studio's
SCAIL-Preview Character node by their declared inputs; a pose clip drawn by a pose step is made by Studio's pose
steps and said to be another kind of drawing than the model's; what the sampler is given beyond them (a camera render
on its own inputs or through its extra args) holds the take, said; wired otherwise it is held with the reason. The
workflows are built here from node types, values and links (no fetched file)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, said, source_file
from tests.convert.test_comfy_wrapvar11 import _wrapper_scail

PREVIEW = "video_models.scail_preview"
UNI3C = {"30": ("WanVideoUni3C_ControlnetLoader", {"model": "Wan21_Uni3C_controlnet_fp16.safetensors",
                                                   "base_precision": "fp16", "quantization": "disabled",
                                                   "load_device": "main_device", "attention_mode": "sdpa"}),
         "31": ("WanVideoEncode", {"vae": ["4", 0], "image": ["6", 0]}),
         "32": ("WanVideoUni3C_embeds", {"controlnet": ["30", 0], "render_latent": ["31", 0], "strength": 1.0,
                                         "start_percent": 0.0, "end_percent": 1.0, "offload": True})}


def test_the_wrappers_scail_embeds_read_to_the_scail_preview_node():
    conv = convert(_wrapper_scail(), "scail.json")
    gens = nodes_of(conv, PREVIEW)
    assert len(gens) == 1
    p = gens[0].params
    assert (p["width"], p["height"], p["frames"], p["steps"], p["guidance"], p["seed"]) == (512, 896, 81, 6, 1.0, 42)
    assert p["prompt"] == "a mage dancing"
    assert source_file(conv, gens[0].id, "reference") == "mage.png"
    assert source_file(conv, gens[0].id, "pose") == "poses.mp4"
    text = said(conv)
    assert ("'WanVideoAddSCAILPoseEmbeds' (WanVideoAddSCAILPoseEmbeds, #9) with its reference embeds "
            "'WanVideoAddSCAILReferenceEmbeds' (WanVideoAddSCAILReferenceEmbeds, #8) and empty embeds "
            "'WanVideoEmptyEmbeds' (WanVideoEmptyEmbeds, #7) is read as Studio's SCAIL-Preview Character node") in text
    # the pose embeds' span (end_percent 0.5): the release reads the pose at every step, said
    assert "pose_end_percent 0.5" in text and "reads the pose whole at every step" in text
    assert "ref_end_percent" not in text  # (the whole span: nothing to say)
    assert "2D skeleton" not in text  # a loaded pose clip: no drawing step
    assert "Studio does not run SCAIL" not in text
    assert conv.graph.validate() == []


def test_a_pose_clip_drawn_by_a_pose_step_is_said_to_be_another_drawing():
    """The pose pictures drawn by a step that draws pose data a detector found (declared types: DrawViTPose of
    PoseAndFaceDetection, as RenderNLFPoses of NLFPredict): made by Studio's pose steps, and said to be a 2D skeleton,
    not the SCAIL-Pose render SCAIL-Preview is trained on."""
    wf = _wrapper_scail()
    wf.update(api({"20": ("OnnxDetectionModelLoader", {"vitpose_model": "vitpose-l-wholebody.onnx",
                                                       "yolo_model": "yolov10m.onnx", "onnx_device": "CPU"}),
                   "21": ("PoseAndFaceDetection", {"model": ["20", 0], "images": ["6", 0], "width": 512,
                                                   "height": 896}),
                   "22": ("DrawViTPose", {"pose_data": ["21", 0], "width": 256, "height": 448,
                                          "retarget_padding": 16, "body_stick_width": -1, "hand_stick_width": -1,
                                          "draw_head": True})}))
    wf["9"]["inputs"]["pose_images"] = ["22", 0]
    conv = convert(wf, "scail_drawn.json")
    gen = nodes_of(conv, PREVIEW)[0]
    draw = conv.graph.nodes[conv.graph.input_link(gen.id, "pose").src]
    assert draw.type_id == "preprocess.draw_pose"
    assert ("the pose clip 'WanVideoAddSCAILPoseEmbeds' (WanVideoAddSCAILPoseEmbeds, #9) is given comes from "
            "'DrawViTPose' (DrawViTPose, #22), which Studio makes with its own pose drawing (a 2D skeleton), another "
            "kind of picture than the model was trained on") in said(conv)


def test_a_camera_render_given_to_the_sampler_holds_the_take():
    """heldout57 GGVFX_Cam_SCAIL_Match: a Uni3C camera render reaches the sampler (through WanVideoSamplerv2's extra
    args there; on the sampler's own input here and below): the SCAIL-Preview node takes no camera, so the take is
    held, said naming the input and the node."""
    direct = _wrapper_scail()
    direct.update(api(UNI3C))
    direct["14"]["inputs"]["uni3c_embeds"] = ["32", 0]
    extra = _wrapper_scail()
    extra.update(api({**UNI3C, "33": ("WanVideoSamplerExtraArgs", {"uni3c_embeds": ["32", 0], "riflex_freq_index": 0,
                                                                   "rope_function": "comfy"})}))
    extra["14"]["inputs"]["extra_args"] = ["33", 0]
    for wf, words in ((direct, "its sampler is given 'uni3c_embeds' from 'WanVideoUni3C_embeds' "
                               "(WanVideoUni3C_embeds, #32)"),
                      (extra, "its sampler's extra args 'WanVideoSamplerExtraArgs' (WanVideoSamplerExtraArgs, #33) "
                              "give it 'uni3c_embeds' from 'WanVideoUni3C_embeds' (WanVideoUni3C_embeds, #32)")):
        conv = convert(wf, "scail_cam.json")
        assert nodes_of(conv, PREVIEW) == []
        assert (f"Studio cannot make the take of 'WanVideoAddSCAILPoseEmbeds' (WanVideoAddSCAILPoseEmbeds, #9) as it "
                f"is wired here: {words}, which Studio's SCAIL-Preview Character does not take") in said(conv)


def test_context_windows_through_the_extra_args_are_said_and_a_cfg_from_a_constant_is_read():
    wf = _wrapper_scail()
    wf.update(api({"40": ("WanVideoContextOptions", {"context_schedule": "uniform_standard", "context_frames": 81,
                                                     "context_stride": 4, "context_overlap": 48, "freenoise": True,
                                                     "verbose": False, "fuse_method": "linear"}),
                   "41": ("WanVideoSamplerExtraArgs", {"context_options": ["40", 0], "riflex_freq_index": 0,
                                                       "rope_function": "comfy"}),
                   "42": ("FloatConstant", {"value": 1.0})}))
    wf["14"]["inputs"].update(extra_args=["41", 0], cfg=["42", 0])
    conv = convert(wf, "scail_windows.json")
    assert len(nodes_of(conv, PREVIEW)) == 1
    assert ("'WanVideoContextOptions' (WanVideoContextOptions, #40)'s context windows of 81 frames are not taken: "
            "Studio's SCAIL-Preview Character makes a take longer than its 'window' (81 frames) in segments") in said(conv)


def test_pose_embeds_wired_otherwise_are_held_with_the_reason():
    wf = _wrapper_scail()
    wf["9"]["inputs"]["embeds"] = ["7", 0]  # no reference embeds between
    conv = convert(wf, "scail_noref.json")
    assert nodes_of(conv, PREVIEW) == []
    assert ("Studio cannot make the take of 'WanVideoAddSCAILPoseEmbeds' (WanVideoAddSCAILPoseEmbeds, #9) as it is "
            "wired here: it is read as Studio's SCAIL-Preview Character node where it is given a "
            "WanVideoAddSCAILReferenceEmbeds") in said(conv)


def test_a_frame_count_worked_out_as_it_runs_is_the_pose_clips():
    wf = _wrapper_scail()
    wf["7"]["inputs"]["num_frames"] = ["6", 1]  # VHS_LoadVideo's frame_count
    conv = convert(wf, "scail_count.json")
    assert nodes_of(conv, PREVIEW)[0].params["frames"] == 0
    text = said(conv)
    assert ("'WanVideoEmptyEmbeds' (WanVideoEmptyEmbeds, #7)'s num_frames comes from 'VHS_LoadVideo' (VHS_LoadVideo, "
            "#6) when the workflow runs: not read; Studio's SCAIL-Preview Character, its 'frames' 0, makes as many "
            "frames as its pose clip has") in text
    assert "left unset" not in text

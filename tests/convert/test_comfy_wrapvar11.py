"""Issue 112 (wrapvar11): pose-drawing steps of packs read by their declared types, not their names. A step that
finds people's poses in pictures and draws them (One-to-All's PoseDetectionOneToAllAnimation before SteadyDancer), or
draws pose data a detector found (a drawing node fed a detector's poses), is made as Studio's Detect People + Pose
Estimate + Draw Pose of the clip, so a pose-driven generator is given skeletons, not the dancing clip itself; what
Studio's nodes do not match (the step's model files, its own settings) is said. Steps given drawn poses, or a camera's
poses, are not read so. The workflows are built here from node types, values and links (no fetched file)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.mapping import pose_steps
from studio.convert.reading.workflow import CNode
from tests.convert.said import api, nodes_of, said, ui
from tests.convert.test_comfy_steady_dancer import _workflow as steady_workflow

DANCER = "video_models.steady_dancer"


def _steady(step: dict | None = None, preview: bool = False) -> dict:
    """The wrapper's SteadyDancer as tests/convert/test_comfy_steady_dancer.py builds it (its prompt 'a woman
    dancing', no negative prompt), its pose clip the file 'dance.mp4' through ``step`` (node '20', reading the clip
    on 'images') where given."""
    wf = steady_workflow()
    wf["3"]["inputs"].update(positive_prompt="a woman dancing", negative_prompt="")
    wf["6"]["inputs"]["video"] = "dance.mp4"
    if step:
        wf["8"]["inputs"]["image"] = ["20", 0]
        wf.update(api(step))
    if preview:  # the reference's drawn pose (the step's second output) shown
        wf.update(api({"22": ("PreviewImage", {"images": ["20", 1]})}))
    return wf


ONE_TO_ALL = {
    "21": ("OnnxDetectionModelLoader", {"vitpose_model": "onnx/vitpose_h_wholebody_model.onnx",
                                        "yolo_model": "onnx/yolov10m.onnx", "onnx_device": "CUDAExecutionProvider"}),
    "20": ("PoseDetectionOneToAllAnimation", {"model": ["21", 0], "images": ["6", 0], "ref_image": ["5", 0],
                                              "width": 480, "height": 832, "align_to": "ref",
                                              "draw_face_points": "weak", "draw_head": "full"}),
}


def _pose_source(conv, gen) -> tuple:
    """(the Draw Pose on the generator's 'pose', the Pose Estimate it draws, the clip that Pose Estimate reads)."""
    g = conv.graph
    draw = g.nodes[g.input_link(gen.id, "pose").src]
    est = g.nodes[g.input_link(draw.id, "pose").src]
    clip = g.nodes[g.input_link(est.id, "video").src]
    return draw, est, clip


def test_a_detect_and_draw_step_before_steadydancer_is_made_as_studios_pose_nodes():
    """heldout64 07 (MCG-NJU's SteadyDancer example 04): PoseDetectionOneToAllAnimation (pictures in, 'pose_images'
    out) drew the skeletons SteadyDancer is driven by; it was passed over ("the file is wired without that step") and
    the generator given the dancing clip itself. Now: Detect People + Pose Estimate of the clip, drawn by Draw Pose at
    the step's size, on the generator's pose; its model files and its own settings said."""
    conv = convert(_steady(ONE_TO_ALL), "steady.json")
    (gen,) = nodes_of(conv, DANCER)
    draw, est, clip = _pose_source(conv, gen)
    assert (draw.type_id, est.type_id) == ("preprocess.draw_pose", "preprocess.pose_estimate")
    assert (draw.params["width"], draw.params["height"]) == (480, 832)
    assert [n.params["kind"] for n in nodes_of(conv, "preprocess.load")] == ["people", "pose"]
    text = said(conv)
    assert "wired without that step" not in text
    assert ("'pose' is made by Studio's Detect People, Pose Estimate and Draw Pose for "
            "'PoseDetectionOneToAllAnimation' (PoseDetectionOneToAllAnimation, #20)") in text
    assert "'onnx/vitpose_h_wholebody_model.onnx', 'onnx/yolov10m.onnx'" in text
    assert "its settings align_to ref, draw_face_points weak, draw_head full are not taken" in text


def test_a_preview_of_the_steps_other_output_says_it_is_not_made():
    """The step's second output (the reference's drawn pose) previewed: Studio makes the step's poses only, and says
    the preview's pictures are not made (before: nothing said of it once the step is made)."""
    conv = convert(_steady(ONE_TO_ALL, preview=True), "steady.json")
    assert ("Studio makes only the poses of node 20 (Draw Pose), not its 'ref_pose_image', so that is not shown "
            "either") in said(conv)


def _vace_ui(detector_out: str, drawer_in: str, drawer_values: list) -> dict:
    """Core Wan VACE (UI) whose control video is a clip through two nodes of a pack Studio's catalogue does not know:
    'AcmeFindPeople' (pictures in, ``detector_out`` out) and 'AcmeSketch' (``drawer_in`` in, pictures out)."""
    nodes = [
        (1, "UNETLoader", [], ["MODEL"], ["wan2.1_vace_1.3B_fp16.safetensors", "default"]),
        (2, "CLIPLoader", [], ["CLIP"], ["umt5.safetensors", "wan", "default"]),
        (3, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
        (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a robot dancing"]),
        (5, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], [""]),
        (6, "LoadImage", [], ["IMAGE", "MASK"], ["moves.png", "image"]),
        (8, "AcmeFindPeople", [("frames", "IMAGE")], [detector_out], []),
        (9, "AcmeSketch", [(drawer_in, detector_out), ("line_width", "INT")], ["IMAGE"], drawer_values),
        (12, "WanVaceToVideo", [("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("vae", "VAE"),
                                ("control_video", "IMAGE")], ["CONDITIONING", "CONDITIONING", "LATENT", "INT"],
         [832, 480, 81, 1, 1.0]),
        (13, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                          ("latent_image", "LATENT")], ["LATENT"], [1, "fixed", 20, 5.0, "uni_pc", "simple", 1.0]),
        (15, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (16, "CreateVideo", [("images", "IMAGE")], ["VIDEO"], [16]),
        (17, "SaveVideo", [("video", "VIDEO")], [], ["video/x", "auto", "auto"]),
    ]
    links = [(2, 0, 4, "clip"), (2, 0, 5, "clip"), (6, 0, 8, "frames"), (8, 0, 9, drawer_in),
             (4, 0, 12, "positive"), (5, 0, 12, "negative"), (3, 0, 12, "vae"), (9, 0, 12, "control_video"),
             (1, 0, 13, "model"), (12, 0, 13, "positive"), (12, 1, 13, "negative"), (12, 2, 13, "latent_image"),
             (13, 0, 15, "samples"), (3, 0, 15, "vae"), (15, 0, 16, "images"), (16, 0, 17, "video")]
    return ui(nodes, links)


def _control(conv):
    (gen,) = [n for n in conv.graph.nodes.values() if n.type_id.startswith("video_models.") and "vace" in n.type_id]
    link = conv.graph.input_link(gen.id, "video")
    return conv.graph.nodes[link.src] if link is not None else None


def test_a_drawing_step_of_an_unknown_pack_fed_a_detectors_poses_is_read_by_its_types():
    """Node types no catalogue declares, told by the types the file saves on their slots: a node reading pictures
    and giving pose data ('ACME_POSES'), drawn by a node taking that data and giving pictures: Studio's pose nodes on
    VACE's control, the detection said with the drawing, the drawing's own settings said not taken."""
    conv = convert(_vace_ui("ACME_POSES", "people", [3]), "acme.json")
    ctrl = _control(conv)
    assert ctrl is not None and ctrl.type_id == "preprocess.draw_pose"
    text = said(conv)
    assert ("for 'AcmeSketch' (AcmeSketch, #9), which draws the poses 'AcmeFindPeople' (AcmeFindPeople, #8) finds in "
            "the clip") in text
    assert "its settings saved unnamed (#0 3) are not taken" in text
    assert "AcmeFindPeople" not in "".join(x for x in text.splitlines() if "not converted" in x)


def test_a_drawing_step_of_a_cameras_poses_is_not_read_as_peoples_poses():
    """The guard: the same two nodes carrying a camera's poses ('CAMERA_POSES': CameraCtrl's trajectories) are not
    people's poses, so no pose nodes are made for them."""
    conv = convert(_vace_ui("CAMERA_POSES", "camera_poses", [3]), "cam.json")
    assert not nodes_of(conv, "preprocess.draw_pose") and not nodes_of(conv, "preprocess.pose_estimate")


def _node(cls: str, ins: dict, outs: list[tuple[str, str]]) -> CNode:
    return CNode("1", cls, in_types=ins, out_types=[t for _, t in outs], out_names=[k for k, _ in outs])


def test_steps_are_told_by_their_declared_slots():
    """A detector also giving the faces it crops (an IMAGE output named a face) is a face step (Wan Animate's face
    clip); a step given pictures named a pose (drawn poses, a clip it prepares) and a step whose pose output is the
    reference's are not detect-and-draw steps."""
    face = _node("AcmeFaces", {"images": "IMAGE"}, [("pose_data", "ACME_POSEDATA"), ("face_images", "IMAGE")])
    assert pose_steps.kind(face) == "face"
    prep = _node("AcmePrep", {"pose_video": "IMAGE", "reference_image": "IMAGE"}, [("pose_video", "IMAGE")])
    assert pose_steps.kind(prep) is None
    ref = _node("AcmeAlign", {"reference_image": "IMAGE", "video": "IMAGE"}, [("ref_pose", "IMAGE"),
                                                                              ("pose_seq", "IMAGE")])
    assert pose_steps.kind(ref) is None
    detect = _node("AcmeDetect", {"images": "IMAGE"}, [("pose_images", "IMAGE")])
    assert pose_steps.kind(detect) == "detect"


def _wrapper_scail() -> dict:
    """The wrapper's SCAIL example as heldout60 13 wires it (API): the SCAIL-Preview model, the reference and the pose
    clip added to empty embeds (WanVideoAddSCAILReferenceEmbeds, WanVideoAddSCAILPoseEmbeds), WanVideoSampler."""
    return api({
        "1": ("WanVideoModelLoader", {"model": "SCAIL/Wan21-14B-SCAIL-preview_comfy_bf16.safetensors",
                                      "base_precision": "bf16", "quantization": "disabled",
                                      "load_device": "offload_device"}),
        "2": ("LoadWanVideoT5TextEncoder", {"model_name": "umt5-xxl-enc-bf16.safetensors", "precision": "bf16"}),
        "3": ("WanVideoTextEncode", {"positive_prompt": "a mage dancing", "negative_prompt": "", "t5": ["2", 0]}),
        "4": ("WanVideoVAELoader", {"model_name": "Wan2_1_VAE_bf16.safetensors", "precision": "bf16"}),
        "5": ("LoadImage", {"image": "mage.png"}),
        "6": ("VHS_LoadVideo", {"video": "poses.mp4"}),
        "7": ("WanVideoEmptyEmbeds", {"width": 512, "height": 896, "num_frames": 81}),
        "8": ("WanVideoAddSCAILReferenceEmbeds", {"embeds": ["7", 0], "vae": ["4", 0], "ref_image": ["5", 0],
                                                  "strength": 1.0, "start_percent": 0.0, "end_percent": 1.0}),
        "9": ("WanVideoAddSCAILPoseEmbeds", {"embeds": ["8", 0], "vae": ["4", 0], "pose_images": ["6", 0],
                                             "strength": 1.0, "start_percent": 0.0, "end_percent": 0.5}),
        "14": ("WanVideoSampler", {"model": ["1", 0], "text_embeds": ["3", 0], "image_embeds": ["9", 0], "steps": 6,
                                   "cfg": 1.0, "shift": 7.0, "seed": 42, "force_offload": True,
                                   "scheduler": "dpm++_sde", "riflex_freq_index": 0}),
        "15": ("WanVideoDecode", {"vae": ["4", 0], "samples": ["14", 0], "enable_vae_tiling": False}),
        "17": ("VHS_VideoCombine", {"images": ["15", 0], "frame_rate": 16, "filename_prefix": "scail",
                                    "format": "video/h264-mp4"}),
    })


def test_the_wrappers_scail_pose_embeds_are_read_as_scail_preview_not_scail2():
    """heldout60 13 (the wrapper's SCAIL pose-control example): its SCAIL embeds carry no identity masks (the
    SCAIL-Preview model's conditioning), so they are not read as SCAIL-2; since scailprev15 Studio runs SCAIL-Preview
    (its own node: tests/convert/test_comfy_scail_preview.py)."""
    conv = convert(_wrapper_scail(), "scail.json")
    assert nodes_of(conv, "video_models.scail2") == []
    assert len(nodes_of(conv, "video_models.scail_preview")) == 1
    assert "no reading of Studio's takes it" not in said(conv)


def _animate_ui() -> dict:
    """Core Wan Animate (UI) whose face and pose clips come from a pack Studio's catalogue does not know: 'AcmeFaces'
    (pictures in; pose data and the face crops out) drawn by 'AcmeSketch' (pose data in, pictures out), as
    Code2Collapse's PoseAndFaceDetectionV2 and DrawViTPoseV2 are wired."""
    nodes = [
        (1, "UNETLoader", [], ["MODEL"], ["wan2.2_animate_14B_bf16.safetensors", "default"]),
        (2, "CLIPLoader", [], ["CLIP"], ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"]),
        (3, "VAELoader", [], ["VAE"], ["wan_2.1_vae.safetensors"]),
        (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a man dancing"]),
        (5, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], [""]),
        (6, "LoadImage", [], ["IMAGE", "MASK"], ["ref.png", "image"]),
        (7, "LoadImage", [], ["IMAGE", "MASK"], ["moves.png", "image"]),
        (8, "AcmeFaces", [("images", "IMAGE")], ["ACME_POSEDATA", "IMAGE"], []),
        (9, "AcmeSketch", [("pose_data", "ACME_POSEDATA")], ["IMAGE"], []),
        (12, "WanAnimateToVideo", [("positive", "CONDITIONING"), ("negative", "CONDITIONING"), ("vae", "VAE"),
                                   ("reference_image", "IMAGE"), ("face_video", "IMAGE"), ("pose_video", "IMAGE")],
         ["CONDITIONING", "CONDITIONING", "LATENT", "INT", "INT", "INT"], [832, 480, 77, 1, 5, 0]),
        (13, "KSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                          ("latent_image", "LATENT")], ["LATENT"], [1, "fixed", 6, 1.0, "euler", "simple", 1.0]),
        (14, "TrimVideoLatent", [("samples", "LATENT"), ("trim_amount", "INT")], ["LATENT"], [0]),
        (15, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (16, "CreateVideo", [("images", "IMAGE")], ["VIDEO"], [16]),
        (17, "SaveVideo", [("video", "VIDEO")], [], ["video/x", "auto", "auto"]),
    ]
    links = [(2, 0, 4, "clip"), (2, 0, 5, "clip"), (7, 0, 8, "images"), (8, 0, 9, "pose_data"),
             (4, 0, 12, "positive"), (5, 0, 12, "negative"), (3, 0, 12, "vae"), (6, 0, 12, "reference_image"),
             (8, 1, 12, "face_video"), (9, 0, 12, "pose_video"),
             (1, 0, 13, "model"), (12, 0, 13, "positive"), (12, 1, 13, "negative"), (12, 2, 13, "latent_image"),
             (13, 0, 14, "samples"), (12, 3, 14, "trim_amount"), (14, 0, 15, "samples"), (3, 0, 15, "vae"),
             (15, 0, 16, "images"), (16, 0, 17, "video")]
    wf = ui(nodes, links)
    faces = next(n for n in wf["nodes"] if n["id"] == 8)
    faces["outputs"][0]["name"], faces["outputs"][1]["name"] = "pose_data", "face_images"
    return wf


def test_an_unknown_packs_face_and_pose_clips_for_wan_animate_are_studios_face_crops_and_drawn_poses():
    """Corpus Code2Collapse WanAnimate_Updated_example_01: PoseAndFaceDetectionV2 (its face_images on face_video)
    and DrawViTPoseV2 (its poses on pose_video), a fork the catalogue does not declare, were passed over and Wan
    Animate given the plain clip on both. Read by the file's slots: one Pose Estimate of the clip, drawn by Draw Pose
    for 'pose' and cropped by Face Crops (512) for 'face', each said."""
    conv = convert(_animate_ui(), "anim.json")
    (gen,) = nodes_of(conv, "video_models.wan_animate")
    g = conv.graph
    draw, crops = (g.nodes[g.input_link(gen.id, k).src] for k in ("pose", "face"))
    assert (draw.type_id, crops.type_id) == ("preprocess.draw_pose", "preprocess.face_crops")
    assert crops.params["size"] == 512
    assert g.input_link(draw.id, "pose").src == g.input_link(crops.id, "pose").src  # one Pose Estimate
    assert len(nodes_of(conv, "preprocess.pose_estimate")) == 1
    text = said(conv)
    assert ("'face' is made by Studio's Detect People, Pose Estimate and Face Crops (512 pixels) for 'AcmeFaces' "
            "(AcmeFaces, #8)") in text
    assert "which draws the poses 'AcmeFaces' (AcmeFaces, #8) finds in the clip" in text


def test_the_wrappers_multitalk_is_infinitetalk_with_its_method_multitalk():
    """heldout29 / heldout67 wanvideo_multitalk_test_02 (mode 'auto', a MultiTalk patch): held before ("Studio reads
    the wrapper's InfiniteTalk only"). MultiTalk's audio modules are InfiniteTalk's; its windows are conditioned on
    the frames carried (talk/talk_motion.py): Studio's InfiniteTalk with method 'multitalk', the wrapper's
    motion_frame its motion_frames, said."""
    from tests.convert.test_comfy_wrapper_embeds import _talk
    from tests.convert.test_comfy_wrappers import UI
    for mode, patch in (("multitalk", "Wan2_1-InfiniTetalk-Single_fp16.safetensors"),
                        ("auto", "WanVideo_2_1_Multitalk_14B_fp8_e4m3fn.safetensors")):
        w = UI()
        _talk(w, mode=mode, patch=patch)
        conv = convert(w.doc(), "multitalk")
        (gen,) = nodes_of(conv, "video_models.infinitetalk")
        assert (gen.params["method"], gen.params["motion_frames"], gen.params["patch"]) == ("multitalk", 9, patch)
        i2v = next(n["id"] for n in w.nodes if n["type"] == "WanVideoImageToVideoMultiTalk")
        assert (f"(WanVideoImageToVideoMultiTalk, #{i2v}) makes MultiTalk (its mode {mode!r}, the patch {patch!r}): "
                "Studio's InfiniteTalk makes it with its method 'multitalk'") in said(conv)


def test_the_wrappers_infinitetalk_keeps_its_method():
    from tests.convert.test_comfy_wrapper_embeds import _talk
    from tests.convert.test_comfy_wrappers import UI
    w = UI()
    _talk(w)
    (gen,) = nodes_of(convert(w.doc(), "infinitetalk"), "video_models.infinitetalk")
    assert gen.params["method"] == "infinitetalk"


def test_an_auto_mode_whose_patch_is_not_named_stays_held_saying_so():
    """heldout (api-workflow.json): mode 'auto' and a MultiTalkModelLoader naming no file: which model it is cannot be
    told, so the take is held, said so (before: "makes MultiTalk", which the file does not say)."""
    from tests.convert.test_comfy_wrapper_embeds import _talk
    from tests.convert.test_comfy_wrappers import UI
    w = UI()
    _talk(w, mode="auto", patch=None)
    conv = convert(w.doc(), "unnamed")
    assert not nodes_of(conv, "video_models.infinitetalk")
    assert "mode 'auto' tells MultiTalk from InfiniteTalk by the patch, which the file does not name" in said(conv)

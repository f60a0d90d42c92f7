"""Issue 112 items 2 and 4: control preprocessors and masks on a clip's way into a generator, read by their types.
Wan Animate's replace chain (kijai's WanAnimatePreprocess and segment-anything-2, KJNodes' mask nodes) becomes
Studio's Segment -> Mask Tools with the pose detector's models and SAM 2's file named; BlockifyMask is said, never
dropped silently; Florence-2's grounding text and PointsEditor's clicks become Segment's prompt; a DWPose face
crop is Face Crops; comfyui_controlnet_aux's preprocessors are told by their pack's category (a lineart -> Edges,
said); a Florence-2 caption on a prompt's way is made as a Caption. Hand-built API workflows, no model run."""
from __future__ import annotations

import copy
import json

from studio.convert.mapping.convert import convert
from tests.convert.said import said as _said

ANIMATE = {
    "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "Wan2_2-Animate-14B.safetensors", "weight_dtype": "default"}},
    "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a dancer", "clip": ["12", 0]}},
    "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["12", 0]}},
    "4": {"class_type": "LoadImage", "inputs": {"image": "me.png"}},
    "5": {"class_type": "VHS_LoadVideo", "inputs": {"video": "street.mp4"}},
    "7": {"class_type": "WanAnimateToVideo", "inputs": {
        "positive": ["2", 0], "negative": ["3", 0], "reference_image": ["4", 0], "pose_video": ["21", 0],
        "face_video": ["20", 1], "background_video": ["5", 0], "character_mask": ["24", 0],
        "width": 640, "height": 640, "length": 77, "batch_size": 1}},
    "8": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["7", 0], "negative": ["7", 1],
                                               "latent_image": ["7", 2], "seed": 3, "steps": 6, "cfg": 1.0,
                                               "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}},
    "9": {"class_type": "VAEDecode", "inputs": {"samples": ["8", 0], "vae": ["13", 0]}},
    "10": {"class_type": "CreateVideo", "inputs": {"images": ["9", 0], "fps": 16}},
    "11": {"class_type": "SaveVideo", "inputs": {"video": ["10", 0], "filename_prefix": "animate"}},
    "12": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5.safetensors", "type": "wan"}},
    "13": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_vae.safetensors"}},
    "19": {"class_type": "OnnxDetectionModelLoader", "inputs": {
        "vitpose_model": "vitpose_h_wholebody.onnx", "yolo_model": "yolov10m.onnx", "onnx_device": "CPUExecutionProvider"}},
    "20": {"class_type": "PoseAndFaceDetection", "inputs": {"model": ["19", 0], "images": ["5", 0], "width": 640,
                                                           "height": 640}},
    "21": {"class_type": "DrawViTPose", "inputs": {"pose_data": ["20", 0], "width": 640, "height": 640,
                                                  "retarget_padding": 16, "body_stick_width": -1,
                                                  "hand_stick_width": -1, "draw_head": "True"}},
    "22": {"class_type": "DownloadAndLoadSAM2Model", "inputs": {"model": "sam2.1_hiera_base_plus.safetensors",
                                                               "segmentor": "video", "device": "cuda",
                                                               "precision": "fp16"}},
    "23": {"class_type": "Sam2Segmentation", "inputs": {"sam2_model": ["22", 0], "image": ["5", 0],
                                                       "bboxes": ["20", 3], "keep_model_loaded": False}},
    "25": {"class_type": "GrowMaskWithBlur", "inputs": {"mask": ["23", 0], "expand": 10, "incremental_expandrate": 0,
                                                       "tapered_corners": True, "flip_input": False, "blur_radius": 2.5,
                                                       "lerp_alpha": 1, "decay_factor": 1}},
    "24": {"class_type": "BlockifyMask", "inputs": {"masks": ["25", 0], "block_size": 32}},
}


def clicked(store: dict, negative_wired: bool = True) -> dict:
    """ANIMATE whose SAM 2 mask follows a PointsEditor's clicks ``store`` ({'positive': [...], 'negative': [...]}),
    its keep clicks wired to the segmenter and, with ``negative_wired``, its leave-out clicks too."""
    wf = copy.deepcopy(ANIMATE)
    wf["33"] = {"class_type": "PointsEditor", "inputs": {"bg_image": ["5", 0], "points_store": json.dumps(store),
                                                        "coordinates": "", "neg_coordinates": "", "bbox_store": "",
                                                        "bboxes": "", "bbox_format": "xyxy", "width": 640,
                                                        "height": 640, "normalize": False}}
    del wf["23"]["inputs"]["bboxes"]
    wf["23"]["inputs"]["coordinates_positive"] = ["33", 0]
    if negative_wired:
        wf["23"]["inputs"]["coordinates_negative"] = ["33", 1]
    return wf


def _src(g, node_id: str, port: str):
    link = g.input_link(node_id, port)
    return g.nodes[link.src], link.src_port


def _gen(conv, type_id="video_models.wan_animate"):
    return next(n for n in conv.graph.nodes.values() if n.type_id == type_id)


def test_wan_animate_mask_chain_is_segment_then_mask_tools_with_the_blocks_said():
    conv = convert(copy.deepcopy(ANIMATE), "replace")
    g, gen = conv.graph, _gen(conv)
    assert gen.params["mode"] == "replace"
    tools, port = _src(g, gen.id, "mask")
    assert tools.type_id == "edit.mask_tools" and port == "mask"
    assert (tools.params["grow"], tools.params["blur"], tools.params["invert"]) == (10, 2.5, False)
    seg, _ = _src(g, tools.id, "mask")
    assert seg.type_id == "preprocess.segment" and seg.params["phrase"] == "person"
    assert _src(g, seg.id, "model")[0].params["kind"] == "segment"
    said = _said(conv)
    assert "Studio's Segment for Sam2Segmentation (#23) with the phrase 'person'" in said
    assert "PoseAndFaceDetection (#20)" in said and "'sam2.1_hiera_base_plus.safetensors' is another format" in said
    assert "GrowMaskWithBlur (#25) is Studio's Mask Tools (grow 10, blur 2.5" in said
    # its tapered corners: a 3x3 cross applied 10 times, Mask Tools' diamond (coreimg16: was a disk, said to differ)
    assert tools.params["grow_shape"] == "diamond" and "grown by a diamond, as ComfyUI steps its 3x3 kernel" in said
    assert "BlockifyMask (#24) is not applied" in said and "'character_mask' of 'WanAnimateToVideo'" in said
    # the pose detector's loader is read, its two files named; nothing of the chain is left unsaid
    assert "'vitpose_h_wholebody.onnx', 'yolov10m.onnx'" in said
    assert not {"19", "20", "21", "22", "23", "25"} & set(conv.dropped)
    assert "24" in conv.dropped + conv.passed and g.validate() == []


def test_grow_flipped_and_its_inverted_output_and_what_is_not_applied():
    wf = copy.deepcopy(ANIMATE)
    wf["25"]["inputs"].update(flip_input=True, lerp_alpha=0.5, fill_holes=True)
    wf["24"]["inputs"]["masks"] = ["25", 1]  # the inverted mask of the flipped one: the mask shrunk
    conv = convert(wf, "flip")
    tools, _ = _src(conv.graph, _gen(conv).id, "mask")
    assert (tools.params["grow"], tools.params["invert"]) == (-10, False)
    said = _said(conv)
    assert "'lerp_alpha' 0.5, 'fill_holes' not applied" in said


def test_florence_grounding_phrase_and_points_editor_clicks_are_segment_prompts():
    wf = copy.deepcopy(ANIMATE)
    wf["30"] = {"class_type": "DownloadAndLoadFlorence2Model", "inputs": {"model": "microsoft/Florence-2-base",
                                                                         "precision": "fp16", "attention": "sdpa"}}
    wf["31"] = {"class_type": "Florence2Run", "inputs": {"image": ["5", 0], "florence2_model": ["30", 0],
                                                        "text_input": "the dancer", "task": "caption_to_phrase_grounding",
                                                        "fill_mask": True}}
    wf["32"] = {"class_type": "Florence2toCoordinates", "inputs": {"data": ["31", 3], "index": "0", "batch": False}}
    wf["23"]["inputs"]["bboxes"] = ["32", 1]
    conv = convert(wf, "florence")
    seg = next(n for n in conv.graph.nodes.values() if n.type_id == "preprocess.segment")
    assert seg.params["phrase"] == "the dancer"
    assert "that Florence2Run (#31) grounds" in _said(conv)
    assert not {"30", "31", "32"} & set(conv.dropped)

    # (its leave-out clicks given: heldout32's mend)
    wf = clicked({"positive": [{"x": 320, "y": 160}], "negative": [{"x": 64, "y": 64}]})
    conv = convert(wf, "clicks")
    seg = next(n for n in conv.graph.nodes.values() if n.type_id == "preprocess.segment")
    assert seg.params["prompts"] == "0: +0.5000 0.2500, -0.1000 0.1000" and seg.params["phrase"] == ""
    assert "PointsEditor (#33)'s 1 keep and 1 leave-out clicks on frame 0" in _said(conv)


def test_dwpose_face_crop_is_face_crops_sharing_the_clips_poses():
    wf = copy.deepcopy(ANIMATE)
    wf["40"] = {"class_type": "DWPreprocessor", "inputs": {"image": ["5", 0], "detect_hand": "disable",
                                                          "detect_body": "disable", "detect_face": "enable",
                                                          "resolution": 512, "bbox_detector": "yolox_l.onnx",
                                                          "pose_estimator": "dw-ll_ucoco_384_bs5.torchscript.pt"}}
    wf["41"] = {"class_type": "FaceMaskFromPoseKeypoints", "inputs": {"pose_kps": ["40", 1], "person_index": 0}}
    wf["42"] = {"class_type": "ImageCropByMaskAndResize", "inputs": {"image": ["5", 0], "mask": ["41", 0],
                                                                    "base_resolution": 256, "padding": 0,
                                                                    "min_crop_resolution": 128,
                                                                    "max_crop_resolution": 512}}
    wf["7"]["inputs"]["face_video"] = ["42", 0]
    conv = convert(wf, "face")
    g = conv.graph
    crops, port = _src(g, _gen(conv).id, "face")
    assert crops.type_id == "preprocess.face_crops" and port == "face" and crops.params["size"] == 256
    said = _said(conv)
    assert "Face Crops (256 pixels) of Studio's poses for ImageCropByMaskAndResize (#42)" in said
    assert "FaceMaskFromPoseKeypoints (#41)" in said and "'dw-ll_ucoco_384_bs5.torchscript.pt'" in said
    assert not {"40", "41", "42"} & set(conv.dropped) and g.validate() == []


FUN = {
    "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "Wan2.1-Fun-1.3B-Control.safetensors", "weight_dtype": "default"}},
    "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "a dancer", "clip": ["12", 0]}},
    "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["12", 0]}},
    "5": {"class_type": "VHS_LoadVideo", "inputs": {"video": "moves.mp4"}},
    "6": {"class_type": "LineArtPreprocessor", "inputs": {"image": ["5", 0], "coarse": "disable", "resolution": 512}},
    "7": {"class_type": "WanFunControlToVideo", "inputs": {"positive": ["2", 0], "negative": ["3", 0], "vae": ["13", 0],
                                                         "control_video": ["6", 0], "width": 512, "height": 512,
                                                         "length": 33, "batch_size": 1}},
    "8": {"class_type": "KSampler", "inputs": {"model": ["1", 0], "positive": ["7", 0], "negative": ["7", 1],
                                               "latent_image": ["7", 2], "seed": 3, "steps": 6, "cfg": 5.0,
                                               "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0}},
    "9": {"class_type": "VAEDecode", "inputs": {"samples": ["8", 0], "vae": ["13", 0]}},
    "10": {"class_type": "CreateVideo", "inputs": {"images": ["9", 0], "fps": 16}},
    "11": {"class_type": "SaveVideo", "inputs": {"video": ["10", 0], "filename_prefix": "fun"}},
    "12": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5.safetensors", "type": "wan"}},
    "13": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_vae.safetensors"}},
}


def test_controlnet_aux_preprocessors_by_category_lineart_edges_said_canny_thresholds_and_depth():
    conv = convert(copy.deepcopy(FUN), "lineart")
    g = conv.graph
    gen = next(n for n in g.nodes.values() if n.type_id.startswith("video_models.wan"))
    edges, _ = _src(g, gen.id, "control")
    assert edges.type_id == "control.edges"
    assert "Studio's Edges (OpenCV's Canny) for LineArtPreprocessor (#6): its own network's lines are not made" \
        in _said(conv)
    assert "6" not in conv.dropped

    wf = copy.deepcopy(FUN)
    wf["6"] = {"class_type": "CannyEdgePreprocessor", "inputs": {"image": ["5", 0], "low_threshold": 60,
                                                                "high_threshold": 150, "resolution": 512}}
    conv = convert(wf, "canny")
    edges = next(n for n in conv.graph.nodes.values() if n.type_id == "control.edges")
    assert (edges.params["low"], edges.params["high"]) == (60, 150)
    assert "network's lines" not in _said(conv)

    wf["6"] = {"class_type": "Zoe-DepthMapPreprocessor", "inputs": {"image": ["5", 0], "resolution": 512}}
    conv = convert(wf, "depth")
    g = conv.graph
    depth, port = _src(g, next(n for n in g.nodes.values() if n.type_id.startswith("video_models.wan")).id, "control")
    assert depth.type_id == "preprocess.depth" and port == "depth" and g.validate() == []

    wf["6"] = {"class_type": "BAE-NormalMapPreprocessor", "inputs": {"image": ["5", 0], "resolution": 512}}
    conv = convert(wf, "normal")  # a normal map is no depth: not made as one
    assert not any(n.type_id == "preprocess.depth" for n in conv.graph.nodes.values())


def test_a_florence_caption_joined_into_the_prompt_is_made_naming_the_way():
    wf = copy.deepcopy(FUN)
    wf["6"] = {"class_type": "Canny", "inputs": {"image": ["5", 0], "low_threshold": 0.4, "high_threshold": 0.8}}
    wf["30"] = {"class_type": "DownloadAndLoadFlorence2Model", "inputs": {"model": "microsoft/Florence-2-base",
                                                                         "precision": "fp16", "attention": "sdpa"}}
    wf["31"] = {"class_type": "Florence2Run", "inputs": {"image": ["5", 0], "florence2_model": ["30", 0],
                                                        "text_input": "", "task": "more_detailed_caption",
                                                        "fill_mask": True}}
    wf["32"] = {"class_type": "StringConcatenate", "inputs": {"string_a": "cinematic, ", "string_b": ["31", 2],
                                                             "delimiter": ""}}
    wf["2"]["inputs"]["text"] = ["32", 0]
    conv = convert(wf, "caption")
    said = _said(conv)
    assert "'Florence2Run' (Florence2Run, #31) captions the picture of Studio's" in said  # (test_comfy_caption.py)
    assert "(DownloadAndLoadFlorence2Model, #30)" in said and "'CLIP Text Encode" not in said
    assert "'StringConcatenate' (StringConcatenate, #32) joins it" in said and "'before' 'cinematic, '" in said
    edges = next(n for n in conv.graph.nodes.values() if n.type_id == "control.edges")
    assert (edges.params["low"], edges.params["high"]) == (102, 204)  # ComfyUI's Canny: 0..1 in grey levels


def test_batch_clipseg_is_segment_with_its_phrase_its_loader_named():
    wf = copy.deepcopy(ANIMATE)
    wf["34"] = {"class_type": "DownloadAndLoadCLIPSeg", "inputs": {"model": "CIDAS/clipseg-rd64-refined"}}
    wf["23"] = {"class_type": "BatchCLIPSeg", "inputs": {"images": ["5", 0], "text": "the dancer", "threshold": 0.4,
                                                        "binary_mask": True, "combine_mask": False, "use_cuda": True,
                                                        "opt_model": ["34", 0], "invert": True}}
    conv = convert(wf, "clipseg")
    seg = next(n for n in conv.graph.nodes.values() if n.type_id == "preprocess.segment")
    assert seg.params["phrase"] == "the dancer"
    said = _said(conv)
    assert "Segment for BatchCLIPSeg (#23) with its phrase 'the dancer'" in said and "nor its invert" in said
    assert "DownloadAndLoadCLIPSeg (#34)" in said and "34" not in conv.dropped

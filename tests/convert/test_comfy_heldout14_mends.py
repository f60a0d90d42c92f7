"""Mechanisms a fourteenth held-out set (benchmarks/results/heldout14_2026-11-29.md: non-English authors' and
Colab/Kaggle notebook repositories) showed, each on a small hand-written case with invented pack node names where the
rule is by types: a pose estimator whose pack declares its settings in code the catalogue does not read (a UI file's
switches saved by place); a LoRA strength given a value that is not one number; a second output of a take, after a
side-by-side, written at its own rate; a sigma list holding no numbers; a prompt passed through a node of any type."""
from __future__ import annotations

from studio.convert.mapping import pose_parts
from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import CNode
from tests.convert.test_comfy_outputs import _notes


def _said(conv) -> str:
    return "\n".join(conv.log) + "\n" + _notes(conv)


def _api(nodes: dict) -> dict:
    return {k: {"class_type": c, "inputs": i} for k, (c, i) in nodes.items()}


def _params(conv, type_id: str) -> list[dict]:
    return [n.params for n in conv.graph.nodes.values() if n.type_id == type_id]


def test_a_ui_pose_estimators_switches_saved_by_place_are_read_or_said():
    """controlnet_aux's DWPose in a UI file: its type's inputs are not in the catalogue (declared in code), its values
    saved by place. The hand, body and face switches are read by their places (body only: no hands, no face);
    values that are not such switches are said, never Studio's defaults unsaid."""
    body_only = CNode("53", "DWPreprocessor", raw=["disable", "enable", "disable", 960, "yolox_l.torchscript.pt",
                                                   "dw-ll_ucoco_384_bs5.torchscript.pt", "disable"])
    assert pose_parts.draw_params(body_only) == ({"hands": False, "face": False}, None)
    faces = CNode("54", "DWPreprocessor", raw=["enable", "disable", "enable", 512])
    params, line = pose_parts.draw_params(faces)
    assert params == {"hands": True, "face": True} and "draws no bodies" in line
    odd = CNode("55", "InventedPoseEstimator", raw=[512, "some_model.onnx"])
    params, line = pose_parts.draw_params(odd)
    assert params == {} and "(InventedPoseEstimator, #55) saves its settings unnamed" in line
    named = CNode("56", "DWPreprocessor", widgets={"detect_hand": "enable", "detect_body": "enable",
                                                   "detect_face": "disable"})
    assert pose_parts.draw_params(named) == ({"hands": True, "face": False}, None)

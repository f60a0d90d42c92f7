"""The model picker offers no file its recogniser knows is another kind of model (issue 61, item
13: a person detector was offered as a candidate video model): a YOLO person detector, a ViTPose
pose model and a SAM 2 segmenter in ComfyUI's checkpoints/ and diffusion_models/ folders are not
listed for Load Video Model; a file nothing recognises there still is (a candidate, said so); the
loader names a detector given as its model."""
from __future__ import annotations

import os

import pytest

from tests.video_models import layouts as L

from .widgets import open_picker

YOLO = {"model.0.conv.weight": (16, 3, 3, 3), "model.2.cv1.conv.weight": (32, 32, 1, 1),
        "model.22.cv2.0.0.conv.weight": (64, 64, 3, 3), "model.22.dfl.conv.weight": (1, 16, 1, 1)}
VITPOSE = {"backbone.embeddings.patch_embeddings.projection.weight": (384, 3, 16, 16),
           "backbone.encoder.layer.0.attention.attention.query.weight": (384, 384), "head.conv.weight": (17, 384, 3, 3)}
SAM2 = {"image_encoder.trunk.patch_embed.proj.weight": (96, 3, 7, 7),
        "sam_mask_decoder.transformer.layers.0.self_attn.q_proj.weight": (256, 256),
        "memory_attention.layers.0.self_attn.q_proj.weight": (256, 256)}
ODD = {"some.thing.weight": (4, 4)}


@pytest.fixture
def comfy_win(comfy_win, tmp_path):
    """The shared ComfyUI window (conftest.py) with detector, pose, segmenter and unknown files beside its
    video models, the folder in the settings."""
    from studio.core import models
    root = str(tmp_path / "ComfyUI")
    m = os.path.join(root, "models")
    L.write(os.path.join(m, "checkpoints", "yolov8m-person.safetensors"), YOLO)
    L.write(os.path.join(m, "diffusion_models", "vitpose-b.safetensors"), VITPOSE)
    L.write(os.path.join(m, "diffusion_models", "sam2.1_hiera_tiny.safetensors"), SAM2)
    L.write(os.path.join(m, "diffusion_models", "mystery.safetensors"), ODD)
    models.save_settings({"comfyui_dir": root, "use_hf_cache": False})
    return comfy_win


def test_the_picker_leaves_out_detectors_pose_and_segmenters(qtbot, comfy_win):
    win = comfy_win
    _, picker = open_picker(qtbot, win)
    files = [i.text(5) for i in picker.items()]
    assert "diffusion_models/wan2.1_t2v_1.3B_bf16.safetensors" in files  # the video models still there
    assert "diffusion_models/mystery.safetensors" in files  # not recognised: still a candidate
    for other in ("checkpoints/yolov8m-person.safetensors", "diffusion_models/vitpose-b.safetensors",
                  "diffusion_models/sam2.1_hiera_tiny.safetensors"):
        assert other not in files, other
    picker.reject()


def test_the_recogniser_and_the_loader_name_them():
    from nodes.video_models.base.recognise import not_a_denoiser, recognise
    assert recognise(YOLO, "checkpoint").variant == "object or person detector (YOLO)"
    assert recognise(VITPOSE, "denoiser").variant == "pose model (ViTPose)"
    assert recognise(SAM2, "denoiser").variant == "video segmenter (SAM 2)"
    assert {recognise(s).kind for s in (YOLO, VITPOSE, SAM2)} == {"other"}
    assert recognise(ODD, "denoiser").kind == "unknown"
    said = not_a_denoiser(recognise(YOLO), "yolov8m-person.safetensors")
    assert said == ("'yolov8m-person.safetensors' is an object or person detector (YOLO), not a video model: "
                    "choose a video model's denoiser as 'model'")

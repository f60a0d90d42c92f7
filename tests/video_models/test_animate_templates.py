"""character_animate and character_replace (Wan Animate) render headless on tiny random models
standing in under the names the templates ask for; without them, the loaders name the folders
and the files."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.executor import Executor
from studio.engine.media import probe

from .test_control_templates import _tiny_plate
from .test_video_templates import _template, models_dir, place  # noqa: F401 - the fixture

pytest.importorskip("transformers")
ANIMATE = "Wan-AI/Wan2.2-Animate-14B-Diffusers"
SMALL = [("video_models.wan_animate", "steps", 1), ("video_models.wan_animate", "window", 5),
         ("video_models.wan_animate", "preview_size", "off"), ("preprocess.detect_people", "threshold", 0.0),
         ("preprocess.face_crops", "threshold", 0.0), ("preprocess.face_crops", "size", 16)]


@pytest.fixture
def placed(models_dir, tiny_models):  # noqa: F811
    place(models_dir, tiny_models, ANIMATE, "PekingU/rtdetr_r50vd_coco_o365", "vitpose-wholebody")
    return models_dir


def _nodes(g):
    return {n.type_id: n.id for n in g.nodes.values()}


def test_character_animate_renders_on_tiny_models(placed, tmp_path):
    out = tmp_path / "character_animate.mp4"
    g = _template("character_animate", out, SMALL + [("io.load_video", "path", _tiny_plate(tmp_path / "drv.mp4"))])
    r = Executor(frame_caching=False).run(g, device="cpu")
    info = probe(str(out))
    assert info["frames"] == 5 and info["width"] == 32
    ids = _nodes(g)
    assert r.value(ids["preprocess.pose_estimate"]).layout == "wholebody133"
    face = r.value(ids["preprocess.face_crops"])
    assert (len(face), face.width, face.height) == (5, 16, 16)
    assert np.isfinite(r.value(ids["video_models.wan_animate"]).frames).all()


def test_character_replace_renders_on_tiny_models(placed, tmp_path, tiny_models):
    place(placed, tiny_models, "facebook/sam2.1-hiera-tiny")
    out = tmp_path / "character_replace.mp4"
    g = _template("character_replace", out, SMALL + [("io.load_video", "path", _tiny_plate(tmp_path / "drv.mp4")),
                                                     ("edit.mask_tools", "grow", 0)])
    r = Executor(frame_caching=False).run(g, device="cpu")
    assert probe(str(out))["frames"] == 5
    assert r.value(_nodes(g)["video_models.wan_animate"]).n_frames == 5


def test_without_models_the_template_names_folders_and_files(models_dir, tmp_path):  # noqa: F811
    g = _template("character_animate", tmp_path / "out.mp4")
    with pytest.raises(StudioError) as e:
        Executor(frame_caching=False).run(g)
    said = [str(x) for x in getattr(e.value, "errors", [e.value])]  # every loader's problem, found before the run
    assert len(said) == 3 and all(str(models_dir) in m for m in said)
    animate = next(m for m in said if ANIMATE in m)
    assert f"'{ANIMATE}' not found" in animate and "model_index.json" in animate
    pose = next(m for m in said if "vitpose-wholebody" in m)
    assert "'vitpose-wholebody' not found" in pose
    assert "config.json, model.safetensors, preprocessor_config.json" in pose


SMALL_DRIVE = [("video_models.wan_animate_2", "steps", 1), ("video_models.wan_animate_2", "width", 32),
               ("video_models.wan_animate_2", "height", 32)]


def test_character_drive_renders_on_a_tiny_wan_animate_2(models_dir, tiny_models, tmp_path):  # noqa: F811
    """Wan Animate 2's template (issue 56) as shipped (its window of 81), smaller and in one step, on a tiny random
    Wan Animate 2 folder standing in under the name the template asks for, with 'frames' 17 of the driving clip's
    48: issue 76's case, which validated and then failed inside attention ("Each sample must hold exactly
    `seq_len` tokens": the pipeline mirrors at most the clip's own frames into its last segment of 81). Validation
    and the run ask one check (node.segments_for): one segment of 33, said before the run."""
    place(models_dir, tiny_models, "Wan-AI/Wan2.2-Animate-2-14B-Diffusers")
    out = tmp_path / "character_drive.mp4"
    g = _template("character_drive", out, SMALL_DRIVE + [("video_models.wan_animate_2", "frames", 17)])
    notes = [n[2] for n in Executor(frame_caching=False).compile(g).notes]
    assert any("17 driving frames are fewer than half a segment of 81" in n and "one segment of 33" in n for n in notes)
    r = Executor(frame_caching=False).run(g, device="cpu")
    assert probe(str(out))["frames"] == 17
    assert np.isfinite(r.value(_nodes(g)["video_models.wan_animate_2"]).frames).all()


def test_character_drive_of_two_frames_is_refused_at_validation(models_dir, tiny_models, tmp_path):  # noqa: F811
    """What the pipeline cannot make is refused before the run, naming the node (the run's own check)."""
    place(models_dir, tiny_models, "Wan-AI/Wan2.2-Animate-2-14B-Diffusers")
    g = _template("character_drive", tmp_path / "short.mp4", SMALL_DRIVE + [("video_models.wan_animate_2", "frames", 2)])
    with pytest.raises(StudioError, match=r"'Wan Animate 2' \(n\d+\): the driving video gives 2 frames: Wan Animate "
                                          r"2 makes 3 or more"):
        Executor(frame_caching=False).compile(g)

"""The plate_cleanup template: EXR plate -> crop -> LUT -> composite a generated element -> EXR
sequence and H.264 review copy."""
import os

import cv2
import numpy as np

from studio.core.fileformat import load_graph
from studio.engine import sequence as S
from studio.engine.executor import Executor
from studio.engine.media import VideoFileClip, probe

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_plate_cleanup_renders_exr_comp_and_review(tmp_path):
    g = load_graph(os.path.join(ROOT, "assets", "graphs", "plate_cleanup.json"))
    assert g.validate() == [] and "Knobs" in g.ui["notes"][0]["text"]
    by_type = {n.type_id: n for n in g.nodes.values()}
    exr_node, review = by_type["footage.save_sequence"], by_type["io.save_video"]
    g.set_param(exr_node.id, "path", str(tmp_path / "comp.####.exr"))
    g.set_param(review.id, "path", str(tmp_path / "review.mp4"))
    res = Executor(frame_caching=False).run(g)
    seq = S.find_sequence(str(tmp_path / "comp.####.exr"))
    assert seq.numbers == list(range(1001, 1009)) and not seq.gaps  # the plate's own numbering
    info = probe(str(tmp_path / "review.mp4"))
    assert info["frames"] == 8 and info["codec"] == "h264"
    comp, _, depth = S.read_frame(seq.files[3])
    assert depth == "half" and comp.shape == (100, 176, 3)
    plate = res.value(by_type["edit.crop"].id).frame(3)
    graded = res.value(by_type["edit.lut"].id).frame(3)
    assert np.abs(graded - np.clip(plate, 0, 1)).mean() > 0.01  # the LUT changed the picture
    orange = (comp[..., 0] > 0.8) & (comp[..., 1] > 0.4) & (comp[..., 1] < 0.8) & (comp[..., 2] < 0.2)
    assert 100 < orange.sum() < 1500  # the element is in, and only where its matte is
    near = cv2.dilate(orange.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    assert np.abs(comp - graded)[~near].max() < 0.01  # elsewhere the graded plate (half-float precision)
    v = VideoFileClip(str(tmp_path / "review.mp4")).frame(0)
    assert v[-12:, :40].mean() < 0.6  # the burn-in's dark box at the bottom left

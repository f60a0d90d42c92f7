"""python -m scripts.shots remakes the README pictures; the preview demo's thumbnails are drawn
(its thumbnail helper was defined after the demo's __main__ block, so the picture had none)."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_shots_remake_the_timeline_picture_with_its_thumbnails(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ROOT}
    p = subprocess.run([sys.executable, "-m", "scripts.shots", str(tmp_path), "--only", "timeline"], cwd=ROOT,
                       env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr[-2000:]
    assert "ok  timeline" in p.stdout
    import cv2
    img = cv2.imread(str(tmp_path / "screenshot-timeline.png"))
    assert img is not None and img.shape[1] >= 1000
    # the thumbnail strip: the row band under the ruler, where the flow frames are drawn
    h = img.shape[0]
    band = img[int(h * 0.82):int(h * 0.87), : img.shape[1] // 2].astype(np.float32)
    assert band.std() > 20, band.std()  # pictures, not empty grey slots

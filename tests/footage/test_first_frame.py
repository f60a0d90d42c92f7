"""Node.first_frame of the loaders (issue 48, item 9): what the viewer shows before a run is read
under the same limits as a run."""
from __future__ import annotations

import numpy as np
import pytest


def test_a_frame_past_the_limits_is_refused_before_it_is_decoded(tmp_path):
    import cv2

    from studio.core.errors import MediaError
    from studio.core.limits import MAX_FRAME_SIDE
    from nodes.footage.sequence import LoadImageSequence
    cv2.imwrite(str(tmp_path / "wide.0001.png"), np.zeros((1, MAX_FRAME_SIDE + 1), np.uint8))
    with pytest.raises(MediaError, match="largest frame Studio reads"):
        LoadImageSequence.first_frame({"path": str(tmp_path / "wide.####.png"), "first": 0, "last": 0,
                                       "gaps": "hold", "fps": 24.0}, None)

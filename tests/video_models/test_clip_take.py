"""base.calls.clip_take: the frames and size of a take made from a clip (CogVideoX Fun Control, Cosmos
Transfer, LTX-2 HDR), refused in words naming the node before any pipeline runs."""
import numpy as np
import pytest

from nodes.video_models.base.calls import clip_take
from studio.engine.clip import ArrayClip


class Refused(Exception):
    pass


def test_a_take_is_the_clips_frames_and_size_unless_set_and_refused_in_words():
    clip = ArrayClip(np.zeros((9, 32, 48, 3), np.float32), 8.0)
    assert clip_take("Node", clip, 0, 0, 0, 16, Refused) == (9, 48, 32)
    assert clip_take("Node", clip, 5, 64, 16, 16, Refused) == (5, 64, 16)
    with pytest.raises(Refused, match=r"^Node: the control clip has 9 frames but 13 are asked: give a clip of at "
                                      r"least 13 frames, or set frames to 9 or fewer$"):
        clip_take("Node", clip, 13, 0, 0, 16, Refused)
    with pytest.raises(Refused, match=r"^Node: the size 48x32 must be multiples of 32 \(set width and height\)$"):
        clip_take("Node", clip, 0, 0, 0, 32, Refused, what="the clip")

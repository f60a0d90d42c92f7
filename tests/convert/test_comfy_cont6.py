"""cont6 (issue 112, point 4): LTX-2 continuations by masks in time and latent loops.

1. 'continue_seconds' counts a clip's seconds as LTX-2's noise masks by time keep them (the latent frame the time falls
   in kept whole): the frames Studio's 'continue_from' starts from are those the converter's window reading says the
   mask keeps (4 s at 25 fps: 105, where the node had cut them to 97)."""
from __future__ import annotations

from nodes.video_models.takes.continue_from import asked_count, lead_count
from studio.convert.tracing.mask_window import kept_video_frames


class _P:
    def __init__(self, **kw):
        self.__dict__.update(kw)


def test_continue_seconds_keeps_the_frames_the_mask_by_time_keeps():
    for fps in (24.0, 25.0, 30.0, 23.976):
        for start in (0.5, 1.0, 3.04, 4.0, 5.0, 10.0):
            kept = kept_video_frames(start, fps)
            asked = asked_count(_P(continue_seconds=start), fps, 8)
            assert asked == kept and lead_count(100_000, 100_000, 8, asked) == kept, (start, fps)
    assert kept_video_frames(4.0, 25.0) == 105 and kept_video_frames(5.0, 24.0) == 121

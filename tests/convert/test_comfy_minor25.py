"""minor25: small truths rejudge25 found (benchmarks/results/rejudge25_2026-12-01.md, 'Loose'): the values a settings
node holds named as that node's, not its sampler's."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said
from tests.convert.test_comfy_left25 import _t2v


def test_framepack_f1_t2v_guidance_shift_and_memory_are_said_as_the_sampler_settings_nodes():
    """heldout114 04: FramePackF1T2VSamplerSettings (#18) holds the guidance 7, shift 3 and gpu_memory_preservation 6
    its sampler (#20) takes through 'sampler_settings': each sentence names #18."""
    text = said(convert(_t2v("a red fox running in the snow", 12), "t2v"))
    held = "'FramePackF1T2VSamplerSettings' (FramePackF1T2VSamplerSettings, #18)"
    assert f"{held} 7: the generator's guidance" in text
    assert "shift 3 (FramePackF1T2VSamplerSettings's own, #18)" in text
    assert f"{held}'s gpu_memory_preservation 6 (GB kept free) is not applied" in text
    assert "(FramePackF1T2VSampler, #20) 7" not in text and "FramePackF1T2VSampler's own, #20" not in text
    assert "(FramePackF1T2VSampler, #20)'s gpu_memory" not in text


def test_framepack_f1_t2v_without_a_settings_node_names_its_sampler():
    """No sampler settings node: the sampler's own guidance 10 is said as the sampler's (#20)."""
    text = said(convert(_t2v("a cat", 5, settings=False), "bare"))
    assert "'FramePackF1T2VSampler' (FramePackF1T2VSampler, #20) 10: the generator's guidance" in text
    assert "#18" not in text


def test_an_ltx_editors_tracks_with_no_frame_of_their_own_are_read_on_the_drawers_frame():
    """heldout125 04: LTXVSparseTrackEditor gives no frame (no mask size) and is drawn on a picture Studio cannot
    follow; LTXVDrawTracks draws its tracks as pixels on 320x192: Spline Tracks reads them on that frame, said, not on
    its own 832x480."""
    from tests.convert.said import nodes_of, source_of
    from tests.convert.test_drawn_tracks import _ltx_tracks
    conv = convert(_ltx_tracks("other.png", 320, 192), "ltx_tracks_320")
    (gen,) = nodes_of(conv, "video_models.ltx2")
    shapes = source_of(conv, gen.id, "control")
    tracks = source_of(conv, shapes.id, "keypoints")
    assert tracks.type_id == "motion.spline_tracks" and source_of(conv, tracks.id, "plate") is None
    assert (tracks.params["width"], tracks.params["height"]) == (320, 192) == \
        (shapes.params["width"], shapes.params["height"])
    text = said(conv)
    assert "'LTXVSparseTrackEditor' (LTXVSparseTrackEditor, #31)'s tracks are pixels of the picture it is drawn on " \
           "(its 'image'), which is not known here: Spline Tracks reads them on the 320x192 frame 'LTXVDrawTracks' " \
           "(LTXVDrawTracks, #32) draws them on; wire that picture into its 'plate'" in text
    assert "832x480" not in text

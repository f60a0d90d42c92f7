"""Issue 112 (rates10): a save's frame rate where the generator has no rate setting. ComfyUI's save (Video Combine's
frame_rate, CreateVideo's fps) writes the take's frames at its rate; Studio's generator declaring no 'fps' makes its
take at a rate of its own (the clip on its declared rate port's, else the one its mapping declares), which Save Video wrote with no
word (rejudge12: heldout64 07's 24 fps written at the pose clip's 16). Now Frame Rate (keep frames) after the take
plays the same frames at the workflow's rate, said, where that rate is not the take's or the take's is not known
(takes/unset_rate.py, by the declared spec). The workflows are built here from node types, values and links (API)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.core.registry import default_registry
from tests.convert.builders import wan22_s2v
from tests.convert.said import api, nodes_of, said
from tests.convert.test_comfy_rejudge12_mends import _dance

DANCER, S2V, RATE = "video_models.steady_dancer", "video_models.wan_s2v", "edit.frame_rate"


def _kept_frames(conv) -> list:
    return [n for n in nodes_of(conv, RATE) if n.params.get("keep") == "frames"]


def _into(conv, nid: str) -> list[str]:
    """The type ids of the nodes ``nid`` feeds."""
    return [conv.graph.nodes[link.dst].type_id for link in conv.graph.links if link.src == nid]


def _sings(fps) -> dict:
    w = wan22_s2v(["7", 0])
    w.update({"12": ("VAEDecode", {"samples": ["11", 0], "vae": ["5", 0]}),
              "13": ("CreateVideo", {"images": ["12", 0], "fps": fps, "audio": ["7", 0]}),
              "14": ("SaveVideo", {"video": ["13", 0], "filename_prefix": "sings", "format": "auto", "codec": "auto"})})
    return api(w)


def test_the_declared_clip_whose_rate_a_rateless_take_has():
    reg = default_registry()
    for task, port in ((DANCER, "pose"), ("video_models.scail2", "driving")):
        spec = reg.get(task)
        assert spec.param("fps") is None and spec.ports("rate") == (port,)


def test_a_rate_the_take_is_not_made_at_is_written_by_frame_rate_keeping_frames():
    conv = convert(_dance(24), "dance24")
    fr = _kept_frames(conv)
    assert len(fr) == 1 and fr[0].params["fps"] == 24.0
    gen = next(k for k, n in conv.graph.nodes.items() if n.type_id == DANCER)
    fid = next(k for k, n in conv.graph.nodes.items() if n is fr[0])
    assert _into(conv, gen) == [RATE] and _into(conv, fid) == ["io.save_video"]
    assert "Frame Rate (keep frames) after it plays its frames at 24 fps, the rate 'VHS_VideoCombine' " \
        "(VHS_VideoCombine, #17) writes them at, as ComfyUI does (every frame kept)" in said(conv)
    same = convert(_dance(16), "dance16")  # the pose clip's own rate: nothing made, nothing said
    assert not _kept_frames(same) and "has no rate setting" not in said(same)


def test_a_take_at_its_generators_declared_rate_is_written_at_the_save_rate():
    conv = convert(_sings(24), "sings24")
    assert [t["generator"] for t in conv.tasks] == [S2V]
    fr = _kept_frames(conv)
    assert len(fr) == 1 and fr[0].params["fps"] == 24.0
    assert "Studio's Speech to Video (S2V) has no rate setting, its take is made at 16 fps: Frame Rate (keep " \
        "frames) after it plays its frames at 24 fps, the rate 'CreateVideo' (CreateVideo, #13) writes them at" \
        in said(conv)
    same = convert(_sings(16), "sings16")  # its declared rate (the mapping's Generator.rate): nothing made or said
    assert not _kept_frames(same) and "has no rate setting" not in said(same)


def test_an_interpolated_rateless_take_is_played_at_the_rate_before_the_interpolation():
    w = _dance(48)
    w["16"] = {"class_type": "RIFE VFI", "inputs": {"frames": ["15", 0], "multiplier": 2, "ckpt_name": "rife47.pth"}}
    w["17"]["inputs"]["images"] = ["16", 0]
    conv = convert(w, "dance48")
    fr = _kept_frames(conv)
    assert len(fr) == 1 and fr[0].params["fps"] == 24.0
    fid = next(k for k, n in conv.graph.nodes.items() if n is fr[0])
    assert _into(conv, fid) == ["motion.interpolate"]
    text = said(conv)
    assert "the generator makes 24 fps" not in text  # (the Frame Rate's doing, not the generator's)
    assert "plays its frames at 24 fps, the rate the workflow's take has before its frames are interpolated and " \
        "written at 48 fps ('VHS_VideoCombine' (VHS_VideoCombine, #17))" in text


def test_a_second_save_of_a_rateless_take_at_its_own_rate():
    w = _dance(24)
    w["18"] = {"class_type": "VHS_VideoCombine", "inputs": {"images": ["15", 0], "frame_rate": 12,
                                                            "filename_prefix": "slow", "format": "video/h264-mp4"}}
    conv = convert(w, "dance_two")
    assert sorted(n.params["fps"] for n in _kept_frames(conv)) == [12.0, 24.0]
    assert "'VHS_VideoCombine' (#18) writes the take at 12 fps, not the 24 fps Studio's take has there" in said(conv)

"""KJNodes' LTXVAudioVideoMask read by its declared window (start / end times in seconds, the video's fps): the
encoded frames before the window are kept, the window made anew - a continuation said with the frames it keeps
(heldout17 04: shot 1's last 73 frames, 3.04 s at 24 fps), never 'a continuation or an inpaint' when the window
says which; a start Studio cannot work out keeps the general words (tracing/mask_window.py)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.tracing.mask_window import kept_video_frames
from tests.convert.test_comfy_heldout17_mends import _ltx2_t2v, _said


def _n(cls, **inputs):
    return {"class_type": cls, "inputs": inputs}


def _continued(**window) -> dict:
    """Shot 1 (image to video), then its frames encoded, masked by LTXVAudioVideoMask with ``window`` and sampled
    whole with shot 2's own prompt."""
    wf = _ltx2_t2v()
    wf.update({
        "11": _n("LoadImage", image="shot1_start.png"),
        "12": _n("LTXVImgToVideo", positive=["5", 0], negative=["5", 1], vae=["1", 2], image=["11", 0], width=768,
                 height=512, length=97, batch_size=1, strength=1.0),
        "21": _n("VAEEncode", pixels=["8", 0], vae=["1", 2]),
        "23": _n("LTXVAudioVideoMask", video_latent=["21", 0], **window),
        "24": _n("CLIPTextEncode", text="the fox keeps running", clip=["2", 0]),
        "25": _n("LTXVConditioning", positive=["24", 0], negative=["4", 0], frame_rate=24),
        "26": _n("KSampler", seed=6, steps=20, cfg=3.0, sampler_name="euler", scheduler="simple", denoise=1.0,
                 model=["1", 0], positive=["25", 0], negative=["25", 1], latent_image=["23", 0]),
        "27": _n("VAEDecode", samples=["26", 0], vae=["1", 2]),
        "28": _n("CreateVideo", images=["27", 0], fps=24),
        "29": _n("SaveVideo", video=["28", 0], filename_prefix="fox2", format="auto", codec="auto"),
    })
    wf["7"]["inputs"].update(positive=["12", 0], negative=["12", 1], latent_image=["12", 2])
    return wf


def _held(wf: dict) -> str:
    said = _said(convert(wf, "continue.json"))
    assert "noised away" not in said
    return next(x for x in said.splitlines() if x.startswith("This workflow makes a video made around the encoded "
                                                              "frames 'LTXVAudioVideoMask' (LTXVAudioVideoMask, #23)"))


def test_the_frames_a_window_keeps_are_whole_latent_frames_before_its_start():
    """Latent frame 0 is pixel frame 0, latent frame k pixel frames 8(k-1)+1 .. 8k: the window starts at the first
    latent frame starting at or after its first pixel frame."""
    assert kept_video_frames(3.04, 24) == 73  # (frame 73 starts latent frame 10)
    assert [kept_video_frames(f / 24, 24) for f in (0, 1, 2, 9, 10, 17)] == [0, 1, 9, 9, 17, 17]


def test_a_window_after_the_start_is_said_a_continuation_keeping_the_leading_frames():
    line = _held(_continued(video_fps=24.0, video_start_time=3.04, video_end_time=13.04, audio_start_time=3.04,
                            audio_end_time=13.04, max_length="pad", existing_mask_mode="add"))
    assert ("keeps in the latent (a continuation: it keeps the encoded frames before 3.04 s (its first 73 frames at "
            "24 fps) and makes new ones from 3.04 s to 13.04 s, the latent padded where the window runs past the "
            "encoded clip's end ('pad'))") in line
    assert "sound" not in line.split("keeps in the latent")[1].split(" with LTX-2")[0]  # (no sound latent wired)
    assert "the fox keeps running" in line and "shot1_start.png" not in line


def test_a_window_from_the_start_is_not_said_a_continuation():
    line = _held(_continued(video_fps=24.0, video_start_time=0.0, video_end_time=4.0, audio_start_time=0.0,
                            audio_end_time=4.0, max_length="truncate", existing_mask_mode="add"))
    assert ("(not a continuation: it makes the encoded frames anew from 0 s to 4 s, the window cut where it runs "
            "past the encoded clip's end ('truncate'))") in line


def test_a_start_not_worked_out_keeps_the_general_words():
    wf = _continued(video_fps=24.0, video_end_time=8.0, audio_start_time=0.0, audio_end_time=8.0,
                    max_length="pad", existing_mask_mode="add")
    wf["30"] = _n("SimpleMath+", value="a/b", a=["31", 0], b=["31", 1])
    wf["31"] = _n("GetImageSize+", image=["11", 0])  # (a loaded picture's size: not known when converting; a decode's
    # is its latent's since heldout33, reading/decoded_size)
    wf["23"]["inputs"]["video_start_time"] = ["30", 1]
    assert "keeps in the latent (a continuation or an inpaint)" in _held(wf)

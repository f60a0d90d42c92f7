"""A continuation by KJNodes' LTXVAudioVideoMask window (the encoded frames' first seconds kept, the rest made to the
window's end, the latent padded) made as Studio's 'continue_from' where the frames encoded are exactly those kept
(mapping/continue_wired.py, takes/continued_take.py): a loaded clip's last seconds picked when the workflow runs
(heldout17 09's shape), an earlier take's last 73 frames through its guides' crop, the take saved without them
(heldout17 04's shape: 'continue_output: new frames only'). A pick from the clip's start, fewer frames than the
window keeps, or a whole clip encoded, stays held with its sentence (an extension's, or the mask's)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.mapping.continue_wired import take_frames
from tests.convert.test_comfy_heldout17_mends import _ltx2_t2v, _said
from tests.convert.test_comfy_ltx2_continue_by_hand import WINDOW, _loaded


def _n(cls, **inputs):
    return {"class_type": cls, "inputs": inputs}


def _gens(conv) -> list:
    return [n for n in conv.graph.nodes.values() if n.type_id == "video_models.ltx2"]


def _src(conv, node, port: str):
    link = conv.graph.input_link(node.id, port)
    return (conv.graph.nodes[link.src], link.src_port) if link is not None else (None, None)


def _shots(at: int = -73, count: int = 73, cut: bool = True) -> dict:
    """Shot 1 (its decoder reading the latent through LTXVCropGuides), then its frames picked from ``at`` (``count``),
    encoded, kept by the window to 3.04 s at 24 fps and made to 13.04 s with shot 2's own prompt; shot 2 saved from its
    73rd frame on where ``cut``."""
    wf = _ltx2_t2v()
    wf.update({
        "11": _n("LTXVCropGuides", positive=["5", 0], negative=["5", 1], latent=["7", 0]),
        "20": _n("ImageFromBatch", image=["8", 0], batch_index=at, length=count),
        "21": _n("VAEEncode", pixels=["20", 0], vae=["1", 2]),
        "23": _n("LTXVAudioVideoMask", video_latent=["21", 0], video_fps=24.0, video_start_time=3.04,
                 video_end_time=13.04, audio_start_time=3.04, audio_end_time=13.04, max_length="pad"),
        "24": _n("CLIPTextEncode", text="the fox keeps running", clip=["2", 0]),
        "25": _n("LTXVConditioning", positive=["24", 0], negative=["4", 0], frame_rate=24),
        "26": _n("KSampler", seed=6, steps=20, cfg=3.0, sampler_name="euler", scheduler="simple", denoise=1.0,
                 model=["1", 0], positive=["25", 0], negative=["25", 1], latent_image=["23", 0]),
        "27": _n("VAEDecode", samples=["26", 0], vae=["1", 2]),
        "30": _n("ImageFromBatch", image=["27", 0], batch_index=73, length=4096),
        "28": _n("CreateVideo", images=["30", 0] if cut else ["27", 0], fps=24),
        "29": _n("SaveVideo", video=["28", 0], filename_prefix="fox2", format="auto", codec="auto"),
    })
    wf["8"]["inputs"]["samples"] = ["11", 2]
    if not cut:
        wf.pop("30")
    return wf


def test_the_frames_a_padded_window_makes_are_its_end_in_whole_latent_frames():
    assert take_frames(13.04, 24) == 313 and take_frames(20, 24) == 473 and take_frames(8, 25) == 193


def test_a_loaded_clips_last_seconds_a_window_keeps_are_continued_from_that_clip():
    conv = convert(_loaded(True, **WINDOW), "continue.json")
    (gen,) = _gens(conv)
    src, port = _src(conv, gen, "continue_from")
    while src is not None and src.type_id != "io.load_video":  # (through Studio's steps on its way, if any)
        src, port = _src(conv, src, "video")
    assert src is not None and src.params["path"] == "take.mp4"
    p = gen.params
    assert p["continue_seconds"] == 5 and p["continue_frames"] == 0 and p["frames"] == 473
    assert p["continue_output"] == "with its frames" and p["prompt"] == "a red fox in snow"
    said = _said(conv)
    assert "This workflow makes" not in said  # (not held)
    assert ("'LTXVAudioVideoMask' (LTXVAudioVideoMask, #23) keeps the first 5 s of the frames 'VAEEncode' (VAEEncode, "
            "#21) encodes (the last frames of the clip 'LoadVideo' (LoadVideo, #40) loads ('take.mp4'), picked by "
            "'GetImageRangeFromBatch' (GetImageRangeFromBatch, #43)) and makes new ones to 20 s: Studio's "
            "'continue_from' is given the clip 'LoadVideo' (LoadVideo, #40) loads ('take.mp4') and continues from its "
            "last 5 s at the clip's own frame rate, a condition at frame 0, 'frames' 473") in said
    assert "picks the frames 'VAEEncode' (VAEEncode, #21) encodes by values worked out when the workflow runs" in said


def test_an_earlier_takes_last_frames_are_continued_from_its_generator_and_cut_from_the_save():
    conv = convert(_shots(), "shots.json")
    one, two = sorted(_gens(conv), key=lambda n: n.params["frames"])
    src, port = _src(conv, two, "continue_from")
    assert src is one and port == "video"  # shot 2 continues shot 1's video
    p = two.params
    assert (p["continue_frames"], p["continue_seconds"], p["frames"]) == (73, 0, 313)
    assert p["continue_output"] == "new frames only" and p["prompt"] == "the fox keeps running"
    assert one.params["prompt"] == "a red fox in snow" and _src(conv, two, "keyframe_1")[0] is None
    saves = [n for n in conv.graph.nodes.values() if n.type_id == "io.save_video"]
    made = []
    for s in saves:  # (through Studio's steps after the generator: the silent save's sound taken away)
        src = _src(conv, s, "video")[0]
        while src is not None and src.type_id != "video_models.ltx2":
            src = _src(conv, src, "video")[0]
        made.append(src.id)
    assert sorted(made) == sorted([one.id, two.id])  # each take saved once
    said = _said(conv)
    assert "This workflow makes" not in said
    assert ("Studio's 'continue_from' is given the take of 'KSampler' (KSampler, #7) and continues from its last 73 "
            "frames, a condition at frame 0, 'frames' 313 (13.04 s at 24 fps") in said
    assert ("'ImageFromBatch' (ImageFromBatch, #30) cuts the first 73 frames of the take, those it continues: "
            "'continue_output' new frames only") in said


def test_a_take_saved_whole_keeps_the_frames_it_continues():
    conv = convert(_shots(cut=False), "shots.json")
    two = max(_gens(conv), key=lambda n: n.params["frames"])
    assert two.params["continue_output"] == "with its frames" and two.params["continue_frames"] == 73


def test_frames_picked_from_the_start_or_fewer_than_the_window_keeps_stay_held():
    for at, count in ((0, 73), (-41, 41)):  # the first 73 frames; the last 41 (the window keeps 73)
        conv = convert(_shots(at, count), "shots.json")
        said = _said(conv)
        assert "This workflow makes a " in said and "'continue_from' is given" not in said  # held, as before
        assert len(_gens(conv)) == 1 and conv.graph.input_link(_gens(conv)[0].id, "continue_from") is None


def test_an_output_joining_both_takes_concatenates_the_two_generators():
    wf = _shots()
    wf.update({"40": _n("ImageBatch", image1=["8", 0], image2=["30", 0]),
               "41": _n("CreateVideo", images=["40", 0], fps=24),
               "42": _n("SaveVideo", video=["41", 0], filename_prefix="final", format="auto", codec="auto")})
    conv = convert(wf, "shots.json")
    gens = _gens(conv)
    assert len(gens) == 2  # each take generated once, for its own save and for the join
    one, two = sorted(gens, key=lambda n: n.params["frames"])
    (cat,) = [n for n in conv.graph.nodes.values() if n.type_id == "edit.concatenate"]
    assert _src(conv, cat, "a")[0] is one and _src(conv, cat, "b")[0] is two
    assert two.params["continue_output"] == "new frames only"  # (the join's shot 2: its new frames, as #30 gives)
    assert "joins 2 takes" in _said(conv) and "take 2 is given without the 73 frames it continues" in _said(conv)


def test_the_clips_own_sound_the_window_keeps_is_continued_with_it():
    wf = _loaded(True, **WINDOW)
    wf.update({"44": _n("LTXVAudioVAELoader", ckpt_name="ltx-2.3-audio-vae.safetensors"),
               "45": _n("LTXVAudioVAEEncode", audio=["41", 1], audio_vae=["44", 0])})
    wf["23"]["inputs"]["audio_latent"] = ["45", 0]
    conv = convert(wf, "continue.json")
    (gen,) = _gens(conv)
    assert gen.params["continue_sound"] is True and gen.params["sound"] == "generated"
    assert conv.graph.input_link(gen.id, "audio") is None  # (the clip's sound is not the take's 'audio' input)
    assert ("the sound 'LTXVAudioVAEEncode' (LTXVAudioVAEEncode, #45) encodes for 'audio_latent' of "
            "'LTXVAudioVideoMask', which the window keeps before 5 s, is the clip 'LoadVideo' (LoadVideo, #40) loads "
            "('take.mp4')'s own: 'continue_sound'") in _said(conv)

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


# 2. LTXVSetAudioVideoMaskByTime starting after 0 on an encoded clip (no padding: the latent is the clip's length)

def _n(cls, **inputs):
    return {"class_type": cls, "inputs": inputs}


def _by_time(start: float, end: float = 10.0) -> dict:
    from tests.convert.test_comfy_heldout17_mends import _ltx2_t2v
    wf = _ltx2_t2v()
    wf.update({
        "40": _n("LoadVideo", file="take.mp4"),
        "41": _n("GetVideoComponents", video=["40", 0]),
        "21": _n("VAEEncode", pixels=["41", 0], vae=["1", 2]),
        "30": _n("LTXVEmptyLatentAudio", frames_number=241, frame_rate=24, batch_size=1, audio_vae=["1", 2]),
        "31": _n("LTXVConcatAVLatent", video_latent=["21", 0], audio_latent=["30", 0]),
        "23": _n("LTXVSetAudioVideoMaskByTime", av_latent=["31", 0], positive=["5", 0], negative=["5", 1],
                 model=["1", 0], vae=["1", 2], audio_vae=["1", 2], start_time=start, end_time=end, video_fps=24.0,
                 mask_video=True, mask_audio=True, mask_init_value_video=0.0, mask_init_value_audio=0.0, slope_len=3),
    })
    wf["7"]["inputs"].update(latent_image=["23", 2], positive=["23", 0], negative=["23", 1])
    return wf


def test_a_mask_by_time_from_a_start_says_what_it_keeps_and_how_to_continue_by_hand():
    from studio.convert.mapping.convert import convert
    from tests.convert.test_comfy_heldout17_mends import _said
    said = _said(convert(_by_time(4.0), "by_time.json"))
    assert ("keeps in the latent (a continuation where the encoded clip ends by 10 s, else an inpaint in time: it "
            "keeps the encoded frames before 4 s (its first 97 frames at 24 fps) and makes them anew from 4 s to 10 s, "
            "the frames after 10 s kept as encoded (nothing padded") in said
    assert ("wire it to LTX-2 Video + Sound's 'continue_from' with 'continue_part' its first frames and "
            "'continue_seconds' 4, and set 'frames' to the clip's own length") in said
    start0 = _said(convert(_by_time(0.0), "by_time0.json"))
    assert "not a continuation: it makes the encoded frames anew from 0 s to 10 s" in start0
    assert "continue_from" not in start0


# 3. a loop whose passes continue the take from a latent (ckinpdx's LTX23_LatentLooping shape, small)

def _latent_loop() -> dict:
    from tests.convert.test_comfy_heldout17_mends import _ltx2_t2v
    wf = _ltx2_t2v()
    wf.update({
        "48": _n("LTXVEmptyLatentAudio", frames_number=97, frame_rate=24, batch_size=1, audio_vae=["1", 2]),
        "49": _n("LTXVConcatAVLatent", video_latent=["7", 0], audio_latent=["48", 0]),
        "45": _n("SimpleMath+", value="a-1", a=["46", 0]),
        "46": _n("PrimitiveInt", value=4),
        "50": _n("easy forLoopStart", total=["45", 0], initial_value1=["49", 0]),
        "56": _n("LTXVSeparateAVLatent", av_latent=["50", 2]),
        "51": _n("LTXVSelectLatents", samples=["56", 0], start_index=-3, end_index=-1),
        "52": _n("LTXVAudioVideoMask", video_latent=["51", 0], audio_latent=["56", 1], video_fps=24, video_start_time=1,
                 video_end_time=5, audio_start_time=1, audio_end_time=5, max_length="pad"),
        "57": _n("LTXVConcatAVLatent", video_latent=["52", 0], audio_latent=["52", 1]),
        "53": _n("KSampler", seed=5, steps=20, cfg=3.0, sampler_name="euler", scheduler="simple", denoise=1.0,
                 model=["1", 0], positive=["5", 0], negative=["5", 1], latent_image=["57", 0]),
        "54": _n("LTXVConcatAVLatent", video_latent=["53", 0], audio_latent=["48", 0]),
        "55": _n("easy forLoopEnd", flow=["50", 0], initial_value1=["54", 0]),
        "58": _n("LTXVSeparateAVLatent", av_latent=["55", 0]),
    })
    wf["8"]["inputs"]["samples"] = ["58", 0]
    return wf


def test_a_loop_carrying_a_latent_is_said_with_its_count_and_the_way_to_its_sampler():
    from studio.convert.packs.loops_unrolled import translate
    from studio.convert.reading.workflow import Workflow
    (line,) = translate(Workflow.read(_latent_loop()))
    assert line.startswith("the loop from 'easy forLoopStart' (easy forLoopStart, node 50) to 'easy forLoopEnd' "
                           "(easy forLoopEnd, node 55) runs 3 passes, not unrolled into segments: each pass is given "
                           "the latent the pass before makes ('easy forLoopEnd' (easy forLoopEnd, node 55)'s "
                           "'initial_value1', from 'LTXVConcatAVLatent' (LTXVConcatAVLatent, node 54), which 'easy "
                           "forLoopStart' (easy forLoopStart, node 50) gives on its output 'value1' to "
                           "'LTXVSeparateAVLatent'"), line
    assert ("through 'LTXVSelectLatents' (LTXVSelectLatents, node 51), 'LTXVAudioVideoMask' (LTXVAudioVideoMask, node 52), "
            "'LTXVConcatAVLatent' (LTXVConcatAVLatent, node 57) to 'KSampler' (KSampler, node 53)): Studio's 'continue_from' "
            "continues a take from frames a decoder gives, not from a latent") in line
    assert line.endswith("by hand: a generator for each pass, given the video of the take before it (the first pass: "
                         "the take the loop starts from) on "
                         "'continue_from' with 'continue_seconds' 1 (what 'LTXVAudioVideoMask' (LTXVAudioVideoMask, "
                         "node 52) keeps) and 'frames' 113 (5 s at 24 fps), the takes joined by Concatenate (what the "
                         "workflow trims of them where they meet not cut)"), line


def test_a_latent_loops_by_hand_words_name_the_pictures_each_pass_puts_in_its_latent():
    from studio.convert.packs.loops_unrolled import translate
    from studio.convert.reading.workflow import Workflow
    wf = _latent_loop()
    wf.update({"60": _n("LoadImage", image="ref.png"),
               "59": _n("LTXVImgToVideoInplace", vae=["1", 2], image=["60", 0], latent=["52", 0], strength=1.0,
                        bypass=False)})
    wf["57"]["inputs"]["video_latent"] = ["59", 0]
    (line,) = translate(Workflow.read(wf))
    assert line.endswith("each pass's own pictures, which 'LTXVImgToVideoInplace' (LTXVImgToVideoInplace, node 59) puts "
                         "in its latent, are not in that way: 'continue_from' gives a take its first frames, and a "
                         "first image beside it is refused"), line

"""Mechanisms a thirty-second held-out set (benchmarks/results/heldout32_2026-11-29.md: the JSON programs send to
ComfyUI's /prompt - serverless workers' request templates for Wan 2.2, InfiniteTalk, Wan Animate, LTX-2.3) showed,
each on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_ltx2_sound_shapes import _drive
from tests.convert.test_comfy_mask_and_aux_steps import clicked
from tests.convert.test_comfy_wrappers import UI, _common, _nodes, _sampler, _save
from tests.convert.said import said as _said


def _clicked(negative_wired: bool) -> dict:
    """Wan Animate's replacement whose SAM 2 mask follows a PointsEditor's clicks (2 keep, 1 leave-out)."""
    return clicked({"positive": [{"x": 320, "y": 160}, {"x": 320, "y": 480}], "negative": [{"x": 0, "y": 0}]},
                   negative_wired)


def test_a_points_editors_leave_out_clicks_are_made_only_where_the_segmenter_is_given_them():
    """maear2443's Wan Animate requests (12, 13): "... with PointsEditor (#107)'s 2 keep and 1 leave-out clicks on
    frame 0" where only the editor's keep clicks reach Sam2Segmentation ('coordinates_negative' unwired): false, and a
    leave-out click at the canvas's corner was given to Studio's Segment that ComfyUI's SAM 2 never gets."""
    conv = convert(_clicked(False), "clicks")
    seg = _nodes(conv, "preprocess.segment")[0]
    assert seg.params["prompts"] == "0: +0.5000 0.2500, +0.5000 0.7500"
    said = _said(conv)
    assert "PointsEditor (#33)'s 2 keep clicks (its leave-out clicks are not wired to it) on frame 0" in said
    assert "leave-out clicks on frame 0" not in said
    conv = convert(_clicked(True), "clicks")  # given them: made and said as before
    assert _nodes(conv, "preprocess.segment")[0].params["prompts"] == "0: +0.5000 0.2500, +0.5000 0.7500, -0.0000 0.0000"
    assert "PointsEditor (#33)'s 2 keep and 1 leave-out clicks on frame 0" in _said(conv)


def _i2v(denoise: float, steps: int = 8) -> dict:
    w = UI()
    model, text, vae = _common(w)
    img = w.add("LoadImage", ["face.jpg", "image"])
    emb = w.add("WanVideoImageToVideoEncode", [576, 320, 41, 0.0, 1.0, 1.0, True], vae=(vae, 0), start_image=(img, 0))
    _save(w, _sampler(w, model, text, emb, widgets=(steps, 2.6, 9.0, 42, "fixed", True, "dpm++_sde", 0, denoise)),
          vae)
    return w.doc()


def test_a_wrapper_samplers_denoise_on_fresh_noise_is_said_with_the_step_it_starts_at():
    """MrTObin226's serverless request (03): WanVideoSampler's denoise_strength 0.8 with nothing on 'samples' (the
    wrapper then starts its fresh noise at step 8 - int(8 x 0.8) - 1 = 1 of 8) was dropped with no sentence."""
    conv = convert(_i2v(0.8), "fresh")
    assert _nodes(conv, "video_models.image_to_video")[0].params["steps"] == 8
    assert ("'WanVideoSampler' (WanVideoSampler, #7)'s denoise_strength 0.8 on no latent (nothing on its 'samples'): "
            "the wrapper starts its fresh noise at step 1 of its 8, skipping the first step; not applied, the "
            "generator samples its whole schedule from pure noise") in _said(conv)
    assert "skipping the first 3 steps" in _said(convert(_i2v(0.5), "fresh"))
    for whole in (1.0, 0.95):  # the whole schedule (a skip of none: 8 - 7 - 1 = 0): nothing said
        assert "denoise_strength" not in _said(convert(_i2v(whole), "fresh"))


def test_a_wrapper_clip_vision_strength_of_one_within_rounding_is_not_said_unapplied():
    """ladi-da's request (04): "'WanVideo ClipVision Encode' (#193)'s strength_1 1: not applied, ... at full
    strength" of a saved 1.0000000000000002 (the frontend's 1 after a drag)."""
    def said(strength):
        w = UI()
        model, text, vae = _common(w)
        clip = w.add("CLIPVisionLoader", ["clip_vision_h.safetensors"])
        img = w.add("LoadImage", ["face.jpg", "image"])
        vis = w.add("WanVideoClipVisionEncode", [strength, 1.0, "center", "average", True], clip_vision=(clip, 0),
                    image_1=(img, 0))
        emb = w.add("WanVideoImageToVideoEncode", [576, 320, 41, 0.0, 1.0, 1.0, True], vae=(vae, 0),
                    clip_embeds=(vis, 0), start_image=(img, 0))
        _save(w, _sampler(w, model, text, emb), vae)
        return _said(convert(w.doc(), "vision"))
    assert "strength_1" not in said(1.0000000000000002)
    assert "strength_1 0.8: not applied" in said(0.8)


def _sound_given(denoise: float = 1.0) -> dict:
    """LTX-2 with a song encoded and joined to the picture's latent with no noise mask, the sound decoded and saved."""
    doc = _drive(False)
    for k in ("22", "23"):
        del doc[k]
    doc["14"]["inputs"]["audio_latent"] = ["9", 0]
    doc["15"]["inputs"]["denoise"] = denoise
    doc["18"] = {"class_type": "LTXVAudioVAEDecode", "inputs": {"samples": ["16", 1], "audio_vae": ["8", 0]}}
    doc["19"]["inputs"]["audio"] = ["18", 0]
    return doc


def test_a_given_sound_noised_away_by_a_sampler_starting_at_pure_noise_is_ltx2s_own_sound():
    """Naazimsnh02's 'audio input' request (16): the track LTXVAudioVAEEncode encodes reaches the first sampler with no
    noise mask, that sampler starting at pure noise: ComfyUI's output has a new sound; Studio made 'sound: input' (the
    track written over the take) with no sentence."""
    conv = convert(_sound_given(), "given")
    gen = _nodes(conv, "video_models.ltx2")[0]
    assert gen.params["sound"] == "generated"
    assert conv.graph.input_link(gen.id, "audio") is None
    assert ("the sound 'song.mp3' that 'LTXVAudioVAEEncode' (LTXVAudioVAEEncode, #9) encodes reaches 'KSampler' "
            "(KSampler, #15) with no noise mask, and that sampler's schedule starts at pure noise: ComfyUI noises the "
            "track away") in _said(conv)
    assert "song.mp3" not in {n.params.get("path") for n in _nodes(conv, "io.load_audio")}


def test_a_frame_of_the_made_take_saved_as_a_picture_is_made_from_that_take():
    """pinkxzc's worker (01): ImageFromBatch (frame 68, one frame) of the decoded take -> SaveImage 'anchor/frame',
    the start of its next segment, beside the take's Video Combine: said "this save of stills is not made" before."""
    from tests.convert.workflow_shapes import wan_t2v_combined
    doc = wan_t2v_combined(length=81)
    doc["10"] = {"class_type": "ImageFromBatch", "inputs": {"image": ["8", 0], "batch_index": 68, "length": 1}}
    doc["11"] = {"class_type": "SaveImage", "inputs": {"images": ["10", 0], "filename_prefix": "anchor/frame"}}
    conv = convert(doc, "anchor")
    assert conv.graph.validate() == []
    hold = _nodes(conv, "edit.frame_hold")
    assert [h.params["frame"] for h in hold] == [68]
    take = conv.graph.input_link(_nodes(conv, "io.save_video")[0].id, "video")
    assert (conv.graph.input_link(hold[0].id, "video").src, take.src) == (take.src, take.src)
    still = _nodes(conv, "io.save_image")
    assert [s.params["path"] for s in still] == ["out/anchor/frame_00001_.png"]
    assert conv.graph.input_link(still[0].id, "video").src == hold[0].id
    said = _said(conv)
    assert "saves frame 68 of the take 'VHS_VideoCombine' (#9) writes, picked by 'ImageFromBatch' (ImageFromBatch, " \
        "#10): Frame Hold (frame 68) of that take -> Save Image 'out/anchor/frame_00001_.png'" in said
    assert "this save of stills is not made" not in said
    doc["10"]["inputs"]["length"] = 4  # four frames: not one picture of the take, left as before (said)
    assert not _nodes(convert(doc, "anchor"), "edit.frame_hold")
    doc["10"]["inputs"].update(length=1, batch_index=81)  # past the 81 frames' end (ComfyUI clamps it): left, said
    assert not _nodes(convert(doc, "anchor"), "edit.frame_hold")

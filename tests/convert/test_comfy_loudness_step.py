"""A sound brought to a loudness target on its way to a speech encoder (kijai's WanVideoWrapper
NormalizeAudioLoudness, read by its declared types: one AUDIO in and out, a FLOAT 'lufs'): Studio's Audio Loudness at
that target, peaks kept past full scale as that node keeps them; a target outside the range is not read (the step
then said not applied, as before). Found by the corpus's HuMo and S2V examples ("not applied (its settings: lufs
-23)")."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said
from tests.convert.test_comfy_heldout4_mends import _talk


def _up(g, node: str, port: str):
    link = g.input_link(node, port)
    return g.nodes[link.src] if link is not None else None


def _with_loudness(lufs) -> dict:
    wf = _talk()
    wf["200"] = {"class_type": "NormalizeAudioLoudness", "inputs": {"audio": ["90", 0], "lufs": lufs}}
    wf["93"]["inputs"]["audio"] = ["200", 0]
    return wf


def test_a_loudness_step_before_the_encoder_is_studio_s_audio_loudness():
    conv = convert(_with_loudness(-20.0), "loud")
    g = conv.graph
    loud = [n for n in g.nodes.values() if n.type_id == "edit.audio_loudness"]
    assert len(loud) == 1 and loud[0].params["lufs"] == -20.0 and loud[0].params["limit"] is False
    assert _up(g, loud[0].id, "audio").params["path"] == "two.wav"
    readers = {l.dst for l in g.links if l.src == loud[0].id}
    assert readers and all(g.nodes[r].type_id != "io.save_video" for r in readers)
    text = said(conv)
    assert "NormalizeAudioLoudness' (NormalizeAudioLoudness, #200), a step" not in text
    assert "200" not in conv.dropped
    assert g.validate() == []


def test_a_target_out_of_range_is_not_read_and_stays_said():
    conv = convert(_with_loudness(12.0), "loud_bad")
    assert not [n for n in conv.graph.nodes.values() if n.type_id == "edit.audio_loudness"]
    assert "NormalizeAudioLoudness" in said(conv)


def test_the_take_s_own_sound_through_a_loudness_step_to_its_save_is_audio_loudness_before_save_video():
    """LTX-2's decoded sound through NormalizeAudioLoudness before CreateVideo's 'audio' (the corpus's LTX-2.3 files:
    "not applied (its settings: lufs -23)"): Audio Loudness between the generator's 'audio' and Save Video."""
    from tests.convert.test_comfy_ltx2_condition_only import _doc
    wf = _doc(bypass=False)
    wf["30"] = {"class_type": "NormalizeAudioLoudness", "inputs": {"audio": ["15", 0], "lufs": -16.0}}
    wf["16"]["inputs"]["audio"] = ["30", 0]
    conv = convert(wf, "lh_loud")
    g = conv.graph
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    loud = _up(g, save.id, "audio")
    assert loud.type_id == "edit.audio_loudness" and loud.params["lufs"] == -16.0
    assert _up(g, loud.id, "audio").type_id == "video_models.ltx2"
    text = said(conv)
    assert ("'CreateVideo' (CreateVideo, #16) is given the take's sound brought to a loudness by "
            "'NormalizeAudioLoudness' (NormalizeAudioLoudness, #30)'s -16 LUFS") in text
    assert "a step between its 'audio'" not in text
    assert g.validate() == []


def test_a_loudness_step_with_another_setting_a_peak_limit_is_not_taken_for_one():
    """ethanfel's FoleyTuneOutputNormalizer declares a target_lufs and a true_peak_dbtp: Audio Loudness has no
    true-peak limit, so the step stays said not applied."""
    wf = _with_loudness(-20.0)
    wf["200"] = {"class_type": "FoleyTuneOutputNormalizer", "inputs": {"audio": ["90", 0], "target_lufs": -14.0,
                                                                       "true_peak_dbtp": -1.0}}
    conv = convert(wf, "foley_norm")
    assert not [n for n in conv.graph.nodes.values() if n.type_id == "edit.audio_loudness"]
    assert "FoleyTuneOutputNormalizer" in said(conv)

"""The sound a save writes where the workflow joins sounds on its way (mapping/audio_joins.py), made with Studio's
Audio Concat (and Audio Trim), read by declared types (core AudioConcat, a pack's join with an order word); and
InfiniteTalk's two speakers given their turns as ComfyUI lays them (families/wan/talk/comfy_turns.py): heldout11 01
wrote an Audio Mix of both voices from the start where the workflow writes them one after the other."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_heldout11_mends import _said, _t2v
from tests.convert.test_comfy_heldout4_mends import _talk


def _up(g, node: str, port: str):
    link = g.input_link(node, port)
    return g.nodes[link.src] if link is not None else None


def _save_sound(conv):
    g = conv.graph
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    return g, _up(g, save.id, "audio")


def test_a_dialogue_joined_one_after_the_other_is_written_so_and_its_speakers_take_turns():
    conv = convert(_talk(), "dialogue")
    g, sound = _save_sound(conv)
    said = _said(conv)
    assert sound.type_id == "edit.audio_concat" and sound.params["direction"] == "after"
    assert (_up(g, sound.id, "a").params["path"], _up(g, sound.id, "b").params["path"]) == ("one.wav", "two.wav")
    assert ("'VHS_VideoCombine' (#128)'s 'audio' is the sound 'AudioConcat' (AudioConcat, #113) joins, its 'audio2' "
            "after its 'audio1': Studio's Save Video writes the same, made with Audio Concat") in said
    assert "Audio Mix" not in said and "'AudioConcat' (AudioConcat, #113), a step" not in said
    assert "113" not in conv.dropped
    talk = next(n for n in g.nodes.values() if n.type_id == "video_models.infinitetalk")
    one, two = (_up(g, _up(g, talk.id, k).id, "audio") for k in ("speech", "speech_2"))
    assert one.type_id == two.type_id == "edit.audio_concat"
    assert _up(g, one.id, "a").params["path"] == "one.wav" and _up(g, one.id, "b").type_id == "edit.audio_silence"
    assert _up(g, _up(g, one.id, "b").id, "audio").params["path"] == "two.wav"  # silence as long as the second voice
    assert _up(g, two.id, "a").type_id == "edit.audio_silence" and _up(g, two.id, "b").params["path"] == "two.wav"
    assert _up(g, _up(g, two.id, "a").id, "audio").params["path"] == "one.wav"
    assert ("'WanInfiniteTalkToVideo' (WanInfiniteTalkToVideo, #129) gives two speakers their turns: ComfyUI lays the "
            "voices one after the other (audio_encoder_output_1's first, then audio_encoder_output_2's)") in said
    assert g.validate() == []


def test_a_pack_join_by_its_types_and_a_window_on_the_way():
    """An invented pack's node with two AUDIO inputs and the order word 'left' (the second first), one voice cut by
    TrimAudioDuration on its way: Audio Concat 'before' of Audio Trim."""
    wf = _talk()
    wf["113"] = {"class_type": "AcmeSoundSplice", "inputs": {"audio_1": ["24", 0], "audio_2": ["200", 0],
                                                             "order": "left"}}
    wf["200"] = {"class_type": "TrimAudioDuration", "inputs": {"audio": ["90", 0], "start_index": 0.5,
                                                               "duration": 2.0}}
    conv = convert(wf, "dialogue")
    g, sound = _save_sound(conv)
    assert sound.type_id == "edit.audio_concat" and sound.params["direction"] == "before"
    trim = _up(g, sound.id, "b")
    assert trim.type_id == "edit.audio_trim" and (trim.params["start"], trim.params["end"]) == (0.5, 2.5)
    assert _up(g, trim.id, "audio").params["path"] == "two.wav" and _up(g, sound.id, "a").params["path"] == "one.wav"
    assert ("is the sound 'AcmeSoundSplice' (AcmeSoundSplice, #113) joins, its 'audio_2' before its 'audio_1': "
            "Studio's Save Video writes the same, made with Audio Concat and Audio Trim") in _said(conv)


def test_a_join_without_an_order_word_is_not_taken_for_one_and_the_mix_is_said():
    """Two sounds overlaid (an invented pack's 'add'): no Audio Concat; the two voices as the take hears them, one
    after the other, and the save's own sound named."""
    wf = _talk()
    wf["113"] = {"class_type": "AcmeSoundOverlay", "inputs": {"audio_1": ["24", 0], "audio_2": ["90", 0],
                                                              "method": "add"}}
    conv = convert(wf, "dialogue")
    g, sound = _save_sound(conv)
    assert sound.type_id == "edit.audio_mix"
    assert {_up(g, sound.id, k).type_id for k in ("a", "b")} == {"edit.audio_concat"}  # each voice in its turn
    assert ("'VHS_VideoCombine' (VHS_VideoCombine, #128) writes the sound 'AcmeSoundOverlay' (AcmeSoundOverlay, #113) "
            "makes of the voices (method add): Studio's Save Video writes the two voices one after the other, as its "
            "generator takes them") in _said(conv)


def test_a_plain_take_s_sound_joined_from_two_files():
    """A T2V whose CreateVideo is given two songs joined (core AudioConcat 'before'): written so, no file dropped."""
    wf = _t2v({"30": ("LoadAudio", {"audio": "verse.mp3"}), "31": ("LoadAudio", {"audio": "chorus.mp3"}),
               "32": ("AudioConcat", {"audio1": ["30", 0], "audio2": ["31", 0], "direction": "before"}),
               "12": ("CreateVideo", {"fps": 16, "images": ["11", 0], "audio": ["32", 0]})})
    conv = convert(wf, "song")
    g, sound = _save_sound(conv)
    assert sound.type_id == "edit.audio_concat" and sound.params["direction"] == "before"
    assert (_up(g, sound.id, "a").params["path"], _up(g, sound.id, "b").params["path"]) == ("verse.mp3", "chorus.mp3")
    assert "'CreateVideo' (#12)'s 'audio' is the sound 'AudioConcat' (AudioConcat, #32) joins" in _said(conv)
    assert not {"30", "31", "32"} & set(conv.dropped)


def test_an_overlay_whose_pack_declares_add_and_mean_is_an_audio_mix_with_its_differences_said():
    """Core AudioMerge 'mean' of the two voices: Studio's Audio Mix at gain 0.5 each, the length and level rules said;
    'subtract' (no Studio operation) is not made: the voices as the take hears them, said."""
    wf = _talk()
    wf["113"] = {"class_type": "AudioMerge", "inputs": {"audio1": ["24", 0], "audio2": ["90", 0],
                                                        "merge_method": "mean"}}
    conv = convert(wf, "dialogue")
    g, sound = _save_sound(conv)
    assert sound.type_id == "edit.audio_mix" and (sound.params["gain_a"], sound.params["gain_b"]) == (0.5, 0.5)
    assert (_up(g, sound.id, "a").params["path"], _up(g, sound.id, "b").params["path"]) == ("one.wav", "two.wav")
    assert ("is the sound 'AudioMerge' (AudioMerge, #113) overlays, its 'audio2' on its 'audio1' (mean): Studio's Save "
            "Video writes it, made with Audio Mix; Audio Mix at gain 0.5 each for #113 keeps the longer sound's length "
            "and clips peaks over 1, where AudioMerge keeps the first sound's length") in _said(conv)
    wf["113"]["inputs"]["merge_method"] = "subtract"
    conv = convert(wf, "dialogue")
    g, sound = _save_sound(conv)
    assert {_up(g, sound.id, k).type_id for k in ("a", "b")} == {"edit.audio_concat"}
    assert "makes of the voices (merge_method subtract): Studio's Save Video writes the two voices one after" \
        in _said(conv)


def test_a_reroute_on_the_way_and_a_native_infinitetalk_video_to_video_held_with_its_voice():
    """A Reroute between the join and the save is passed through; InfiniteTalk's model and prompts given to a sampler
    of an encoded clip (denoise 0.7) is held in one sentence, never a restyle without the voice: the voice, the clip
    and the picture stay in the graph as loaders."""
    wf = _talk()
    wf["300"] = {"class_type": "Reroute", "inputs": {"": ["113", 0]}}
    wf["128"]["inputs"]["audio"] = ["300", 0]
    g, sound = _save_sound(convert(wf, "dialogue"))
    assert sound.type_id == "edit.audio_concat" and _up(g, sound.id, "b").params["path"] == "two.wav"
    wf = _talk()
    t = wf["129"]["inputs"]
    t["mode"] = "single_speaker"
    for k in ("mode.audio_encoder_output_2", "mode.mask_1", "mode.mask_2"):
        t.pop(k)
    for k in ("130", "122", "123", "124", "126", "127"):
        wf.pop(k, None)
    wf.update({"200": {"class_type": "LoadVideo", "inputs": {"file": "interview.mp4"}},
               "201": {"class_type": "GetVideoComponents", "inputs": {"video": ["200", 0]}},
               "202": {"class_type": "VAEEncode", "inputs": {"pixels": ["201", 0], "vae": ["29", 0]}}})
    wf["120"]["inputs"]["latent_image"] = ["202", 0]
    wf["19"]["inputs"]["denoise"] = 0.7
    wf["128"]["inputs"].update(images=["119", 0], audio=["24", 0])
    conv = convert(wf, "native_v2v")
    types = [n.type_id for n in conv.graph.nodes.values()]
    assert conv.pipelines == 0 and not {"video_models.video_to_video", "video_models.infinitetalk"} & set(types)
    assert conv.log[0].startswith("This workflow makes video to video from an encoded clip, conditioned by "
                                  "WanInfiniteTalkToVideo (a talking video from speech (InfiniteTalk))")
    assert {"interview.mp4", "one.wav"} <= {n.params.get("path") for n in conv.graph.nodes.values()}


def test_the_windows_joined_on_the_way_are_the_continued_take_not_steps_not_applied():
    """ImageFromBatch cutting a later window by its trim_image and ImageBatch joining the windows: read as the one
    continued take (heldout11 01 said both 'not applied'); a cut keeping fewer frames than the window makes is not."""
    conv = convert(_talk(), "dialogue")
    said = _said(conv)
    assert ("'ImageFromBatch' (ImageFromBatch, #126) cuts from each later window the frames it repeats (its "
            "trim_image) and 'ImageBatch' (ImageBatch, #127) puts the windows one after the other") in said
    assert "#126), a step" not in said and "#127), a step" not in said
    wf = _talk()
    wf["126"]["inputs"]["length"] = 10
    assert "(ImageFromBatch, #126), a step" in _said(convert(wf, "dialogue"))


def test_one_voice_given_to_both_speakers_is_said_not_turned():
    wf = _talk()
    for k in ("129", "130"):
        wf[k]["inputs"]["mode.audio_encoder_output_2"] = ["25", 0]
    conv = convert(wf, "echo")
    assert "gives both speakers the same voice, which ComfyUI lays twice, one after the other" in _said(conv)
    g = conv.graph
    talk = next(n for n in g.nodes.values() if n.type_id == "video_models.infinitetalk")
    assert _up(g, _up(g, talk.id, "speech").id, "audio").type_id == "io.load_audio"


def test_a_second_save_of_the_same_take_writes_the_same_joined_sound_made_once():
    """A second CreateVideo -> SaveVideo of the same sampler (takes.sound.remux): the joined sound too, one Audio
    Concat for both saves (was: the first file alone, 'without ComfyUI's AudioConcat on its way')."""
    wf = _t2v({"30": ("LoadAudio", {"audio": "verse.mp3"}), "31": ("LoadAudio", {"audio": "chorus.mp3"}),
               "32": ("AudioConcat", {"audio1": ["30", 0], "audio2": ["31", 0], "direction": "after"}),
               "12": ("CreateVideo", {"fps": 16, "images": ["11", 0], "audio": ["32", 0]}),
               "14": ("CreateVideo", {"fps": 16, "images": ["11", 0], "audio": ["32", 0]}),
               "15": ("SaveVideo", {"filename_prefix": "w", "format": "auto", "codec": "auto", "video": ["14", 0]})})
    conv = convert(wf, "two")
    g = conv.graph
    saves = [n for n in g.nodes.values() if n.type_id == "io.save_video"]
    assert len(saves) == 2 and len({g.input_link(s.id, "audio").src for s in saves}) == 1
    assert [n.type_id for n in g.nodes.values()].count("edit.audio_concat") == 1
    assert "'CreateVideo' (#14)'s 'audio' is the sound 'AudioConcat' (AudioConcat, #32) joins" in _said(conv)


def test_two_outputs_of_one_name_are_not_written_over_each_other():
    """heldout11 01's two SaveVideo 'video/ComfyUI' (the whole take and its first window): both were written to one
    file, the second over the first; now numbered, said."""
    wf = _talk()
    wf["138"] = {"class_type": "CreateVideo", "inputs": {"fps": 25, "images": ["119", 0], "audio": ["113", 0]}}
    wf["162"] = {"class_type": "SaveVideo", "inputs": {"filename_prefix": "dialogue", "format": "auto",
                                                       "codec": "auto", "video": ["138", 0]}}
    conv = convert(wf, "dialogue")
    paths = sorted(n.params["path"] for n in conv.graph.nodes.values() if n.type_id == "io.save_video")
    assert paths == ["out/dialogue.mp4", "out/dialogue_2.mp4"]
    assert "writes its video as 'out/dialogue_2.mp4': another output's Save Video writes 'out/dialogue.mp4'" \
        in _said(conv)

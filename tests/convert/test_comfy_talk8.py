"""talk8 (issue 112): the WanVideoWrapper's InfiniteTalk read whole. Two voices with no face masks are Studio's
two-speaker InfiniteTalk (each voice its Speech Features, the masks left to the node, which takes the reference's left
and right boxes): spoken together ('para') as they are, one after the other ('add') given their turns (each voice
with silence while the other speaks); masks in one batch held, said why. A voice lip-synced onto a clip (the
sampler given the clip's latents) is InfiniteTalk given the clip. Minimal workflows built here from node types, values and links."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import nodes_of, said
from .test_comfy_wrapper_embeds import _talk
from .test_comfy_wrappers import UI


def _dialogue(kind: str = "para", **more):
    w = UI()
    voice = w.add("LoadAudio", ["second.wav", None, None])
    emb = _talk(w, audio_2=(voice, 0), **more)
    node = next(n for n in w.nodes if n["id"] == emb)
    node["widgets_values"][5] = kind
    i2v = next(n["id"] for n in w.nodes if n["type"] == "WanVideoImageToVideoMultiTalk")
    return convert(w.doc(), "dialogue"), emb, i2v


def _fed(conv, node_id: str, port: str):
    return next((l for l in conv.graph.links if l.dst == node_id and l.dst_port == port), None)


def test_two_voices_together_with_no_masks_are_two_speakers_on_the_references_boxes():
    conv, emb, i2v = _dialogue()
    assert [t["generator"] for t in conv.tasks] == ["video_models.infinitetalk"]
    gen = nodes_of(conv, "video_models.infinitetalk")[0]
    feats = [_fed(conv, gen.id, p) for p in ("speech", "speech_2")]
    assert all(f is not None for f in feats) and feats[0].src != feats[1].src
    heard = {conv.graph.nodes[_fed(conv, f.src, "audio").src].params["path"] for f in feats}
    assert heard == {"speech.wav", "second.wav"}  # each voice on its own Speech Features, as loaded
    assert _fed(conv, gen.id, "mask_1") is None and _fed(conv, gen.id, "mask_2") is None
    assert not nodes_of(conv, "edit.audio_concat")  # spoken together: no turns laid
    text = said(conv)
    assert (f"(#{i2v}) is given two voices and no face masks: Studio's InfiniteTalk puts the first voice on the "
            "picture's left half and the second on its right") in text
    assert "gives two speakers their turns" not in text
    save = nodes_of(conv, "io.save_video")[0]
    mix = conv.graph.nodes[_fed(conv, save.id, "audio").src]
    assert mix.type_id == "edit.audio_mix"  # the save carries both voices mixed, as the wrapper's audio output
    assert {conv.graph.nodes[_fed(conv, mix.id, p).src].params["path"] for p in ("a", "b")} == heard


def test_two_voices_one_after_the_other_take_turns_on_the_references_boxes():
    conv, emb, i2v = _dialogue("add")
    assert [t["generator"] for t in conv.tasks] == ["video_models.infinitetalk"]
    gen = nodes_of(conv, "video_models.infinitetalk")[0]
    assert _fed(conv, gen.id, "mask_1") is None and _fed(conv, gen.id, "mask_2") is None
    turns = [conv.graph.nodes[_fed(conv, _fed(conv, gen.id, p).src, "audio").src] for p in ("speech", "speech_2")]
    assert [t.type_id for t in turns] == ["edit.audio_concat", "edit.audio_concat"]  # each voice with the other's
    first = conv.graph.nodes[_fed(conv, turns[0].id, "a").src]  # silence: the first voice, then silence
    second = conv.graph.nodes[_fed(conv, turns[1].id, "b").src]  # silence, then the second voice
    assert (first.params["path"], second.params["path"]) == ("speech.wav", "second.wav")
    text = said(conv)
    assert (f"'MultiTalkWav2VecEmbeds' (MultiTalkWav2VecEmbeds, #{emb}) lays the voices one after the other "
            "(multi_audio_type 'add': audio_1's first, then audio_2's), where Studio's InfiniteTalk hears 'speech' and "
            "'speech_2' together; so each voice's Speech Features is given it with silence while the other speaks") \
        in text and "the wrapper pads the voice features with zeros there" in text
    assert "audio_encoder_output_1" not in text and "lasts as long as the shorter voice" not in text


def test_two_voices_with_their_masks_in_one_batch_are_held_saying_why():
    w = UI()
    voice = w.add("LoadAudio", ["second.wav", None, None])
    masks = w.add("LoadImageMask", ["faces.png", "alpha", "image"])
    emb = _talk(w, audio_2=(voice, 0), ref_target_masks=(masks, 0))
    conv = convert(w.doc(), "dialogue")
    assert [t["generator"] for t in conv.tasks] == [None]
    assert (f"(MultiTalkWav2VecEmbeds, #{emb}) gives the sampler 2 voices ('audio_1', 'audio_2') together: its face "
            "masks come as one batch (ref_target_masks)") in said(conv)


def _dub(mode: str = "infinitetalk"):
    """The wrapper's InfiniteTalk video to video (heldout41 10): the sampler also given a clip's latents on 'samples'
    (WanVideoEncode of the loaded clip)."""
    w = UI()
    emb = _talk(w, mode=mode)
    clip = w.add("VHS_LoadVideo", {"video": "source.mp4", "force_rate": 0, "frame_load_cap": 0,
                                   "skip_first_frames": 0, "select_every_nth": 1})
    vae = next(n["id"] for n in w.nodes if n["type"] == "WanVideoVAELoader")
    enc = w.add("WanVideoEncode", [False, 272, 272, 144, 128, 0.0, 1.0], vae=(vae, 0), image=(clip, 0))
    s = next(n for n in w.nodes if n["type"] == "WanVideoSampler")
    w.links.append([len(w.links) + 1, enc, 0, s["id"], len(s["inputs"]), "LATENT"])
    s["inputs"].append({"name": "samples", "type": "LATENT", "link": len(w.links)})
    return convert(w.doc(), "dub"), emb, enc, s["id"]


def test_a_voice_lip_synced_onto_a_clip_is_infinitetalk_given_the_clip():
    conv, emb, enc, sampler = _dub()
    assert [t["generator"] for t in conv.tasks] == ["video_models.infinitetalk"]
    gen = nodes_of(conv, "video_models.infinitetalk")[0]
    src = _fed(conv, gen.id, "clip")
    while src is not None and conv.graph.nodes[src.src].type_id != "io.load_video":
        src = _fed(conv, src.src, "video")
    assert src is not None and conv.graph.nodes[src.src].params["path"] == "source.mp4"
    assert _fed(conv, gen.id, "speech") is not None
    assert (f"(WanVideoSampler, #{sampler}) re-makes the clip's latents ('WanVideoEncode' (WanVideoEncode, #{enc}), "
            "on 'samples')") in said(conv) and (": Studio's InfiniteTalk dubs the clip as InfiniteTalk's reference does, "
            "each window made from noise and seeing the clip's frame at its start (its 'clip')") in said(conv)
    assert "InfiniteTalk video to video" not in said(conv)  # (held before: talk8)


def test_a_clip_given_to_multitalk_stays_held():
    conv, _, _, _ = _dub(mode="multitalk")
    assert [t["generator"] for t in conv.tasks] == [None]
    assert "makes MultiTalk (its mode 'multitalk'" in said(conv)

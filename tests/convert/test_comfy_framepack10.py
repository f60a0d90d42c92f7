"""A FramePack fork's timed prompts (TimestampPromptParser) and keyframes (CreateKeyframes) read as the Framepack
node's 'prompts' and key_1..3 at seconds (issue 112, comfy_timed.py): section indices ('s') at 1.2 s a section,
the text outside brackets in every section after the spans, keyframes at their section's second (an index) or their
seconds; each said, none left unconverted. Minimal workflows in the forks' UI layout (INPUT_TYPES order)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_framepack_wrapper import SAMPLER, loaders
from tests.convert.test_comfy_wrappers import UI

TEXT = "a girl stands\n[0s-3s: she claps]\n[3s-: she spins]"


def _workflow(by_seconds=False):
    w = UI()
    model, pos, neg, vae = loaders(w)
    start = w.add("VAEEncode", [], pixels=(w.add("LoadImage", ["first.png", "image"]), 0), vae=(vae, 0))
    key = w.add("VAEEncode", [], pixels=(w.add("LoadImage", ["key.png", "image"]), 0), vae=(vae, 0))
    clip = w.add("DualCLIPLoader", ["clip_l.safetensors", "llava_llama3_fp16.safetensors", "hunyuan_video", "default"])
    parser = w.add("TimestampPromptParser", [TEXT, 12], clip=(clip, 0))
    if by_seconds:  # gamtruliar's: strength and seconds a letter, its seconds to the sampler
        keys = w.add("CreateKeyframes", [1, 2.5, 1, 0, 1, 0], latent_a=(key, 0))
        more = {"keyframes": (keys, 0), "keyframe_seconds": (keys, 3)}
    else:  # nirvash's: a section index a letter
        keys = w.add("CreateKeyframes", [2, 0, 0], latent_a=(key, 0))
        more = {"keyframes": (keys, 0), "keyframe_indices": (keys, 1)}
    s = w.add("FramePackSampler", list(SAMPLER), model=(model, 0), positive=(pos, 0), negative=(neg, 0),
              start_latent=(start, 0), positive_keyframes=(parser, 0), positive_keyframe_indices=(parser, 1), **more)
    dec = w.add("VAEDecodeTiled", [256, 64, 64, 8], samples=(s, 0), vae=(vae, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 30, "filename_prefix": "fp"}, images=(dec, 0))
    return w.doc()


def test_timed_prompts_and_keyframes_are_the_framepack_nodes():
    for by_seconds, at in ((False, 2.4), (True, 2.5)):
        conv = convert(_workflow(by_seconds), "framepack")
        assert conv.graph.validate() == []
        gen = nodes_of(conv, "video_models.framepack")[0]
        p = gen.params
        assert p["prompt"] == "she claps a girl stands"  # the spans, then the text outside brackets
        assert p["prompts"] == "3.6: she spins a girl stands"  # section 3 at 1.2 s a section
        assert p["key_1_at"] == at and p["timed_fps"] == 30.0  # the forks' seconds: FramePack's 30 fps
        link = conv.graph.input_link(gen.id, "key_1")
        assert link and conv.graph.nodes[link[0]].params["path"] == "key.png"
        text = said(conv)
        assert "TimestampPromptParser (#" not in text.split("not converted")[-1]
        assert "read as the Framepack node's prompt 'she claps a girl stands', and its timed prompts: from 3.6 s" in text
        assert f"key_1 at {at:g} s (its latent_a)" in text
        assert not [ln for ln in conv.log if "not converted" in ln and ("CreateKeyframes" in ln or "Parser" in ln)]


def test_without_them_nothing_is_timed():
    from tests.convert.test_comfy_framepack_wrapper import _workflow as plain
    p = nodes_of(convert(plain(), "framepack"), "video_models.framepack")[0].params
    assert (p["prompts"], p["key_1_at"], p["timed_fps"]) == ("", 0.0, 0.0)


def test_text_outside_the_parsers_form_is_one_prompt_said():
    from nodes.video_models.families.framepack.comfy_timed import section_prompts
    assert set(section_prompts("[0s\u20135s: a]", 6)) == {"[0s\u20135s: a]"}  # an en dash: no span, as the fork reads it
    assert section_prompts("[-2sec: a] b", 3) == ["a b", "b", "b"]  # seconds: to 2 s, the first section (of 1.2 s)


def test_positive_keyframes_are_timed_prompts_at_their_sections():
    w = UI()
    model, pos, neg, vae = loaders(w)
    start = w.add("VAEEncode", [], pixels=(w.add("LoadImage", ["first.png", "image"]), 0), vae=(vae, 0))
    clip = w.add("DualCLIPLoader", ["clip_l.safetensors", "llava_llama3_fp16.safetensors", "hunyuan_video", "default"])
    a, b = (w.add("CLIPTextEncode", [q], clip=(clip, 0)) for q in ("she walks", "she runs"))
    pk = w.add("CreatePositiveKeyframes", [0, 2, 0], positive_a=(a, 0), positive_b=(b, 0))
    s = w.add("FramePackSampler", list(SAMPLER), model=(model, 0), positive=(pos, 0), negative=(neg, 0),
              start_latent=(start, 0), positive_keyframes=(pk, 0), positive_keyframe_indices=(pk, 1))
    dec = w.add("VAEDecodeTiled", [256, 64, 64, 8], samples=(s, 0), vae=(vae, 0))
    w.add("VHS_VideoCombine", {"frame_rate": 30, "filename_prefix": "fp"}, images=(dec, 0))
    conv = convert(w.doc(), "framepack")
    p = nodes_of(conv, "video_models.framepack")[0].params
    assert (p["prompt"], p["prompts"], p["timed_fps"]) == ("she walks", "2.4: she runs", 30.0)
    assert "its timed prompts: from 2.4 s 'she runs'" in said(conv)
    assert not [ln for ln in conv.log if "not converted" in ln and "CreatePositiveKeyframes" in ln]


def test_f1_timed_prompts_are_aligned_to_sections_as_the_fork_aligns_them():
    from nodes.video_models.families.framepack.comfy_wrapper_f1 import timed
    assert timed("a girl [2s: she claps]", 4.8, 9) == ["a girl", "a girl", "she claps", "she claps"]
    assert timed("[0s-1s: a] [3s: b]", 6.0, 9) == ["a", "a", "b", "b", "b"]  # a gap keeps the prompt before
    assert timed("no spans", 2.4, 9) == ["no spans", "no spans"]

"""talk10 (issue 112): the wrapper's InfiniteTalk dubbing re-noised from a start step. A WanVideoSampler given a clip's
latents on 'samples' with start_step k of its steps (or a denoise_strength d: the wrapper's step steps - int(steps x d)
- 1) makes each window from the clip's latents noised to step k: Studio's InfiniteTalk at strength (steps - k) / steps
(each window from its frames of the clip noised there), said with what still differs, the generic 'not applied' line
of the start step gone. Two voices spoken together ('para') last as long as the longer in Studio as in the wrapper: no
sentence says otherwise. Minimal workflows built here from node types, values and links."""
from __future__ import annotations

from studio.convert.mapping.convert import convert

from .said import nodes_of, said
from .test_comfy_talk8 import _dialogue
from .test_comfy_wrapper_embeds import _talk
from .test_comfy_wrappers import UI


def _dub(steps=4, denoise=1.0, start=2, add_noise=True, encode=(0.0, 1.0)):
    """The wrapper's InfiniteTalk video to video (the RunPod hub's V2V templates): the sampler given a WanVideoEncode
    of the loaded clip on 'samples', its steps, denoise_strength, start_step and add_noise_to_samples as given."""
    w = UI()
    _talk(w)
    clip = w.add("VHS_LoadVideo", {"video": "source.mp4", "force_rate": 0, "frame_load_cap": 0,
                                   "skip_first_frames": 0, "select_every_nth": 1})
    vae = next(n["id"] for n in w.nodes if n["type"] == "WanVideoVAELoader")
    enc = w.add("WanVideoEncode", [False, 272, 272, 144, 128, *encode], vae=(vae, 0), image=(clip, 0))
    s = next(n for n in w.nodes if n["type"] == "WanVideoSampler")
    s["widgets_values"] = [steps, 1.0, 11.0, 2, "fixed", True, "dpm++_sde", 0, denoise, False, "comfy", start, -1,
                           add_noise]
    w.links.append([len(w.links) + 1, enc, 0, s["id"], len(s["inputs"]), "LATENT"])
    s["inputs"].append({"name": "samples", "type": "LATENT", "link": len(w.links)})
    conv = convert(w.doc(), "dub")
    return conv, enc, s["id"], nodes_of(conv, "video_models.infinitetalk")[0]


def test_a_dubbing_samplers_start_step_is_infinitetalks_strength_said_with_what_differs():
    conv, enc, sampler, gen = _dub()
    assert [t["generator"] for t in conv.tasks] == ["video_models.infinitetalk"]
    assert gen.params["strength"] == 0.5 and gen.params["steps"] == 4  # steps 2 and 3 of 4 run, as the wrapper's
    text = said(conv)
    assert (f"'WanVideoSampler' (WanVideoSampler, #{sampler}) re-makes the clip's latents ('WanVideoEncode' "
            f"(WanVideoEncode, #{enc}), on 'samples') from step 2 of 4: Studio's InfiniteTalk does the same at strength "
            "0.5 (its 'clip': each window starts from its frames of the clip noised to step 2 and runs the last 2), each "
            "window seeing the clip's frame at its start (the reference's picture); the clip's latents are encoded "
            "window by window, where the wrapper slices one encode of the whole clip") in text
    assert "each window made from noise" not in text  # (talk8's sentence: true no longer)
    assert "not applied, the generator samples the whole schedule" not in text  # the start step is applied
    assert "strength 0.5" in next(str(x) for x in conv.log if "-> video_models.infinitetalk" in str(x))


def test_a_denoise_strength_starts_where_the_wrapper_starts_it():
    conv, enc, sampler, gen = _dub(steps=6, denoise=0.5, start=0, add_noise=False)
    assert abs(gen.params["strength"] - 4 / 6) < 1e-9  # step 6 - int(6 x 0.5) - 1 = 2: the last 4 of 6 run
    from nodes.video_models.families.wan.talk.talk_dub import start_step
    assert start_step(6, gen.params["strength"]) == 2  # the node starts at the wrapper's step
    assert ("on 'samples') from step 2 of 6 (its denoise_strength 0.5): Studio's InfiniteTalk does the same at "
            "strength 0.6667") in said(conv)
    assert "add_noise_to_samples" not in said(conv)  # (a denoise_strength noises them in the wrapper whatever it says)


def test_clip_latents_the_wrapper_does_not_noise_are_said():
    conv, _, _, gen = _dub(add_noise=False)
    assert gen.params["strength"] == 0.5
    assert ("from step 2 of 4 not noised (its add_noise_to_samples off; Studio's noises them): Studio's InfiniteTalk "
            "does the same at strength 0.5") in said(conv)


def test_from_step_0_or_past_the_last_each_window_is_made_from_noise_as_said():
    conv, _, sampler, gen = _dub(start=0)
    assert "strength" not in gen.params or gen.params["strength"] == 1.0
    assert "on 'samples'): Studio's InfiniteTalk dubs the clip as InfiniteTalk's reference does, each window made " \
           "from noise" in said(conv)
    conv, _, sampler, gen = _dub(start=4)
    assert "strength" not in gen.params or gen.params["strength"] == 1.0
    assert ("on 'samples') from step 4, which leaves none of its 4 steps (the wrapper refuses it); Studio's "
            "InfiniteTalk dubs the clip as InfiniteTalk's reference does, each window made from noise") in said(conv)


def test_the_encodes_own_changes_to_the_clips_latents_are_said():
    conv, enc, _, _ = _dub(encode=(0.05, 0.8))
    text = said(conv)
    assert (f"'WanVideoEncode' (WanVideoEncode, #{enc})'s latent_strength 0.8 is not applied: Studio's InfiniteTalk "
            "encodes the clip's frames as they are") in text
    assert f"(WanVideoEncode, #{enc})'s noise_aug_strength 0.05 is not applied" in text


def test_two_voices_together_are_not_said_to_last_as_the_shorter():
    conv, _, i2v = _dialogue("para")
    text = said(conv)
    assert f"(#{i2v}) is given two voices and no face masks" in text
    assert "shorter voice" not in text and "padded with zeros" not in text  # Studio's take is the longer's, as theirs

"""LTX-2's second stage read further (families/ltx2/comfy_stage_sound.py): a tiled latent upsampler told by its
declared LATENT_UPSCALE_MODEL input, its tiling said; the first pass's sound held through the second pass (a noise
mask of 0 on the audio latent, ControlAltAI's TwoWaySwitch picking it) read as LTX-2 Latent Upscale's refine holds
it, and a switch picking the sound resampled said as not done."""
from __future__ import annotations

from types import SimpleNamespace

from nodes.video_models.families.ltx2.comfy_stage_sound import held_sound, is_upsampler, sigma_makers, tiling
from studio.convert.reading.workflow import Workflow


def _second_pass(pick: int) -> Workflow:
    return Workflow.read({k: {"class_type": c, "inputs": i} for k, (c, i) in {
        "1": ("LTXVSeparateAVLatent", {"av_latent": ["9", 0]}),
        "2": ("SolidMask", {"value": 0.0, "width": 1024, "height": 1024}),
        "3": ("SetLatentNoiseMask", {"samples": ["1", 1], "mask": ["2", 0]}),
        "4": ("TwoWaySwitch", {"selection_setting": pick, "input_1": ["3", 0], "input_2": ["1", 1]}),
        "5": ("LTXVConcatAVLatent", {"video_latent": ["1", 0], "audio_latent": ["4", 0]}),
        "7": ("LTXVScheduler", {"steps": 20, "latent": ["5", 0]}),
        "8": ("SplitSigmasDenoise", {"sigmas": ["7", 0], "denoise": 0.4}),
        "6": ("SamplerCustomAdvanced", {"latent_image": ["5", 0], "sigmas": ["8", 1]})}.items()})


def test_the_first_passs_sound_held_clean_through_the_second_pass_is_read():
    wf = _second_pass(1)
    b, said = SimpleNamespace(wf=wf, used=set()), []
    held_sound(b, SimpleNamespace(node=wf.nodes["6"]), said)
    assert b.used == {"2", "3", "4"}
    assert said == ["the second pass holds the first pass's sound clean ('TwoWaySwitch' (TwoWaySwitch, #4), "
                    "'SetLatentNoiseMask' (SetLatentNoiseMask, #3), 'SolidMask' (SolidMask, #2): a noise mask of 0 on "
                    "its audio latent), as LTX-2 Latent Upscale's refine holds the take's sound"]
    assert sigma_makers(wf, wf.nodes["6"]) == ("'SplitSigmasDenoise' (SplitSigmasDenoise, #8), 'LTXVScheduler' "
                                               "(LTXVScheduler, #7)")


def test_a_switch_resampling_the_sound_is_said_not_done():
    wf = _second_pass(2)
    b, said = SimpleNamespace(wf=wf, used=set()), []
    held_sound(b, SimpleNamespace(node=wf.nodes["6"]), said)
    assert b.used == {"4"} and said == [
        "the second pass resamples the first pass's sound ('TwoWaySwitch' (TwoWaySwitch, #4)): not done, LTX-2 "
        "Latent Upscale's refine holds the take's sound as it was made"]
    wf.nodes["2"].widgets["value"] = 0.5  # a mask that is not 0: nothing read, nothing said here
    wf.nodes["4"].widgets["selection_setting"] = 1
    b, said = SimpleNamespace(wf=wf, used=set()), []
    held_sound(b, SimpleNamespace(node=wf.nodes["6"]), said)
    assert b.used == set() and said == []


def test_a_tiled_upsampler_is_told_by_its_declared_input_and_its_tiling_said():
    wf = Workflow.read({"1": {"class_type": "LTXVLatentUpsamplerTiled", "inputs": {"samples": ["2", 0],
                                                                                  "upscale_model": ["3", 0]}},
                        "2": {"class_type": "EmptyLTXVLatentVideo", "inputs": {}},
                        "3": {"class_type": "SomeLoader", "inputs": {}}})
    n = wf.nodes["1"]
    assert not is_upsampler(n)  # an API file says no types: not guessed
    n.in_types = {"samples": "LATENT", "upscale_model": "LATENT_UPSCALE_MODEL", "vae": "VAE"}
    n.raw, n.widgets = [24, 8], {}
    assert is_upsampler(n)
    said = []
    tiling(None, n, said)
    assert said == ["'LTXVLatentUpsamplerTiled' (LTXVLatentUpsamplerTiled, #1) upsamples in tiles (#0 24, #1 8): "
                    "LTX-2 Latent Upscale upsamples whole frames, a window of frames at a time (its 'window'); the "
                    "tiling is not applied"]


def test_the_first_passs_sound_given_unmasked_to_the_second_pass_is_said_resampled():
    wf = _second_pass(1)
    wf.nodes["5"].links["audio_latent"] = ("1", 1)  # no noise mask, no switch: the second pass noises it again
    b, said = SimpleNamespace(wf=wf, used=set()), []
    held_sound(b, SimpleNamespace(node=wf.nodes["6"]), said)
    assert said == []  # the first pass (not in the file) is not known to have made its sound unmasked: nothing said
    first = {"10": ("LTXVEmptyLatentAudio", {}), "11": ("EmptyLTXVLatentVideo", {}),
             "12": ("LTXVConcatAVLatent", {"video_latent": ["11", 0], "audio_latent": ["10", 0]}),
             "9": ("SamplerCustomAdvanced", {"latent_image": ["12", 0]})}
    wf.nodes.update(Workflow.read({k: {"class_type": c, "inputs": i} for k, (c, i) in first.items()}).nodes)
    wf.nodes["1"].links["av_latent"] = ("9", 0)  # (read without node 9, the link to it was cut: reading.dangling)
    held_sound(b, SimpleNamespace(node=wf.nodes["6"]), said)
    assert b.used == set() and said == [
        "the second pass re-noises and resamples the first pass's sound (the audio latent of 'LTXVSeparateAVLatent' "
        "(LTXVSeparateAVLatent, #1) given with no noise mask to 'LTXVConcatAVLatent' (LTXVConcatAVLatent, #5)'s "
        "'audio_latent'): not done, LTX-2 Latent Upscale's refine holds the take's sound as the first pass made it"]
    said.clear()
    wf.nodes["13"] = type(wf.nodes["3"])("13", "SetLatentNoiseMask", links={"samples": ("10", 0), "mask": ("2", 0)})
    wf.nodes["12"].links["audio_latent"] = ("13", 0)  # the first pass held it clean: the mask carries through
    held_sound(b, SimpleNamespace(node=wf.nodes["6"]), said)
    assert said == []

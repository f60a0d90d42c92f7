"""held9 (issue 112): the most frequent reasons a take is held or a node left not converted, over the whole cache;
the mechanisms mended here each tested on a workflow built from node types, values and links."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said
from tests.convert.test_comfy_outputs import _wan


def _joined(cls: str = "ConditioningConcat", to: str = "conditioning_to", other: str = "conditioning_from") -> dict:
    """Wan 2.1 text to video whose negative prompt (#7) has a second text (#50) joined to it by #51."""
    wf = _wan(**{"50": {"class_type": "CLIPTextEncode", "inputs": {"text": "grainy", "clip": ["2", 0]}},
                 "51": {"class_type": cls, "inputs": {to: ["7", 0], other: ["50", 0]}},
                 "31": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["10", 0]}},
                 "32": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "fox", "video": ["31", 0]}}})
    wf["9"]["inputs"]["negative"] = ["51", 0]
    return wf


def test_a_second_conditioning_joined_onto_a_prompt_is_said_not_applied_naming_its_encoder():
    conv = convert(_joined(), "joined")
    text = said(conv)
    assert ("'ConditioningConcat' (ConditioningConcat, #51) joins a second conditioning (on 'conditioning_from' from "
            "'CLIPTextEncode' (CLIPTextEncode, #50), its text 'grainy') to the negative prompt's: not applied, Studio's generator takes "
            "one negative prompt, that of 'Negative' (CLIPTextEncode, #7)") in text
    gen = next(n for n in conv.graph.nodes.values() if "negative_prompt" in n.params)
    assert gen.params["negative_prompt"] == "blurry, static"  # the prompt walked through, as before
    assert "50" not in conv.dropped  # its text said with the join: read with that sentence, not listed unsaid


def test_a_prompt_passed_through_one_conditioning_alone_says_no_join():
    wf = _wan(**{"51": {"class_type": "ConditioningZeroOut", "inputs": {"conditioning": ["7", 0]}},
                 "31": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["10", 0]}},
                 "32": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "fox", "video": ["31", 0]}}})
    wf["9"]["inputs"]["negative"] = ["51", 0]
    assert "joins a second conditioning" not in said(convert(wf, "zeroed"))



def test_the_pictures_a_wrapper_sampler_decoded_itself_are_read_as_the_takes_decode():
    """WanVideoWrapper's WanVideoPassImagesFromSamples (InfiniteTalk's windows decoded by the sampler itself) between
    the sampler and the save: read as the take's decode with its sentence, not left in the note of nodes not
    converted (4 cached InfiniteTalk files were blocked by it alone)."""
    from tests.convert.test_comfy_heldout10_mends import _wrapper_i2v
    wf = _wrapper_i2v({"28": ("WanVideoPassImagesFromSamples", {"samples": ["27", 0]})})
    conv = convert(wf, "talk.json")
    assert "28" not in conv.dropped
    assert ("'WanVideoPassImagesFromSamples' (WanVideoPassImagesFromSamples, #28) passes on the pictures the sampler "
            "it is given decoded itself: read as a VAEDecode of that sampler's latent (where Studio makes the take, its "
            "generator decodes it)") in said(conv)
    assert conv.pipelines == 1 or any(t.get("generator") for t in conv.tasks)

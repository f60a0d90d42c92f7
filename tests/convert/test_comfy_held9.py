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


def test_a_measuring_node_passed_over_gives_its_pictures_on_as_they_are_not_a_step_not_applied():
    """KJNodes' GetImageSizeAndCount (one IMAGE in; the IMAGE, width, height and count out) passed over where its
    pictures and its size are read by a node Studio does not make (a wrapper's InfiniteTalk encode in heldout60 06 on
    fcf520cc) is said to give them on as they are: 'a step between ... not applied' implied something lost."""
    from studio.convert.mapping.passing import _step
    from studio.convert.reading.workflow import Workflow
    wf = Workflow.read({"1": {"class_type": "LoadImage", "inputs": {"image": "a.png"}},
                        "2": {"class_type": "GetImageSizeAndCount", "inputs": {"image": ["1", 0]}},
                        "3": {"class_type": "ImageInvert", "inputs": {"image": ["2", 0]}}})
    n, reader = wf.nodes["2"], wf.nodes["3"]
    line = _step(wf, n, [(reader, "image", 0)], "'ImageInvert' (#3)'s 'image'", False, "")
    assert "as they are (it measures them): nothing of it is lost" in line and "not applied" not in line
    counted = _step(wf, n, [(reader, "image", 0), (reader, "count", 3)], "'ImageInvert' (#3)'s 'image'", False, "")
    assert "not applied" not in counted  # (its count read too: rejudge11, each number said as Studio takes it)
    assert "as they are and what it measures of them: its count, not known when converting" in counted, counted

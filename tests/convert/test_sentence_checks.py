"""The sentence checks (benchmarks/sentence_checks.py) as a guard: the converter's sentences on small workflows the
tests hold (the fixtures' files and workflows the tests build) contradict nothing of the files, and the checker finds
each kind of false sentence it is told of (so a clean result means something)."""
from __future__ import annotations

import json
import os

import pytest

from benchmarks.sentence_checks import Checker, check_file

DATA = os.path.join(os.path.dirname(__file__), "data")
FIXTURES = [os.path.join(DATA, "wan21_t2v_api.json")] + [
    os.path.join(DATA, "comfyui_examples", f) for f in sorted(os.listdir(os.path.join(DATA, "comfyui_examples")))
    if f.endswith(".json")]


def _built() -> dict[str, dict]:
    """Workflows other tests build, of the kinds whose sentences were found false (a pack node read as several, a
    wrapper node read as a core one, a held task, a director's guides, a sampler of two models)."""
    from tests.convert.test_comfy_framepack_wrapper import _workflow
    from tests.convert.test_comfy_sentence_truth import _director, _kandinsky5
    from tests.convert.test_comfy_sets45_mends import _api
    duo = ("ZetaDuoExpertSampler", {"model_high": ["1", 0], "model_low": ["2", 0], "positive": ["5", 0],
                                    "negative": ["6", 0], "latent_image": ["7", 0], "seed": 7, "steps": 8,
                                    "cfg_high": 3.5, "cfg_low": 1.0, "sampler_name": "euler", "scheduler": "simple",
                                    "switch_step": 4, "sigma_shift": 5.0})
    return {"framepack.json": _workflow(end=True), "kandinsky5.json": _kandinsky5(), "director.json": _director(5)[0],
            "duo.json": _api(duo)}


@pytest.mark.parametrize("path", FIXTURES, ids=os.path.basename)
def test_the_fixture_workflows_sentences_contradict_nothing_of_their_files(path):
    assert check_file(path) == []


def test_the_built_workflows_sentences_contradict_nothing_of_their_files(tmp_path):
    for name, doc in _built().items():
        path = tmp_path / name
        path.write_text(json.dumps(doc), encoding="utf-8")
        assert check_file(str(path)) == [], name


def test_the_checker_finds_each_kind_of_false_sentence():
    c = Checker(os.path.join(DATA, "wan21_t2v_api.json"))
    assert c.check() == []
    told = [*{
        "node": "x.json: 'KSampler' (KSampler, #9:sampler) samples",  # an id the file does not have
        "type": "x.json: 'KSampler' (KSamplerAdvanced, #9) samples",  # not its type
        "title": "x.json: 'Positive' (CLIPTextEncode, #7) encodes",  # #7 is titled 'Negative'
        "input": "x.json: 'ImageSharpen' (ImageSharpen, #11), a step between its 'image' and 'KSampler' (#9)'s "
                 "'pixels': not applied",  # KSampler has no 'pixels'
        "wired": "x.json: 'VAELoader' (VAELoader, #3) gives 'KSampler' (#9)'s 'model' its model",  # #1 -> #4 -> #5 does
        "value": "x.json: 'ImageSharpen' (ImageSharpen, #11), a step: not applied (its settings: sharpen_radius 2, "
                 "sigma 0.5)",  # saved 1
    }.items(), ("type", "x.json: 'KSampler' (#9, KSamplerAdvanced)'s cfg"),
        ("wired", "- ('VAEDecode' (VAEDecode, #10) is given no 'samples')"),  # (#9 gives it)
        ("value", "x.json: 'KSampler' (#9)'s sampler_name 'euler' is the nearest")]  # (saved 'uni_pc')
    for rule, sentence in told:
        c.violations = []
        c.sentence(sentence, None)
        assert [v[0] for v in c.violations] == [rule], (rule, c.violations)
    c.violations = []  # the size of a take said from a node not on the sampler's way
    c.sentence("- the take's size and length come from ComfyUI's 'VAELoader' (VAELoader, #3), which Studio does not "
               "read: the generator's own are used", "9")
    assert [v[0] for v in c.violations] == ["size"]
    c.violations = []  # a node listed as not converted and made
    c.conv.dropped.append(next(iter(c.conv.origin.values())))
    c.dropped()
    assert [v[0] for v in c.violations] == ["dropped"]


def test_an_api_files_comment_beside_its_nodes_is_skipped():
    from benchmarks.sentence_checks import raw_nodes
    raw, kind = raw_nodes({"_comment": "set the prompt below",
                           "1": {"class_type": "LoadImage", "inputs": {"image": "a.png"}}})
    assert kind == "api" and set(raw) == {"1"} and raw["1"].values == {"image": "a.png"}


def test_a_blueprint_ends_id_with_dots_in_its_input_name_is_read_whole():
    """A blueprint's open end is named '<node>:<input>', and an input name may hold dots (heldout45's Bernini-R:
    '376:reference_images.reference_image_0'): the id is read whole, not cut at the dot to the blueprint's node."""
    from benchmarks.sentence_checks import TYPE_ID
    m = TYPE_ID.search("'R: ref' (LoadImage, #376:reference_images.reference_image_0) names no file.")
    assert m is not None and m.group(2) == "376:reference_images.reference_image_0"
    m = TYPE_ID.search("'Wan' (WanVideoSampler, #27), then stops.")
    assert m.group(2) == "27"


def test_a_loops_pass_copy_is_checked_as_its_node():
    """A node copied for a pass of a loop unrolled ('ID@2', packs/loops_unrolled.py) is that node of the file: its
    type and title are checked as the node's (a subgraph's 'outer:inner@2' never read as its outer node)."""
    c = Checker(os.path.join(DATA, "wan21_t2v_api.json"))
    c.violations = []
    c.sentence("x.json: 'KSampler' (KSampler, #9@2) samples", None)
    assert c.violations == []
    c.sentence("x.json: 'KSampler' (KSamplerAdvanced, #9@3) samples", None)
    assert [v[0] for v in c.violations] == ["type"]


def test_a_listed_value_of_several_lines_or_holding_a_clause_mark_is_read_whole():
    """A settings listing writes a text of several lines on one line as Python writes it, and a whole value may hold
    its own '; ' (settings23): both are the saved value, never a contradiction; another value still is."""
    from benchmarks.sentence_checks import _same, clause_value
    assert _same("'A/B\\n'", "A/B\n") and _same("'line one\\nline two'", "line one\nline two")
    said = clause_value("'a rainy street; neon signs, a car passes'; 'Save' (#7) fps 24")
    assert _same(said, "a rainy street; neon signs, a car passes")
    assert not _same("'A/C\\n'", "A/B\n") and not _same(clause_value("'a rainy road; x'"), "a rainy street; x")

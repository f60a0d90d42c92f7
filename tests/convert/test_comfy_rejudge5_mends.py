"""What rejudge5 found on the merged main (heldout37 07, the API export of DaSiWa's LTX-2.3 template): rgthree's
Context, which its pack declares with inputs and outputs built in a way the catalogue does not follow, sat on the
model's way and was called "a model patch ... not applied" (false: it passes the loader's model on unchanged). A node
on the model's way is called a model patch only where its pack declares (or the file saves) that it gives a model,
or where no catalogued pack declares it at all."""
from __future__ import annotations

from studio.convert import catalogue
from studio.convert.mapping.convert import convert

from .test_comfy_patch_inputs import _said, _wan_through_basic_pipe


def _through(cls: str) -> dict:
    doc = _wan_through_basic_pipe()
    doc["30"] = {"class_type": cls, "inputs": {"model": ["1", 0]}}
    return doc


def test_a_declared_node_whose_outputs_are_not_followed_is_not_called_a_model_patch():
    t = catalogue.node_type("Context (rgthree)")
    assert t is not None and t.outputs is None  # (declared, its outputs not read: the case itself)
    said = _said(convert(_through("Context (rgthree)"), "ctx"))
    assert "(Context (rgthree), #30: a model patch)" not in said and "#30), a model patch" not in said, said
    assert "'Context (rgthree)' (Context (rgthree), #30: a node not declared to give a model (a model patch, or a " \
           "node passing it on)) between the model loader and 'KSampler' (#13) is not applied" in said, said


def test_a_node_declared_to_give_a_model_or_declared_by_no_pack_is_still_a_model_patch():
    said = _said(convert(_through("AcmeModelTweak"), "tweak"))  # no pack declares it, an API file saves no types
    assert "'AcmeModelTweak' (AcmeModelTweak, #30: a model patch) between the model loader" in said, said
    said = _said(convert(_through("ModelSamplingSD3"), "sd3"))  # declared: MODEL in, MODEL out (a shift: read)
    assert "not declared to give a model" not in said, said

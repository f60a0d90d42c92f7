"""Issue 116, item 3: a setting the model cannot take is said on the node before F5, and the run does not pass it.
A converted Wan 2.2 graph pointed at a Wan 2.1 model kept Guidance 2 = 3.5 and failed in diffusers' words
('guidance_scale_2 is only supported when the pipeline's boundary_ratio is not None'). Every such pair is declared
once (base/setting_needs.py SETTING_NEEDS); the node's checks (studio.engine.edit_checks) say it and the call's
arguments (sampling/call_args.py) leave it out, saying so."""
from __future__ import annotations

import pytest

from nodes.video_models.base.capabilities import TwoExperts
from nodes.video_models.base.setting_needs import SETTING_NEEDS
from nodes.video_models.base.registry import FAMILIES
from studio.engine.edit_checks import node_checks

from .graphs import model_graph, render

pytest.importorskip("diffusers")


def test_every_declared_setting_is_refused_by_exactly_the_families_without_its_capability():
    assert any(n.setting == "guidance_2" and n.kind is TwoExperts for n in SETTING_NEEDS)
    for need in SETTING_NEEDS:
        for fam in FAMILIES.values():
            said = need.problem(fam, fam.title, 3.5)
            assert (said is None) == (fam.capability(need.kind) is not None), fam.key
            assert need.problem(fam, fam.title, need.unset) is None  # unset: nothing to say
        if need.fact:  # a family that has the capability, a model that has too little of it
            fam = next(f for f in FAMILIES.values() if f.capability(need.kind) is not None)
            assert need.problem(fam, "a model", 3.5, {need.fact: need.at_least - 1})
            assert need.problem(fam, "a model", 3.5, {need.fact: need.at_least}) is None


def test_guidance_2_on_a_wan_2_1_model_is_said_before_the_run_and_not_passed_at_it(wan_dir):
    g = model_graph(wan_dir, "video_models.text_to_video",
                    {"prompt": "a fox", "width": 16, "height": 16, "frames": 5, "steps": 1, "guidance_2": 3.5})
    before = node_checks(g, "gen")
    assert [lv for lv, _ in before] == ["warning"], before
    assert "'guidance_2' is 3.5" in before[0][1] and "one denoiser" in before[0][1]
    g.set_param("gen", "guidance_2", 0.0)
    assert node_checks(g, "gen") == []
    g.set_param("gen", "guidance_2", 3.5)
    from studio.engine.executor import Executor
    out, said = render(Executor(), g)  # diffusers refused guidance_scale_2 on this pipeline: it runs now
    assert out is not None and len(out) == 5
    assert any("'guidance_2' is 3.5" in t and "not used" in t for t in said), said

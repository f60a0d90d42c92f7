"""Issue 102 item 2: the registry says each task's inputs as the ports of the node that makes it (base/tasks.py
Maker), and every listed task has such a node; every video-making node is named by a record. Read from
``main.py families --json`` against the node declarations (no torch)."""
from __future__ import annotations

import json
import re

import pytest

from studio.cli import main
from studio.core.registry import default_registry

MODEL = "Video Model"


@pytest.fixture(scope="module")
def listed():
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["families", "--json"]) == 0
    return json.loads(out.getvalue())


def _ports(spec) -> tuple[list[str], set[str]]:
    """(its input ports but the model's, in order; the required ones)."""
    ins = [i for i in spec.inputs if i.type != MODEL]
    return [i.name for i in ins], {i.name for i in ins if not i.optional}


def test_each_family_task_lists_exactly_the_ports_of_a_node_that_makes_it(listed):
    reg = default_registry()
    wrong = []
    for r in (r for r in listed if r["kind"] == "video model"):
        assert set(r["makers"]) == set(r["tasks"]) == set(r["inputs"]), r["family"]
        for task in r["tasks"]:
            made = r["makers"][task]
            if not made:
                wrong.append(f"{r['family']} {task}: no node makes it")
                continue
            assert r["inputs"][task] == made[0]["inputs"]  # the first maker's ports
            for m in made:
                if m["node"] not in reg:
                    wrong.append(f"{r['family']} {task}: no node '{m['node']}'")
                    continue
                ports, required = _ports(reg.get(m["node"]))
                said = m["inputs"]
                if not set(said) <= set(ports) or not required <= set(said) or len(set(said)) != len(said):
                    wrong.append(f"{r['family']} {task}: {said} but {m['node']} takes {ports} ({sorted(required)} "
                                 "required)")
    assert not wrong, "\n".join(wrong)


def test_other_records_list_ports_of_the_node_that_declares_them(listed):
    """A node's own record (InfiniteTalk, Wan Dancer, the upscalers...): each input is one of its ports (its first
    word), or, for a loader's (Load Preprocessor: no inputs), a port of a node taking what the loader makes."""
    reg = default_registry()
    wrong = []
    for spec in reg.specs():
        for r in spec.model_records():
            if r.get("kind") == "video model" or r.get("kind") == "not read":
                continue
            takers = [spec] if spec.inputs else [s for s in reg.specs() if any(
                i.type in {o.type for o in spec.outputs} for i in s.inputs)]
            ports = {i.name for s in takers for i in s.inputs}
            for task in r["tasks"]:
                bad = [x for x in r["inputs"][task] if re.split(r"[ (]", x)[0] not in ports]
                if bad:
                    wrong.append(f"{spec.id} {r['family']} {task}: {bad} not among {sorted(ports)}")
    assert not wrong, "\n".join(wrong)


def test_every_video_making_node_is_named_by_a_record(listed):
    """A node making video from a Video Model (HuMo's Wan HuMo had none) is a maker of a family's task, or
    declares its own record."""
    reg = default_registry()
    named = {m["node"] for r in listed if r["kind"] == "video model" for ms in r["makers"].values() for m in ms}
    unnamed = [s.id for s in reg.specs() if any(i.type == MODEL for i in s.inputs)
               and any(o.type == "Video" for o in s.outputs) and s.id not in named and not s.model_records()]
    assert not unnamed, f"video-making nodes no record names: {unnamed}"
    assert "video_models.wan_humo" in named


def test_the_records_issue_102_found_wrong_are_true_now(listed):
    video = {r["family"]: r for r in listed if r["kind"] == "video model"}
    assert video["cosmos25"]["inputs"]["control"] == ["control", "prompt"]  # Cosmos Transfer: no mask, no references
    assert [m["node"] for m in video["cosmos25"]["makers"]["control"]] == ["video_models.cosmos_transfer"]
    assert video["easyanimate"]["inputs"]["control"] == ["control", "image", "prompt"]
    # Cosmos 3's video task: the Video to Video node (its picture), its Video + Sound node having no source clip
    assert [m["node"] for m in video["cosmos3"]["makers"]["video"]] == ["video_models.video_to_video"]
    assert any("video to video with its sound" in nb["task"] for nb in video["cosmos3"]["not_built"])
    humo = video["wan"]["makers"]["audio"]
    assert humo == [{"node": "video_models.wan_humo", "inputs": ["features", "reference", "prompt"]}]

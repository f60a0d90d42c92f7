"""Issue 102 item 1 (its 'said' half): every video pipeline of the installed diffusers is run for a family
(``pipelines`` of its record in ``main.py families``) or named there with why (a family's ``not_built``, or a
'not read' record): a new diffusers release's pipeline fails here until it is one or the other."""
from __future__ import annotations

import contextlib
import io
import json
import re

from studio.cli import main

from .diffusers_video import video_pipelines

# the ones issue 102 found neither read nor named (diffusers 0.42.1)
UNSAID_BEFORE = ("AnimateDiffControlNetPipeline", "AnimateDiffSparseControlNetPipeline", "AnimateDiffSDXLPipeline",
                 "AnimateDiffPAGPipeline", "AnimateDiffVideoToVideoControlNetPipeline", "PIAPipeline", "ConsisIDPipeline",
                 "AnyFlowPipeline", "AnyFlowFARPipeline", "SanaWMPipeline", "EchoModularPipeline",
                 "LTXI2VLongMultiPromptPipeline", "LTXLatentUpsamplePipeline", "TextToVideoZeroPipeline",
                 "TextToVideoZeroSDXLPipeline")


def _records() -> list[dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["families", "--json"]) == 0
    return json.loads(out.getvalue())


def _said_text(records) -> str:
    """Every not_built entry and every 'not read' record, in words."""
    bits = [f"{nb['task']}: {nb['why']}" for r in records for nb in r.get("not_built", [])]
    bits += [f"{r['does']}: {r['why']}" for r in records if r["kind"] == "not read"]
    return "\n".join(bits)


def test_the_finder_finds_diffusers_video_pipelines_and_no_image_ones():
    found = video_pipelines()
    assert {"WanPipeline", "StableVideoDiffusionPipeline", "TextToVideoZeroPipeline", "EchoModularPipeline",
            "LTX2DFRPipeline", "MiniMaxH3ModularPipeline"} <= found
    assert not {"StableDiffusionPipeline", "FluxPipeline", "FluxModularPipeline", "Cosmos2TextToImagePipeline"} & found
    assert len(found) >= 94  # diffusers 0.42.1's


def test_every_video_pipeline_diffusers_carries_is_read_or_said_with_why():
    records = _records()
    read = {c for r in records if r["kind"] == "video model" for c in r["pipelines"]}
    said = _said_text(records)
    neither = sorted(c for c in video_pipelines() if c not in read and c not in said)
    assert not neither, f"diffusers video pipelines neither read nor said in main.py families: {neither}"
    for c in UNSAID_BEFORE:  # named with why, or read since (a family added later: no line here to edit)
        assert c in read or c in said, c
    assert "LTX2HDRPipeline" in read  # its own node's (the LTX-2 HDR node)


def test_a_family_read_is_not_also_named_as_not_read():
    """A family added for a model Studio named but did not read removes its 'not read' record
    (catalog/not_read.py; docs/architecture.md's how-to, step 5): no such record names a read pipeline."""
    records = _records()
    read = {c for r in records if r["kind"] == "video model" for c in r["pipelines"]}
    twice = [(r["family"], c) for r in records if r["kind"] == "not read" for c in read
             if re.search(rf"\b{c}\b", f"{r['does']} {r['why']}")]
    assert not twice, f"'not read' records naming a pipeline a family reads (remove them): {twice}"

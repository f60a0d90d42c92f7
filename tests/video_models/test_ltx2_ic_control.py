"""LTX-2 control video through an IC-LoRA (issue 56 item 2): the node's frames equal diffusers'
LTX2InContextPipeline called directly with the same reference condition; a longer control clip is
trimmed and said, a shorter one refused; the LoRA's reference_downscale_factor is read from its file."""
from __future__ import annotations

import functools
from types import SimpleNamespace

import numpy as np
import pytest

from studio.core.errors import NodeExecutionError
from studio.core.params import Int
from studio.engine.clip import ArrayClip
from studio.engine.events import NodeMessage
from studio.engine.executor import Executor
from tests.sources import source

from nodes.video_models.base.errors import ModelError
from nodes.video_models.families.ltx2.ic_control import downscale_factor

from .test_ltx2 import ARGS, ltx2_graph

pytest.importorskip("diffusers")


def _control(n: int) -> np.ndarray:
    t, y, x = np.mgrid[0:n, 0:32, 0:32].astype(np.float32)
    edge = (np.abs(x - 8 - t * 2) < 2).astype(np.float32)  # a vertical line moving right: an 'edges' clip
    return np.repeat(edge[..., None], 3, -1)


CONTROL = source("test.ic_control", "video", "Video",
                  lambda p: ArrayClip(_control(p.frames), 24.0), (Int("frames", 13),))


def _graph(model, frames=13):
    g, load, gen = ltx2_graph(model)
    c = g.add_node("test.ic_control", {"frames": frames}, node_id="control")
    g.connect(c.id, "video", gen.id, "control")
    return g, gen


def test_the_node_equals_the_in_context_pipeline_called_directly(ltx2_dir):
    import torch
    from diffusers import LTX2InContextPipeline
    from diffusers.pipelines.ltx2.pipeline_ltx2_ic_lora import LTX2ReferenceCondition

    from nodes.video_models.base.calls import to_pil
    seen, ev = {}, []
    orig = LTX2InContextPipeline.__call__

    @functools.wraps(orig)
    def spy(self, *a, **kw):
        seen.update(seed=kw["generator"].initial_seed(), factor=kw["reference_downscale_factor"])
        return orig(self, *a, **kw)
    LTX2InContextPipeline.__call__ = spy
    try:
        g, gen = _graph(ltx2_dir)
        ex = Executor()
        clip = ex.run(g, targets=[gen.id], device="cpu", on_event=ev.append).value(gen.id, "video")
    finally:
        LTX2InContextPipeline.__call__ = orig
    said = [e.text for e in ev if isinstance(e, NodeMessage) and e.node_id == gen.id]
    assert any("first 9 of 13 frames are used" in t for t in said)
    assert any("control clip read in context by LTX2InContextPipeline" in t for t in said)
    assert any("no LoRA on the model" in t for t in said)  # the base model was not trained to follow it
    assert seen["factor"] == 1
    load = next(n.id for n in g.nodes.values() if n.type_id == "video_models.load")
    pipe = ex.run(g, targets=[load], device="cpu").value(load).pipeline("ic")  # diffusers' class, the model cached
    ref = LTX2ReferenceCondition(frames=[to_pil(f) for f in _control(13)[:9]], strength=1.0)
    out = pipe(prompt=ARGS["prompt"], negative_prompt=None, reference_conditions=[ref], reference_downscale_factor=1,
               height=32, width=32, num_frames=9, frame_rate=24.0, num_inference_steps=2, guidance_scale=1.0, audio_guidance_scale=1.0,
               max_sequence_length=32, generator=torch.Generator().manual_seed(seen["seed"]), output_type="np")
    assert np.array_equal(clip.frames, np.clip(np.asarray(out.frames[0], np.float32), 0, 1))


def test_a_control_clip_shorter_than_the_take_is_refused_in_words(ltx2_dir):
    g, gen = _graph(ltx2_dir, frames=5)
    with pytest.raises(NodeExecutionError, match="the control clip has 5 frames but 9 are made"):
        Executor().run(g, targets=[gen.id], device="cpu")


def test_the_downscale_factor_is_read_from_the_loras_metadata(tmp_path):
    import torch
    from safetensors.torch import save_file

    def lora(name, factor=None):
        p = tmp_path / name
        save_file({"a": torch.zeros(1)}, str(p), metadata={"reference_downscale_factor": factor} if factor else None)
        return SimpleNamespace(path=str(p))
    assert downscale_factor(SimpleNamespace(loras=[])) == 1
    assert downscale_factor(SimpleNamespace(loras=[lora("style.safetensors"), lora("ic.safetensors", "2")])) == 2
    with pytest.raises(ModelError, match="downscaled by '2.5'"):
        downscale_factor(SimpleNamespace(loras=[lora("odd.safetensors", "2.5")]))
    with pytest.raises(ModelError, match="downscaled differently .1x.*2x"):
        downscale_factor(SimpleNamespace(loras=[lora("one.safetensors", "1"), lora("two.safetensors", "2")]))


def test_ltx2_frames_0_with_a_control_clip_makes_the_clips_length():
    """15 (rluxemburg's canny IC-LoRA take): the workflow's length is the clip's count (GetImageSize), which the
    converter leaves at 0 - the generators' 'frames' says "0: the video's, where one is connected", yet LTX-2 made its
    family's 121 frames of a clip of another length. Now the clip's own length, down to the 8k + 1 rule."""
    from nodes.video_models.families.ltx2.family import FAMILY
    from nodes.video_models.families.ltx2.ic_control import take_frames
    assert take_frames(FAMILY, 0, 97) == 97
    assert take_frames(FAMILY, 0, 100) == 97  # (down: a longer take would be refused as longer than the clip)
    assert take_frames(FAMILY, 0, 200) == 193
    assert take_frames(FAMILY, 0, None) == 121  # no control clip: the family's
    assert take_frames(FAMILY, 49, 200) == 49  # asked: as asked (by the rule)


SIZED = source("test.ic_control_sized", "video", "Video",
               lambda p: ArrayClip(np.repeat(np.repeat(_control(9), 2, 1), 3, 2)[:, :40, :70], 30.0))


def test_width_height_and_fps_0_take_the_control_clips_size_and_rate(ltx2_dir):
    """ltxic10 (Lightricks' LTX-2.3 V2V IC-LoRA example: its latent GetImageSize of the control frames, its rate
    GetVideoComponents' fps of the clip): with no start picture, width and height 0 made LTX-2's default size and fps
    0 the family's 24. Now the control clip's size, rounded down to LTX-2's multiple of 32 (said), and its rate. (The
    call is stopped once its arguments are seen: the default size took minutes on the CPU.)"""
    from diffusers import LTX2InContextPipeline
    seen, ev = {}, []
    orig = LTX2InContextPipeline.__call__

    def spy(self, *a, **kw):
        seen.update(width=kw["width"], height=kw["height"], rate=kw["frame_rate"])
        raise RuntimeError("seen")
    LTX2InContextPipeline.__call__ = spy
    try:
        g, load, gen = ltx2_graph(ltx2_dir, width=0, height=0, fps=0.0)
        c = g.add_node(SIZED, {}, node_id="control")
        g.connect(c.id, "video", gen.id, "control")
        with pytest.raises(NodeExecutionError, match="seen"):
            Executor().run(g, targets=[gen.id], device="cpu", on_event=ev.append)
    finally:
        LTX2InContextPipeline.__call__ = orig
    said = [e.text for e in ev if isinstance(e, NodeMessage) and e.node_id == gen.id]
    assert (seen["width"], seen["height"], seen["rate"]) == (64, 32, 30.0)
    assert any("width and height 0: the control clip's width and height, 70x40, rounded down to multiples of 32: "
               "64x32" in t for t in said)
    assert any("fps 0: the control clip's rate, 30" in t for t in said)

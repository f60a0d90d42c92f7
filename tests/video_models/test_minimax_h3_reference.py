"""MiniMax H3 Reference to Video (issue 56): diffusers' 'ref2va' workflow run by the node equals the
modular pipeline called directly with the same references (two pictures and a sound), prompt and
seed, on a tiny random MiniMax H3 built from configs (tiny_minimax_h3.py) whose transformer_ref is
read on the first reference run; bad references are refused naming the input, before the
reference transformer is read."""
from __future__ import annotations

import functools
import os
import shutil

import numpy as np
import pytest

from studio.core.graph import Graph
from studio.core.params import Bool, Int
from studio.core.registry import default_registry
from studio.core.spec import SOURCE, Node, Out
from studio.core.values import Audio
from studio.engine.events import NodeMessage
from studio.engine.executor import Executor

pytest.importorskip("diffusers")
GEN = "video_models.minimax_h3_reference"


def _still(seed: int) -> np.ndarray:
    """A 48 x 80 still of whole bytes (its PIL image is this one exactly)."""
    return (np.random.RandomState(seed).randint(0, 256, (48, 80, 3)) / 255.0).astype(np.float32)


def _sound() -> np.ndarray:
    return (np.random.RandomState(5).randn(800, 2) * 0.1).astype(np.float32)  # 5 s at the tiny VAE's 160 Hz


class Still(Node):
    id = "test.minimax_ref_still"
    timing = SOURCE
    outputs = (Out("image", "Image"),)
    params = (Int("seed", 3), Bool("wide", False))

    def run(self, ctx):
        return _still(ctx.params.seed)[:16] if ctx.params.wide else _still(ctx.params.seed)  # wide: 80x16, 5:1


class Sound(Node):
    id = "test.minimax_ref_sound"
    timing = SOURCE
    outputs = (Out("audio", "Audio"),)
    params = (Bool("silent", False),)

    def run(self, ctx):
        return Audio(np.zeros((800, 2), np.float32) if ctx.params.silent else _sound(), 160)


class Take(Node):
    id = "test.minimax_ref_take"
    timing = SOURCE
    outputs = (Out("video", "Video"),)

    def run(self, ctx):
        from studio.engine.clip import ArrayClip
        return ArrayClip(np.random.RandomState(1).rand(30, 48, 64, 3).astype(np.float32), 24.0)


for _n in (Still, Sound, Take):
    default_registry().register(_n)
OUT = {n.id: n.outputs[0].name for n in (Still, Sound, Take)}


@pytest.fixture(scope="session")
def minimax_dir(tiny):
    return tiny("minimax-h3")


@pytest.fixture(scope="module")
def noref_dir(minimax_dir, tmp_path_factory):
    """The tiny folder without its transformer_ref/ (text and image to video only)."""
    bad = str(tmp_path_factory.mktemp("minimax-noref") / "no-ref")
    shutil.copytree(minimax_dir, bad)
    shutil.rmtree(os.path.join(bad, "transformer_ref"))
    return bad


@pytest.fixture(scope="module")
def noref_engine():
    """One engine for the refusals on the folder without transformer_ref/: the folder is loaded once, where
    each test loaded it again (each refusal, the missing folder's included, is said whatever ran before)."""
    return Executor()


def _graph(model, sources: dict, **p):
    """Load -> the reference node, ``sources``: {its input: (a test node id, params)}."""
    g = Graph()
    g.add_node("video_models.load", {"model": model}, node_id="load")
    params = {"width": 32, "height": 32, "frames": 124, "steps": 2, "seed": 3, "previews": False,
              "preview_size": "off", "prompt": "<Picture 2> hands <Picture 1> a guitar and sings <Audio 1>"}
    g.add_node(GEN, dict(params, **p), node_id="gen")
    g.connect("load", "model", "gen", "model")
    for port, (node, prm) in sources.items():
        g.add_node(node, prm, node_id=port)
        g.connect(port, OUT[node], "gen", port)
    return g


def _spied(run):
    """(run()'s value, the call's keyword arguments and the pipeline's reference short edge then)."""
    from diffusers.modular_pipelines import MiniMaxH3ModularPipeline
    seen, orig = {}, MiniMaxH3ModularPipeline.__call__

    @functools.wraps(orig)
    def spy(self, *a, **kw):
        seen.update(kw, seed=kw["generator"].initial_seed(), short_edge=self.config["reference_image_short_edge"])
        return orig(self, *a, **kw)
    MiniMaxH3ModularPipeline.__call__ = spy
    try:
        return run(), seen
    finally:
        MiniMaxH3ModularPipeline.__call__ = orig


@pytest.mark.fresh_models
def test_references_run_as_the_modular_pipeline_called_directly(minimax_dir):
    """Two pictures and a voice, in that order: the frames equal diffusers' ref2va called directly
    with the same references at the video's short edge (reference size 'match'); the folder's own
    short edge is back on the cached pipeline after the run; transformer_ref read once, said."""
    import torch
    from diffusers import ModularPipeline
    from diffusers.modular_pipelines.minimax_h3 import MiniMaxH3AudioReference, MiniMaxH3ImageReference
    from PIL import Image
    g = _graph(minimax_dir, {"image_1": ("test.minimax_ref_still", {"seed": 3}),
                             "image_2": ("test.minimax_ref_still", {"seed": 4}),
                             "audio_1": ("test.minimax_ref_sound", {})})
    msgs = []
    r, seen = _spied(lambda: Executor().run(g, targets=["gen", "load"], device="cpu", on_event=lambda e: msgs.append(
        e.text) if isinstance(e, NodeMessage) else None))
    clip = r.value("gen")
    assert (clip.n_frames, clip.width, clip.height) == (124, 32, 32)
    assert [type(x).__name__ for x in seen["references"]] == ["MiniMaxH3ImageReference", "MiniMaxH3ImageReference",
                                                              "MiniMaxH3AudioReference"]
    assert seen["short_edge"] == 32 and r.value("load").module.config["reference_image_short_edge"] == 64
    assert "MiniMax H3's transformer_ref/ (reference to video) read from the folder" in msgs, msgs
    assert any(m.startswith("MiniMax H3's transformer/ (text and image to video) set aside") for m in msgs), msgs
    assert r.value("load").module.transformer is None  # one of the two 33B transformers in memory at a time
    from .tiny_minimax_h3 import tiny_parts
    pipe = ModularPipeline.from_pretrained(minimax_dir)
    pipe.update_components(**tiny_parts(minimax_dir + ".direct"), reference_image_short_edge=32)
    shutil.rmtree(minimax_dir + ".direct", ignore_errors=True)
    pil = [Image.fromarray((_still(s) * 255).round().astype(np.uint8)) for s in (3, 4)]
    refs = [MiniMaxH3ImageReference(image=pil[0]), MiniMaxH3ImageReference(image=pil[1]),
            MiniMaxH3AudioReference(audio=torch.from_numpy(_sound().T.copy()), sample_rate=160)]
    state = pipe(prompt="<Picture 2> hands <Picture 1> a guitar and sings <Audio 1>", references=refs,
                 generator=torch.Generator().manual_seed(seen["seed"]), num_inference_steps=2, height=32, width=32,
                 num_frames=124, output_type="np")
    want = np.clip(np.asarray(state.get("videos")[0], np.float32), 0, 1)
    assert clip.frames.std() > 0.01
    assert np.array_equal(clip.frames, want)
    sound = state.get("audio")[0].numpy().T  # the soundtrack made with the video goes with the clip
    assert clip.audio.rate == 160 and clip.audio.samples.shape == sound.shape and np.array_equal(clip.audio.samples,
                                                                                                  sound)
    assert any(m.startswith("MiniMax H3 made a soundtrack with the video (160 Hz stereo") for m in msgs), msgs
    no_sound = pipe(prompt="<Picture 2> hands <Picture 1> a guitar and sings <Audio 1>", references=refs[:2],
                    generator=torch.Generator().manual_seed(seen["seed"]), num_inference_steps=2, height=32,
                    width=32, num_frames=124, output_type="np").get("videos")[0]
    assert not np.array_equal(np.clip(np.asarray(no_sound, np.float32), 0, 1), want)  # the voice reached the model


def test_reference_size_max_keeps_the_folders_short_edge(minimax_dir):
    g = _graph(minimax_dir, {"image_1": ("test.minimax_ref_still", {})}, reference_size="max")
    _, seen = _spied(lambda: Executor().run(g, targets=["gen"], device="cpu"))
    assert seen["short_edge"] == 64 and len(seen["references"]) == 1


@pytest.mark.parametrize("sources, words", [
    ({"audio_1": ("test.minimax_ref_sound", {})},
     r"no reference image or video is connected: MiniMax H3's reference to video needs at least one \(a sound "
     r"\(audio_1\) cannot be the only reference\)"),
    ({"image_1": ("test.minimax_ref_still", {}), "audio_2": ("test.minimax_ref_sound", {"silent": True})},
     r"'audio_2' holds no sound \(800 samples, all silent\)"),
    ({"video_1": ("test.minimax_ref_still", {})}, r"'video_1' is a still \(one frame\): connect it on an image input"),
    ({"image_3": ("test.minimax_ref_still", {"wide": True})},
     r"'image_3' is 80x16: MiniMax H3 takes reference images between 1:4 and 4:1"),
    (dict({f"image_{i}": ("test.minimax_ref_still", {}) for i in range(1, 10)},
          **{f"video_{i}": ("test.minimax_ref_take", {}) for i in range(1, 4)}, audio_1=("test.minimax_ref_sound", {})),
     r"13 references are connected \(9 images, 3 videos, 1 sound\): MiniMax H3 takes at most 12"),
])
def test_bad_references_are_refused_naming_the_input_before_the_reference_transformer(noref_dir, sources, words,
                                                                                     noref_engine):
    """Refused on a folder without transformer_ref/: the refusal comes before the node reads it (else
    the error would be the missing transformer's)."""
    with pytest.raises(Exception, match=words) as e:
        noref_engine.run(_graph(noref_dir, sources), targets=["gen"], device="cpu", use_cache=False)
    assert "'MiniMax H3 Reference to Video' (gen)" in str(e.value)


def test_a_reference_video_needs_torchvision_where_it_is_missing(noref_dir, noref_engine):
    from nodes.video_models.families.minimax_h3.processor import torchvision_missing
    if not torchvision_missing():
        pytest.skip("torchvision is installed here: a reference video is read")
    with pytest.raises(Exception, match=r"'video_1': MiniMax H3 reads a reference video through Qwen3-VL's video "
                                        r"processor, which needs torchvision"):
        noref_engine.run(_graph(noref_dir, {"video_1": ("test.minimax_ref_take", {})}), targets=["gen"], device="cpu")


def test_a_folder_without_transformer_ref_is_refused_naming_it(noref_dir, noref_engine):
    bad = noref_dir
    with pytest.raises(Exception, match=r"has no 'transformer_ref/' with config.json and .safetensors weights: "
                                        r"MiniMax H3's reference to video runs its own transformer"):
        noref_engine.run(_graph(bad, {"image_1": ("test.minimax_ref_still", {})}), targets=["gen"], device="cpu")
    clip = Executor().run(_graph(bad, {}, prompt="a robot"), targets=["load"], device="cpu").value("load")
    assert clip.fam.key == "minimax_h3"  # text and image to video still load from it


def test_advice_before_the_run_names_a_model_of_another_family():
    """A Wan model foreseen on 'model' is an error before the run; a MiniMax H3 one says nothing."""
    from nodes.video_models.families.minimax_h3.reference import MiniMaxH3ReferenceToVideo as Ref
    said = Ref.advise({}, None, {"model": {"family": "wan", "title": "Wan 2.1", "pipeline": "WanPipeline"}})
    assert said == [("error", "this model (Wan 2.1) is not a MiniMax H3: MiniMax H3 Reference to Video needs a "
                              "MiniMax H3 folder (modular_model_index.json)")]
    assert Ref.advise({}, None, {"model": {"family": "minimax_h3", "title": "MiniMax H3"}}) == []


def test_comfyuis_minimax_h3_dit_file_is_told_and_refused_in_words(tmp_path):
    """A MiniMax H3 DiT single file (ComfyUI's layout, by diffusers' own detection key; pruned: its
    adaln_t_table): the picker names it; alone (no MiniMax H3 folder as its base, none of ComfyUI's VAE and
    Qwen3-VL files) Load Video Model refuses it saying what it needs, before any load."""
    import torch
    from safetensors.torch import save_file

    from nodes.video_models.catalog.listing import describe_file
    path = str(tmp_path / "minimax_h3_ref2va_pruned.safetensors")
    save_file({"token_refiner.blocks.0.attn.qkv_proj.weight": torch.zeros(96, 32),
               "adaln_t_table": torch.zeros(10, 6, 32)}, path)
    e = describe_file(path)
    assert (e.kind, e.family, e.variant) == ("denoiser", "minimax_h3", "MiniMax H3 (pruned)")
    g = Graph()
    g.add_node("video_models.load", {"model": path}, node_id="load")
    with pytest.raises(Exception, match=r"(?s)a MiniMax H3 DiT file \(ComfyUI's\) is read with its Qwen3-VL text "
                                        r"encoder \('text_encoder'.* and its VAEs \('vae'.* set on Load Video Model"):
        Executor().run(g, targets=["load"], device="cpu")


@pytest.mark.fresh_models
def test_text_to_video_after_references_reads_its_transformer_again(minimax_dir):
    """The two transformers swap on one loaded model: a reference run sets transformer/ aside; readied
    for text to video after it (what modular_run does before a call), transformer/ is read again with
    the folder's weights and transformer_ref/ set aside, both said."""
    import types

    import torch

    from nodes.video_models.families.minimax_h3.partitions import use_partition
    from .tiny_minimax_h3 import tiny_parts
    r = Executor().run(_graph(minimax_dir, {"image_1": ("test.minimax_ref_still", {})}), targets=["gen", "load"],
                       device="cpu", use_cache=False)
    ref = r.value("load")
    assert ref.module.transformer is None and ref.module.transformer_ref is not None
    said = []
    use_partition(types.SimpleNamespace(info=said.append), ref, "t2v")
    assert said == ["MiniMax H3's transformer_ref/ (reference to video) set aside: one of its two transformers is in "
                    "memory at a time; it is read again when that task runs",
                    "MiniMax H3's transformer/ (text and image to video) read from the folder"]
    assert ref.module.transformer_ref is None
    want = tiny_parts(minimax_dir + ".weights")["transformer"].state_dict()
    shutil.rmtree(minimax_dir + ".weights", ignore_errors=True)
    got = ref.module.transformer.state_dict()
    assert got.keys() == want.keys() and all(torch.equal(got[k], want[k]) for k in want)

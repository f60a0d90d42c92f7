"""Kandinsky 5 as a Studio family (issue 56, item 3), added as one folder and one registry line (issue
53): a diffusers Kandinsky 5 folder loads through Load Video Model and is listed with its family and
variant; Text to Video and Image to Video make, frame for frame, what Kandinsky5T2VPipeline and
Kandinsky5I2VPipeline called directly make with the same seed (tiny random models, CPU, fp32); what
its pipelines cannot make is refused in its words before the call."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.core.graph import Graph
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, spy_call

pytest.importorskip("diffusers")

PARAMS = {"width": 32, "height": 32, "steps": 2, "guidance": 5.0, "prompt": "a red fox running",
          "negative_prompt": "static cartoon", "previews": False, "preview_size": "off", "seed": 5}


@pytest.fixture(scope="session")
def t2v_dir(tiny):
    return tiny("kandinsky5")


@pytest.fixture(scope="session")
def i2v_dir(tiny):
    return tiny("kandinsky5", i2v=True)


def _still() -> np.ndarray:
    """A 32 x 32 still whose values are whole bytes (so the node's PIL image is this one exactly)."""
    return (np.random.RandomState(3).randint(0, 256, (32, 32, 3)) / 255.0).astype(np.float32)


STILL = source("test.kandinsky5_still", "image", "Image", lambda p: _still())


def _spy(monkeypatch, cls):
    return spy_call(monkeypatch, cls, dict)


def _graph(model_dir, node="video_models.text_to_video", **p) -> Graph:
    feeds = {"image": (STILL, "image")} if node == "video_models.image_to_video" else {}
    return model_graph(model_dir, node, dict(PARAMS, **p), **feeds)


def _run(model_dir, node="video_models.text_to_video", **p):
    return Executor().run(_graph(model_dir, node, **p), targets=["gen"], device="cpu", use_cache=False).value("gen")


def test_kandinsky5_folders_load_and_are_listed_with_their_family(t2v_dir, i2v_dir):
    from nodes.video_models.catalog.listing import describe_folder
    from nodes.video_models.loading.checks import check_folder
    from nodes.video_models.loading.load import load_video_model
    for path, variant, own in ((t2v_dir, "Kandinsky 5 T2V", "Kandinsky5T2VPipeline"),
                               (i2v_dir, "Kandinsky 5 I2V", "Kandinsky5I2VPipeline")):
        assert check_folder(path)[0].key == "kandinsky5"
        e = describe_folder(path)
        assert (e.kind, e.family, e.family_title, e.variant) == ("pipeline", "kandinsky5", "Kandinsky 5", variant)
        ref = load_video_model(path, base=None, device="cpu")
        fam = ref.fam
        assert (fam.key, fam.t2v, fam.i2v, fam.frame_multiple, fam.size_multiple, fam.fps) == (
            "kandinsky5", "Kandinsky5T2VPipeline", "Kandinsky5I2VPipeline", (4, 1), 16, 24.0)
        assert type(ref.pipeline("t2v" if own.startswith("Kandinsky5T") else "i2v")).__name__ == own
        assert type(ref.pipeline("i2v")).__name__ == "Kandinsky5I2VPipeline"  # the same parts
        assert type(ref.pipeline("t2v")).__name__ == "Kandinsky5T2VPipeline"
        with pytest.raises(StudioError, match="do not do"):
            ref.pipeline("v2v")


def test_text_to_video_is_the_t2v_pipeline_called_directly(t2v_dir, monkeypatch):
    import torch
    from diffusers import Kandinsky5T2VPipeline as T2V
    calls, orig = _spy(monkeypatch, T2V)
    clip = _run(t2v_dir, frames=5)
    assert clip.n_frames == 5 and len(calls) == 1
    kw = calls[0]
    assert (kw["num_frames"], kw["height"], kw["width"], kw["guidance_scale"]) == (5, 32, 32, 5.0)
    seed = kw["generator"].initial_seed()
    out = orig(T2V.from_pretrained(t2v_dir), prompt="a red fox running", negative_prompt="static cartoon",
               height=32, width=32, num_frames=5, num_inference_steps=2, guidance_scale=5.0,
               generator=torch.Generator().manual_seed(seed), output_type="np").frames[0]
    assert np.array_equal(clip.frames, out)
    other = _run(t2v_dir, frames=5, prompt="a cat in the snow")
    assert np.abs(other.frames - clip.frames).max() > 1e-3  # the prompt reaches the frames


def test_image_to_video_is_the_i2v_pipeline_called_directly(i2v_dir, monkeypatch):
    import torch
    from diffusers import Kandinsky5I2VPipeline as I2V
    from PIL import Image
    calls, orig = _spy(monkeypatch, I2V)
    clip = _run(i2v_dir, node="video_models.image_to_video", frames=17)
    assert clip.n_frames == 17 and len(calls) == 1
    kw = calls[0]
    image = Image.fromarray(np.round(_still() * 255).astype(np.uint8))
    assert np.array_equal(np.asarray(kw["image"]), np.asarray(image))
    seed = kw["generator"].initial_seed()
    out = orig(I2V.from_pretrained(i2v_dir), image=image, prompt="a red fox running", negative_prompt="static cartoon",
               height=32, width=32, num_frames=17, num_inference_steps=2, guidance_scale=5.0,
               generator=torch.Generator().manual_seed(seed), output_type="np").frames[0]
    assert np.isfinite(out).all() and np.array_equal(clip.frames, out)


def test_image_to_video_under_17_frames_is_refused_before_the_call(i2v_dir, monkeypatch):
    from diffusers import Kandinsky5I2VPipeline as I2V
    calls, _ = _spy(monkeypatch, I2V)
    with pytest.raises(StudioError, match=r"Kandinsky 5 image to video makes 17 frames or more a call .*9 asked"):
        _run(i2v_dir, node="video_models.image_to_video", frames=9)
    assert calls == []  # the pipeline would normalise against no frames (NaN frames)


def _frames(ref):
    import torch
    return ref.pipeline("t2v")(prompt="a red fox running", height=32, width=32, num_frames=5, num_inference_steps=2,
                               guidance_scale=5.0, generator=torch.Generator().manual_seed(0), output_type="np").frames


def test_the_releases_and_comfyuis_single_files_load_with_a_kandinsky5_base(t2v_dir, tmp_path):
    from nodes.video_models.loading.load import load_video_model

    from .tiny_kandinsky5 import write_single_files
    files = write_single_files(t2v_dir, str(tmp_path / "diffusion_models"))
    want = _frames(load_video_model(t2v_dir, base=None, device="cpu"))
    for name in ("release", "comfy"):  # diffusers' names; ComfyUI's prefix (removed by Studio's converter)
        ref = load_video_model(files[name], base=t2v_dir, device="cpu")
        assert (ref.fam.key, ref.variant) == ("kandinsky5", "Kandinsky 5 T2V")
        assert np.array_equal(_frames(ref), want)


def test_a_kandinsky5_file_elsewhere_or_of_another_size_is_refused_naming_the_family(t2v_dir, wan_dir, tmp_path):
    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.loading.load import load_video_model

    from . import layouts as L
    from .tiny_kandinsky5 import released_shapes, write_single_files
    comfy = write_single_files(t2v_dir, str(tmp_path / "diffusion_models"))["comfy"]
    with pytest.raises(ModelError, match=r"is a Kandinsky 5 file but the base '.*' is a Wan model"):
        load_video_model(comfy, base=wan_dir, device="cpu")
    lite = L.write(str(tmp_path / "kandinsky5lite_i2v_5s.safetensors"), released_shapes())  # 4 GB, header only
    # (the message's end, 'hold 2', is cut off where the test's temporary paths are long: CI's are)
    with pytest.raises(ModelError, match=r"is a Kandinsky 5 file of another size than the base .* builds 1 of "
                                         r"'text_transformer_blocks' \('num_text_blocks' is 1\) but the weights"):
        load_video_model(lite, base=t2v_dir, device="cpu")
    with pytest.raises(ModelError, match=r"is a single Kandinsky 5 DiT: set the text encoder, the second text encoder, "
                                         r"the VAE file\(s\) .* or 'base' to a diffusers Kandinsky 5 folder"):
        load_video_model(lite, base=None, device="cpu")


def test_live_previews_read_its_channels_last_latents(t2v_dir):
    from studio.engine.events import NodeProgress
    g = Graph()
    g.add_node("video_models.load", {"model": t2v_dir}, node_id="load")
    g.add_node("video_models.text_to_video", dict(PARAMS, frames=5, width=64, height=32, previews=True), node_id="gen")
    g.connect("load", "model", "gen", "model")
    ev = []
    Executor().run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append)
    shapes = [e.preview.shape for e in ev if isinstance(e, NodeProgress) and e.preview is not None]
    assert shapes and all(s[1] == 2 * s[0] and s[2] == 3 for s in shapes), shapes  # 8 x 4 latents [B, T, H, W, C]


def _said_run(model_dir, node="video_models.text_to_video", **p):
    """_run's frames and what the run said."""
    said = []
    g = _graph(model_dir, node, **p)
    clip = Executor().run(g, targets=["gen"], device="cpu", use_cache=False,
                          on_event=lambda e: said.append(getattr(e, "text", ""))).value("gen")
    return clip.frames, said


@pytest.mark.parametrize("task,negative,guidance", [("t2v", "static cartoon", 5.0), ("t2v", "", 5.0),
                                                    ("t2v", "static cartoon", 1.0), ("i2v", "static cartoon", 5.0)])
@pytest.mark.fresh_models
def test_a_cached_prompt_loads_neither_text_encoder_and_makes_the_same_frames(t2v_dir, i2v_dir, tmp_path,
                                                                              monkeypatch, task, negative, guidance):
    """The prompt-embedding cache (issue 60) for Kandinsky 5: Qwen2.5-VL's states and their cumulative
    lengths and CLIP's pooled output, prompt and negative encoded one by one in the transformer's dtype
    as its call does (the negative with guidance above 1; none given: the pipeline's own default). The
    second render with only the seed changed loads neither text encoder and makes the frames of a
    render with the cache off."""
    from transformers import CLIPTextModel, Qwen2_5_VLTextModel

    from .prompt_cache_check import NOT_LOADED, counted_loads, off_then_cached
    loaded = counted_loads(monkeypatch, Qwen2_5_VLTextModel)
    loaded_2 = counted_loads(monkeypatch, CLIPTextModel)
    folder, node, frames = ((t2v_dir, "video_models.text_to_video", 5) if task == "t2v" else
                            (i2v_dir, "video_models.image_to_video", 17))

    def render(seed):
        return _said_run(folder, node, frames=frames, seed=seed, negative_prompt=negative, guidance=guidance)
    plain, first, (second, said) = off_then_cached(monkeypatch, tmp_path, render, (loaded, loaded_2))
    assert first[-1] == (["Qwen2_5_VLTextModel"], ["CLIPTextModel"])  # the first render with the cache on encoded
    assert loaded == [] and loaded_2 == [] and NOT_LOADED in said
    assert np.array_equal(second, plain) and not np.array_equal(first[0], plain)


def test_the_default_negative_cached_is_the_one_its_call_encodes():
    """A Kandinsky 5 run with guidance and no negative encodes the pipeline's own default negative: the
    recipe's copy must be the text of diffusers' call (a diffusers that changes it fails here)."""
    import inspect

    from diffusers import Kandinsky5I2VPipeline, Kandinsky5T2VPipeline

    from nodes.video_models.base.prompt_recipes import each
    from nodes.video_models.families.kandinsky5.family import NEGATIVE
    for cls in (Kandinsky5T2VPipeline, Kandinsky5I2VPipeline):
        assert f'negative_prompt = "{NEGATIVE}"' in inspect.getsource(cls.__call__)
        assert each(cls.__name__).default_negative == NEGATIVE

"""Cosmos as Studio families (issue 72): a diffusers Cosmos Predict2 Video2World folder loads through Load
Video Model with Cosmos's guardrail stand-in (said), and Image to Video makes, frame for frame, what
Cosmos2VideoToWorldPipeline called directly makes with the same arguments (tiny random model, CPU, fp32,
32 x 32, 5 frames, 2 steps); a task Predict2 has no pipeline for is refused in words; the release's,
ComfyUI's and diffusers' denoiser names are told apart by generation."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.executor import Executor
from tests.sources import source

from .graphs import model_graph, render, spy_call
from .test_video_templates import models_dir  # noqa: F401 - the fixture

pytest.importorskip("diffusers")

PARAMS = {"width": 32, "height": 32, "frames": 5, "steps": 2, "guidance": 3.0, "prompt": "a red fox running",
          "negative_prompt": "static", "previews": False, "preview_size": "off", "seed": 5}


def _still() -> np.ndarray:
    """A 32 x 32 still of whole bytes (the node's PIL image is this one exactly)."""
    return (np.random.RandomState(3).randint(0, 256, (32, 32, 3)) / 255.0).astype(np.float32)


STILL = source("test.cosmos_still", "image", "Image", lambda p: _still())


@pytest.fixture(scope="session")
def cosmos2_dir(tiny):
    return tiny("cosmos2")


def test_image_to_video_is_the_video2world_pipeline_called_directly(cosmos2_dir, monkeypatch):
    import torch
    from diffusers import Cosmos2VideoToWorldPipeline as V2W

    from nodes.video_models.families.cosmos.guardrail import UNCHECKED, safety_checker
    calls, _ = spy_call(monkeypatch, V2W, dict)
    g = model_graph(cosmos2_dir, "video_models.image_to_video", PARAMS, image=(STILL, "image"))
    clip, said = render(Executor(), g, every_node=True)
    assert (clip.n_frames, clip.width, clip.height) == (5, 32, 32) and len(calls) == 1
    assert UNCHECKED in said
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback_on_step_end")}
    seed = kw.pop("generator").initial_seed()
    assert (kw["height"], kw["width"], kw["num_frames"], kw["num_inference_steps"]) == (32, 32, 5, 2)
    monkeypatch.undo()
    pipe = V2W.from_pretrained(cosmos2_dir, safety_checker=safety_checker())
    want = pipe(**dict(kw, output_type="np"), generator=torch.Generator().manual_seed(seed)).frames[0]
    assert np.array_equal(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1))
    assert np.array_equal(np.asarray(kw["image"], np.float32) / 255.0, _still())  # the start image as given


def test_cosmos1_video2world_image_to_video_is_the_pipeline_called_directly(tiny, monkeypatch):
    """Cosmos 1.0 (the model of ComfyUI's Cosmos 7B workflow): its Video2World from a start image, 9 frames."""
    import torch
    from diffusers import CosmosVideoToWorldPipeline as V2W

    from nodes.video_models.families.cosmos.guardrail import safety_checker
    folder = tiny("cosmos1")
    calls, _ = spy_call(monkeypatch, V2W, dict)
    clip, _ = render(Executor(), model_graph(folder, "video_models.image_to_video", dict(PARAMS, frames=9),
                                             image=(STILL, "image")))
    assert (clip.n_frames, clip.width, clip.height) == (9, 32, 32) and len(calls) == 1
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback_on_step_end")}
    seed = kw.pop("generator").initial_seed()
    monkeypatch.undo()
    want = V2W.from_pretrained(folder, safety_checker=safety_checker())(
        **dict(kw, output_type="np"), generator=torch.Generator().manual_seed(seed)).frames[0]
    assert np.array_equal(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1))


def test_text_to_video_is_refused_for_predict2_in_words(cosmos2_dir):
    g = model_graph(cosmos2_dir, "video_models.text_to_video", PARAMS)
    with pytest.raises(StudioError, match=r"\(Cosmos Predict2\) makes image to video and video to video, not text "
                                          r"to video"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)


def test_cosmos_denoiser_files_are_told_by_generation(cosmos2_dir):
    import os

    from nodes.video_models.base.recognise import Tensors
    from nodes.video_models.base.registry import recognition_order
    from nodes.video_models.files.headers import safetensors_header

    def told(shapes: dict) -> tuple[str, str]:
        t = Tensors(shapes)
        r = next(r for f in recognition_order() if (r := f.recognise(t)) is not None)
        return r.family, r.variant
    header = safetensors_header(os.path.join(cosmos2_dir, "transformer", "diffusion_pytorch_model.safetensors"))
    tiny = {k: tuple(v["shape"]) for k, v in header.items() if k != "__metadata__"}
    assert told(tiny)[0] == "cosmos2"
    cosmos1 = {"net.x_embedder.proj.1.weight": (4096, 72), "net.extra_pos_embedder.pos_emb_h": (128, 4096),
               "net.blocks.block0.blocks.0.block.attn.to_q.0.weight": (4096, 4096)}
    assert told(cosmos1) == ("cosmos", "Cosmos 1.0 7B Video2World")
    predict2 = {"x_embedder.proj.1.weight": (2048, 72), "blocks.0.self_attn.q_proj.weight": (2048, 2048)}
    assert told(predict2) == ("cosmos2", "Cosmos Predict2 2B Video2World")
    assert told({**predict2, "crossattn_proj.0.weight": (1024, 100352)}) == ("cosmos25", "Cosmos Predict2.5 2B")


def _control() -> np.ndarray:
    """A 5-frame 32 x 32 control clip of whole bytes (white edges moving right on black)."""
    f = np.zeros((5, 32, 32, 3), np.float32)
    for i in range(5):
        f[i, 8:24, 4 + 3 * i] = 1.0
    return f


CONTROL = source("test.cosmos_control", "video", "Video", lambda p: __import__("studio.engine.clip", fromlist=["x"])
                 .ArrayClip(_control(), 16.0))


@pytest.fixture(scope="session")
def transfer_dir(tiny):
    return tiny("cosmos25-transfer")


def test_cosmos_transfer_is_the_transfer_pipeline_called_directly(transfer_dir, monkeypatch):
    import torch
    from diffusers import Cosmos2_5_TransferPipeline as Transfer

    from nodes.video_models.families.cosmos.guardrail import safety_checker
    calls, _ = spy_call(monkeypatch, Transfer, dict)
    p = {"prompt": "a red fox running", "steps": 2, "chunk": 5, "control_strength": 0.8, "seed": 5}
    g = model_graph(transfer_dir, "video_models.cosmos_transfer", p, control=(CONTROL, "video"))
    clip, said = render(Executor(), g)
    assert (clip.n_frames, clip.width, clip.height) == (5, 32, 32) and len(calls) == 1
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback_on_step_end")}
    kw["output_type"] = "np"
    seed = kw.pop("generator").initial_seed()
    assert (kw["num_frames"], kw["num_frames_per_chunk"], kw["controls_conditioning_scale"]) == (5, 5, 0.8)
    assert np.array_equal(np.stack([np.asarray(f, np.float32) / 255.0 for f in kw["controls"]]), _control())
    monkeypatch.undo()
    pipe = Transfer.from_pretrained(transfer_dir, safety_checker=safety_checker())
    want = pipe(**kw, generator=torch.Generator().manual_seed(seed)).frames[0]
    assert np.array_equal(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1))


def test_a_transfer_folder_refuses_the_generic_generators_in_words(transfer_dir):
    g = model_graph(transfer_dir, "video_models.text_to_video", PARAMS)
    with pytest.raises(StudioError, match="Cosmos Transfer2.5 model: it makes video from a control clip.*Cosmos "
                                          "Transfer node"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)


def test_the_cosmos_transfer_template_renders_on_the_tiny_model(models_dir, tmp_path, tiny_models):  # noqa: F811
    """cosmos_transfer (assets/graphs): the walker's edges drive the tiny Transfer2.5 standing in under the
    name the template asks for, headless on the CPU (32 x 32, 5 frames, one step)."""
    from studio.engine.media import probe

    from .test_video_templates import _template, place
    place(models_dir, tiny_models, "nvidia/Cosmos-Transfer2.5-2B")
    out = tmp_path / "cosmos_transfer.mp4"
    g = _template("cosmos_transfer", out, [("video_models.cosmos_transfer", k, v) for k, v in
                                           (("steps", 1), ("frames", 5), ("chunk", 5), ("width", 32), ("height", 32))])
    Executor(frame_caching=False).run(g, device="cpu")
    info = probe(str(out))
    assert (info["frames"], info["width"], info["height"]) == (5, 32, 32)


@pytest.mark.parametrize("node", ["video_models.text_to_video", "video_models.image_to_video"])
def test_predict25_text_and_image_to_world_are_the_pipeline_called_directly(tiny, node, monkeypatch):
    """Predict2.5's one pipeline does text and image to world: each node's frames are its call's."""
    import torch
    from diffusers import Cosmos2_5_PredictBasePipeline as Predict

    from nodes.video_models.families.cosmos.guardrail import safety_checker
    folder = tiny("cosmos25")
    calls, _ = spy_call(monkeypatch, Predict, dict)
    feeds = {"image": (STILL, "image")} if node.endswith("image_to_video") else {}
    clip, _ = render(Executor(), model_graph(folder, node, PARAMS, **feeds))
    assert (clip.n_frames, clip.width, clip.height) == (5, 32, 32) and len(calls) == 1
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback_on_step_end")}
    seed = kw.pop("generator").initial_seed()
    assert ("image" in kw) == bool(feeds)
    monkeypatch.undo()
    pipe = Predict.from_pretrained(folder, safety_checker=safety_checker())
    want = pipe(**dict(kw, output_type="np"), generator=torch.Generator().manual_seed(seed)).frames[0]
    assert np.array_equal(clip.frames, np.clip(np.asarray(want, np.float32), 0, 1))


def _release_name(key: str) -> str:
    """A diffusers CosmosTransformer3DModel (Predict2) key under the release's name, as ComfyUI's
    cosmos_predict2 files keep it: the test's own inverse of diffusers' converter, written from the names."""
    for theirs, release in (("patch_embed.proj.", "x_embedder.proj.1."), ("time_embed.t_embedder.", "t_embedder.1."),
                            ("time_embed.norm.", "t_embedding_norm."), ("proj_out.", "final_layer.linear."),
                            ("norm_out.linear_1.", "final_layer.adaln_modulation.1."),
                            ("norm_out.linear_2.", "final_layer.adaln_modulation.2."), ("transformer_blocks.", "blocks.")):
        if key.startswith(theirs):
            key = release + key[len(theirs):]
    for n, part in (("1", "self_attn"), ("2", "cross_attn"), ("3", "mlp")):
        for i in ("1", "2"):
            key = key.replace(f".norm{n}.linear_{i}.", f".adaln_modulation_{part}.{i}.")
    for theirs, release in ((".attn1.", ".self_attn."), (".attn2.", ".cross_attn."), (".to_q.", ".q_proj."),
                            (".to_k.", ".k_proj."), (".to_v.", ".v_proj."), (".to_out.0.", ".output_proj."),
                            (".norm_q.", ".q_norm."), (".norm_k.", ".k_norm."), (".ff.net.0.proj.", ".mlp.layer1."),
                            (".ff.net.2.", ".mlp.layer2.")):
        key = key.replace(theirs, release)
    return key


def test_a_predict2_file_in_the_release_names_loads_the_folders_transformer_with_it_as_base(cosmos2_dir, tmp_path):
    """ComfyUI's Cosmos Predict2 DiT file (the release's names, bare and under ComfyUI's prefix) is told as
    Predict2 and, with the folder as base, gives the folder's transformer (diffusers' converter): the same
    tensors under the same names, every other component the folder's, so its frames are the folder's."""
    import os

    import torch
    from safetensors.torch import load_file, save_file

    from nodes.video_models.catalog.listing import describe_file
    from nodes.video_models.loading.load import load_video_model
    sd = load_file(os.path.join(cosmos2_dir, "transformer", "diffusion_pytorch_model.safetensors"))
    release = {_release_name(k): v for k, v in sd.items()}
    assert len(release) == len(sd) and "blocks.0.self_attn.q_proj.weight" in release
    for prefix in ("", "model.diffusion_model."):
        path = str(tmp_path / f"cosmos_predict2_tiny{len(prefix)}.safetensors")
        save_file({prefix + k: v for k, v in release.items()}, path)
        assert describe_file(path).family == "cosmos2"
        got = load_video_model(path, base=cosmos2_dir, device="cpu").module.transformer.state_dict()
        assert got.keys() == sd.keys() and all(torch.equal(got[k], v) for k, v in sd.items()), prefix


def test_text_to_video_is_refused_for_a_cosmos1_video2world_of_any_size(tiny):
    """Issue 101: told by its transformer's input channels against its VAE's latents (4 + 1 here), not the release's
    16 + 1 alone (the tiny Video2World had not been refused)."""
    g = model_graph(tiny("cosmos1"), "video_models.text_to_video", PARAMS)
    with pytest.raises(StudioError, match=r"is a Cosmos 1\.0 Video2World model: it makes video from frames"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)

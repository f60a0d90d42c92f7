"""ComfyUI's ``embedding:NAME`` in a prompt (loading/embeddings.py): on Stable Diffusion 1.5's tiny checkpoint
(tiny_animatediff_files.py) a textual-inversion embedding written here as a safetensors file in a models folder's
embeddings/ is loaded into its CLIP text encoder with diffusers' load_textual_inversion and changes the picture, the
same twice; one not found, or found only pickled (.pt, never read), is refused in words before the model loads; a
family with no CLIP textual inversion reads the words as text, said."""
from __future__ import annotations

import os
from types import SimpleNamespace

import numpy as np
import pytest

from studio.engine.executor import Executor

from . import tiny_animatediff_files as files
from .graphs import model_graph

pytest.importorskip("diffusers")

PARAMS = {"width": 24, "height": 16, "frames": 1, "steps": 2, "guidance": 5.0, "prompt": "the cat",
          "negative_prompt": "", "previews": False, "preview_size": "off", "seed": 7}


@pytest.fixture(scope="module")
def comfy(tmp_path_factory):
    return files.write(str(tmp_path_factory.mktemp("sd15-embed")))


@pytest.fixture
def models(tmp_path, monkeypatch, comfy):
    """A models folder of its own (STUDIO_MODELS) with embeddings/: 'tinyneg' (2 vectors) and 'other' (1)."""
    import torch
    from safetensors.torch import save_file
    folder = tmp_path / "models" / "embeddings"
    folder.mkdir(parents=True)
    width = comfy["parts"]["text_encoder"].config.hidden_size
    g = torch.Generator().manual_seed(3)
    save_file({"emb_params": torch.randn(2, width, generator=g)}, str(folder / "tinyneg.safetensors"))
    save_file({"emb_params": torch.randn(1, width, generator=g)}, str(folder / "other.safetensors"))
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))
    return folder


def _take(comfy, negative: str):
    said = []
    g = model_graph(comfy["checkpoint"], "video_models.text_to_video", dict(PARAMS, negative_prompt=negative))
    clip = Executor().run(g, targets=["gen"], device="cpu", use_cache=False, on_event=lambda e: said.append(
        str(getattr(e, "message", None) or getattr(e, "text", "")))).value("gen")
    return np.asarray(clip.frames, np.float32), said


def test_an_embedding_named_in_the_negative_changes_the_picture_the_same_twice(comfy, models):
    plain, _ = _take(comfy, "blurry")
    a, said = _take(comfy, "embedding:tinyneg, blurry")
    b, _ = _take(comfy, "embedding:tinyneg, blurry")
    c, said_c = _take(comfy, "embedding:other, blurry")
    assert any("embedding 'tinyneg' loaded from" in s and "(2 vectors)" in s for s in said), said
    assert np.array_equal(a, b)  # one seed, one embedding: one picture
    assert not np.allclose(a, plain, atol=1e-4) and not np.allclose(a, c, atol=1e-4)
    assert not [s for s in said + said_c if "read as words" in s]


def test_the_embedding_changes_the_prompt_encoding(comfy, models):
    import diffusers

    from nodes.video_models.base.registry import family
    from nodes.video_models.loading.embeddings import applied
    import copy
    p = comfy["parts"]
    pipe = diffusers.StableDiffusionPipeline(  # (its text encoder and tokenizer copies: the embedding grows them)
        vae=p["vae"], text_encoder=copy.deepcopy(p["text_encoder"]), tokenizer=copy.deepcopy(comfy["tokenizer"]),
        unet=p["unet"],
        scheduler=diffusers.EulerDiscreteScheduler(), safety_checker=None, feature_extractor=None,
        requires_safety_checker=False)
    words = []
    ctx = SimpleNamespace(warn=words.append, info=words.append)
    s = SimpleNamespace(pipe=pipe, fam=family("sd15"), ref=None, task="t2v")
    before = len(pipe.tokenizer)
    prompt, neg = applied(ctx, s, "Text to Video", "the cat", "embedding:tinyneg, blurry")
    assert prompt == "the cat" and neg.startswith("<emb-tinyneg-") and neg.endswith(", blurry")
    assert len(pipe.tokenizer) == before + 2  # its two vectors: the token and token_1
    again = applied(ctx, s, "Text to Video", "the cat", "embedding:tinyneg, blurry")
    assert again == (prompt, neg) and len(pipe.tokenizer) == before + 2  # loaded once

    def enc(text):
        return pipe.encode_prompt(text, "cpu", 1, False)[0].detach()
    assert not np.allclose(enc(neg).numpy(), enc("blurry").numpy())
    assert np.array_equal(enc(neg).numpy(), enc(neg).numpy())


def test_missing_or_pickled_embeddings_are_refused_before_the_model_loads(comfy, models):
    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.base.registry import family
    from nodes.video_models.loading.embeddings import check
    with pytest.raises(ModelError, match=r"Text to Video: the prompt's 'embedding:nothere' .* not in any models "
                                         r"folder's embeddings/ .*put its \.safetensors file there"):
        check("Text to Video", family("sd15"), ("the cat", "embedding:nothere"))
    (models / "badoutV2.pt").write_bytes(b"not a pickle: never read")
    for named in ("embedding:badoutV2.pt", "embedding:badoutV2"):
        with pytest.raises(ModelError, match=r"'embedding:badoutV2(\.pt)?' is '.*badoutV2\.pt', a pickled \.pt file, "
                                             r"which Studio never unpickles: put a \.safetensors copy of it "
                                             r"\(badoutV2\.safetensors\)"):
            check("Text to Video", family("sd15"), ("the cat", named))
    check("Text to Video", family("wan"), ("embedding:nothere",))  # not loaded there: nothing looked for
    # a run: refused in those words, its model never loaded
    with pytest.raises(Exception, match="'embedding:badoutV2' is .* never unpickles"):
        _take(comfy, "embedding:badoutV2")
    # a safetensors copy beside the .pt is what 'embedding:badoutV2.pt' loads
    import shutil
    shutil.copy(models / "other.safetensors", models / "badoutV2.safetensors")
    from nodes.video_models.loading.embeddings import found
    assert found("T", ("embedding:badoutV2.pt",))[0].path == str(models / "badoutV2.safetensors")


def test_a_family_with_no_textual_inversion_reads_the_words_said(models):
    from nodes.video_models.base.registry import family
    from nodes.video_models.loading.embeddings import applied, names_in
    warned = []
    ctx = SimpleNamespace(warn=warned.append, info=warned.append)
    s = SimpleNamespace(pipe=object(), fam=family("wan"), ref=None, task="t2v")
    assert applied(ctx, s, "Text to Video", "a fox", "embedding:easynegative, nsfw") == (
        "a fox", "embedding:easynegative, nsfw")
    assert len(warned) == 1 and warned[0].startswith("Text to Video: 'embedding:easynegative' read as words")
    assert names_in("embedding:easynegative, embedding:badhandv4, nsfw", "(embedding:x:1.2) embedding:y.") == [
        "easynegative", "badhandv4", "x", "y"]
    assert os.path.basename(str(models)) == "embeddings"


@pytest.fixture(scope="module")
def sdxl(tmp_path_factory):
    from . import tiny_sdxl_files
    return tiny_sdxl_files.write(str(tmp_path_factory.mktemp("sdxl-embed")))


def test_an_sdxl_embedding_goes_on_both_text_encoders_and_changes_the_picture(sdxl, tmp_path, monkeypatch):
    """SDXL's embeddings hold a vector for each text encoder ('clip_l', 'clip_g'): each goes on its own."""
    import torch
    from safetensors.torch import save_file
    folder = tmp_path / "embeddings"
    folder.mkdir()
    p = sdxl["parts"]
    wl, wg = p["text_encoder"].config.hidden_size, p["text_encoder_2"].config.hidden_size
    g = torch.Generator().manual_seed(5)
    for name in ("xlneg", "xlother"):
        save_file({"clip_l": torch.randn(2, wl, generator=g), "clip_g": torch.randn(2, wg, generator=g)},
                  str(folder / f"{name}.safetensors"))
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path))
    takes = {}
    for neg in ("embedding:xlneg, blurry", "embedding:xlneg, blurry", "embedding:xlother, blurry"):
        said = []
        gr = model_graph(sdxl["checkpoint"], "video_models.text_to_video", dict(PARAMS, negative_prompt=neg))
        clip = Executor().run(gr, targets=["gen"], device="cpu", use_cache=False, on_event=lambda e: said.append(
            str(getattr(e, "message", None) or getattr(e, "text", "")))).value("gen")
        takes.setdefault(neg, []).append(np.asarray(clip.frames, np.float32))
        assert any("embedding '" in s and "loaded from" in s for s in said), said
    a, b = takes["embedding:xlneg, blurry"]
    assert np.array_equal(a, b) and not np.allclose(a, takes["embedding:xlother, blurry"][0], atol=1e-4)
    import copy

    import diffusers

    from nodes.video_models.base.registry import family
    from nodes.video_models.loading.embeddings import applied
    pipe = diffusers.StableDiffusionXLPipeline(
        vae=p["vae"], text_encoder=copy.deepcopy(p["text_encoder"]), text_encoder_2=copy.deepcopy(p["text_encoder_2"]),
        tokenizer=copy.deepcopy(sdxl["tokenizer"]), tokenizer_2=copy.deepcopy(sdxl["tokenizer_2"]), unet=p["unet"],
        scheduler=diffusers.EulerDiscreteScheduler())
    n1, n2 = len(pipe.tokenizer), len(pipe.tokenizer_2)
    s = SimpleNamespace(pipe=pipe, fam=family("sdxl"), ref=None, task="t2v")
    _, neg = applied(SimpleNamespace(warn=print, info=print), s, "Text to Video", "a cat", "embedding:xlneg")
    assert (len(pipe.tokenizer), len(pipe.tokenizer_2)) == (n1 + 2, n2 + 2)
    with torch.no_grad():
        e = pipe.encode_prompt(neg, device="cpu", do_classifier_free_guidance=False)[0]
        plain = pipe.encode_prompt("blurry", device="cpu", do_classifier_free_guidance=False)[0]
    assert not torch.allclose(e, plain)

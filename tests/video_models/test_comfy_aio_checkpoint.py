"""An all-in-one checkpoint of a video model (ComfyUI's Load Checkpoint file: the denoiser under
'model.diffusion_model.', the UMT5 / T5 text encoder under 'text_encoders.<name>.transformer.' with its tokenizer as
'text_encoders.spiece_model', the VAE under 'vae.' or 'first_stage_model.'; Phr00t's Wan 2.2 Rapid AIO is one) given
to Load Video Model as 'model' alone: its text encoder and VAE are read from it (files/checkpoint_parts.py,
loading/family_parts.checkpoint_parts), said in the load's info line, and it makes the frames of the three separate
files holding the same weights. The same file given as text_encoder and vae too loads alike; a denoiser-only file
keeps its refusal naming what to give; a file with a VAE but no text encoder names the text encoder."""
from __future__ import annotations

import os

import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model

from . import tiny_ltx as tl
from . import tiny_parts as tp

pytest.importorskip("diffusers")
CPU = torch.device("cpu")


def _aio(files: dict[str, str], path: str, vae_prefix: str = "vae.", text: bool = True) -> str:
    """The three files' tensors in one file under ComfyUI's checkpoint prefixes (``text``: with the text encoder)."""
    from safetensors.torch import load_file, save_file
    out = {"model.diffusion_model." + k: v for k, v in load_file(files["denoiser"]).items()}
    if text:
        for k, v in load_file(files["text_encoder"]).items():
            out["text_encoders." + k if k == "spiece_model" else "text_encoders.umt5xxl.transformer." + k] = v
    out.update({vae_prefix + k: v for k, v in load_file(files["vae"]).items()})
    save_file(out, path)
    return path


@pytest.fixture(scope="module")
def wan(tmp_path_factory):
    """ComfyUI's three files of the tiny Wan 2.1 T2V and the same weights as all-in-one files: 'aio' ('vae.'),
    'aio_sd' ('first_stage_model.'), 'no_text' (denoiser and VAE), 'denoiser' ('model.diffusion_model.' only)."""
    root = tmp_path_factory.mktemp("aio")
    files = tp.write_parts(tp.build(str(root / "wan21")), str(root / "models"))
    files["aio"] = _aio(files, str(root / "models" / "wan2.2-rapid-aio-tiny.safetensors"))
    files["aio_sd"] = _aio(files, str(root / "models" / "wan-aio-sd-tiny.safetensors"), "first_stage_model.")
    files["no_text"] = _aio(files, str(root / "models" / "wan-den-vae-tiny.safetensors"), text=False)
    return files


def _run(**load):
    """Load Video Model -> Text to Video (one 16x16 frame, 2 steps): (the clip's frames, the load's messages)."""
    from studio.engine.events import NodeMessage
    from studio.engine.executor import Executor
    said = []
    r = Executor().run(tp.t2v_graph("a red fox running in the snow", **load), targets=["gen"], device="cpu",
                       use_cache=False, on_event=said.append)
    return r.value("gen").frames, [e.text for e in said if isinstance(e, NodeMessage) and e.node_id == "load"]


def test_one_all_in_one_file_as_model_makes_the_three_files_frames(wan):
    three, _ = _run(model=wan["denoiser"], text_encoder=wan["text_encoder"], vae=wan["vae"])
    one, said = _run(model=wan["aio"])
    assert one.shape == three.shape and one.shape[0] == 1
    assert (one == three).all()
    assert ("text encoder and VAE: read from 'wan2.2-rapid-aio-tiny.safetensors' itself, an all-in-one checkpoint "
            "(its 'text_encoders.umt5xxl.transformer.' and 'vae.' tensors), as ComfyUI's Load Checkpoint reads them: "
            "the text_encoder and vae inputs are empty") in said, said
    assert "VAE: wan2.2-rapid-aio-tiny.safetensors: Wan 2.1 VAE (in the checkpoint), fp32" in said, said


def test_the_same_file_as_text_encoder_and_vae_loads_its_parts_and_the_denoiser_reads_none_of_them(wan, monkeypatch):
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "1")  # the text encoder waits for a prompt not in the cache
    said = []
    ref = load_video_model(wan["aio_sd"], base=None, device=CPU, dtype_name="fp32", info=said.append,
                           parts={"text_encoder": wan["aio_sd"], "vae": wan["aio_sd"]})
    three = load_video_model(wan["denoiser"], base=None, device=CPU, dtype_name="fp32",
                             parts={"text_encoder": wan["text_encoder"], "vae": wan["vae"]})
    for name in ("transformer", "vae"):
        got, held = getattr(ref.module, name).state_dict(), getattr(three.module, name).state_dict()
        assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held), name
    assert not any("read from" in s for s in said)  # given, not filled in
    assert "VAE: wan-aio-sd-tiny.safetensors: Wan 2.1 VAE (in the checkpoint), fp32" in said
    assert any(s.startswith("text encoder: wan-aio-sd-tiny.safetensors: UMT5") and "tokenizer from the file" in s
               for s in said), said
    # the waiting text encoder is counted by its own tensors, not the whole file
    assert 0 < ref.shared.text_loader.nbytes < os.path.getsize(wan["aio_sd"]) - os.path.getsize(wan["denoiser"]) // 2
    assert ref.shared.text_loader.nbytes <= os.path.getsize(wan["text_encoder"])


def test_a_denoiser_only_file_keeps_its_refusal(wan, tmp_path):
    from safetensors.torch import load_file, save_file
    den = str(tmp_path / "wan2.1_t2v_tiny_comfy.safetensors")
    save_file({"model.diffusion_model." + k: v for k, v in load_file(wan["denoiser"]).items()}, den)
    with pytest.raises(ModelError) as e:
        load_video_model(den, base=None, device=CPU)
    assert str(e.value) == (f"'{den}' is a single Wan denoiser: set the text encoder and the VAE files (as ComfyUI's "
                            "loaders take them), or 'base' to a diffusers Wan folder")


def test_a_file_holding_a_vae_but_no_text_encoder_names_the_text_encoder(wan):
    with pytest.raises(ModelError) as e:
        load_video_model(wan["no_text"], base=None, device=CPU)
    assert str(e.value) == (f"'{wan['no_text']}' holds a Wan denoiser and its VAE but no text encoder: set the text "
                            "encoder file (as ComfyUI's loaders take it), or 'base' to a diffusers Wan folder")


def test_an_ltx_video_checkpoint_holding_its_t5_needs_no_text_encoder_file(tmp_path):
    """LTX-Video's reader reads a checkpoint's VAE itself; its T5 under 'text_encoders.t5xxl.transformer.' is read
    from the file too where text_encoder is empty (the tokenizer: the folder beside it, as for a t5xxl file)."""
    from safetensors.torch import load_file, save_file
    folder = tl.build(str(tmp_path / "ltx-tiny"))
    files = tl.write_parts(folder, str(tmp_path / "models"))
    aio = os.path.join(os.path.dirname(files["text_encoder"]), "ltxv-aio-tiny.safetensors")  # beside tokenizer/
    save_file({**load_file(files["denoiser"]),
               **{"text_encoders.t5xxl.transformer." + k: v for k, v in load_file(files["text_encoder"]).items()}}, aio)
    said = []
    one = load_video_model(aio, base=None, device=CPU, dtype_name="fp32", info=said.append)
    two = load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32",
                           parts={"text_encoder": files["text_encoder"]})
    assert said[0] == ("text encoder: read from 'ltxv-aio-tiny.safetensors' itself, an all-in-one checkpoint (its "
                       "'text_encoders.t5xxl.transformer.' tensors), as ComfyUI's Load Checkpoint reads it: the "
                       "text_encoder input is empty")
    assert "VAE: ltxv-aio-tiny.safetensors: LTX-Video VAE (in the checkpoint), fp32" in said
    said = []
    three = load_video_model(aio, base=None, device=CPU, dtype_name="fp32", info=said.append, parts={"vae": aio})
    assert "VAE: ltxv-aio-tiny.safetensors: LTX-Video VAE (in the checkpoint), fp32" in said  # its own: no 'instead'
    for name in ("transformer", "text_encoder", "vae"):
        held = getattr(two.module, name).state_dict()
        for m in (one, three):
            got = getattr(m.module, name).state_dict()
            assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held), name


def test_a_scaled_fp8_text_encoder_inside_keeps_its_scales_and_leaves_its_marker(tmp_path):
    """ComfyUI's scaled fp8 under the checkpoint's prefix: each weight's '.scale_weight' stays its scale, the
    'scaled_fp8' marker (no weight) is not one of the part's tensors, nor left to the denoiser; the tokenizer under
    'text_encoders.'."""
    from safetensors.torch import save_file

    from nodes.video_models.files.checkpoint_parts import part_of, without
    from nodes.video_models.files.weight_formats import read_weight_file
    pre = "text_encoders.umt5xxl.transformer."
    path = str(tmp_path / "aio-fp8.safetensors")
    save_file({"model.diffusion_model.head.head.weight": torch.zeros(4, 8),
               pre + "encoder.block.0.layer.0.SelfAttention.q.weight": torch.zeros(8, 8).to(torch.float8_e4m3fn),
               pre + "encoder.block.0.layer.0.SelfAttention.q.scale_weight": torch.ones(()),
               pre + "scaled_fp8": torch.empty(0, dtype=torch.float8_e4m3fn),
               "text_encoders.spiece_model": torch.zeros(3, dtype=torch.uint8),
               "vae.decoder.conv_in.weight": torch.zeros(2, 2)}, path)
    wf = read_weight_file(path)
    te = part_of(wf, "text_encoder")
    assert set(te.tensors) == {"encoder.block.0.layer.0.SelfAttention.q.weight", "spiece_model"}
    assert te.scales == {"encoder.block.0.layer.0.SelfAttention.q.weight":
                         pre + "encoder.block.0.layer.0.SelfAttention.q.scale_weight"}
    assert set(part_of(wf, "vae").tensors) == {"decoder.conv_in.weight"}
    assert set(without(wf, ("text_encoder", "vae")).tensors) == {"model.diffusion_model.head.head.weight"}

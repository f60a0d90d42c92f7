"""LTX-2.3 and LTX-2 from the split files ComfyUI workflows load (issue 112): a tiny LTX-2.3 built in diffusers from
its configs, written in the layouts of Kijai's files (the transformer alone with its text connectors, as
ltx-2.3-22b-dev_transformer_only; the text projection alone, as ltx-2.3_text_projection_bf16, DualCLIPLoader's second
file; the video VAE without a prefix, as LTX23_video_vae_bf16; the audio VAE with its vocoder, as
LTX23_audio_vae_bf16, beside the VAE) makes the picture and the sound of its diffusers folder exactly; the
projection and connectors in one second file (ltx-2.3-22b-dev_embeddings_connectors) read the same; a missing part is
refused by name before anything is loaded."""
from __future__ import annotations

import os

import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model

from . import tiny_ltx2_parts as tl
from . import tiny_parts as tp
from .refusals import refuse_loads

pytest.importorskip("diffusers")
CPU = torch.device("cpu")
PROMPT = "a singer singing into the camera on stage, cinematic"
DIT = "model.diffusion_model."


def split_files(folder: str, out: str, connectors_apart: bool = False, old: bool = False) -> dict[str, str]:
    """The folder's LTX-2.3 as Kijai's split files in ``out`` (models/diffusion_models, text_encoders, vae):
    ``connectors_apart``: the connectors with the projection in the second file, not in the transformer; ``old``:
    LTX-2's names (its projection as ComfyUI names it once loaded, text_embedding_projection.weight)."""
    from safetensors.torch import save_file
    state = tl.checkpoint_state(folder)
    files = tl.write_files(folder, os.path.join(out, "text_encoders"), parts=("transformer",))
    os.remove(files.pop("checkpoint"))
    conn = ("video_embeddings_connector.", "audio_embeddings_connector.")
    proj = {k[len(DIT):] if k.startswith(DIT) else k: v for k, v in state.items()
            if "text_embedding_projection." in k}  # top level, as ComfyUI's sd_detect reads them
    if old:
        proj = {k.replace(".aggregate_embed.", "."): v for k, v in proj.items()}
    blocks = {k: v for k, v in state.items() if k.startswith(DIT) and k[len(DIT):].startswith(conn)}
    den = {k: v for k, v in state.items() if k.startswith(DIT) and "text_embedding_projection." not in k
           and (not connectors_apart or k not in blocks)}
    for sub in ("diffusion_models", "vae"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    g, k = ("ltx-2", "LTX2") if old else ("ltx-2.3", "LTX23")
    files["transformer"] = os.path.join(out, "diffusion_models", f"{g}-tiny-dev_transformer_only_bf16.safetensors")
    second = f"{g}-tiny-dev_embeddings_connectors" if connectors_apart else f"{g}_text_projection_bf16"
    files["text_encoder_2"] = os.path.join(out, "text_encoders", second + ".safetensors")
    files["vae"] = os.path.join(out, "vae", f"{k}_video_vae_bf16.safetensors")
    files["audio_vae"] = os.path.join(out, "vae", f"{k}_audio_vae_bf16.safetensors")
    for path, part in ((files["transformer"], den), (files["text_encoder_2"], {**proj, **(blocks if connectors_apart
                                                                                            else {})}),
                       (files["vae"], {k[len("vae."):]: v for k, v in state.items() if k.startswith("vae.")}),
                       (files["audio_vae"], {k: v for k, v in state.items()
                                             if k.startswith(("audio_vae.", "vocoder."))})):
        save_file({k: v.contiguous() for k, v in part.items()}, path)
    return files


@pytest.fixture(scope="module")
def ltx23(tmp_path_factory, tiny):
    folder = tiny("ltx2-parts", generation="LTX-2.3")
    return folder, split_files(folder, str(tmp_path_factory.mktemp("ltx23split") / "models"))


def _made(ref):
    out = ref.pipeline("t2v")(prompt=PROMPT, negative_prompt="blue", height=64, width=64, num_frames=9,
                              frame_rate=24.0, num_inference_steps=2, guidance_scale=2.0, max_sequence_length=32,
                              generator=torch.Generator().manual_seed(0), output_type="pt")
    return out.frames, out.audio


def _load(files, **kw):
    parts = kw.pop("parts", {c: files[c] for c in ("text_encoder", "text_encoder_2", "vae")})
    return load_video_model(files["transformer"], base=None, device=CPU, dtype_name="fp32", parts=parts, **kw)


@pytest.mark.fresh_models
def test_ltx23_split_files_make_the_folders_picture_and_sound_exactly(ltx23, monkeypatch):
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "0")  # every part loaded at once, to compare
    folder, files = ltx23
    said = []
    one = _load(files, info=said.append)
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    assert one.variant == ref.variant == "LTX-2.3"
    for name in ("transformer", "connectors", "vae", "audio_vae", "vocoder"):
        got, held = getattr(one.module, name).state_dict(), getattr(ref.module, name).state_dict()
        assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held), name
    frames, audio = _made(one)
    want = _made(tp.fresh(ref))
    assert torch.equal(frames, want[0]) and torch.equal(audio, want[1]) and audio.shape[-1] > 1000
    assert any(s.startswith("text connectors: ltx-2.3-tiny-dev_transformer_only_bf16.safetensors: LTX-2.3 text "
                            "connectors (from the transformer, their projection from "
                            "'ltx-2.3_text_projection_bf16.safetensors')") for s in said), said
    assert any(s.startswith("audio VAE: LTX23_audio_vae_bf16.safetensors: LTX-2.3 audio VAE") and
               "beside the VAE or the transformer" in s for s in said), said


def test_through_the_graph_the_ltx2_node_renders_the_split_files_as_the_folder(ltx23):
    """Load Video Model's model, text_encoder, text_encoder_2 and vae as the converter sets them from a workflow's
    UNETLoader, DualCLIPLoader and VAELoader (the prompt cache as it is: Gemma waits for a prompt)."""
    from .graphs import ltx2_take
    folder, files = ltx23
    (a, sa, va), (b, sb, vb) = ltx2_take(PROMPT, **{c: files[c] for c in ("text_encoder", "text_encoder_2", "vae")},
                                         model=files["transformer"]), ltx2_take(PROMPT, model=folder)
    assert va == vb == "LTX-2.3" and a.frames.shape == b.frames.shape == (9, 64, 64, 3)
    assert abs(a.frames.astype("float64") - b.frames.astype("float64")).max() < 1e-5
    assert sa.samples.shape == sb.samples.shape and sa.samples.shape[0] > 1000
    assert abs(sa.samples.astype("float64") - sb.samples.astype("float64")).max() < 1e-5


def test_the_connectors_in_the_second_file_load_as_the_folders(ltx23, tmp_path, monkeypatch):
    """ltx-2.3-22b-dev_embeddings_connectors: the projection and the connectors in DualCLIPLoader's second file;
    also found beside the text encoder when 'text_encoder_2' is not set."""
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "0")
    folder, _ = ltx23
    files = split_files(folder, str(tmp_path / "models"), connectors_apart=True)
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    for parts in ({c: files[c] for c in ("text_encoder", "text_encoder_2", "vae")},
                  {c: files[c] for c in ("text_encoder", "vae")}):
        said = []
        one = _load(files, parts=parts, info=said.append)
        got, held = one.module.connectors.state_dict(), ref.module.connectors.state_dict()
        assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held)
        assert any("from 'ltx-2.3-tiny-dev_embeddings_connectors.safetensors', their projection from "
                   "'ltx-2.3-tiny-dev_embeddings_connectors.safetensors'" in s for s in said), said


def test_ltx2_split_files_load_the_folders_parts(tiny, tmp_path, monkeypatch):
    """LTX-2 (19B's layout): the transformer alone, the connectors with the projection in the second file
    (ltx-2-19b-embeddings_connector_dev_bf16), the projection named as ComfyUI names it once loaded, the video
    and audio VAE files: each part the folder's, tensor for tensor (no take: LTX-2.3's makes one)."""
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "0")
    folder = tiny("ltx2-parts")
    files = split_files(folder, str(tmp_path / "models"), connectors_apart=True, old=True)
    said = []
    one = _load(files, info=said.append)
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    assert one.variant == ref.variant == "LTX-2"
    for name in ("transformer", "connectors", "vae", "audio_vae", "vocoder"):
        got, held = getattr(one.module, name).state_dict(), getattr(ref.module, name).state_dict()
        assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held), name
    assert any(s.startswith("audio VAE: LTX2_audio_vae_bf16.safetensors: LTX-2 audio VAE") for s in said), said


@pytest.fixture
def no_loads(monkeypatch):
    from nodes.video_models.families.ltx2 import split23
    from nodes.video_models.files import parts, single_file
    refuse_loads(monkeypatch, "a model was built before the parts were checked", (single_file, "lean_load"),
                 (parts, "load_part"), (split23, "load_part"), (split23, "lean_load"), (split23, "load_with_config"))


def test_missing_or_wrong_split_files_are_refused_by_name_before_loading(ltx23, tmp_path, no_loads, tiny):
    import shutil

    from safetensors.torch import save_file
    folder, files = ltx23
    with pytest.raises(ModelError, match=r"is LTX-2\.3's transformer alone \(no VAE, audio VAE or vocoder in it\): set "
                                         r"the VAE \(LTX23_video_vae_bf16\)"):
        _load(files, parts={"text_encoder": files["text_encoder"]})
    # no projection anywhere: the text encoder alone in its folder, no 'text_encoder_2'
    lone = tmp_path / "lone"
    shutil.copytree(os.path.dirname(files["text_encoder"]), lone, ignore=shutil.ignore_patterns("*projection*"))
    with pytest.raises(ModelError, match=r"LTX-2\.3's text projection \(text_embedding_projection\.\*\) is in none of "
                                         r"its files: .* no second text-encoder file was given; set 'text_encoder_2'"):
        _load(files, parts={"text_encoder": str(lone / "gemma_3_tiny_it.safetensors"), "vae": files["vae"]})
    # the audio VAE gone from beside the VAE and the transformer
    apart = tmp_path / "apart"
    for sub in ("diffusion_models", "vae"):
        os.makedirs(apart / sub)
    den = str(apart / "diffusion_models" / "t.safetensors")
    vae = str(apart / "vae" / "LTX23_video_vae_bf16.safetensors")
    shutil.copy(files["transformer"], den)
    shutil.copy(files["vae"], vae)
    with pytest.raises(ModelError, match=r"'t\.safetensors' is LTX-2\.3's alone \(no audio VAE in it\).* found none: "
                                         r"put it there, or give the all-in-one checkpoint"):
        _load({**files, "transformer": den, "vae": vae})
    # LTX-2's audio VAE beside LTX-2.3's parts
    old = tl.checkpoint_state(tiny("ltx2-parts"), ("audio_vae", "vocoder"))
    save_file(old, str(apart / "vae" / "LTX2_audio_vae_bf16.safetensors"))
    with pytest.raises(ModelError, match=r"the vocoder '.*LTX2_audio_vae_bf16\.safetensors' \(LTX-2\.3 vocoder\) is "
                                         r"LTX-2's \(no bandwidth extender\), but the transformer 't\.safetensors' is "
                                         r"LTX-2\.3's"):
        _load({**files, "transformer": den, "vae": vae})
    # a second file holding neither projection nor connectors (Gemma given twice)
    with pytest.raises(ModelError, match=r"the second text-encoder file '.*gemma_3_tiny_it\.safetensors' holds neither "
                                         r"LTX-2's text projection"):
        _load(files, parts={"text_encoder": files["text_encoder"], "text_encoder_2": files["text_encoder"],
                            "vae": files["vae"]})



def test_the_second_file_beside_an_all_in_one_checkpoint_is_said_not_read(ltx23, tmp_path):
    """DualCLIPLoader's projection file with the all-in-one checkpoint as the model: the checkpoint's own read,
    the second file said not read (and refused where it holds no projection)."""
    folder, files = ltx23
    whole = tl.write_files(folder, str(tmp_path / "whole"))
    said = []
    one = load_video_model(whole["checkpoint"], base=None, device=CPU, dtype_name="fp32", info=said.append,
                           parts={"text_encoder": whole["text_encoder"], "text_encoder_2": files["text_encoder_2"]})
    assert one.variant == "LTX-2.3"
    assert "second text encoder: 'ltx-2.3_text_projection_bf16.safetensors' not read: the checkpoint holds its own " \
           "text connectors and projection" in said
    with pytest.raises(ModelError, match=r"the second text-encoder file '.*LTX23_video_vae_bf16\.safetensors' holds "
                                         r"neither LTX-2's text projection"):
        load_video_model(whole["checkpoint"], base=None, device=CPU, dtype_name="fp32",
                         parts={"text_encoder": whole["text_encoder"], "text_encoder_2": files["vae"]})


@pytest.mark.fresh_models
def test_an_fp8_scaled_or_gguf_transformer_alone_makes_a_picture_near_the_folders(ltx23, tmp_path, monkeypatch):
    """ltx-2.3-22b-dev_transformer_only_fp8_scaled (ComfyUI's scaled fp8: the blocks' and the connectors' 2-D weights
    with a per-tensor scale_weight) and a GGUF Q8_0 transformer (the blocks quantised; the connectors in the second
    file, or in the GGUF, read dequantised): the picture's PSNR against the folder's is stated."""
    from safetensors.torch import load_file

    from . import tiny_formats as tf
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "0")
    folder, files = ltx23
    want = _made(tp.fresh(load_video_model(folder, base=None, device=CPU, dtype_name="fp32")))
    state = load_file(files["transformer"])
    blocks = lambda k, v: v.dim() == 2 and k.endswith(".weight") and ("_blocks." in k)  # noqa: E731
    fp8 = tf.write_fp8(state, str(tmp_path / "ltx-2.3-tiny-dev_transformer_only_fp8_scaled.safetensors"),
                       torch.float8_e4m3fn, scaled=True, pick=blocks)
    apart = split_files(folder, str(tmp_path / "apart"), connectors_apart=True)
    gguf = tf.write_gguf(load_file(apart["transformer"]), str(tmp_path / "ltx-2.3-tiny-dev-Q8_0.gguf"), "Q8_0",
                         pick=blocks)
    # measured: 42.4 dB (fp8 scaled) and 57.9 dB (Q8_0)
    whole = tf.write_gguf(state, str(tmp_path / "ltx-2.3-tiny-dev-with-connectors-Q8_0.gguf"), "Q8_0", pick=blocks)
    for den, second, floor in ((fp8, files["text_encoder_2"], 38), (gguf, apart["text_encoder_2"], 50),
                               (whole, files["text_encoder_2"], 50)):
        said = []
        one = _load({**files, "transformer": den, "text_encoder_2": second}, info=said.append)
        frames, audio = _made(one)
        pic = tf.psnr(want[0], frames)
        print(f"LTX-2.3 split files, {os.path.basename(den)}: picture {pic:.1f} dB against the fp32 folder's")
        assert pic >= floor and torch.isfinite(audio).all(), said[0]

"""LTX-2.3 and LTX-2.5 from ComfyUI's single files (issue 56): a tiny LTX-2.3 built in diffusers from
its configs (gated attention, prompt modulation, per-stream text projections in the connectors, the
2.3 VAE's fourth up block, the vocoder with bandwidth extension) and written as Lightricks'
all-in-one checkpoint (tiny_ltx2_parts' inverse renamings) with ComfyUI's Gemma 3 file is recognised
as LTX-2.3 and makes the picture and the sound of its diffusers folder exactly; LTX-2.5's transformer
file is read over its folder; LTX-2.5's checkpoint alone, a checkpoint mixing generations, one
missing a part or a tensor, and a file cut short are refused by name before anything is loaded."""
from __future__ import annotations

import os

import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model

from .graphs import ltx2_take
from . import tiny_ltx2_parts as tl
from . import tiny_parts as tp
from .refusals import configs_read, refuse_loads, refused

pytest.importorskip("diffusers")
CPU = torch.device("cpu")
PROMPT = "a singer singing into the camera on stage, cinematic"
PARTS = ("transformer", "connectors", "vae", "audio_vae", "vocoder")


@pytest.fixture(scope="module")
def ltx23(tmp_path_factory, tiny):
    """(the LTX-2.3 diffusers folder, its all-in-one checkpoint and Gemma file)."""
    root = tmp_path_factory.mktemp("ltx23")
    folder = tiny("ltx2-parts", generation="LTX-2.3")
    return folder, tl.write_files(folder, str(root / "models"))


def _made(ref):
    out = ref.pipeline("t2v")(prompt=PROMPT, negative_prompt="blue", height=64, width=64, num_frames=9,
                              frame_rate=24.0, num_inference_steps=2, guidance_scale=2.0, max_sequence_length=32,
                              generator=torch.Generator().manual_seed(0), output_type="pt")
    return out.frames, out.audio


@pytest.fixture(scope="module")
def folders_take(ltx23):
    """The LTX-2.3 folder's picture and sound (``_made``), made once for the tests that hold a file's against
    it (each made them again): read only."""
    return _made(tp.fresh(load_video_model(ltx23[0], base=None, device=CPU, dtype_name="fp32")))


def _same(v):
    return [_same(x) for x in v] if isinstance(v, (list, tuple)) else v


def _load(files, **kw):
    return load_video_model(files["checkpoint"], base=None, device=CPU, dtype_name="fp32",
                            parts=kw.pop("parts", {"text_encoder": files["text_encoder"]}), **kw)


def test_an_ltx23_checkpoint_is_recognised_and_makes_the_folders_picture_and_sound_exactly(ltx23, folders_take):
    from nodes.video_models.catalog.listing import describe_file
    folder, files = ltx23
    assert describe_file(files["checkpoint"]).variant == "LTX-2.3 (2 blocks)"
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    want = folders_take
    said = []
    one = _load(files, info=said.append)
    assert one.variant == ref.variant == "LTX-2.3"
    for name in PARTS:
        got, held = getattr(one.module, name).state_dict(), getattr(ref.module, name).state_dict()
        assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held), name
        read, made = (dict(getattr(m.module, name).config) for m in (one, ref))
        assert {k: v for k, v in read.items() if not k.startswith("_") and _same(v) != _same(made.get(k))} == {}, name
    assert type(one.module.vocoder).__name__ == "LTX2VocoderWithBWE"
    frames, audio = _made(one)
    assert torch.equal(frames, want[0]) and torch.equal(audio, want[1]) and audio.shape[-1] > 1000
    assert "LTX-2.3, config from the file's shapes (LTX-2.3's heads as its attention gates count them" in said[0]
    assert "48000 Hz out through its bandwidth extender" in said[0]


def test_an_fp8_ltx23_checkpoint_is_stored_in_8_bits_near_the_folders_picture_and_sound(ltx23, tmp_path, folders_take):
    """The transformer blocks' weights in fp8 e4m3 (ltx-2.3-22b-dev-fp8's storage), gates included:
    kept in 8 bits, computed in fp32; the PSNR of the picture and the sound against the folder's is stated."""
    from . import tiny_formats as tf
    folder, _ = ltx23
    files = tl.write_files(folder, str(tmp_path), fp8=True)
    want = folders_take
    said = []
    one = _load(files, info=said.append)
    assert said[0].startswith("weights: fp8 e4m3") and one.variant == "LTX-2.3"
    assert one.module.transformer.transformer_blocks[0].attn1.to_gate_logits.weight.dtype == torch.float8_e4m3fn
    frames, audio = _made(one)
    pic, snd = tf.psnr(want[0], frames), tf.psnr(want[1], audio)
    print(f"LTX-2.3: fp8 e4m3 checkpoint: picture {pic:.1f} dB, sound {snd:.1f} dB against the fp32 folder's")
    assert pic >= 40 and snd >= 12  # measured: 43.0 dB and 16.0 dB (the tiny vocoder and its bandwidth extender,
    # SnakeBeta at random weights, amplify the transformer's fp8 error in the sound latents)


@pytest.fixture(scope="module")
def ltx25(tmp_path_factory, tiny):
    return tiny("ltx2-parts", generation="LTX-2.5"), tmp_path_factory.mktemp("ltx25")


def test_an_ltx25_transformer_file_over_its_folder_makes_the_folders_picture_and_sound(ltx25):
    """LTX-2.5's transformer in Lightricks' names (no prompt AdaLN, no feed-forward biases, a keyframe
    embedding) read over its diffusers folder; with no folder and a Gemma 3 file it is refused by name
    (LTX-2.5 ships as split files and reads its prompts with Gemma 4: test_comfy_parts_ltx25.py)."""
    from safetensors.torch import save_file

    from nodes.video_models.catalog.listing import describe_file
    folder, root = ltx25
    den = str(root / "ltx-2.5-tiny-transformer.safetensors")
    save_file(tl.checkpoint_state(folder, ("transformer",)), den)
    assert describe_file(den).variant == "LTX-2.5 (2 blocks)"
    one = load_video_model(den, base=folder, device=CPU, dtype_name="fp32")
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    assert one.variant == ref.variant == "LTX-2.5"
    got, held = one.module.transformer.state_dict(), ref.module.transformer.state_dict()
    assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held)
    frames, audio = _made(tp.fresh(one))
    want = _made(tp.fresh(ref))
    assert torch.equal(frames, want[0]) and torch.equal(audio, want[1])
    files = tl.write_files(folder, str(root / "models"))
    with pytest.raises(ModelError, match=r"ltx-2-tiny-dev\.safetensors' is LTX-2\.5's transformer, which its release "
                                         r"ships as split files: set the VAE \(ltx-2\.5-video-vae-bf16 or its convolutional "
                                         r"ltx-2\.5-video-vae-conv-bf16"):
        _load(files)
    with pytest.raises(ModelError, match=r"is Gemma 3, but the transformer 'ltx-2-tiny-dev\.safetensors' is LTX-2\.5's, "
                                         r"which reads its prompts with Gemma 4"):
        _load(files, parts={"text_encoder": files["text_encoder"], "vae": den})


@pytest.fixture
def no_loads(monkeypatch):
    """Any part's weight load fails: a message raised with it in place came before anything was allocated
    (the transformer, loaded first, is checked by load_denoiser before it is built)."""
    from nodes.video_models.files import parts, single_file
    from nodes.video_models.families.ltx2 import parts as parts_ltx2
    refuse_loads(monkeypatch, "a model was built before the parts were checked", (single_file, "lean_load"),
                 (parts, "load_part"), (parts_ltx2, "load_part"))


def _refused(den, te, match):
    refused(den, match, text_encoder=te)


def test_a_mixed_incomplete_or_cut_checkpoint_is_refused_by_name(ltx23, tmp_path, no_loads, tiny):
    import shutil

    from safetensors.torch import save_file
    folder, files = ltx23
    te, state = files["text_encoder"], tl.checkpoint_state(folder)
    old = tiny("ltx2-parts")  # LTX-2's connectors, VAE and vocoder beside LTX-2.3's transformer
    mixed = str(tmp_path / "ltx-2.3-mixed.safetensors")
    save_file({**tl.checkpoint_state(folder, ("transformer",)),
               **tl.checkpoint_state(old, ("connectors", "vae", "audio_vae", "vocoder"))}, mixed)
    _refused(mixed, te, r"the text connectors '.*ltx-2\.3-mixed\.safetensors' \(LTX-2 text connectors \(in the "
                        r"checkpoint\)\) are LTX-2's \(one text projection\), but the transformer "
                        r"'ltx-2\.3-mixed\.safetensors' is LTX-2\.3's: they are not one LTX-2's parts")
    partial = str(tmp_path / "ltx-2.3-no-vocoder.safetensors")
    save_file({k: v for k, v in state.items() if not k.startswith("vocoder.")}, partial)
    _refused(partial, te, r"ltx-2\.3-no-vocoder\.safetensors' holds LTX-2\.3's transformer but not the vocoder "
                          r"\(vocoder\.\*\)")
    for gone in ("model.diffusion_model.prompt_adaln_single.linear.weight",  # not mistaken for LTX-2.5's
                 "model.diffusion_model.transformer_blocks.1.attn1.to_gate_logits.weight"):
        short = str(tmp_path / "ltx-2.3-short.safetensors")
        save_file({k: v for k, v in state.items() if k != gone}, short)
        name = gone[len("model.diffusion_model."):].replace("_single", "")
        _refused(short, te, rf"ltx-2\.3-short\.safetensors' has no 1 tensors the config builds \(e\.g\. {name}\): "
                            r"the config read from its shapes does not fit these weights")
    cut = str(tmp_path / "ltx-2.3-cut.safetensors")
    shutil.copy(files["checkpoint"], cut)
    os.truncate(cut, os.path.getsize(cut) // 2)
    _refused(cut, te, r"ltx-2\.3-cut\.safetensors' is truncated: .* bytes on disk")


def test_through_the_graph_a_mixed_checkpoint_is_refused_naming_the_node(ltx23, tmp_path):
    from safetensors.torch import save_file

    from studio.core.errors import NodeExecutionError
    from studio.core.graph import Graph
    from studio.engine.executor import Executor
    folder, files = ltx23
    partial = str(tmp_path / "ltx-2.3-no-audio.safetensors")
    save_file({k: v for k, v in tl.checkpoint_state(folder).items() if not k.startswith("audio_vae.")}, partial)
    g = Graph()
    g.add_node("video_models.load", {"model": partial, "text_encoder": files["text_encoder"]}, node_id="load")
    with pytest.raises(NodeExecutionError) as e:
        Executor().run(g, targets=["load"], device="cpu")
    assert e.value.node_id == "load"
    assert "ltx-2.3-no-audio.safetensors' holds LTX-2.3's transformer but not the audio VAE (audio_vae.*)" in str(e.value)


def test_an_ltx23_checkpoint_over_its_folder_reads_its_transformer(ltx23):
    """Over a diffusers LTX-2.3 folder as 'base', the checkpoint's transformer is read (its prompt
    AdaLN renamed, as diffusers' single-file converter does not) and the folder gives the rest."""
    folder, files = ltx23
    one = load_video_model(files["checkpoint"], base=folder, device=CPU, dtype_name="fp32")
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    got, held = one.module.transformer.state_dict(), ref.module.transformer.state_dict()
    assert one.variant == "LTX-2.3" and "prompt_adaln.linear.weight" in got
    assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held)


def test_through_the_graph_the_ltx2_node_renders_the_checkpoint_as_the_folder_with_48khz_sound(ltx23):
    folder, files = ltx23

    def run(**load):
        return ltx2_take(PROMPT, **load)
    (a, sa, va), (b, sb, vb) = run(model=files["checkpoint"], text_encoder=files["text_encoder"]), run(model=folder)
    assert va == vb == "LTX-2.3" and a.frames.shape == b.frames.shape == (9, 64, 64, 3)
    assert abs(a.frames.astype("float64") - b.frames.astype("float64")).max() < 1e-5  # the folder's memory-mapped
    assert sa.rate == sb.rate == 48000 and sa.samples.shape == sb.samples.shape and sa.samples.shape[0] > 1000
    assert abs(sa.samples.astype("float64") - sb.samples.astype("float64")).max() < 1e-5


def test_a_vae_or_vocoder_of_another_generation_is_refused_by_name(ltx23, tmp_path, no_loads, tiny):
    """LTX-2's video VAE (three up blocks) given beside LTX-2.3's checkpoint, and LTX-2's vocoder inside
    it: each is named with the generation it is, before anything is loaded."""
    from safetensors.torch import save_file
    folder, files = ltx23
    old = tiny("ltx2-parts")
    vae = str(tmp_path / "ltx-2-tiny_video_vae.safetensors")
    save_file(tl.checkpoint_state(old, ("vae",)), vae)
    with pytest.raises(ModelError, match=r"the VAE '.*ltx-2-tiny_video_vae\.safetensors' \(LTX-2 video VAE\) is "
                                         r"LTX-2's \(three up blocks\), but the transformer 'ltx-2-tiny-dev\.safetensors' "
                                         r"is LTX-2\.3's: they are not one LTX-2's parts"):
        _load(files, parts={"text_encoder": files["text_encoder"], "vae": vae})
    voc = str(tmp_path / "ltx-2.3-old-vocoder.safetensors")
    save_file({**{k: v for k, v in tl.checkpoint_state(folder).items() if not k.startswith("vocoder.")},
               **tl.checkpoint_state(old, ("vocoder",))}, voc)
    _refused(voc, files["text_encoder"], r"the vocoder '.*ltx-2\.3-old-vocoder\.safetensors' \(LTX-2 vocoder \(in the "
                                         r"checkpoint\)\) is LTX-2's \(no bandwidth extender\), but the transformer "
                                         r"'ltx-2\.3-old-vocoder\.safetensors' is LTX-2\.3's")


# diffusers' LTX-2.3 presets (scripts/convert_ltx2_to_diffusers.py, version "2.3"); the classes' defaults elsewhere
REAL_TRANSFORMER = dict(gated_attn=True, cross_attn_mod=True, audio_gated_attn=True, audio_cross_attn_mod=True,
                        use_prompt_embeddings=False, rope_type="split")
REAL_CONNECTORS = dict(video_connector_num_attention_heads=32, video_connector_num_layers=8, video_gated_attn=True,
                       audio_connector_num_attention_heads=32, audio_connector_attention_head_dim=64,
                       audio_connector_num_layers=8, audio_gated_attn=True, rope_type="split",
                       per_modality_projections=True, video_hidden_dim=4096, audio_hidden_dim=2048, proj_bias=True)
REAL_VAE = dict(tl.VAE_23, block_out_channels=(256, 512, 1024, 1024), decoder_block_out_channels=(256, 512, 512, 1024),
                layers_per_block=(4, 6, 4, 2, 2), decoder_layers_per_block=(4, 6, 4, 2, 2), decoder_causal=False,
                spatial_compression_ratio=32, temporal_compression_ratio=8)


def test_real_sized_ltx23_passes_every_check_from_its_headers(ltx23, tmp_path, monkeypatch):
    """ltx-2.3-22b-dev at its real sizes (headers over zeros, Lightricks' names) with gemma_3_12B_it:
    every check passes before the first load (stopped there), and each config read from the shapes
    is diffusers' LTX-2.3 preset (the transformer's and connectors' heads counted by their gates, the
    vocoder's and its bandwidth extender's strides, the VAE's fourth up block)."""
    import shutil

    import diffusers
    from accelerate import init_empty_weights
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2VocoderWithBWE
    from transformers import Gemma3TextConfig, Gemma3TextModel

    from nodes.video_models.families.ltx2 import parts as parts_ltx2

    from . import layouts
    from .test_comfy_parts_ltx2 import GEMMA_12B
    with init_empty_weights():
        real = {"transformer": diffusers.LTX2VideoTransformer3DModel(**REAL_TRANSFORMER),
                "connectors": LTX2TextConnectors(**REAL_CONNECTORS), "vae": diffusers.AutoencoderKLLTX2Video(**REAL_VAE),
                "audio_vae": diffusers.AutoencoderKLLTX2Audio(), "vocoder": LTX2VocoderWithBWE()}
        gemma = Gemma3TextModel(Gemma3TextConfig(**GEMMA_12B)).state_dict()
    names = {"transformer": tl.dit_name, "connectors": tl.connector_name, "vae": tl.vae_name,
             "audio_vae": tl.audio_vae_name, "vocoder": tl.vocoder_name}
    shapes = {names[c](k): tuple(v.shape) for c, m in real.items() for k, v in m.state_dict().items()}
    ckpt = layouts.write(str(tmp_path / "checkpoints" / "ltx-2.3-22b-dev.safetensors"), shapes)
    te = layouts.write(str(tmp_path / "text_encoders" / "gemma_3_12B_it.safetensors"),
                       {"model." + k: tuple(v.shape) for k, v in gemma.items()})
    shutil.copytree(os.path.join(ltx23[0], "tokenizer"), str(tmp_path / "text_encoders" / "tokenizer"))
    seen = configs_read(monkeypatch, parts_ltx2, ckpt, te)
    for c, m in real.items():
        cfg = dict(m.config)
        assert {k: v for k, v in seen[c].items() if not k.startswith("_") and _same(v) != _same(cfg.get(k))} == {}, c
    assert seen["transformer"]["num_attention_heads"] == 32 and seen["connectors"]["audio_connector_attention_head_dim"] == 64
    from nodes.video_models.catalog.listing import describe_file
    assert describe_file(ckpt).variant == "LTX-2.3 22B"


def test_a_gguf_ltx23_transformer_over_its_folder(ltx23, tmp_path, folders_take):
    """An LTX-2.3 transformer as a GGUF file in Lightricks' names (unsloth's / city96's layout, no
    prefix) over its diffusers folder: its prompt AdaLN renamed before diffusers' GGUF loader converts
    the rest (its converter has LTX-2's names only); kept quantised; the PSNR of the frames is stated."""
    from . import tiny_formats as tf
    folder, _ = ltx23
    state = {k.removeprefix("model.diffusion_model."): v for k, v in tl.checkpoint_state(folder, ("transformer",)).items()}
    assert "prompt_adaln_single.linear.weight" in state
    den = tf.write_gguf(state, str(tmp_path / "ltx-2.3-22b-dev-Q8_0.gguf"), "Q8_0")
    said = []
    one = load_video_model(den, base=folder, device=CPU, dtype_name="fp32", info=said.append)
    assert one.variant == "LTX-2.3" and said[0].startswith("weights: GGUF Q8_0, dequantised on the fly to fp32")
    assert getattr(one.module.transformer.transformer_blocks[0].attn1.to_q.weight, "quant_type", None) is not None
    want = folders_take
    frames, audio = _made(tp.fresh(one))
    db = tf.psnr(want[0], frames)
    print(f"LTX-2.3: GGUF Q8_0 transformer over its folder: {db:.1f} dB against the fp32 folder's frames")
    assert db >= 40 and torch.isfinite(audio).all()

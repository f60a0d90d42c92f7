"""LTX-2 from ComfyUI's files with no diffusers folder (issue 45, item 2): the all-in-one checkpoint
(Lightricks' names: the transformer and its text connectors under ``model.diffusion_model.``, the text
projection, ``vae.``, ``audio_vae.``, ``vocoder.``) and ComfyUI's Gemma 3 file. A tiny LTX-2 written so
makes the picture and the sound of the diffusers folder holding the same weights: fp32, exactly. Each
part is checked against the transformer before anything is allocated; a part that does not fit is named."""
from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model

from .graphs import ltx2_take
from . import layouts
from . import tiny_ltx2_parts as tl
from . import tiny_parts as tp
from .refusals import configs_read, refuse_loads, refused

pytest.importorskip("diffusers")
CPU = torch.device("cpu")
PROMPT = "a singer singing into the camera on stage, cinematic"
PARTS = ("transformer", "connectors", "vae", "audio_vae", "vocoder")


@pytest.fixture(scope="module")
def ltx2(tmp_path_factory, tiny):
    """(the diffusers folder, its parts as ComfyUI's files: the checkpoint and the Gemma file)."""
    root = tmp_path_factory.mktemp("ltx2")
    folder = tiny("ltx2-parts")
    return folder, tl.write_files(folder, str(root / "models"))


def _made(ref):
    out = ref.pipeline("t2v")(prompt=PROMPT, negative_prompt="blue", height=64, width=64, num_frames=9,
                              frame_rate=24.0, num_inference_steps=2, guidance_scale=2.0, audio_guidance_scale=2.0, max_sequence_length=32,
                              generator=torch.Generator().manual_seed(0), output_type="pt")
    return out.frames, out.audio


@pytest.fixture(scope="module")
def want(ltx2):
    return _made(tp.fresh(load_video_model(ltx2[0], base=None, device=CPU, dtype_name="fp32")))


def _load(files, **kw):
    return load_video_model(files["checkpoint"], base=None, device=CPU, dtype_name=kw.pop("dtype", "fp32"),
                            parts={"text_encoder": files["text_encoder"], **kw.pop("parts", {})}, **kw)


def test_a_checkpoint_and_a_gemma_file_make_the_folders_picture_and_sound_exactly(ltx2, want):
    folder, files = ltx2
    said = []
    one = _load(files, info=said.append)
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    for name in PARTS:
        got, held = getattr(one.module, name).state_dict(), getattr(ref.module, name).state_dict()
        assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held), name
    lm = ref.module.text_encoder.model.language_model.state_dict()
    assert {k: torch.equal(v, lm[k]) for k, v in one.module.text_encoder.state_dict().items()} == \
        {k: True for k in lm}  # the language model, no vision tower
    frames, audio = _made(one)
    assert torch.equal(frames, want[0]) and torch.equal(audio, want[1]) and audio.shape[-1] > 1000
    assert type(one.module).__name__ == "LTX2Pipeline" and one.family == "ltx2"
    assert type(one.module.text_encoder).__name__ == "Gemma3TextModel"
    assert said[0].startswith("weights: fp32 in the original layout (renamed by diffusers' converter)")
    assert "config from the file's shapes (LTX-2 19B's heads" in said[0] and "LTX-2 Community License" in said[0]
    beside = os.path.join(os.path.dirname(files["text_encoder"]), "tokenizer")
    assert f"text encoder: gemma_3_tiny_it.safetensors: Gemma 3, its language model (the vision tower beside it not " \
        f"read), fp32, tokenizer from '{beside}'" in said
    for title, what in (("text connectors", "text connectors"), ("VAE", "video VAE"), ("audio VAE", "audio VAE"),
                        ("vocoder", "vocoder")):
        assert f"{title}: ltx-2-tiny-dev.safetensors: LTX-2 {what} (in the checkpoint), fp32" in said
    assert dict(one.module.scheduler.config)["shift_terminal"] == 0.1
    assert one.module.vocoder.config.output_sampling_rate == 24000


def test_each_part_is_built_on_the_meta_device(ltx2, monkeypatch):
    import diffusers
    import diffusers.pipelines.ltx2 as ltx2_pipes
    import transformers
    seen = {}
    recording = tp.meta_recorder(seen)
    for mod, name in ((transformers, "Gemma3TextModel"), (ltx2_pipes, "LTX2TextConnectors"),
                      (ltx2_pipes, "LTX2Vocoder"), (diffusers, "AutoencoderKLLTX2Video"),
                      (diffusers, "AutoencoderKLLTX2Audio"), (diffusers, "LTX2VideoTransformer3DModel")):
        monkeypatch.setattr(mod, name, recording(getattr(mod, name)))
    one = _load(ltx2[1], dtype="bf16")
    assert seen == {n: {"meta"} for n in ("Gemma3TextModel", "LTX2TextConnectors", "LTX2Vocoder",
                                          "AutoencoderKLLTX2Video", "AutoencoderKLLTX2Audio",
                                          "LTX2VideoTransformer3DModel")}
    assert {p.dtype for p in one.module.audio_vae.parameters()} == {torch.bfloat16}


def test_through_the_graph_the_ltx2_node_renders_picture_and_sound_as_the_folder(ltx2):
    folder, files = ltx2

    def run(**load):
        return ltx2_take(PROMPT, **load)[:2]
    (a, sa), (b, sb) = run(model=files["checkpoint"], text_encoder=files["text_encoder"]), run(model=folder)
    assert a.frames.shape == b.frames.shape == (9, 64, 64, 3)
    assert abs(a.frames.astype("float64") - b.frames.astype("float64")).max() < 1e-5  # the folder's memory-mapped
    assert sa.rate == sb.rate == 24000 and sa.samples.shape == sb.samples.shape and sa.samples.shape[0] > 1000
    assert abs(sa.samples.astype("float64") - sb.samples.astype("float64")).max() < 1e-5 and a.audio is sa


def test_an_fp8_checkpoint_is_stored_in_8_bits_near_the_folders_picture_and_sound(ltx2, want, tmp_path):
    """The transformer blocks' weights in fp8 e4m3 (ltx-2-19b-dev-fp8's storage) and a scaled-fp8
    Gemma: kept in 8 bits, computed in fp32; the PSNR of the picture and the sound against the fp32
    folder's is stated."""
    from . import tiny_formats as tf
    from safetensors.torch import load_file, save_file
    files = tl.write_files(ltx2[0], str(tmp_path), fp8=True)
    top, te = torch.finfo(torch.float8_e4m3fn).max, {}  # ComfyUI's gemma_3_12B_it_fp8_scaled: scale_weight each
    for k, v in load_file(files["text_encoder"]).items():
        if k.startswith("model.layers.") and v.dim() == 2:
            s = (v.abs().max() / top).clamp(min=1e-12).float()
            te[k], te[k[: -len(".weight")] + ".scale_weight"] = (v / s).to(torch.float8_e4m3fn), s.reshape(())
        else:
            te[k] = v
    save_file({**te, "scaled_fp8": torch.empty(0, dtype=torch.float8_e4m3fn)}, files["text_encoder"])
    said = []
    one = _load(files, info=said.append)
    assert said[0].startswith("weights: fp8 e4m3")
    assert "text encoder: gemma_3_tiny_it.safetensors: Gemma 3, its language model (the vision tower beside it not " \
        "read), fp8 e4m3 (scaled)" in said[1]
    assert one.module.transformer.transformer_blocks[0].attn1.to_q.weight.dtype == torch.float8_e4m3fn
    assert one.module.text_encoder.layers[0].self_attn.q_proj.weight.dtype == torch.float8_e4m3fn
    frames, audio = _made(one)
    pic, snd = tf.psnr(want[0], frames), tf.psnr(want[1], audio)
    print(f"LTX-2: fp8 e4m3 checkpoint + scaled-fp8 Gemma: picture {pic:.1f} dB, sound {snd:.1f} dB against the fp32 folder's")
    assert pic >= 40 and snd >= 30


@pytest.fixture
def no_loads(monkeypatch):
    """Any weight load fails: a message raised with it in place came before anything was allocated."""
    from nodes.video_models.files import parts, single_file
    from nodes.video_models.families.ltx2 import parts as parts_ltx2
    refuse_loads(monkeypatch, "a model was built before the parts were checked", (single_file, "lean_load"),
                 (parts, "load_part"), (parts_ltx2, "load_with_config"), (parts_ltx2, "load_part"))


def test_a_gemma_of_another_width_or_depth_and_a_t5_are_named_before_allocation(ltx2, tmp_path, no_loads):
    from safetensors.torch import load_file, save_file
    _, files = ltx2
    ckpt = files["checkpoint"]
    four_b = layouts.write(str(tmp_path / "gemma_3_4b_it.safetensors"), layouts.gemma3(2, 2560))
    refused(ckpt, r"the text encoder '.*gemma_3_4b_it\.safetensors' \(Gemma 3 4B\) gives text states 2560 wide, but "
                   r"the transformer 'ltx-2-tiny-dev\.safetensors' reads 128 \(Gemma 3 12B's\)", text_encoder=four_b)
    t5 = layouts.write(str(tmp_path / "t5xxl_fp16.safetensors"), layouts.t5(), "F16")
    refused(ckpt, r"the text encoder '.*t5xxl_fp16\.safetensors' is T5-XXL \(LTX-Video, CogVideoX\), but LTX-2's "
                   r"transformer reads Gemma 3 12B's text states: give gemma_3_12B_it", text_encoder=t5)
    state = load_file(files["text_encoder"])
    deeper = {**state, **{k.replace("layers.1.", "layers.2."): v.clone() for k, v in state.items() if ".layers.1." in k}}
    save_file(deeper, str(tmp_path / "gemma_3_deeper.safetensors"))
    refused(ckpt, r"has 3 layers \(4 states\), but the checkpoint's text projection stacks 3",
             text_encoder=str(tmp_path / "gemma_3_deeper.safetensors"))


def test_a_checkpoint_without_its_sound_parts_or_a_text_encoder_says_what_is_missing(ltx2, tmp_path, no_loads):
    from safetensors.torch import save_file
    folder, files = ltx2
    den = str(tmp_path / "ltx-2-tiny-transformer.safetensors")
    save_file(tl.checkpoint_state(folder, ("transformer", "connectors", "vae")), den)
    refused(den, r"'.*ltx-2-tiny-transformer\.safetensors' holds LTX-2's transformer but not the audio VAE "
                  r"\(audio_vae\.\*\), the vocoder \(vocoder\.\*\): Studio reads LTX-2 from its all-in-one checkpoint",
             text_encoder=files["text_encoder"])
    refused(files["checkpoint"], r"is an LTX-2 checkpoint: set the text encoder file \(gemma_3_12B_it")
    refused(files["checkpoint"], r"a CLIP vision file '.*' was given, but LTX-2 takes none",
             text_encoder=files["text_encoder"], image_encoder=files["text_encoder"])


def test_comfys_mixed_precision_tensors_that_do_not_fit_are_refused_by_name(ltx2, tmp_path, no_loads):
    """Per-layer weight_scale / comfy_quant tensors (ComfyUI's newer fp8 / fp4 files) are read
    (test_comfy_mixed_quant.py); ones that make no sense are named, never loaded without their scales."""
    from safetensors.torch import load_file, save_file
    folder, files = ltx2
    state = tl.checkpoint_state(folder)
    q = "model.diffusion_model.transformer_blocks.0.attn1.to_q"
    state.update({q + ".weight_scale": torch.ones(()), q + ".comfy_quant": torch.zeros(8, dtype=torch.uint8)})
    den = str(tmp_path / "ltx-2-19b-dev-fp8.safetensors")
    save_file(state, den)
    refused(den, rf"ltx-2-19b-dev-fp8\.safetensors': '{q}\.comfy_quant' is not ComfyUI's JSON of a layer's format",
             text_encoder=files["text_encoder"])
    te = {**load_file(files["text_encoder"]), "model.layers.0.mlp.up_proj.weight_scale": torch.ones(())}
    save_file(te, str(tmp_path / "gemma_3_12B_it_fp4_mixed.safetensors"))
    refused(files["checkpoint"], r"gemma_3_12B_it_fp4_mixed\.safetensors' \(ComfyUI's mixed-precision layout\): "
                                  r"'model.layers.0.mlp.up_proj.weight_scale' scales a weight stored as F32 and the "
                                  r"file does not say its format", text_encoder=str(tmp_path /
                                                                                     "gemma_3_12B_it_fp4_mixed.safetensors"))


def test_the_tokenizer_is_looked_for_in_the_file_beside_it_and_in_base(ltx2, tmp_path, no_loads):
    import shutil

    from safetensors.torch import load_file, save_file
    _, files = ltx2
    bare = str(tmp_path / "gemma_3_12B_it.safetensors")
    shutil.copy(files["text_encoder"], bare)
    refused(files["checkpoint"], rf"carries no tokenizer and none was found: Studio looked in the file \(no "
                                  rf"'spiece_model' tensor\), in '{tmp_path}/tokenizer', and in 'base' \(empty\)",
             text_encoder=bare)
    inside = {**load_file(files["text_encoder"]), "spiece_model": torch.zeros(8, dtype=torch.uint8)}
    save_file(inside, bare)
    refused(files["checkpoint"], r"its 'spiece_model' tensor is not a sentencepiece model", text_encoder=bare)


def test_the_tokenizer_inside_a_gemma_file_is_read(ltx2, tmp_path):
    """ComfyUI's Gemma file with its sentencepiece model inside (``spiece_model``, BPE in Gemma's
    settings, trained here): no tokenizer/ folder is needed, the prompt's ids are sentencepiece's own
    after <bos>, and LTX-2 renders with it."""
    from safetensors.torch import load_file, save_file

    from .test_spiece_gemma import spm, train  # sentencepiece: a test dependency
    _, files = ltx2
    model = train()
    state = load_file(files["text_encoder"])
    emb = state["model.embed_tokens.weight"]
    rows = len(spm.SentencePieceProcessor(model_proto=model)) + 16
    state["model.embed_tokens.weight"] = torch.cat([emb, torch.randn(rows - len(emb), emb.shape[1]) * 0.02])
    state["spiece_model"] = torch.from_numpy(np.frombuffer(model, dtype=np.uint8).copy())
    path = str(tmp_path / "gemma_3_12B_it.safetensors")
    save_file(state, path)
    said = []
    one = load_video_model(files["checkpoint"], base=None, device=CPU, dtype_name="fp32", info=said.append,
                           parts={"text_encoder": path})
    assert any(s.startswith("text encoder: gemma_3_12B_it.safetensors") and s.endswith("tokenizer from the file")
               for s in said), said
    sp = spm.SentencePieceProcessor(model_proto=model)
    assert one.module.tokenizer(PROMPT).input_ids == [2] + sp.encode(PROMPT)
    frames, audio = _made(one)
    assert torch.isfinite(frames).all() and torch.isfinite(audio).all()


def test_the_picker_lists_the_checkpoint_as_loadable_and_the_gemma_file(ltx2):
    from nodes.video_models.catalog.listing import describe_file
    _, files = ltx2
    e = describe_file(files["checkpoint"])
    assert (e.kind, e.family, e.variant) == ("checkpoint", "ltx2", "LTX-2 (2 blocks)")
    assert "audio VAE" in e.note and "vocoder" in e.note
    t = describe_file(files["text_encoder"])
    assert (t.kind, t.variant) == ("text_encoder", "Gemma 3")


REAL_TRANSFORMER = dict(rope_type="split")  # diffusers' LTX-2 2.0 preset: the class's defaults, split rotary
REAL_CONNECTORS = dict(rope_type="split")
REAL_VAE = dict(decoder_causal=False, spatial_compression_ratio=32, temporal_compression_ratio=8)
GEMMA_12B = dict(vocab_size=262208, hidden_size=3840, intermediate_size=15360, num_hidden_layers=48,
                 num_attention_heads=16, num_key_value_heads=8, head_dim=256)


def test_real_sized_ltx2_and_gemma_3_12b_pass_every_check_from_their_headers(ltx2, tmp_path, monkeypatch):
    """ltx-2-19b-dev and gemma_3_12B_it at their real sizes (headers over zeros, Lightricks' and
    ComfyUI's names): every check passes before the first load (stopped there), and the configs read
    from the shapes are LTX-2 19B's (diffusers' conversion presets) and Gemma 3 12B's."""
    import shutil

    import diffusers
    from accelerate import init_empty_weights
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder
    from transformers import Gemma3TextConfig, Gemma3TextModel

    from nodes.video_models.families.ltx2 import parts as parts_ltx2
    with init_empty_weights():
        real = {"transformer": diffusers.LTX2VideoTransformer3DModel(**REAL_TRANSFORMER),
                "connectors": LTX2TextConnectors(**REAL_CONNECTORS), "vae": diffusers.AutoencoderKLLTX2Video(**REAL_VAE),
                "audio_vae": diffusers.AutoencoderKLLTX2Audio(), "vocoder": LTX2Vocoder()}
        gemma = Gemma3TextModel(Gemma3TextConfig(**GEMMA_12B)).state_dict()
    names = {"transformer": tl.dit_name, "connectors": tl.connector_name, "vae": tl.vae_name,
             "audio_vae": tl.audio_vae_name, "vocoder": tl.vocoder_name}
    shapes = {names[c](k): tuple(v.shape) for c, m in real.items() for k, v in m.state_dict().items()}
    ckpt = layouts.write(str(tmp_path / "checkpoints" / "ltx-2-19b-dev.safetensors"), shapes)
    te = layouts.write(str(tmp_path / "text_encoders" / "gemma_3_12B_it.safetensors"),
                       {"model." + k: tuple(v.shape) for k, v in gemma.items()})
    shutil.copytree(os.path.join(ltx2[0], "tokenizer"), str(tmp_path / "text_encoders" / "tokenizer"))
    seen = configs_read(monkeypatch, parts_ltx2, ckpt, te)

    def same(a, b):
        return (list(a) if isinstance(a, tuple) else a) == (list(b) if isinstance(b, tuple) else b)
    for c, m in real.items():
        cfg = dict(m.config)
        assert {k: v for k, v in seen[c].items() if not k.startswith("_") and not same(v, cfg.get(k))} == {}, c
    assert {k: seen["text_encoder"][k] for k in GEMMA_12B} == GEMMA_12B
    assert seen["text_encoder"]["query_pre_attn_scalar"] == 256 and seen["text_encoder"]["sliding_window"] == 1024
    assert np.prod(shapes["text_embedding_projection.aggregate_embed.weight"]) == 3840 * 3840 * 49


def test_the_checkpoint_with_a_base_folder_and_the_gemma_file(ltx2, want):
    """The checkpoint read against a diffusers LTX-2 folder (its transformer's tensors only: the
    folder gives the rest) with the Gemma file replacing the folder's text encoder."""
    folder, files = ltx2
    said = []
    one = load_video_model(files["checkpoint"], base=folder, device=CPU, dtype_name="fp32", info=said.append,
                           parts={"text_encoder": files["text_encoder"]})
    assert "text encoder: gemma_3_tiny_it.safetensors: Gemma 3, its language model (the vision tower beside it not " \
        "read), fp32 (instead of the base folder's)" in said
    assert type(one.module.text_encoder).__name__ == "Gemma3TextModel"
    frames, audio = _made(tp.fresh(one))
    assert torch.equal(frames, want[0]) and torch.equal(audio, want[1])


def test_a_video_vae_file_replaces_the_checkpoints_own(ltx2, want, tmp_path):
    """ComfyUI's VAELoader file of LTX-2's video VAE (Lightricks' ``vae.`` names) beside the checkpoint:
    the file's VAE is used, and said."""
    from safetensors.torch import save_file
    folder, files = ltx2
    vae = str(tmp_path / "ltx-2-tiny_video_vae.safetensors")
    save_file(tl.checkpoint_state(folder, ("vae",)), vae)
    said = []
    one = _load(files, info=said.append, parts={"vae": vae})
    assert "VAE: ltx-2-tiny_video_vae.safetensors: LTX-2 video VAE, fp32 (instead of the checkpoint's own)" in said
    frames, audio = _made(one)
    assert torch.equal(frames, want[0]) and torch.equal(audio, want[1])


def test_the_distilled_checkpoints_use_their_sigmas_as_they_are():
    from nodes.video_models.families.ltx2 import part_configs as pc2
    dev, distilled = pc2.scheduler("/m/ltx-2-19b-dev-fp8.safetensors"), pc2.scheduler("/m/ltx-2-19b-distilled.safetensors")
    assert (dev["use_dynamic_shifting"], dev["shift_terminal"]) == (True, 0.1)
    assert (distilled["use_dynamic_shifting"], distilled["shift_terminal"]) == (False, None)


def test_over_a_base_folder_a_gemma_files_spiece_model_is_read_as_gemmas(tmp_path):
    """A Gemma file's ``spiece_model`` is read as Gemma's (BPE) tokenizer, not as T5's, also over a
    base folder (parts.tokenizer_for: the file first); one that is not a sentencepiece model is refused."""
    from safetensors.torch import save_file

    from nodes.video_models.files.parts import Part, tokenizer_for
    from nodes.video_models.files.weight_formats import read_weight_file
    save_file({"spiece_model": torch.zeros(8, dtype=torch.uint8)}, str(tmp_path / "gemma_3_12B_it.safetensors"))
    wf = read_weight_file(str(tmp_path / "gemma_3_12B_it.safetensors"))
    for cls in ("Gemma3TextModel", "T5EncoderModel"):
        with pytest.raises(ModelError, match="its 'spiece_model' tensor is not a sentencepiece model"):
            tokenizer_for(Part("text_encoder", wf, "Gemma 3 12B (LTX-2)", cls, {}), "/base")
    from .test_spiece_gemma import gemma_file, train  # sentencepiece: a test dependency
    good = read_weight_file(gemma_file(tmp_path / "gemma_good.safetensors", train()))
    tok = tokenizer_for(Part("text_encoder", good, "Gemma 3 12B (LTX-2)", "Gemma3TextModel", {}), "/base")
    assert type(tok).__name__.startswith("GemmaTokenizer") and tok("a fox").input_ids[0] == 2

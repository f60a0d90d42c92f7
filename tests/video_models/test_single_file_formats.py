"""Single-file denoisers in every format Studio reads (issue 45, items 3 and 4), on a tiny Wan whose
denoiser is wide enough for GGUF's blocks: each file is loaded through Studio's loader (with the
diffusers folder as its base) and the denoiser's output on a fixed input compared with the model
the folder holds. fp32: the same weights bit for bit, the same output; fp8 and GGUF Q8_0: at least
40 dB PSNR; Q4_K: its figure stated (printed) and at least 30 dB. Loads are lean: the skeleton is
built on the meta device and the weights read into it."""
from __future__ import annotations

import os

import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model
from nodes.video_models.memory.modes import hooks_of

from . import tiny_formats as tf
from .file_formats import gguf_with_tq2

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    """(base folder, the folder's denoiser with freshly allocated weights, its state, its output)."""
    from diffusers import WanTransformer3DModel
    base = tf.build_wide_wan(str(tmp_path_factory.mktemp("models") / "wide-wan"))
    ref = WanTransformer3DModel.from_pretrained(base, subfolder="transformer")
    for p in ref.parameters():  # fresh (aligned) storage, as Studio's reads make: BLAS results are bitwise equal
        p.data = p.data.clone()
    state = {k: v.clone() for k, v in ref.state_dict().items()}
    return base, ref, state, tf.run_denoiser(ref, tf.denoiser_input())


def _load(path, base, dtype="fp32"):
    said = []
    ref = load_video_model(path, base=base, device=CPU, dtype_name=dtype, info=said.append)
    return ref, said


def test_the_diffusers_folder_and_an_fp32_file_give_the_same_output(wide, tmp_path):
    base, ref, state, want = wide
    folder, _ = _load(base, None)
    assert tf.psnr(want, tf.run_denoiser(folder.module.transformer, tf.denoiser_input())) > 100
    f = tf.write_safetensors(state, str(tmp_path / "wan_fp32.safetensors"), torch.float32)
    one, said = _load(f, base)
    got = one.module.transformer.state_dict()
    assert all(torch.equal(got[k], v) for k, v in state.items())
    assert torch.equal(tf.run_denoiser(one.module.transformer, tf.denoiser_input()), want)
    assert "weights: fp32, loaded as fp32" in said and "(wan_fp32.safetensors, fp32)" in one.summary()


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16])
def test_bf16_and_fp16_files(wide, tmp_path, dtype):
    base, _, state, want = wide
    f = tf.write_safetensors(state, str(tmp_path / "wan.safetensors"), dtype)
    one, _ = _load(f, base)
    name = "bf16" if dtype == torch.bfloat16 else "fp16"
    assert one.weights == name
    got = one.module.transformer.state_dict()
    assert all(torch.equal(got[k], v.to(dtype).float()) for k, v in state.items() if "norm" not in k)
    assert tf.psnr(want, tf.run_denoiser(one.module.transformer, tf.denoiser_input())) >= 40


@pytest.mark.parametrize("fp8,scaled,words", [("float8_e4m3fn", False, "fp8 e4m3"),
                                              ("float8_e4m3fn", True, "fp8 e4m3 (scaled)"),
                                              ("float8_e5m2", False, "fp8 e5m2")])
def test_fp8_files_stay_in_8_bits_and_compute_in_the_load_dtype(wide, tmp_path, fp8, scaled, words):
    base, _, state, want = wide
    fp8 = getattr(torch, fp8)
    f = tf.write_fp8(state, str(tmp_path / "wan_fp8.safetensors"), fp8, scaled)
    for dtype, compute in (("fp32", torch.float32), ("bf16", torch.bfloat16)):
        one, said = _load(f, base, dtype)
        den = one.module.transformer
        assert one.weights == words and f"stored in 8 bits, computed in {dtype}" in said[0]
        assert den.blocks[0].attn1.to_q.weight.dtype == fp8  # stored as the file stores it
        assert "layerwise_casting" in hooks_of(den)
        out = tf.run_denoiser(den, tf.denoiser_input())
        exact = tf.run_denoiser(_same_weights(den, tf.dequantised_fp8(state, fp8, scaled), compute),
                                tf.denoiser_input())
        assert tf.psnr(exact, out) >= (120 if compute == torch.float32 else 45)  # the weights the file holds
        assert tf.psnr(want, out) >= 40  # against the full-precision model
        print(f"{words}, computed in {dtype}: {tf.psnr(want, out):.1f} dB against the full-precision model")


def _same_weights(like, state, dtype):
    from diffusers import WanTransformer3DModel
    m = WanTransformer3DModel.from_config(like.config)
    m.load_state_dict(state)
    return m.to(dtype).eval() if dtype != torch.float32 else m.eval()


@pytest.mark.parametrize("qtype,floor", [("Q8_0", 40), ("Q4_K", 30)])
def test_gguf_files(wide, tmp_path, qtype, floor):
    base, _, state, want = wide
    f = tf.write_gguf(state, str(tmp_path / f"wan-{qtype}.gguf"), qtype)
    one, said = _load(f, base)
    den = one.module.transformer
    assert one.weights == f"GGUF {qtype}" and f"GGUF {qtype}, dequantised on the fly to fp32" in said[0]
    assert getattr(den.blocks[0].attn1.to_q.weight, "quant_type", None) is not None
    db = tf.psnr(want, tf.run_denoiser(den, tf.denoiser_input()))
    print(f"GGUF {qtype}: {db:.1f} dB against the full-precision model")
    assert db >= floor
    assert f"(wan-{qtype}.gguf, GGUF {qtype}): 1,3" in one.summary()  # the weights counted, not their bytes


def test_a_gguf_file_in_the_wan_repositorys_names(wide, tmp_path):
    """city96's Wan GGUF files keep the original names (``blocks.0.self_attn.q.weight``): the config is
    checked against them renamed, and diffusers' GGUF loader converts them."""
    base, _, state, want = wide
    f = tf.write_gguf(tf.wan_original_names(state), str(tmp_path / "wan-original-Q8_0.gguf"), "Q8_0")
    one, said = _load(f, base)
    assert one.weights == "GGUF Q8_0" and "GGUF Q8_0, dequantised on the fly to fp32" in said[0]
    assert getattr(one.module.transformer.blocks[0].attn1.to_q.weight, "quant_type", None) is not None
    assert tf.psnr(want, tf.run_denoiser(one.module.transformer, tf.denoiser_input())) >= 40


def test_a_gguf_quantisation_diffusers_cannot_read_is_named(wide, tmp_path):
    base, _, state, _ = wide
    f = gguf_with_tq2(str(tmp_path / "wan-tq2.gguf"), "wan", state, "blocks.0.attn1.to_q.weight")
    with pytest.raises(ModelError, match=r"is quantised as GGUF TQ2_0 \(e\.g\. 'blocks\.0\.attn1\.to_q\.weight'\), which "
                                         r"diffusers .* cannot read: it reads .*Q8_0"):
        _load(f, base)


def test_pickles_stay_refused(wide, tmp_path):
    base = wide[0]
    for ext in (".ckpt", ".pt", ".bin"):
        p = tmp_path / f"wan{ext}"
        p.write_bytes(b"\x80\x04not opened")
        with pytest.raises(ModelError, match="is a pickle checkpoint: Studio never unpickles"):
            _load(str(p), base)


def test_the_skeleton_is_built_on_the_meta_device(wide, tmp_path):
    """The weights are read into a model whose parameters are all on the meta device (no storage):
    the old loader built the whole model in fp32 first to list its keys. A subclass of the real
    diffusers class records its parameters' devices when the state is loaded into it."""
    import types

    from diffusers import WanTransformer3DModel

    from nodes.video_models.files.headers import read_json
    from nodes.video_models.files.single_file import load_denoiser
    from nodes.video_models.files.weight_formats import check_single_file

    seen = []

    class Recording(WanTransformer3DModel):
        def load_state_dict(self, state_dict, *args, **kwargs):
            seen.append({p.device.type for p in self.parameters()})
            return super().load_state_dict(state_dict, *args, **kwargs)

    base, _, state, _ = wide
    f = tf.write_safetensors(state, str(tmp_path / "wan.safetensors"), torch.bfloat16)
    fam, wf = check_single_file(f)
    model, fmt, _ = load_denoiser(types.SimpleNamespace(WanTransformer3DModel=Recording),
                                  read_json(os.path.join(base, "model_index.json")), base, fam, wf, torch.bfloat16)
    assert seen == [{"meta"}] and isinstance(model, Recording)
    assert fmt == "bf16" and {p.device.type for p in model.parameters()} == {"cpu"}
    kept = tuple(WanTransformer3DModel._keep_in_fp32_modules)
    assert {p.dtype for n, p in model.named_parameters() if not any(k in n.split(".") for k in kept)} == {torch.bfloat16}
    assert {p.dtype for n, p in model.named_parameters() if any(k in n.split(".") for k in kept)} == {torch.float32}


@pytest.mark.parametrize("kind", ["fp32", "fp8 scaled"])
def test_the_wan_repositorys_layout_is_renamed_by_diffusers_converter_and_loaded_lean(wide, tmp_path, kind):
    """ComfyUI's Wan files carry the Wan repository's tensor names (self_attn.q, head.modulation…),
    often in scaled fp8: diffusers' converter renames them (run on shapes), the file is read lean."""
    from diffusers.loaders.single_file_utils import convert_wan_transformer_to_diffusers
    base, _, state, want = wide
    original = tf.wan_original_names(state)
    assert set(convert_wan_transformer_to_diffusers(dict(original))) == set(state)  # the names are the repository's
    f = str(tmp_path / "wan_original.safetensors")
    if kind == "fp32":
        tf.write_safetensors(original, f, torch.float32)
    else:
        tf.write_fp8({k: v for k, v in original.items()}, f, torch.float8_e4m3fn, scaled=True)
    one, said = _load(f, base)
    assert "in the original layout (renamed by diffusers' converter)" in said[0]
    out = tf.run_denoiser(one.module.transformer, tf.denoiser_input())
    if kind == "fp32":
        assert torch.equal(out, want)
    else:
        assert one.weights == "fp8 e4m3 (scaled)" and tf.psnr(want, out) >= 40


def test_the_memory_plan_counts_a_quantised_file_at_its_bytes(wide, tmp_path):
    """Load Video Model's plan (weights by the files' headers): an fp8, NVFP4 or GGUF file is kept as
    it stores its weights, so it counts its bytes, not 2 bytes a weight, and has no fp8 mode to offer."""
    from nodes.video_models.loading.node import LoadVideoModel
    base, _, state, _ = wide
    n = sum(v.numel() for v in state.values())
    files = {"bf16": tf.write_safetensors(state, str(tmp_path / "w_bf16.safetensors"), torch.bfloat16),
             "fp8": tf.write_fp8(state, str(tmp_path / "w_fp8.safetensors"), torch.float8_e4m3fn, True),
             "gguf": tf.write_gguf(state, str(tmp_path / "w-Q8_0.gguf"), "Q8_0")}
    for kind, f in files.items():
        params = {"model": f, "base": base, "dtype": "bf16", "device": "auto"}
        _, den, _, size = LoadVideoModel.weight_numbers(params, "cuda")
        assert size == 2
        if kind == "bf16":  # the base folder's own denoiser, replaced by the file, is not counted
            assert den == n and not LoadVideoModel.quantised_model(params)
        else:
            # its bytes (the tiny GGUF keeps most tensors in F32: no more than the load dtype's)
            assert den * size == pytest.approx(min(os.path.getsize(f), n * size), abs=2), kind
            assert LoadVideoModel.quantised_model(params)

"""ComfyUI's mixed-precision files (issue 45, item 3): per layer ``weight`` + ``weight_scale`` (+
``weight_scale_2``, ``input_scale``) + a ``comfy_quant`` JSON tensor (or the header's
``_quantization_metadata``), fp8 with per-tensor scales or NVFP4, the other layers bf16. Files
are written here by an NVFP4 quantiser of this test's own (nearest e2m1 value by search, the block
scales swizzled by cuBLAS's index formula, not by Studio's reshapes), then loaded through Studio's
loaders: a tiny Wan denoiser against its fp32 model, and LTX-2's Gemma text encoder (and an fp8
checkpoint) rendering against the diffusers folder. PSNR figures are printed; malformed files are
refused before anything is allocated."""
from __future__ import annotations

import json
import os

import pytest
import torch

from nodes.video_models.files import single_file
from nodes.video_models.files.comfy_quant import NVFP4Linear, dequantise
from nodes.video_models.files.weight_formats import read_weight_file
from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model

from . import tiny_formats as tf
from . import tiny_ltx2_parts as tl
from . import tiny_parts as tp
from .refusals import refuse_loads, single_file_loads

pytest.importorskip("diffusers")
CPU = torch.device("cpu")
E2M1 = torch.tensor([0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0])
FP8 = torch.float8_e4m3fn


# ---- the test's own writer ---------------------------------------------------------------------

def swizzled(block: torch.Tensor) -> torch.Tensor:
    """[R, C] block scales placed as cuBLAS's tiled layout says: element (r, c) at tile
    (r // 128, c // 4), inside it at [r % 32][(r % 128) // 32][c % 4]; zero-padded tiles."""
    rows, cols = block.shape
    n_r, n_c = -(-rows // 128), -(-cols // 4)
    out = torch.zeros(n_r * 128 * n_c * 4, dtype=block.dtype)
    r, c = torch.meshgrid(torch.arange(rows), torch.arange(cols), indexing="ij")
    at = ((r // 128) * n_c + c // 4) * 512 + (r % 32) * 16 + ((r % 128) // 32) * 4 + c % 4
    out[at.reshape(-1)] = block.reshape(-1)
    return out.reshape(n_r * 128, n_c * 4)


def nvfp4(w: torch.Tensor):
    """(packed uint8 [R, C/2] with the even column in the high nibble, swizzled fp8 block scales,
    fp32 per-tensor scale, the weight they hold in fp32) of ``w`` [R, C], as ComfyUI quantises."""
    w = w.float()
    rows, cols = w.shape
    glob = w.abs().max() / (448.0 * 6.0)
    blocks = w.reshape(rows, cols // 16, 16)
    block = (blocks.abs().amax(-1) / 6.0 / glob).clamp(max=448.0).to(FP8)
    total = (glob * block.float()).unsqueeze(-1)
    scaled = torch.where(total > 0, blocks / total, torch.zeros_like(blocks)).clamp(-6.0, 6.0)
    mag = (scaled.abs().unsqueeze(-1) - E2M1).abs().argmin(-1)  # the nearest e2m1 magnitude
    codes = (mag | ((scaled < 0).long() << 3)).to(torch.uint8).reshape(rows, cols)
    packed = (codes[:, 0::2] << 4) | codes[:, 1::2]
    held = (torch.cat([E2M1, -E2M1])[codes.long()].reshape(rows, -1, 16) * total).reshape(rows, cols)
    return packed.contiguous(), swizzled(block), glob.reshape(()), held


def fp8_scaled(w: torch.Tensor):
    s = (w.abs().max() / torch.finfo(FP8).max).clamp(min=1e-12).float()
    return (w.float() / s).to(FP8), s


def mark(fmt: str) -> torch.Tensor:
    return torch.tensor(list(json.dumps({"format": fmt}).encode()), dtype=torch.uint8)


def write_mixed(state: dict, path: str, fmt: str, which, metadata: bool = False) -> dict:
    """``state`` as ComfyUI's mixed-precision file: the tensors ``which(name, t)`` picks in ``fmt``
    ('nvfp4' or 'float8_e4m3fn'; a ``comfy_quant`` tensor each, or ``metadata``: the header's
    ``_quantization_metadata``), the rest bf16. Returns the weights the file holds, in fp32."""
    from safetensors.torch import save_file
    out, held, layers = {}, {}, {}
    for k, v in state.items():
        if not which(k, v):
            out[k] = v.to(torch.bfloat16).contiguous()
            held[k] = out[k].float()
            continue
        layer = k[: -len(".weight")]
        if fmt == "nvfp4":
            out[k], out[layer + ".weight_scale"], out[layer + ".weight_scale_2"], held[k] = nvfp4(v)
        else:
            out[k], s = fp8_scaled(v)
            out[layer + ".weight_scale"], out[layer + ".input_scale"] = s.reshape(()), torch.ones(())
            held[k] = out[k].float() * s
        layers[layer] = {"format": fmt}
        if not metadata:
            out[layer + ".comfy_quant"] = mark(fmt)
    for layer in layers if fmt != "nvfp4" else ():  # layerwise casting stores an fp8 layer's bias in fp8 too
        if layer + ".bias" in held:
            held[layer + ".bias"] = held[layer + ".bias"].to(FP8).float()
    save_file(out, path, metadata={"_quantization_metadata": json.dumps({"layers": layers})} if metadata else None)
    return held


# ---- the format itself ---------------------------------------------------------------------------

def test_one_packed_tensor_dequantises_to_the_hand_computed_values(tmp_path):
    """48x32 NVFP4: byte [0, 0] = 0x2F (codes 2 and 15: 1.0 and -6.0), block scale (0, 0) = 2;
    byte [33, 8] = 0x71 (codes 7 and 1: 6.0 and 0.5), block scale (33, 1) = 4; per-tensor 0.5."""
    from safetensors.torch import save_file
    data = torch.zeros(48, 16, dtype=torch.uint8)
    data[0, 0], data[33, 8] = 0x2F, 0x71
    block = torch.zeros(48, 2)
    block[0, 0], block[33, 1] = 2.0, 4.0
    blocked = swizzled(block.to(FP8))
    assert blocked.shape == (128, 4) and float(blocked[5, 1].float()) == 4.0  # row 33 = tile row 1*32 + 1
    f = str(tmp_path / "one.safetensors")
    save_file({"l.weight": data, "l.weight_scale": blocked, "l.weight_scale_2": torch.tensor(0.5),
               "l.comfy_quant": mark("nvfp4")}, f)
    wf = read_weight_file(f)
    assert wf.tensors["l.weight"].shape == (48, 32) and wf.tensors["l.weight"].dtype == "NVFP4"
    with open(f, "rb") as fh:
        w = dequantise(single_file.read_tensor(fh, wf, "l.weight"), torch.float32)
    assert w.shape == (48, 32)
    assert (w[0, 0], w[0, 1], w[33, 16], w[33, 17]) == (1.0, -6.0, 12.0, 1.0)
    assert int((w != 0).sum()) == 4


def test_studios_dequantisation_gives_back_what_the_quantiser_wrote(tmp_path):
    from safetensors.torch import save_file
    w = torch.randn(272, 96, generator=torch.Generator().manual_seed(1)) * 0.05  # 3 tile rows, 2 tile columns
    packed, blocked, glob, held = nvfp4(w)
    f = str(tmp_path / "rt.safetensors")
    save_file({"x.weight": packed, "x.weight_scale": blocked, "x.weight_scale_2": glob, "x.comfy_quant": mark("nvfp4")}, f)
    wf = read_weight_file(f)
    with open(f, "rb") as fh:
        got = dequantise(single_file.read_tensor(fh, wf, "x.weight"), torch.float32)
    assert torch.equal(got, held)
    print(f"NVFP4 round trip of a 272x96 weight: {tf.psnr(w, got):.1f} dB")
    assert tf.psnr(w, got) > 15


# ---- a Wan denoiser --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    from diffusers import WanTransformer3DModel
    base = tf.build_wide_wan(str(tmp_path_factory.mktemp("models") / "wide-wan"))
    ref = WanTransformer3DModel.from_pretrained(base, subfolder="transformer")
    state = {k: v.clone() for k, v in ref.state_dict().items()}
    return base, ref, state, tf.run_denoiser(ref, tf.denoiser_input())


def _blocks(k, v):
    return v.dim() == 2 and k.endswith(".weight") and k.startswith("blocks.")


def _output_of(like, held):
    from diffusers import WanTransformer3DModel
    m = WanTransformer3DModel.from_config(like.config)
    m.load_state_dict(held)
    return tf.run_denoiser(m.eval(), tf.denoiser_input())


@pytest.mark.parametrize("fmt,words,floor", [("float8_e4m3fn", "fp8 e4m3 (per-tensor scales, ComfyUI mixed)", 40),
                                             ("nvfp4", "NVFP4 mixed (bf16 elsewhere)", 35)])
def test_a_wan_denoiser_in_comfys_mixed_layout(wide, tmp_path, fmt, words, floor):
    """In the Wan repository's names (as ComfyUI's Wan files are), renamed by diffusers' converter."""
    base, ref, state, want = wide
    f = str(tmp_path / f"wan_{fmt}.safetensors")
    held = write_mixed(tf.wan_original_names(state), f, fmt, _blocks, metadata=fmt != "nvfp4")
    from nodes.video_models.catalog.listing import describe_file
    e = describe_file(f)  # the picker's line, from the header alone
    assert e.kind == "denoiser" and e.family == "wan" and e.dtype.startswith(
        "nvfp4 mixed" if fmt == "nvfp4" else "fp8_e4m3fn scaled") and e.params == sum(v.numel() for v in state.values())
    said = []
    one = load_video_model(f, base=base, device=CPU, dtype_name="fp32", info=said.append)
    den = one.module.transformer
    q = den.blocks[0].attn1.to_q
    assert one.weights == words
    if fmt == "nvfp4":
        assert isinstance(q, NVFP4Linear) and "stored in 4 bits, dequantised per layer to fp32" in said[0]
        assert q.weight.dtype == torch.uint8 and q.weight.shape == (256, 128)  # 4 bits a weight
        assert q.packed().block.dtype == FP8 and q.packed().block.shape == (256, 16)  # fp8 block scales
        den.to(torch.bfloat16)  # a model-wide cast leaves the packed codes and their scales as they are
        assert q.weight.dtype == torch.uint8 and q.packed().block.dtype == FP8 and isinstance(q.scale_2, float)
        den.to(torch.float32)
    else:
        assert q.weight.dtype == FP8 and "stored in 8 bits, computed in fp32" in said[0]
    rest = sum(p.numel() for c in ("text_encoder", "vae") for p in getattr(one.module, c).parameters())
    assert f"({os.path.basename(f)}, {words}): {rest + sum(v.numel() for v in state.values()):,} parameters" \
        in one.summary()  # NVFP4's packed bytes counted as two weights each
    exact = _output_of(den, {n: held[o] for n, o in zip(state, tf.wan_original_names(state))})
    out = tf.run_denoiser(den, tf.denoiser_input())
    assert tf.psnr(exact, out) >= 100  # the weights the file holds, computed as they are
    db = tf.psnr(want, out)
    print(f"{words}, computed in fp32: {db:.1f} dB against the fp32 model")
    assert db >= floor
    bf16 = load_video_model(f, base=base, device=CPU, dtype_name="bf16").module.transformer
    db16 = tf.psnr(want, tf.run_denoiser(bf16, tf.denoiser_input()))
    print(f"{words}, computed in bf16: {db16:.1f} dB against the fp32 model")
    assert db16 >= floor - 5 and tf.psnr(exact, tf.run_denoiser(bf16, tf.denoiser_input())) >= 35


def test_nvfp4_in_a_module_kept_in_fp32_is_dequantised_and_fp8_scales_without_a_marker_are_read(wide, tmp_path):
    """Wan's time embedder is one of its _keep_in_fp32_modules: an NVFP4 weight there is dequantised
    once, to fp32, as the fp8 ones are; an fp8 file with ``weight_scale`` but neither ``comfy_quant``
    nor metadata is read by its weights' storage."""
    base, _, state, want = wide
    f = str(tmp_path / "wan_kept.safetensors")
    held = write_mixed(tf.wan_original_names(state), f, "nvfp4", lambda k, v: v.dim() == 2 and (
        k.startswith("time_embedding.") or _blocks(k, v)))
    den = load_video_model(f, base=base, device=CPU, dtype_name="bf16").module.transformer
    lin = den.condition_embedder.time_embedder.linear_1
    assert type(lin) is torch.nn.Linear and lin.weight.dtype == torch.float32
    assert torch.equal(lin.weight, held["time_embedding.0.weight"])
    assert isinstance(den.blocks[0].ffn.net[2], NVFP4Linear)
    from safetensors.torch import load_file, save_file
    g = str(tmp_path / "wan_unmarked.safetensors")
    write_mixed(tf.wan_original_names(state), g, "float8_e4m3fn", _blocks)
    save_file({k: v for k, v in load_file(g).items() if not k.endswith(".comfy_quant")}, g)
    one = load_video_model(g, base=base, device=CPU, dtype_name="fp32")
    assert one.weights == "fp8 e4m3 (per-tensor scales, ComfyUI mixed)"
    assert tf.psnr(want, tf.run_denoiser(one.module.transformer, tf.denoiser_input())) >= 40


# ---- refusals, before allocation --------------------------------------------------------------------

@pytest.fixture
def no_loads(monkeypatch):
    refuse_loads(monkeypatch, "a model was built before the file was checked", *single_file_loads())


def _bad(state, tmp_path, edit) -> str:
    from safetensors.torch import save_file
    out = {k: v.to(torch.bfloat16).contiguous() for k, v in state.items()}
    edit(out)
    f = str(tmp_path / "bad.safetensors")
    save_file(out, f)
    return f


@pytest.mark.parametrize("edit,match", [
    (lambda s: s.update({"blocks.0.attn1.to_q.weight": s["blocks.0.attn1.to_q.weight"].to(torch.int8),
                         "blocks.0.attn1.to_q.weight_scale": torch.ones(256),
                         "blocks.0.attn1.to_q.comfy_quant": mark("convrot_w4a4")}),
     r"layer 'blocks.0.attn1.to_q' is quantised as 'convrot_w4a4', which Studio cannot read"),
    (lambda s: s.update({"blocks.0.attn1.to_q.weight": s["blocks.0.attn1.to_q.weight"].to(torch.int8),
                         "blocks.0.attn1.to_q.weight_scale": torch.ones(7),
                         "blocks.0.attn1.to_q.comfy_quant": mark("int8_tensorwise")}),
     r"'blocks.0.attn1.to_q.weight_scale' is F32 \[7\]: the scales of a"),
    (lambda s: s.update({"blocks.0.attn1.to_q.weight": s["blocks.0.attn1.to_q.weight"].to(FP8),
                         "blocks.0.attn1.to_q.weight_scale": torch.ones(256),
                         "blocks.0.attn1.to_q.comfy_quant": mark("float8_e4m3fn")}),
     r"'blocks.0.attn1.to_q.weight_scale' holds 256 values \[256\]: a float8_e4m3fn layer has one per-tensor scale"),
    (lambda s: s.update({"blocks.0.attn1.to_q.weight": torch.zeros(256, 128, dtype=torch.uint8),
                         "blocks.0.attn1.to_q.weight_scale": torch.ones(256, 8).to(FP8),
                         "blocks.0.attn1.to_q.weight_scale_2": torch.ones(()),
                         "blocks.0.attn1.to_q.comfy_quant": mark("nvfp4")}),
     r"'blocks.0.attn1.to_q.weight_scale' is F8_E4M3 \[256, 8\]: the block scales of a 256x256 NVFP4 weight are "
     r"F8_E4M3 \[256, 16\]"),
    (lambda s: s.update({"blocks.0.attn1.to_q.weight": torch.zeros(256, 128, dtype=torch.uint8),
                         "blocks.0.attn1.to_q.weight_scale": torch.ones(256, 16).to(FP8),
                         "blocks.0.attn1.to_q.weight_scale_2": torch.ones(())}),
     r"'blocks.0.attn1.to_q.weight' is 4-bit with scales but not marked ComfyUI's \(no comfy_quant\)"),
    (lambda s: s.update({"blocks.0.attn1.to_q.weight_scale": torch.ones(())}),
     r"'blocks.0.attn1.to_q.weight_scale' scales a weight stored as BF16 and the file does not say its format"),
])
def test_mixed_files_that_do_not_fit_are_refused_before_allocation(wide, tmp_path, no_loads, edit, match):
    base, _, state, _ = wide
    f = _bad(state, tmp_path, edit)
    with pytest.raises(ModelError, match=match):
        load_video_model(f, base=base, device=CPU, dtype_name="fp32")


# ---- LTX-2: ComfyUI's Gemma file in NVFP4 mixed (gemma_3_12B_it_fp4_mixed) and an fp8 checkpoint ----

@pytest.fixture(scope="module")
def ltx2(tmp_path_factory, tiny):
    """(the diffusers folder, its parts as ComfyUI's files, the folder's frames)."""
    root = tmp_path_factory.mktemp("ltx2")
    folder = tiny("ltx2-parts")
    files = tl.write_files(folder, str(root / "models"))
    return folder, files, _frames(tp.fresh(load_video_model(folder, base=None, device=CPU, dtype_name="fp32")))


def _frames(ref):
    out = ref.pipeline("t2v")(prompt="a singer singing into the camera on stage, cinematic", negative_prompt="blue",
                              height=64, width=64, num_frames=9, frame_rate=24.0, num_inference_steps=2,
                              guidance_scale=2.0, max_sequence_length=32, generator=torch.Generator().manual_seed(0),
                              output_type="pt")
    return out.frames


def _gemma_layers(k, v):
    return v.dim() == 2 and k.startswith("model.layers.") and k.endswith(".weight")


def _dit_blocks(k, v):
    return v.dim() == 2 and ".transformer_blocks." in k and k.endswith(".weight")


@pytest.mark.parametrize("fp8_checkpoint", [False, True])
def test_ltx2_with_comfys_nvfp4_gemma_and_an_fp8_mixed_checkpoint(ltx2, fp8_checkpoint):
    import os

    from safetensors.torch import load_file
    folder, files, want = ltx2
    models = os.path.dirname(files["text_encoder"])  # its tokenizer/ beside it
    te = os.path.join(models, "gemma_3_tiny_it_fp4_mixed.safetensors")
    write_mixed(load_file(files["text_encoder"]), te, "nvfp4", _gemma_layers)
    den = files["checkpoint"]
    if fp8_checkpoint:
        den = os.path.join(models, "ltx-2-tiny-dev-fp8-mixed.safetensors")
        write_mixed(tl.checkpoint_state(folder), den, "float8_e4m3fn", _dit_blocks)
    said = []
    one = load_video_model(den, base=None, device=CPU, dtype_name="fp32", parts={"text_encoder": te},
                           info=said.append)
    mlp = one.module.text_encoder.layers[0].mlp
    assert isinstance(mlp.up_proj, NVFP4Linear) and mlp.up_proj.weight.dtype == torch.uint8
    assert any("gemma_3_tiny_it_fp4_mixed.safetensors: " in s and "NVFP4 mixed (bf16 elsewhere)" in s for s in said)
    if fp8_checkpoint:
        assert one.module.transformer.transformer_blocks[0].attn1.to_q.weight.dtype == FP8
        assert "fp8 e4m3 (per-tensor scales, ComfyUI mixed)" in one.weights
    db = tf.psnr(want, _frames(tp.fresh(one)))
    print(f"LTX-2, Gemma NVFP4 mixed{' + checkpoint fp8 mixed' if fp8_checkpoint else ''}: frames {db:.1f} dB "
          "against the diffusers folder's (fp32)")
    assert db >= 20

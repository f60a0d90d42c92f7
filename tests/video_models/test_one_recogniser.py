"""One recogniser (issue 53): the model picker (catalog) and the loader ask the same families, in the
registry's order, what a file is, so they never disagree about one file: for every tiny test model's
files (diffusers' layouts, the original layouts as ComfyUI's files, header-only files of the released
sizes) the picker's family is the loader's, and a file the loader refuses is not listed as a
denoiser. A family registered here (its folder's recogniser and one registry line) is found by both."""
from __future__ import annotations

import os

import pytest

from nodes.video_models.base.errors import ModelError
from nodes.video_models.base.family import Family
from nodes.video_models.base.recognise import Recognised, recognise
from nodes.video_models.base.registry import FAMILIES, register
from nodes.video_models.catalog.listing import describe_file
from nodes.video_models.files.weight_formats import check_single_file
from nodes.video_models.loading.checks import check_file

from . import layouts as L


def _answers(path: str) -> tuple[str, str]:
    """(the picker's family if it lists a denoiser or checkpoint, else its kind; the loader's family
    or 'refused'), for one file; both loader entries (safetensors' and every format's) agree."""
    e = describe_file(path)
    picker = e.family if e.kind in ("denoiser", "checkpoint") else e.kind
    try:
        loader = check_single_file(path)[0].key
    except ModelError:
        loader = "refused"
    try:
        assert check_file(path)[0].key == loader, path
    except ModelError:
        assert loader == "refused", path
    return picker, loader


def _agree(files: dict[str, str]) -> dict[str, str]:
    out = {}
    for name, path in files.items():
        picker, loader = _answers(path)
        if loader == "refused":
            assert picker not in FAMILIES, (name, picker)  # not listed as a denoiser the loader refuses
        else:
            assert picker == loader, (name, picker, loader)
        out[name] = picker
    return out


def test_header_files_of_the_released_sizes(tmp_path):
    files = L.comfy_folder(str(tmp_path / "ComfyUI"))
    files["ltx2"] = L.write(str(tmp_path / "ltx-2-19b.safetensors"), L.ltx2())
    files["hunyuan15"] = L.write(str(tmp_path / "hunyuanvideo1.5.safetensors"), L.hunyuan15())
    files["ltx_checkpoint"] = L.write(str(tmp_path / "ltx-video-2b-v0.9.safetensors"), L.ltx(28, vae=True))
    from .tiny_kandinsky5 import released_shapes
    files["kandinsky5"] = L.write(str(tmp_path / "kandinsky5lite_i2v_5s.safetensors"), released_shapes())
    files["kandinsky5_comfy"] = L.write(str(tmp_path / "kandinsky5lite_t2v_sft_5s.safetensors"),
                                        released_shapes("model.diffusion_model.", visual_cond=False))
    got = _agree(files)
    assert got == {"wan21_t2v_1.3B": "wan", "wan21_i2v_14B_fp8": "wan", "ltx_2b": "ltx", "umt5": "text_encoder",
                   "t5": "text_encoder", "wan_vae": "vae", "clip_h": "clip_vision", "lora": "lora", "ltx2": "ltx2",
                   "hunyuan15": "hunyuan15", "ltx_checkpoint": "ltx", "kandinsky5": "kandinsky5",
                   "kandinsky5_comfy": "kandinsky5"}
    assert describe_file(files["kandinsky5"]).variant == "Kandinsky 5 Lite"


def _denoiser_file(folder: str) -> str:
    for sub in ("transformer", "unet"):
        p = os.path.join(folder, sub, "diffusion_pytorch_model.safetensors")
        if os.path.exists(p):
            return p
    raise AssertionError(f"no denoiser file in {folder}")


def test_tiny_models_denoiser_files(svd_dir, wan_dir, ltx_dir, cogvideox_dir, ltx2_dir, hy15, tmp_path, tiny):
    from .tiny_kandinsky5 import write_single_files
    from .tiny_parts import write_parts
    hunyuan, kandinsky5 = tiny("hunyuan"), tiny("kandinsky5")
    folders = {"svd": svd_dir, "wan": wan_dir, "ltx": ltx_dir, "cogvideox": cogvideox_dir, "ltx2": ltx2_dir,
               "hunyuan15": hy15[0], "hunyuan": hunyuan, "kandinsky5": kandinsky5}
    files = {k: _denoiser_file(v) for k, v in folders.items()}
    wan_parts = write_parts(wan_dir, str(tmp_path / "wan_comfy"))  # Wan-Video's names, ComfyUI's files
    files.update({f"wan_{k}": v for k, v in wan_parts.items()})
    files.update({f"hunyuan15_{k}": v for k, v in hy15[1].items()})
    files.update({f"kandinsky5_{k}": v for k, v in write_single_files(kandinsky5, str(tmp_path / "k5")).items()})
    files["kandinsky5_vae"] = os.path.join(kandinsky5, "vae", "diffusion_pytorch_model.safetensors")
    got = _agree(files)
    assert got == {"svd": "svd", "wan": "wan", "ltx": "ltx", "cogvideox": "cogvideox", "ltx2": "ltx2",
                   "hunyuan15": "hunyuan15", "hunyuan": "hunyuan", "wan_denoiser": "wan",
                   "wan_text_encoder": "text_encoder", "wan_vae": "vae", "hunyuan15_denoiser": "hunyuan15",
                   "hunyuan15_vae": "vae", "hunyuan15_text_encoder": "text_encoder",
                   "hunyuan15_text_encoder_2": "text_encoder", "kandinsky5": "kandinsky5",
                   "kandinsky5_release": "kandinsky5", "kandinsky5_comfy": "kandinsky5", "kandinsky5_vae": "vae"}


def _toy(t, filename: str = ""):
    if t.has("toy_head.weight") and "toy_blocks" in t.tops:
        return Recognised("denoiser", "toy", f"Toy ({t.blocks('toy_blocks')} blocks)")
    return None


@pytest.fixture
def toy_family():
    """A new family: its recogniser (as its folder's would be) and one registry line; removed after."""
    fam = register(Family("toy", "Toy Video", ("ToyPipeline",), t2v="ToyPipeline", key_rank=8, recogniser=_toy,
                          key_patterns=(("toy_blocks.", "toy_embed."),)))
    yield fam
    del FAMILIES["toy"]


def test_a_new_family_is_found_by_the_picker_and_the_loader(toy_family, tmp_path):
    from nodes.video_models.base import registry
    exact = L.write(str(tmp_path / "toy.safetensors"), {"toy_head.weight": (4, 8), "toy_blocks.0.w": (8, 8),
                                                         "toy_blocks.1.w": (8, 8)})
    loose = L.write(str(tmp_path / "toy_loose.safetensors"), {"toy_embed.weight": (4, 8), "toy_blocks.0.w": (8, 8)})
    e = describe_file(exact)
    assert (e.kind, e.family, e.variant, e.family_title) == ("denoiser", "toy", "Toy (2 blocks)", "Toy Video")
    assert _answers(exact) == ("toy", "toy") and _answers(loose) == ("toy", "toy")
    assert recognise({"toy_embed.weight": (4,), "toy_blocks.0.w": (4,)}).family == "toy"
    assert "toy" in [f.key for f in registry.recognition_order()]


def test_without_the_new_family_its_file_is_unknown_to_both(tmp_path):
    path = L.write(str(tmp_path / "toy.safetensors"), {"toy_head.weight": (4, 8), "toy_blocks.0.w": (8, 8)})
    assert _answers(path) == ("unknown", "refused")


def test_encoders_are_claimed_by_the_family_that_uses_them():
    t5 = L.t5()
    assert recognise(t5) == Recognised("text_encoder", "ltx", "T5-XXL (LTX-Video, CogVideoX)",
                                       "tokenizer inside the file")
    small = L.t5(layers=2, width=64, umt5=True, tokenizer=False)
    assert recognise(small) == Recognised("text_encoder", "wan", "UMT5 (width 64)")  # any UMT5 is Wan's
    assert recognise(L.clip_vision_h(24)) == Recognised("clip_vision", "", "CLIP ViT-L/14")  # no family's

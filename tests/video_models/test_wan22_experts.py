"""Wan 2.2 A14B from ComfyUI's files: Load Video Model takes the two experts as two denoiser files
('model' the high-noise one, 'model_2' the low-noise one; their names say which when ComfyUI's
do), with the text-encoder and VAE files. A tiny two-expert Wan written in the original layouts
samples exactly the frames of the diffusers folder (WanPipeline with transformer_2 and
boundary_ratio, save_pretrained) holding the same weights; both experts run; experts that are not
one architecture are refused naming both files, before anything is allocated."""
from __future__ import annotations

import os
import shutil

import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model

from .graphs import files_and_folder
from . import tiny_parts as tp
from . import tiny_wan22 as tw
from .refusals import refuse_loads, single_file_loads

pytest.importorskip("diffusers")
CPU = torch.device("cpu")
PROMPT = "a red fox running in the snow, cinematic"


@pytest.fixture(scope="module")
def a14b(tmp_path_factory, tiny):
    """(the two-expert diffusers folder, its parts as ComfyUI's files: text_encoder, vae, high, low)."""
    root = tmp_path_factory.mktemp("a14b")
    folder = tiny("wan22-a14b")
    files = tp.write_parts(folder, str(root / "models"))
    files.update(tw.write_experts(folder, str(root / "models" / "diffusion_models")))
    return folder, files


def _frames(ref, task="t2v", **more):
    return ref.pipeline(task)(prompt=PROMPT, negative_prompt="blue sky", height=16, width=16, num_frames=5,
                              num_inference_steps=2, guidance_scale=2.0, generator=torch.Generator().manual_seed(0),
                              output_type="pt", max_sequence_length=32, **more).frames


def _calls(ref) -> dict:
    """How often each expert runs (forward pre-hooks on the loaded modules)."""
    seen = {"transformer": 0, "transformer_2": 0}
    for name in seen:
        getattr(ref.module, name).register_forward_pre_hook(lambda *a, n=name: seen.__setitem__(n, seen[n] + 1))
    return seen


@pytest.fixture(scope="module")
def want(a14b):
    return _frames(tp.fresh(load_video_model(a14b[0], base=None, device=CPU, dtype_name="fp32")))


def _load(files, model, model_2, said=None, **kw):
    return load_video_model(files[model] if model in files else model, base=None, device=CPU, dtype_name="fp32",
                            info=(said if said is not None else []).append,
                            parts={"text_encoder": files["text_encoder"], "vae": files["vae"],
                                   "transformer_2": files[model_2] if model_2 in files else model_2}, **kw)


def test_two_expert_files_sample_the_folders_frames_exactly(a14b, want):
    folder, files = a14b
    said = []
    one = _load(files, "high", "low", said)
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    for name in ("transformer", "transformer_2"):
        got, held = getattr(one.module, name).state_dict(), getattr(ref.module, name).state_dict()
        assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held), name
    calls = _calls(one)
    assert torch.equal(_frames(one), want)
    assert calls["transformer"] > 0 and calls["transformer_2"] > 0  # steps at t 999 and 750: the boundary (875) between them
    assert one.module.config.boundary_ratio == 0.875 and one.variant == "Wan 2.2 A14B (two experts)"
    assert type(one.module).__name__ == "WanPipeline"
    line = next(s for s in said if s.startswith("two experts"))
    assert line.startswith("two experts: high noise 'wan2.2_t2v_high_noise_14B_tiny_fp32.safetensors', low noise "
                           "'wan2.2_t2v_low_noise_14B_tiny_fp32.safetensors' (their names say so); switched at "
                           "boundary ratio 0.875 (Wan 2.2 A14B T2V's, Studio's data)")
    assert "two experts (high / low noise), boundary 0.875" in one.weights


def test_experts_given_the_other_way_round_are_swapped_by_their_names(a14b, want):
    _, files = a14b
    said = []
    one = _load(files, "low", "high", said)
    assert torch.equal(_frames(tp.fresh(one)), want)
    assert any("(their names say so; given the other way round, swapped)" in s for s in said)


def test_experts_whose_names_do_not_say_go_by_their_slots(a14b, want, tmp_path):
    _, files = a14b
    a, b = str(tmp_path / "expert_a.safetensors"), str(tmp_path / "expert_b.safetensors")
    shutil.copy(files["high"], a)
    shutil.copy(files["low"], b)
    said = []
    assert torch.equal(_frames(tp.fresh(_load(files, a, b, said))), want)
    assert any("(by their slots: 'model' the high-noise expert, 'model_2' the low-noise one)" in s for s in said)
    said.clear()
    one = _load(files, b, files["high"], said)  # one name says high noise: the other is the low-noise expert
    assert torch.equal(_frames(tp.fresh(one)), want)
    assert any("'wan2.2_t2v_high_noise_14B_tiny_fp32.safetensors's name says high noise; given the other way round, "
               "swapped" in s for s in said)


def test_a_diffusers_base_folder_takes_both_expert_files(a14b, want):
    folder, files = a14b
    said = []
    one = load_video_model(files["low"], base=folder, device=CPU, dtype_name="fp32", info=said.append,
                           parts={"transformer_2": files["high"]})
    assert torch.equal(_frames(tp.fresh(one)), want)
    assert any("switched at the base folder's boundary ratio 0.875" in s for s in said)


@pytest.fixture
def no_loads(monkeypatch):
    refuse_loads(monkeypatch, "a model was built before the experts were checked", *single_file_loads())


def test_experts_of_two_architectures_are_refused_naming_both(a14b, tmp_path, no_loads):
    from safetensors.torch import save_file

    from .tiny_formats import wan_original_names
    _, files = a14b
    other = str(tmp_path / "wan2.2_t2v_low_noise_other.safetensors")
    state = wan_original_names(tw.expert(2, ffn_dim=512).state_dict())
    save_file({k: v.contiguous() for k, v in state.items()}, other)
    with pytest.raises(ModelError, match=r"the two experts '.*wan2\.2_t2v_high_noise_14B_tiny_fp32\.safetensors' and "
                                         r"'.*wan2\.2_t2v_low_noise_other\.safetensors' are not one architecture: "
                                         r"'blocks\.0\.ffn\.net\.0\.proj\.bias' is \[256\] in 'wan2\.2_t2v_high_noise_14B_"
                                         r"tiny_fp32\.safetensors' but \[512\] in 'wan2\.2_t2v_low_noise_other\."
                                         r"safetensors' \(3 of 42 tensors differ\)"):
        _load(files, "high", other)
    with pytest.raises(ModelError, match="both experts' names say high noise"):
        _load(files, "high", _copy(files["high"], tmp_path))
    with pytest.raises(ModelError, match="is given as both experts"):
        _load(files, "high", "high")
    # a text encoder given as the second expert is named as what it is, and where it goes instead
    with pytest.raises(ModelError, match=r"the second expert \('model_2'\): '.*umt5_tiny_fp32\.safetensors' is a UMT5 "
                                         r"\(width 32\), not a denoiser: set it as Load Video Model's 'text_encoder'"):
        _load(files, "high", "text_encoder")


def _copy(src, tmp_path):
    dst = str(tmp_path / "wan2.2_t2v_high_noise_copy.safetensors")
    shutil.copy(src, dst)
    return dst


def test_a_second_expert_for_a_one_model_denoiser_is_refused(tmp_path, no_loads):
    from . import layouts
    wan21 = layouts.write(str(tmp_path / "wan2.1_i2v_480p_14B.safetensors"), layouts.wan(5120, 36, 2, i2v=True))
    other = layouts.write(str(tmp_path / "wan2.1_i2v_480p_14B_b.safetensors"), layouts.wan(5120, 36, 2, i2v=True))
    with pytest.raises(ModelError, match="Wan 2.1 image-to-video denoiser .* which is one model"):
        load_video_model(wan21, base=None, device=CPU, parts={"transformer_2": other})
    ltx = layouts.write(str(tmp_path / "ltx-video-2b.safetensors"), layouts.ltx(28))
    with pytest.raises(ModelError, match="is a LTX-Video denoiser, which has one"):
        load_video_model(ltx, base=None, device=CPU, parts={"transformer_2": other})


def test_through_the_graph_model_2_renders_as_the_folder_does(a14b):
    from studio.engine.events import NodeNote

    from nodes.video_models.loading.node import LoadVideoModel
    folder, files = a14b

    def graph(**load):
        return tp.t2v_graph(PROMPT, **load)
    two = graph(model=files["high"], model_2=files["low"], text_encoder=files["text_encoder"], vae=files["vae"])
    assert two.validate() == []
    a, b, said = files_and_folder(two, graph(model=folder))
    assert abs(a.astype("float64") - b.astype("float64")).max() < 1e-4  # the folder's tensors memory-mapped
    notes = [e.text for e in said if isinstance(e, NodeNote) and e.node_id == "load"]
    assert any("two experts (high / low noise), boundary 0.875" in n for n in notes), notes
    assert set(LoadVideoModel.signature_files(two.nodes["load"].params)) == set(files[k] for k in
                                                                                 ("high", "low", "text_encoder", "vae"))
    spec = {p.name: p for p in LoadVideoModel.params}["model_2"]
    assert (spec.kind, spec.mode, spec.models, spec.lookup) == ("path", "open", "denoiser", True)
    dev, den, other, _ = LoadVideoModel.weight_numbers(two.nodes["load"].params, "cpu")
    one = sum(p.numel() for p in tw.expert(0).parameters())
    assert den == 2 * one  # both experts are the denoiser in the memory plan
    missing = graph(model=files["high"], model_2="nowhere_low_noise.safetensors")
    assert any("second expert (model_2) file 'nowhere_low_noise.safetensors' not found" in p
               for p in LoadVideoModel.preflight(missing.nodes["load"].params, None))


def test_wan22_i2v_experts_sample_the_folders_frames_exactly(tmp_path):
    """Wan 2.2 A14B I2V: 36 input channels, no CLIP vision, boundary 0.9; a lone I2V expert is refused."""
    from PIL import Image

    from .tiny import still
    folder = tw.build_a14b(str(tmp_path / "wan22-i2v"), i2v=True)
    files = tp.write_parts(folder, str(tmp_path / "models"))
    files.update(tw.write_experts(folder, str(tmp_path / "models"), task="i2v"))
    with pytest.raises(ModelError, match="is a Wan 2.2 A14B image-to-video expert: it samples with its partner"):
        load_video_model(files["high"], base=None, device=CPU, parts={"text_encoder": files["text_encoder"],
                                                                     "vae": files["vae"]})
    one = _load(files, "high", "low")
    ref = tp.fresh(load_video_model(folder, base=None, device=CPU, dtype_name="fp32"))
    image = Image.fromarray((still(16, 16) * 255).astype("uint8"))
    assert type(one.module).__name__ == "WanImageToVideoPipeline" and one.module.config.boundary_ratio == 0.9
    assert torch.equal(_frames(one, "i2v", image=image), _frames(ref, "i2v", image=image))
    assert os.path.basename(one.path) == "wan2.2_i2v_high_noise_14B_tiny_fp32.safetensors"


def test_both_experts_are_built_on_the_meta_device(a14b, monkeypatch):
    """Lean: each expert's skeleton has only meta tensors when the file's weights are put into it."""
    import diffusers
    seen = []

    class Recording(diffusers.WanTransformer3DModel):
        def load_state_dict(self, state_dict, *args, **kwargs):
            seen.append({p.device.type for p in self.parameters()})
            return super().load_state_dict(state_dict, *args, **kwargs)
    Recording.__name__ = "WanTransformer3DModel"
    monkeypatch.setattr(diffusers, "WanTransformer3DModel", Recording)
    _, files = a14b
    one = _load(files, "high", "low")
    assert seen == [{"meta"}, {"meta"}]
    assert {p.device.type for n in ("transformer", "transformer_2") for p in getattr(one.module, n).parameters()} == \
        {"cpu"}

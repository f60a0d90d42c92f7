"""A kohya-layout LoRA (civitai's usual SD 1.5 / SDXL file: ``lora_unet_<layer>.lora_down/.lora_up/.alpha`` and
``lora_te_`` / ``lora_te1_`` / ``lora_te2_`` text-encoder layers) given to a Video LoRA on a Stable Diffusion still
(and on AnimateDiff, SD 1.5 based): the picture changes and is the one diffusers' pipeline makes with
``load_lora_weights`` of the same file (its alphas kept), for the same seed; SDXL's file in the sgm block names kohya
trains on. A kohya file of another model (Wan's layers) is refused in words."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor

from . import tiny_animatediff_files as sd15_files
from . import tiny_sdxl_files as sdxl_files
from .graphs import model_graph, spy_call
from .still_takes import PARAMS

pytest.importorskip("diffusers")
pytest.importorskip("peft")
torch = pytest.importorskip("torch")

RANK, ALPHA = 2, 1.0  # a scale of alpha / rank = 0.5: a file whose alphas were lost gives another picture
ATTN = ("attn1.to_q", "attn1.to_k", "attn1.to_v", "attn1.to_out.0", "attn2.to_q", "attn2.to_k", "attn2.to_v",
        "attn2.to_out.0")
TEXT = ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.out_proj", "mlp.fc1", "mlp.fc2")


BLOCK = ("proj_in", "proj_out", "ff.net.0.proj", "ff.net.2", "resnets.0.conv1")  # (a LoCon file's conv layers too)


def _pair(out: dict, name: str, m, g) -> None:
    if isinstance(m, torch.nn.Conv2d):
        down, up = (RANK, m.in_channels, *m.kernel_size), (m.out_channels, RANK, 1, 1)
    else:
        down, up = (RANK, m.in_features), (m.out_features, RANK)
    out[f"{name}.lora_down.weight"] = torch.randn(*down, generator=g) * 0.3
    out[f"{name}.lora_up.weight"] = torch.randn(*up, generator=g) * 0.3
    out[f"{name}.alpha"] = torch.tensor(ALPHA)


def kohya_file(path: str, unet, encoders: dict, sgm: bool = False) -> str:
    """A kohya LoRA on every attention projection of ``unet``, its down blocks' projections, feed-forwards and first
    resnets' conv1 (SD 1.5's files name them as diffusers does; SDXL's by the sgm blocks: input_blocks.4.1...) and
    on each text encoder's layers (``encoders``: kohya prefix -> model)."""
    from safetensors.torch import save_file
    g = torch.Generator().manual_seed(5)
    sd = {}
    for n, m in unet.named_modules():
        if (".transformer_blocks." in n and n.endswith(ATTN)) or (n.endswith(BLOCK) and n.startswith("down_blocks.")):
            if sgm:  # the ldm name of the layer (the writer of the tiny checkpoints, the inverse of diffusers')
                n = next(iter(sd15_files.unet_ldm({n + ".weight": None}))).removeprefix(
                    "model.diffusion_model.").removesuffix(".weight")
            _pair(sd, "lora_unet_" + n.replace(".", "_"), m, g)
    for prefix, te in encoders.items():
        for n, m in te.named_modules():
            if n.endswith(TEXT) and ".layers." in n:
                _pair(sd, prefix + "text_model_" + n.removeprefix("text_model.").replace(".", "_"), m, g)
    save_file({k: v.contiguous() for k, v in sd.items()}, path)
    return path


def _take(g):
    said = []
    clip = Executor().run(g, targets=["gen"], device="cpu", use_cache=False,
                          on_event=lambda e: said.append(str(getattr(e, "text", "") or ""))).value("gen")
    return clip, [s for s in said if s]


def _lora_graph(model: str, lora: str):
    """Load Video Model -> Video LoRA -> Text to Video, as a user wires it."""
    from studio.core.graph import Graph
    g = Graph()
    g.add_node("video_models.load", {"model": model}, node_id="load")
    g.add_node("video_models.lora", {"lora": lora, "strength": 1.0}, node_id="lora")
    g.add_node("video_models.text_to_video", PARAMS, node_id="gen")
    g.connect("load", "model", "lora", "model")
    g.connect("lora", "model", "gen", "model")
    return g


def _the_pipelines_picture_with_the_lora(monkeypatch, checkpoint, lora, pipe, cls):
    """The take without and with the LoRA through Studio, and diffusers' own: ``pipe`` (the same parts) with
    ``load_lora_weights(lora)`` called directly, by its own call, with the take's arguments and seed."""
    plain, _ = _take(model_graph(checkpoint, "video_models.text_to_video", PARAMS))
    calls, orig = spy_call(monkeypatch, cls, dict)
    clip, said = _take(_lora_graph(checkpoint, lora))
    assert len(calls) == 1 and not [s for s in said if "not applied" in s or "ignored" in s], said
    assert not np.allclose(clip.frames, plain.frames, atol=1e-3)  # the LoRA does something
    kw = {k: v for k, v in calls[0].items() if not k.startswith("callback")}
    seed = kw.pop("generator").initial_seed()
    pipe.load_lora_weights(lora, adapter_name="direct")
    try:
        want = orig(pipe, **dict(kw, output_type="np"), generator=torch.Generator().manual_seed(seed)).images
    finally:
        pipe.unload_lora_weights()
    want = np.clip(np.asarray(want, np.float32), 0, 1)
    assert want.shape == clip.frames.shape and np.allclose(clip.frames, want, atol=1e-5)
    return said


@pytest.fixture(scope="module")
def sd15(tmp_path_factory):
    return sd15_files.write(str(tmp_path_factory.mktemp("sd15-kohya")))


@pytest.fixture(scope="module")
def sdxl(tmp_path_factory):
    return sdxl_files.write(str(tmp_path_factory.mktemp("sdxl-kohya")))


def test_a_kohya_lora_on_stable_diffusion_15_makes_diffusers_picture(sd15, tmp_path, monkeypatch):
    import diffusers

    from nodes.video_models.families.sd15.pipeline import SCHEDULER
    p = sd15["parts"]
    lora = kohya_file(str(tmp_path / "kohya_sd15.safetensors"), p["unet"], {"lora_te_": p["text_encoder"]})
    pipe = diffusers.StableDiffusionPipeline(
        vae=p["vae"], text_encoder=p["text_encoder"], tokenizer=sd15["tokenizer"], unet=p["unet"],
        scheduler=diffusers.EulerDiscreteScheduler(**SCHEDULER), safety_checker=None, feature_extractor=None,
        requires_safety_checker=False)
    said = _the_pipelines_picture_with_the_lora(monkeypatch, sd15["checkpoint"], lora, pipe,
                                                diffusers.StableDiffusionPipeline)
    assert any("keys for other parts (text_encoder." in s for s in said), said  # the text encoder's keys said


def test_a_kohya_lora_on_sdxl_in_sgm_block_names_makes_diffusers_picture(sdxl, tmp_path, monkeypatch):
    import diffusers

    from nodes.video_models.families.sdxl.configs import SCHEDULER
    p = sdxl["parts"]
    lora = kohya_file(str(tmp_path / "kohya_sdxl.safetensors"), p["unet"],
                      {"lora_te1_": p["text_encoder"], "lora_te2_": p["text_encoder_2"]}, sgm=True)
    from safetensors import safe_open
    with safe_open(lora, "pt") as f:
        keys = list(f.keys())  # kohya's SDXL names, a LoCon's resnet conv among them
    assert any(k.startswith("lora_unet_input_blocks_4_1_") for k in keys)
    assert any(k.startswith("lora_unet_input_blocks_1_0_in_layers_2.") for k in keys)
    pipe = diffusers.StableDiffusionXLPipeline(
        vae=p["vae"], text_encoder=p["text_encoder"], text_encoder_2=p["text_encoder_2"], tokenizer=sdxl["tokenizer"],
        tokenizer_2=sdxl["tokenizer_2"], unet=p["unet"], scheduler=diffusers.EulerDiscreteScheduler(**SCHEDULER))
    _the_pipelines_picture_with_the_lora(monkeypatch, sdxl["checkpoint"], lora, pipe, diffusers.StableDiffusionXLPipeline)


def test_a_kohya_lora_of_another_model_is_refused_in_words(sd15, tmp_path):
    """Wan's layers in kohya's names (musubi-tuner's file) on SD 1.5: no key names a layer of its UNet."""
    from safetensors.torch import save_file

    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.base.registry import FAMILIES
    from nodes.video_models.files.lora_formats import lora_for
    from nodes.video_models.loading.load import load_video_model
    sd = {}
    for i in range(2):
        k = f"lora_unet_blocks_{i}_self_attn_q"
        sd[f"{k}.lora_down.weight"], sd[f"{k}.lora_up.weight"] = torch.zeros(RANK, 32), torch.zeros(32, RANK)
        sd[f"{k}.alpha"] = torch.tensor(ALPHA)
    path = str(tmp_path / "wan_kohya.safetensors")
    save_file(sd, path)
    pipe = load_video_model(sd15["checkpoint"], base=None, device="cpu").pipeline("t2v")
    with pytest.raises(ModelError, match=r"no key of the LoRA 'wan_kohya.safetensors' applies to this Stable Diffusion "
                                         r"1.5 model's unet \(its kohya names, read by diffusers' converter as "
                                         r"unet.blocks.0.self.attn.q.lora.down.weight, .* and 2 more\): "
                                         r"lora_unet_blocks_0_self_attn_q.alpha, lora_unet_blocks_0_self_attn_q.lora_down.weight"):
        lora_for(pipe, FAMILIES["sd15"], sd, path)
    with pytest.raises(Exception, match="no key of the LoRA 'wan_kohya.safetensors' applies"):
        _take(_lora_graph(sd15["checkpoint"], path))


def test_a_kohya_lora_on_animatediff_goes_on_its_image_unet_and_text_encoder(sd15, tmp_path, monkeypatch):
    """AnimateDiff (SD 1.5's UNet with motion modules; diffusers' Stable Diffusion LoRA loader): the same file
    applies wholly (nothing said as not applied), its adapter is on the UNet and the text encoder when set, and the
    frames change."""
    import diffusers
    on, set_adapters = [], diffusers.AnimateDiffPipeline.set_adapters

    def spied(self, *a, **k):
        on.append({part: list(names) for part, names in self.get_list_adapters().items()})
        return set_adapters(self, *a, **k)
    monkeypatch.setattr(diffusers.AnimateDiffPipeline, "set_adapters", spied)
    p = sd15["parts"]
    lora = kohya_file(str(tmp_path / "kohya_ad.safetensors"), p["unet"], {"lora_te_": p["text_encoder"]})
    params = dict(PARAMS, width=16, height=16, frames=4)
    base = model_graph(sd15["motion"], "video_models.text_to_video", params)
    base.nodes["load"].params.update(image_model=sd15["checkpoint"])
    plain, _ = _take(base)
    g = _lora_graph(sd15["motion"], lora)
    g.nodes["load"].params.update(image_model=sd15["checkpoint"])
    g.nodes["gen"].params.update(params)
    clip, said = _take(g)
    assert clip.n_frames == 4 and not [s for s in said if "not applied" in s], said
    assert len(on) == 1 and set(on[0]) == {"unet", "text_encoder"} and on[0]["unet"] == on[0]["text_encoder"], on
    assert not np.allclose(clip.frames, plain.frames, atol=1e-3)


def test_a_kohya_layer_the_unet_lacks_is_said_not_applied(sd15, tmp_path):
    """One layer of a bigger UNet (a fifth down block) among layers the tiny one has: its two keys said as naming
    no module (in the names diffusers reads them as), the rest go on."""
    from safetensors import safe_open

    from nodes.video_models.base.registry import FAMILIES
    from nodes.video_models.files.lora_formats import lora_for
    from nodes.video_models.loading.load import load_video_model
    path = kohya_file(str(tmp_path / "bigger.safetensors"), sd15["parts"]["unet"], {})
    with safe_open(path, "pt") as f:
        sd = {k: f.get_tensor(k) for k in f.keys()}
    k = "lora_unet_down_blocks_5_attentions_0_transformer_blocks_0_attn1_to_q"
    sd.update({f"{k}.lora_down.weight": torch.zeros(RANK, 32), f"{k}.lora_up.weight": torch.zeros(32, RANK),
               f"{k}.alpha": torch.tensor(ALPHA)})
    pipe = load_video_model(sd15["checkpoint"], base=None, device="cpu").pipeline("t2v")
    out, said = lora_for(pipe, FAMILIES["sd15"], sd, path)
    layers = len({k.split(".")[0] for k in sd})
    assert said == [f"LoRA 'bigger.safetensors': 2 of {2 * layers} keys name no module of this Stable Diffusion 1.5 "
                    "model and are not applied: unet.down_blocks.5.attentions.0.transformer_blocks.0.attn1.processor."
                    "to_q_lora.down.weight, unet.down_blocks.5.attentions.0.transformer_blocks.0.attn1.processor."
                    "to_q_lora.up.weight"]
    assert out.keys() == sd.keys() and all(out[k] is sd[k] for k in sd)  # the file itself, for load_lora_weights

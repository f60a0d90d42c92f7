"""Kandinsky 5 from ComfyUI's part files with no diffusers folder (issue 56, item 3): the DiT
(``diffusion_models/kandinsky5lite_*``, ComfyUI's prefix), the Qwen2.5-VL file (the language model
beside a vision tower and an LM head), ComfyUI's CLIP-L text file and HunyuanVideo's VAE, as the
templates' UNETLoader, DualCLIPLoader (type 'kandinsky5') and VAELoader take them. A tiny model with the
released models' unread settings, written so, samples exactly the frames of the diffusers folder
holding the same weights (fp32, CPU), text and image to video; the released models' headers pass every
check with nothing allocated; a wrong file in a slot is refused in one message naming the slot and
what the file is."""
from __future__ import annotations

from studio.engine.meta_device import meta_device

import os
import shutil

import numpy as np
import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model

from .file_formats import llm_layers, scaled_fp8

pytest.importorskip("diffusers")
CPU = torch.device("cpu")
PARTS = ("text_encoder", "text_encoder_2", "vae")


@pytest.fixture(scope="module")
def k5(tmp_path_factory):
    from .tiny_kandinsky5 import build_kandinsky5_released_kind, write_comfy_files
    root = tmp_path_factory.mktemp("k5parts")
    folder = build_kandinsky5_released_kind(str(root / "tiny-kandinsky5"))
    return folder, write_comfy_files(folder, str(root / "comfy"))


def _load(files, **more):
    return load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32",
                            parts={c: files[c] for c in PARTS} | more.pop("parts", {}), **more)


def _frames(ref, task="t2v", prompt="a red fox running", **more):
    frames = 17 if task == "i2v" else 5
    return ref.pipeline(task)(prompt=prompt, negative_prompt="static cartoon", height=32, width=32,
                              num_frames=frames, num_inference_steps=2, guidance_scale=5.0,
                              generator=torch.Generator().manual_seed(0), output_type="np", **more).frames


def _same_weights(one, ref, names=("transformer", "vae", "text_encoder", "text_encoder_2")):
    for r in (one, ref):  # the Qwen2.5-VL that waits on disk while the prompt cache is on
        r.load_text_encoder()
    for name in names:
        got, held = getattr(one.module, name).state_dict(), getattr(ref.module, name).state_dict()
        assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held), name


def test_comfyuis_four_files_alone_sample_the_folders_frames_exactly(k5):
    folder, files = k5
    said = []
    one = _load(files, info=said.append)
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    assert (one.fam.key, one.variant, type(one.module).__name__) == ("kandinsky5", "Kandinsky 5 T2V",
                                                                     "Kandinsky5T2VPipeline")
    _same_weights(one, ref)
    public = (lambda c: {k: v for k, v in dict(c).items() if not k.startswith("_")})
    assert public(one.module.scheduler.config) == public(ref.module.scheduler.config)
    cfg = one.module.transformer.config
    assert (list(cfg.axes_dims), cfg.visual_cond, cfg.attention_type) == ([16, 24, 24], True, "regular")
    assert "T2V by its name, full attention" in said[0], said
    assert any(s.startswith("second text encoder: clip_l_tiny.safetensors: CLIP text, fp32, tokenizer from beside")
               for s in said), said
    assert any(s.startswith("VAE: hunyuan_video_vae_tiny.safetensors: HunyuanVideo VAE, fp32") for s in said), said
    assert "second text encoder CLIP text, fp32; VAE HunyuanVideo VAE, fp32" in one.summary()
    want = _frames(ref)
    assert np.array_equal(_frames(one), want)
    assert not np.array_equal(_frames(one, prompt="a cat in the snow"), want)  # the text reaches them


def test_an_i2v_dit_by_its_name_makes_the_image_to_video_pipelines_frames(k5, tmp_path):
    """The released DiTs all take the visual condition: the file's name says image to video."""
    from PIL import Image

    from .tiny_kandinsky5 import build_kandinsky5_released_kind, write_comfy_files
    folder = build_kandinsky5_released_kind(str(tmp_path / "tiny-kandinsky5-i2v"), i2v=True)
    files = write_comfy_files(folder, str(tmp_path / "comfy"), task="i2v")
    one = _load(files)
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    assert type(one.module).__name__ == "Kandinsky5I2VPipeline" and one.variant == "Kandinsky 5 I2V"
    _same_weights(one, ref, ("transformer", "vae"))
    image = Image.fromarray(np.random.RandomState(3).randint(0, 256, (32, 32, 3)).astype(np.uint8))
    got = _frames(one, "i2v", image=image)
    assert np.isfinite(got).all() and np.array_equal(got, _frames(ref, "i2v", image=image))


def test_the_released_files_headers_pass_every_check_with_nothing_allocated(tmp_path):
    """Kandinsky 5 Lite's DiT under ComfyUI's prefix, Qwen2.5-VL 7B as ComfyUI's file, CLIP-L's text
    tower and HunyuanVideo's VAE at their released shapes (zeros never read): recognised, configs
    read from their shapes equal to the released config.json files, checked against each other."""
    import diffusers
    from transformers import CLIPTextConfig, CLIPTextModel, Qwen2_5_VLTextConfig, Qwen2_5_VLTextModel

    from nodes.video_models.base.recognise import recognise
    from nodes.video_models.families.kandinsky5 import pipeline as kp
    from nodes.video_models.files.qwen_parts import QWEN_TEXT
    from nodes.video_models.files.weight_formats import read_weight_file
    from nodes.video_models.base.registry import FAMILIES

    from . import layouts as L
    from .tiny_hunyuan15 import qwen_comfy_names
    from .tiny_kandinsky5 import LITE, released_shapes

    def meta(make):
        with meta_device():
            return {k: tuple(v.shape) for k, v in make().state_dict().items()}
    qwen = meta(lambda: Qwen2_5_VLTextModel(Qwen2_5_VLTextConfig(**{
        **QWEN_TEXT, "vocab_size": 152064, "hidden_size": 3584, "intermediate_size": 18944, "num_hidden_layers": 28,
        "num_attention_heads": 28, "num_key_value_heads": 4})))
    qwen = {k: tuple(v.shape) for k, v in qwen_comfy_names({k: torch.empty(s, device="meta") for k, s in qwen.items()},
                                                            3584).items()}
    clip = {"text_model." + k: s for k, s in meta(lambda: CLIPTextModel(CLIPTextConfig(
        hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12, vocab_size=49408,
        max_position_embeddings=77))).items()} | {"text_projection.weight": (768, 768)}
    files = {"denoiser": L.write(str(tmp_path / "kandinsky5lite_t2v_sft_5s.safetensors"),
                                 released_shapes("model.diffusion_model.")),
             "text_encoder": L.write(str(tmp_path / "qwen_2.5_vl_7b.safetensors"), qwen),
             "text_encoder_2": L.write(str(tmp_path / "clip_l.safetensors"), clip),
             "vae": L.write(str(tmp_path / "hunyuan_video_vae_bf16.safetensors"),
                            meta(diffusers.AutoencoderKLHunyuanVideo))}
    seen = {n: recognise({k: v.shape for k, v in read_weight_file(f).tensors.items()}) for n, f in files.items()}
    assert (seen["denoiser"].family, seen["denoiser"].variant) == ("kandinsky5", "Kandinsky 5 Lite")
    assert seen["text_encoder"].variant.startswith("Qwen2.5-VL 7B") and seen["text_encoder_2"].variant.startswith(
        "CLIP-L text") and (seen["vae"].family, seen["vae"].variant) == ("hunyuan", "HunyuanVideo VAE")
    fam = FAMILIES["kandinsky5"]
    _, cfg, _ = kp.denoiser_config(diffusers, fam, read_weight_file(files["denoiser"]))
    assert {k: (list(v) if isinstance(v, tuple) else v) for k, v in LITE.items()} == {k: cfg[k] for k in LITE}
    parts = kp.check_parts(fam, cfg, files["denoiser"], {c: files[c] for c in PARTS}, diffusers)
    assert parts["text_encoder"].what == "Qwen2.5-VL 7B (Kandinsky 5)"
    assert parts["text_encoder_2"].what == "CLIP-L text (Kandinsky 5)"
    assert parts["text_encoder_2"].cfg["num_attention_heads"] == 12 and parts["vae"].cfg["latent_channels"] == 16
    assert parts["vae"].cfg["block_out_channels"] == [128, 256, 512, 512]
    pro = L.write(str(tmp_path / "kandinsky5pro_t2v_sft_10s.safetensors"), released_shapes(
        "model.diffusion_model.", model_dim=4096, ff_dim=16384, time_dim=1024, axes_dims=(32, 48, 48),
        num_visual_blocks=1, num_text_blocks=1))
    _, cfg, _ = kp.denoiser_config(diffusers, fam, read_weight_file(pro))
    assert (cfg["axes_dims"], cfg["attention_type"], cfg["attention_P"]) == ([32, 48, 48], "nabla", 0.9)


def _refused(files, match, **parts):
    with pytest.raises(ModelError, match=match):
        _load(files, parts=parts)


def test_a_wrong_file_in_a_slot_is_refused_naming_the_slot_and_what_it_is(k5, tmp_path):
    from . import layouts as L
    _, files = k5
    _refused(files, r"the text encoder '.*clip_l_tiny.safetensors' is CLIP text, but Kandinsky 5 reads "
                    r"Qwen2.5-VL's text states: give qwen_2.5_vl_7b", text_encoder=files["text_encoder_2"])
    _refused(files, r"the second text encoder '.*qwen_2.5_vl_tiny.safetensors' is Qwen2.5, but Kandinsky 5 reads "
                    r"CLIP-L's pooled text state there: give clip_l", text_encoder_2=files["text_encoder"])
    _refused(files, r"'.*hunyuan_video_vae_tiny.safetensors' was given as the second text encoder but is a VAE "
                    r"\(HunyuanVideo VAE\)", text_encoder_2=files["vae"])
    wan = L.write(str(tmp_path / "wan_2.1_vae.safetensors"), L.wan_vae())
    _refused(files, r"the VAE '.*wan_2.1_vae.safetensors' is Wan 2.1 VAE, made for Wan, but Kandinsky 5 decodes with "
                    r"HunyuanVideo's VAE: give hunyuan_video_vae_bf16", vae=wan)
    clip_h = L.write(str(tmp_path / "clip_vision_h.safetensors"), L.clip_vision_h())
    _refused(files, r"the CLIP vision '.*clip_vision_h.safetensors' \(CLIP ViT-H/14.*\) was given, but Kandinsky 5 "
                    r"reads no image encoder", image_encoder=clip_h)
    with pytest.raises(ModelError, match=r"single Kandinsky 5 DiT: set the second text encoder, the VAE file\(s\)"):
        load_video_model(files["denoiser"], base=None, device=CPU, parts={"text_encoder": files["text_encoder"]})


def test_a_part_that_does_not_fit_the_dit_is_named(k5, tmp_path):
    from safetensors.torch import save_file
    from transformers import CLIPTextConfig, CLIPTextModel
    _, files = k5
    wide = CLIPTextModel(CLIPTextConfig(vocab_size=14, hidden_size=128, intermediate_size=8, num_hidden_layers=1,
                                        num_attention_heads=2, max_position_embeddings=77))
    f = str(tmp_path / "clip_128.safetensors")
    save_file({"text_model." + k: v.contiguous() for k, v in wide.state_dict().items()}, f)
    with pytest.raises(ModelError, match=r"the second text encoder '.*clip_128.safetensors' \(CLIP text\) gives a "
                                         r"pooled text state 128 wide, but the DiT "
                                         r"'kandinsky5lite_t2v_tiny_5s.safetensors' reads 64"):
        _load(files, parts={"text_encoder_2": f})


def test_each_tokenizer_is_asked_for_where_studio_looked(k5, tmp_path):
    _, files = k5
    te = tmp_path / "text_encoders"
    te.mkdir()
    for c in ("text_encoder", "text_encoder_2"):
        shutil.copy(files[c], te / os.path.basename(files[c]))
    moved = {c: str(te / os.path.basename(files[c])) for c in ("text_encoder", "text_encoder_2")}
    with pytest.raises(ModelError, match=r"Qwen2.5-VL-7B-Instruct's tokenizer files .* in that folder \(tokenizer/, "
                                         r"as a diffusers Kandinsky 5 folder names it\)"):
        _load(files, parts=moved)
    shutil.copytree(os.path.join(os.path.dirname(files["text_encoder"]), "tokenizer"), te / "tokenizer")
    with pytest.raises(ModelError, match=f"Studio looked in the file, in '{te / 'tokenizer_2'}', and in 'base' "
                                         r"\(empty\)\. Put CLIP ViT-L/14's tokenizer files"):
        _load(files, parts=moved)


@pytest.mark.parametrize("name,gen,dit", [("video_kandinsky5_t2v", "text_to_video", "kandinsky5lite_t2v_sft_5s"),
                                          ("video_kandinsky5_i2v", "image_to_video", "kandinsky5lite_i2v_5s")])
def test_comfyuis_templates_convert_with_their_part_files_set_and_no_base(name, gen, dit):
    """The DualCLIPLoader's two files (type 'kandinsky5') and the VAELoader's file are set on Load Video
    Model; nothing is left to 'base' (no sentence says so) and the graph validates."""
    import json

    templates = pytest.importorskip("comfyui_workflow_templates_json")
    from studio.convert.mapping.convert import convert
    path = os.path.join(os.path.dirname(templates.__file__), "templates", f"{name}.json")
    with open(path, encoding="utf-8") as f:
        conv = convert(json.load(f), name)
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")
    assert {k: load.params[k] for k in ("model", "base", "text_encoder", "text_encoder_2", "vae", "clip_vision")} == {
        "model": f"{dit}.safetensors", "base": "", "text_encoder": "qwen_2.5_vl_7b_fp8_scaled.safetensors",
        "text_encoder_2": "clip_l.safetensors", "vae": "hunyuan_video_vae_bf16.safetensors", "clip_vision": ""}
    assert any(n.type_id == f"video_models.{gen}" for n in conv.graph.nodes.values())
    said = json.dumps(conv.graph.ui) + " ".join(conv.log)
    assert "'base'" not in said and "DualCLIPLoader" not in said, said
    assert conv.graph.validate() == []


def test_the_converted_t2v_template_renders_from_comfyuis_files_as_the_folder_does(k5):
    """The converted template's graph with its four files found (the tiny ones) and no 'base' renders
    the frames of the same graph on the diffusers folder holding the same weights."""
    import json

    templates = pytest.importorskip("comfyui_workflow_templates_json")
    from studio.convert.mapping.convert import convert
    from studio.engine.executor import Executor
    folder, files = k5
    path = os.path.join(os.path.dirname(templates.__file__), "templates", "video_kandinsky5_t2v.json")
    with open(path, encoding="utf-8") as f:
        g = convert(json.load(f), "video_kandinsky5_t2v").graph
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.text_to_video")
    load.params.update(model=files["denoiser"], **{c: files[c] for c in PARTS})
    gen.params.update(width=32, height=32, frames=5, steps=2, previews=False, preview_size="off")
    clip = Executor().run(g, targets=[gen.id], device="cpu", use_cache=False).value(gen.id)
    load.params.update(model=folder, text_encoder="", text_encoder_2="", vae="")
    want = Executor().run(g, targets=[gen.id], device="cpu", use_cache=False).value(gen.id)
    assert clip.n_frames == 5 and np.array_equal(clip.frames, want.frames)


def test_with_a_base_folder_the_part_files_replace_its_components(k5):
    """A diffusers folder as 'base' and some of ComfyUI's files: those replace the folder's (its
    tokenizers kept where no folder lies beside a file), the frames are the folder's own."""
    folder, files = k5
    one = load_video_model(files["denoiser"], base=folder, device=CPU, dtype_name="fp32",
                           parts={c: files[c] for c in ("text_encoder_2", "vae")})
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    _same_weights(one, ref)
    assert "second text encoder CLIP text, fp32; VAE HunyuanVideo VAE, fp32" in one.summary()
    assert np.array_equal(_frames(one), _frames(ref))


def test_comfyuis_scaled_fp8_qwen_file_is_read_in_8_bits(k5, tmp_path):
    """qwen_2.5_vl_7b_fp8_scaled, the templates' file: the layers' 2-D weights in fp8 e4m3fn with
    per-tensor scales, kept in 8 bits and computed in fp32; the frames stay close to the fp32 files'."""
    from safetensors.torch import load_file, save_file

    from . import tiny_formats as tf
    folder, files = k5
    out = scaled_fp8(load_file(files["text_encoder"]), llm_layers)
    f = os.path.join(os.path.dirname(files["text_encoder"]), "qwen_2.5_vl_tiny_fp8_scaled.safetensors")
    save_file(out, f)
    said = []
    one = _load(files, info=said.append, parts={"text_encoder": f})
    one.load_text_encoder()
    assert any("qwen_2.5_vl_tiny_fp8_scaled.safetensors: Qwen2.5" in s and "fp8 e4m3 (scaled)" in s for s in said), said
    assert one.module.text_encoder.layers[0].self_attn.q_proj.weight.dtype == torch.float8_e4m3fn
    want, got = _frames(_load(files)), _frames(one)
    db = tf.psnr(torch.from_numpy(want), torch.from_numpy(got))
    print(f"scaled fp8 Qwen2.5-VL for Kandinsky 5: {db:.1f} dB against the fp32 files' frames")
    assert not np.array_equal(want, got) and db >= 40

"""LTX-2.5 from ComfyUI's split files (issue 56): a tiny LTX-2.5 built in diffusers from its configs with
its text encoder (Gemma 4 unified) and written as its release lays it out (the transformer with its
text connectors, Gemma 4 with the text projections, tokenizer and config in one file, the video VAE,
the audio VAE with its vocoder: tiny_ltx25_files) makes the picture and the sound of its diffusers
folder exactly; the templates' own video VAE (its decoder LTX-2.5's diffusion decoder) renders as
diffusers' LTX2VideoDiffusionDecodePipeline decodes; the real sizes pass every check from headers alone;
a part Studio cannot read (a broken diffusion decoder, Gemma 3 or Google's Gemma 4, a file without its
config, no audio VAE beside the VAE) is refused by name before anything is loaded; the templates' int8
convrot files load in int8."""
from __future__ import annotations

import os
import shutil

import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model

from .graphs import ltx2_take
from . import tiny_ltx25_files as t5
from . import tiny_parts as tp
from .refusals import refuse_loads

pytest.importorskip("diffusers")
CPU = torch.device("cpu")
PROMPT = "a singer singing into the camera on stage, cinematic"
PARTS = ("transformer", "text_encoder", "connectors", "vae", "audio_vae", "vocoder")


@pytest.fixture(scope="module")
def ltx25(tmp_path_factory):
    root = tmp_path_factory.mktemp("ltx25")
    folder = t5.build(str(root / "ltx25-tiny"))
    return folder, t5.write_files(folder, str(root / "models"))


def _made(ref, **call):
    out = ref.pipeline("t2v")(prompt=PROMPT, negative_prompt="blue", height=64, width=64, num_frames=9,
                              frame_rate=24.0, num_inference_steps=2, guidance_scale=2.0, max_sequence_length=32,
                              generator=torch.Generator().manual_seed(0), output_type="pt", **call)
    return out.frames, out.audio


@pytest.fixture(scope="module")
def folders_take(ltx25):
    """The LTX-2.5 folder's picture and sound (``_made``, every part loaded at once), made once for the tests
    that hold the split files' against it (each made them again): read only."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STUDIO_PROMPT_CACHE_GB", "0")
        return _made(tp.fresh(load_video_model(ltx25[0], base=None, device=CPU, dtype_name="fp32")))


def _load(files, **kw):
    parts = kw.pop("parts", {"text_encoder": files["text_encoder"], "vae": files["vae"]})
    return load_video_model(files["transformer"], base=None, device=CPU, dtype_name="fp32", parts=parts, **kw)


@pytest.mark.fresh_models
def test_ltx25_split_files_make_the_folders_picture_and_sound_exactly(ltx25, monkeypatch, folders_take):
    from nodes.video_models.catalog.listing import describe_file
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "0")  # every part loaded at once, to compare
    folder, files = ltx25
    assert describe_file(files["transformer"]).variant == "LTX-2.5 (2 blocks)"
    assert describe_file(files["text_encoder"]).variant == "Gemma 4 with LTX-2.5's text projection"
    audio = describe_file(files["audio_vae"])
    assert (audio.kind, audio.family, audio.variant) == ("vae", "ltx2", "LTX-2 audio VAE and vocoder")
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    want = folders_take
    said = []
    one = _load(files, info=said.append)
    assert one.variant == ref.variant == "LTX-2.5"
    for name in PARTS:
        got, held = getattr(one.module, name).state_dict(), getattr(ref.module, name).state_dict()
        held = {k: v for k, v in held.items() if k != "lm_head.weight" or k in got}
        assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held), name
    te = one.module.text_encoder
    assert type(te).__name__ == "Gemma4UnifiedForConditionalGeneration" and te.config.model_type == "gemma4_unified"
    assert te.lm_head.weight.data_ptr() == te.model.language_model.embed_tokens.weight.data_ptr()  # tied
    assert one.module.tokenizer("a red fox").input_ids == ref.module.tokenizer("a red fox").input_ids
    frames, audio = _made(one)
    assert torch.equal(frames, want[0]) and torch.equal(audio, want[1]) and audio.shape[-1] > 1000
    assert "LTX-2.5, config from the file's shapes" in said[0] and "tokenizer from its file" in said[0]
    assert any(s.startswith("audio VAE: ltx-2.5-tiny-audio-vae-bf16.safetensors") and "found beside the VAE" in s
               for s in said)


def test_through_the_graph_the_ltx2_node_renders_the_split_files_as_the_folder(ltx25):
    folder, files = ltx25

    def run(**load):
        return ltx2_take(PROMPT, **load)
    (a, sa, va), (b, sb, vb) = run(model=files["transformer"], text_encoder=files["text_encoder"],
                                   vae=files["vae"]), run(model=folder)
    assert va == vb == "LTX-2.5" and a.frames.shape == b.frames.shape == (9, 64, 64, 3)
    assert abs(a.frames.astype("float64") - b.frames.astype("float64")).max() < 1e-5
    assert sa.rate == sb.rate == 48000 and sa.samples.shape == sb.samples.shape and sa.samples.shape[0] > 1000
    assert abs(sa.samples.astype("float64") - sb.samples.astype("float64")).max() < 1e-5


@pytest.fixture
def no_loads(monkeypatch):
    """Any weight load fails: a message raised with it in place came before anything was allocated."""
    from nodes.video_models.families.ltx2 import split25
    from nodes.video_models.files import parts, single_file
    refuse_loads(monkeypatch, "a model was built before the parts were checked", (single_file, "lean_load"),
                 (parts, "load_part"), (split25, "load_part"), (split25, "lean_load"), (split25, "load_with_config"))


def _copy(files, out, **replace):
    """The files in ``out`` (each replaced by ``replace``'s state, or left out where None)."""
    from safetensors.torch import save_file
    os.makedirs(out, exist_ok=True)
    new = {}
    for c, p in files.items():
        new[c] = os.path.join(out, os.path.basename(p))
        if c not in replace:
            shutil.copy(p, new[c])
        elif replace[c] is not None:
            state, meta = replace[c]
            save_file(state, new[c], metadata=meta)
    return new


def test_parts_studio_cannot_read_are_refused_by_name_before_loading(ltx25, tmp_path, no_loads, tiny):
    from safetensors.torch import load_file

    from . import tiny_ltx2_parts as tl
    folder, files = ltx25
    te, meta = t5.text_encoder_state(folder)
    vae = load_file(files["vae"])
    cases = [  # (what is replaced, the refusal)
        ({"vae": ({**vae, "decoder.blocks.0.attn.qkv.weight": torch.zeros(4, 4)}, None)},
         r"'.*': LTX-2\.5's diffusion decoder holds 0 stages and 0 up-samplers; they go in pairs"),
        ({"text_encoder": ({k: v for k, v in te.items() if not k.startswith("text_embedding_projection.")}, meta)},
         r"is Gemma 4 without LTX-2\.5's text projection .* Google's Gemma 4 is not LTX-2\.5's fine-tuned encoder"),
        ({"text_encoder": (te, {"format": "pt"})},
         r"holds Gemma 4's weights but not its config \(the header's 'gemma_config' metadata"),
        ({"text_encoder": (tl.gemma_state(tiny("ltx2-parts")), None)},
         r"is Gemma 3, but the transformer 'ltx-2\.5-tiny-dev-transformer-bf16\.safetensors' is LTX-2\.5's, which "
         r"reads its prompts with Gemma 4"),
        ({"vae": (load_file(files["audio_vae"]), None)},
         r"the VAE '.*' is LTX-2 audio VAE and vocoder, but 'vae' takes LTX-2\.5's video VAE"),
        ({"audio_vae": None},
         r"LTX-2\.5 makes its sound with an audio VAE and vocoder \(ltx-2\.5-audio-vae-bf16.*found none: put it there"),
    ]
    for i, (replace, match) in enumerate(cases):
        got = _copy(files, str(tmp_path / f"case{i}"), **replace)
        with pytest.raises(ModelError, match=match):
            _load(got)
    with pytest.raises(ModelError, match=r"is LTX-2\.5's transformer, which its release ships as split files: set "
                                         r"the VAE \(ltx-2\.5-video-vae-bf16 or its convolutional ltx-2\.5-video-vae-conv-bf16"):
        _load(files, parts={"text_encoder": files["text_encoder"]})


def _diffusion_vae(files, out) -> dict:
    """The files with the VAE replaced by the templates' own: the tiny VAE's encoder and latent statistics
    with a tiny diffusion decoder in Lightricks' layout (its config in the header), as
    ltx-2.5-video-vae-bf16; (the files, the decoder built in diffusers' class)."""
    from safetensors.torch import load_file
    dd = t5.diffusion_decoder()
    vae = load_file(files["vae"])
    with torch.no_grad():
        dd.latents_mean.copy_(vae["per_channel_statistics.mean-of-means"])
        dd.latents_std.copy_(vae["per_channel_statistics.std-of-means"])
    state = {k: v for k, v in vae.items() if not k.startswith("decoder.")}
    state.update({k: v for k, v in t5.diffusion_decoder_state(dd).items() if k.startswith("decoder.")})
    got = _copy(files, out, vae=(state, t5.diffusion_decoder_meta()))
    os.rename(got["vae"], os.path.join(out, "ltx-2.5-video-vae-bf16.safetensors"))
    return dict(got, vae=os.path.join(out, "ltx-2.5-video-vae-bf16.safetensors")), dd


def test_the_templates_diffusion_decoder_vae_renders_as_diffusers_decodes_it(ltx25, dd_files):
    """LTX2Pipeline to latents, then diffusers' LTX2VideoDiffusionDecodePipeline (seed 0, the latents
    denormalised already): the split files with the diffusion-decoder VAE make those frames."""
    from diffusers import LTX2VideoDiffusionDecodePipeline
    folder, files = ltx25
    got, dd = dd_files
    said = []
    one = _load(got, info=said.append)
    vae = one.module.vae
    assert type(vae).__name__ == "DiffusionDecodedLTX2Video" and vae.decoder is None
    assert type(vae.diffusion_decoder).__name__ == "LTX2VideoDiffusionDecoderModel"
    assert type(vae.diffusion_decoder.decoder.diff_blocks[0].attn.processor).__name__ == "WindowedNeighborhoodAttention"
    assert any(s.startswith("VAE: ltx-2.5-video-vae-bf16.safetensors: LTX-2.5 video VAE, diffusion decoder") and
               "the file's config: kernels" in s for s in said)
    frames, audio = _made(one)
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    out = ref.pipeline("t2v")(prompt=PROMPT, negative_prompt="blue", height=64, width=64, num_frames=9,
                              frame_rate=24.0, num_inference_steps=2, guidance_scale=2.0, max_sequence_length=32,
                              generator=torch.Generator().manual_seed(0), output_type="latent")
    dec = LTX2VideoDiffusionDecodePipeline(diffusion_decoder=dd, scheduler=ref.module.scheduler)
    want = dec(out.frames, generator=torch.Generator().manual_seed(0), output_type="pt", denormalize=False).frames
    assert frames.shape == want.shape == (1, 9, 3, 64, 64)
    torch.testing.assert_close(frames, want, rtol=1e-4, atol=1e-4)
    assert frames.std() > 0.01 and audio.shape[-1] > 1000


def _int8(state: dict, pick) -> dict:
    """``state`` with the 2-D weights ``pick`` names in ComfyUI's int8 convrot layout (group 16, the tiny
    widths' largest power of 4; the templates' files use 256), the rest as they are."""
    from .test_comfy_int8 import int8_convrot, mark
    out = {}
    for k, v in state.items():
        if pick(k) and k.endswith(".weight") and v.dim() == 2 and v.shape[1] % 16 == 0:
            layer = k[: -len(".weight")]
            out[k], out[layer + ".weight_scale"], _ = int8_convrot(v, 16)
            out[layer + ".comfy_quant"] = mark(16)
        else:
            out[k] = v
    return {k: v.contiguous() for k, v in out.items()}


@pytest.fixture(scope="module")
def int8_states(ltx25):
    """(the transformer's state, Gemma 4's state, its metadata) in the templates' int8 convrot (``_int8``),
    converted once for the int8 test and the three templates' (each converted them again): read only."""
    from safetensors.torch import load_file
    folder, files = ltx25
    te, meta = t5.text_encoder_state(folder)
    return (_int8(load_file(files["transformer"]), lambda k: ".transformer_blocks." in k),
            _int8(te, lambda k: k.startswith("model.layers.")), meta)


@pytest.fixture(scope="module")
def dd_files(ltx25, tmp_path_factory):
    """``_diffusion_vae`` of the tiny files, made once (the decoder test and the three templates' each
    built its diffusion decoder and wrote the file again): read only."""
    return _diffusion_vae(ltx25[1], str(tmp_path_factory.mktemp("ltx25-dd")))


@pytest.mark.fresh_models
def test_int8_convrot_transformer_and_text_encoder_stay_int8_near_the_folders_picture(ltx25, tmp_path, monkeypatch,
                                                                                      folders_take, int8_states):
    """The templates' files are ComfyUI's int8 convrot ('-comfy-int8-convrot'): the transformer's blocks
    and Gemma 4's layers written so load as int8 Linear layers (comfy_int8.py, merged from the quant
    branch), computed in fp32; the PSNR of the picture and the sound against the folder's is stated."""
    from nodes.video_models.files.comfy_int8 import Int8Linear

    from . import tiny_formats as tf
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "0")
    folder, files = ltx25
    den8, te8, meta = int8_states
    got = _copy(files, str(tmp_path / "int8"), transformer=(den8, None), text_encoder=(te8, meta))
    want = folders_take
    said = []
    one = _load(got, info=said.append)
    den, enc = one.module.transformer, one.module.text_encoder
    assert isinstance(den.transformer_blocks[0].attn1.to_q, Int8Linear)
    assert isinstance(enc.model.language_model.layers[1].mlp.down_proj, Int8Linear)
    assert "int8" in said[0]
    frames, audio = _made(one)
    pic, snd = tf.psnr(want[0], frames), tf.psnr(want[1], audio)
    print(f"LTX-2.5: int8 convrot transformer and Gemma 4: picture {pic:.1f} dB, sound {snd:.1f} dB against the "
          "fp32 folder's")
    assert pic >= 30 and torch.isfinite(audio).all()


def test_real_sized_ltx25_passes_every_check_from_its_headers(tmp_path, monkeypatch):
    """LTX-2.5 at its transformer's real sizes (LTX-2.3 22B's, diffusers' 2.3 presets, with 2.5's changes:
    no prompt AdaLN, no feed-forward biases, the keyframe embedding), its connectors, the 2.3 VAE and the
    audio VAE with its vocoder, written as headers over zeros in the release's split layout: every check
    passes and each config read from the shapes is the preset's, nothing loaded (stopped after the
    checks). The text encoder is a Gemma 4 unified at transformers' default sizes (Gemma 4 12B's own
    config is not public here: Studio reads it from the file's metadata), its projections as wide as
    the transformer attends."""
    import json

    import diffusers
    from accelerate import init_empty_weights
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2VocoderWithBWE
    from transformers import Gemma4UnifiedConfig, Gemma4UnifiedForConditionalGeneration

    from nodes.video_models.families.ltx2 import split25

    from . import layouts
    from . import tiny_ltx2_parts as tl
    from .test_comfy_parts_ltx23 import REAL_CONNECTORS, REAL_TRANSFORMER, REAL_VAE, _same
    gemma = Gemma4UnifiedConfig(vision_config=None, audio_config=None)
    states = gemma.text_config.num_hidden_layers + 1
    conn = dict(REAL_CONNECTORS, caption_channels=gemma.text_config.hidden_size, text_proj_in_factor=states)
    with init_empty_weights():
        real = {"transformer": diffusers.LTX2VideoTransformer3DModel(
                    **REAL_TRANSFORMER, use_prompt_adaln_single=False, ff_bias=False, audio_ff_bias=False,
                    use_keyframes_abs_pos_embedding=True),
                "connectors": LTX2TextConnectors(**conn), "vae": diffusers.AutoencoderKLLTX2Video(**REAL_VAE),
                "audio_vae": diffusers.AutoencoderKLLTX2Audio(), "vocoder": LTX2VocoderWithBWE()}
        te = Gemma4UnifiedForConditionalGeneration(gemma).state_dict()
    shapes = {c: {k: tuple(v.shape) for k, v in m.state_dict().items()} for c, m in real.items()}
    den = {tl.dit_name(k): s for k, s in shapes["transformer"].items()}
    den.update({tl.connector_name(k): s for k, s in shapes["connectors"].items() if "_text_proj_in." not in k})
    text = {"model." + k[len("model.language_model."):]: tuple(v.shape) for k, v in te.items()
            if k.startswith("model.language_model.")}
    text.update({f"text_embedding_projection.{m}_aggregate_embed." + k[len(f"{m}_text_proj_in."):]: s
                 for k, s in shapes["connectors"].items() for m in ("video", "audio") if k.startswith(f"{m}_text_proj_in.")})
    meta = {"gemma_config": json.dumps(gemma.to_dict())}
    files = {"transformer": layouts.write(str(tmp_path / "ltx-2.5-22b-dev-transformer-bf16.safetensors"), den),
             "text_encoder": layouts.write(str(tmp_path / "gemma4-12b-with-proj-ltx-2.5-bf16.safetensors"), text,
                                           metadata=meta),
             "vae": layouts.write(str(tmp_path / "ltx-2.5-video-vae-conv-bf16.safetensors"),
                                  {tl.vae_name(k): s for k, s in shapes["vae"].items()})}
    layouts.write(str(tmp_path / "ltx-2.5-audio-vae-bf16.safetensors"),
                  {**{tl.audio_vae_name(k): s for k, s in shapes["audio_vae"].items()},
                   **{tl.vocoder_name(k): s for k, s in shapes["vocoder"].items()}})
    seen, checked = {}, split25.checked

    class Checked(Exception):
        pass

    def stop(diffusers, wf, files, cfg):
        got = checked(diffusers, wf, files, cfg)
        seen.update({c: p.cfg for c, p in got[0].items()}, transformer=cfg)
        raise Checked
    monkeypatch.setattr(split25, "checked", stop)
    with pytest.raises(Checked):
        _load(files)
    for c, m in real.items():
        cfg = dict(m.config)
        diff = {k: v for k, v in seen[c].items() if not k.startswith("_") and _same(v) != _same(cfg.get(k))}
        assert diff in ({}, {"caption_channels": 3840}), (c, diff)  # read by nothing in LTX-2.5's transformer
    assert seen["transformer"]["num_attention_heads"] == 32 and seen["transformer"]["ff_bias"] is False
    assert seen["text_encoder"]["text_config"]["num_hidden_layers"] == gemma.text_config.num_hidden_layers
    from nodes.video_models.catalog.listing import describe_file
    assert describe_file(files["transformer"]).variant == "LTX-2.5"
    # the templates' own VAE: the same encoder, LTX-2.5's diffusion decoder at the release's sizes
    from .test_ltx25_diffusion_vae import _release_shapes
    enc = {tl.vae_name(k): s for k, s in shapes["vae"].items() if not k.startswith("decoder.")}
    files["vae"] = layouts.write(str(tmp_path / "ltx-2.5-video-vae-bf16.safetensors"), {**enc, **_release_shapes()})
    parts = {}

    def keep(diffusers, wf, files, cfg):
        parts.update(checked(diffusers, wf, files, cfg)[0])
        raise Checked
    monkeypatch.setattr(split25, "checked", keep)
    with pytest.raises(Checked):
        _load(files)
    vae = parts["vae"]
    assert vae.cfg["latent_channels"] == 128 and vae.cfg["block_out_channels"] == seen["vae"]["block_out_channels"]
    assert vae.diffusion[1]["decoder_stage_channels"] == (2048, 1024, 512, 512, 256)


@pytest.mark.parametrize("name", ["video_ltx2_5_t2v", "video_ltx2_5_i2v", "video_ltx2_5_flf2v"])
def test_each_ltx25_template_renders_from_comfyuis_files(ltx25, tmp_path, monkeypatch, name, int8_states, dd_files):
    """Each LTX-2.5 template converted and rendered from a ComfyUI models folder holding the tiny LTX-2.5's
    files under the template's names (its transformer and Gemma 4 in int8 convrot, as the template's are;
    its own video VAE, the diffusion decoder's, ltx-2.5-video-vae-bf16; the audio VAE beside it; the
    latent upscaler where the template upscales): picture and sound, no diffusers folder."""
    import numpy as np
    from safetensors.torch import save_file

    from studio.convert.mapping.convert import convert
    from studio.engine.executor import Executor
    from studio.engine.media import probe
    from tests.convert.test_comfy_workflows import _doc, _gen, _tiny_upsampler
    from nodes.video_models.loading.node import LoadVideoModel
    folder, files = ltx25
    models = tmp_path / "ComfyUI" / "models"
    monkeypatch.setenv("STUDIO_MODELS", str(models))
    monkeypatch.setenv("STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    g = convert(_doc(name), name).graph
    load, gen = next(n for n in g.nodes.values() if n.type_id == "video_models.load"), _gen(g)
    den8, te8, meta = int8_states
    for sub, param, state, md in (("diffusion_models", "model", den8, None), ("text_encoders", "text_encoder", te8, meta)):
        os.makedirs(models / sub, exist_ok=True)
        save_file(state, str(models / sub / load.params[param]), metadata=md)
    os.makedirs(models / "vae")
    assert load.params["vae"] == "ltx-2.5-video-vae-bf16.safetensors"
    shutil.copy(dd_files[0]["vae"], models / "vae" / load.params["vae"])
    shutil.copy(files["audio_vae"], models / "vae" / "ltx-2.5-audio-vae-bf16.safetensors")
    for n in g.nodes.values():
        if n.type_id == "video_models.ltx2_latent_upscale":
            _tiny_upsampler(str(models / "latent_upscale_models" / n.params["upsampler"]))
            g.set_param(n.id, "refine", False)  # the tiny audio VAE's statistics (test_comfy_workflows says why)
        if n.type_id == "io.load_image":  # a still of its own shade each
            from PIL import Image
            path = str(tmp_path / f"{n.id}.png")
            Image.fromarray(np.full((64, 64, 3), 40 + 30 * len(os.listdir(tmp_path)), dtype=np.uint8)).save(path)
            g.set_param(n.id, "path", path)
    for k, v in (("width", 64), ("height", 64), ("steps", 2), ("frames", 9), ("preview_size", "off")):
        g.set_param(gen.id, k, v)
    assert g.validate() == [] and LoadVideoModel.preflight(load.params, None) == []
    out = tmp_path / "out.mp4"
    save = next(n for n in g.nodes.values() if n.type_id == "io.save_video")
    g.set_param(save.id, "path", str(out))
    Executor(frame_caching=False).run(g, device="cpu")
    info = probe(str(out))
    size = 128 if any(n.type_id == "video_models.ltx2_latent_upscale" for n in g.nodes.values()) else 64
    assert (info["frames"], info["width"], info["height"]) == (9, size, size) and info.get("audio_codec")

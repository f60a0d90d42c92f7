"""LTX-2.5 from ComfyUI's split files (issue 56): a tiny LTX-2.5 built in diffusers from its configs with
its text encoder (Gemma 4 unified) and written as its release lays it out (the transformer with its
text connectors, Gemma 4 with the text projections, tokenizer and config in one file, the video VAE,
the audio VAE with its vocoder: tiny_ltx25_files) makes the picture and the sound of its diffusers
folder exactly; the real sizes pass every check from headers alone; a part Studio cannot read (the
diffusion video decoder, int8 layers, Gemma 3 or Google's Gemma 4, a file without its config, no audio
VAE beside the VAE) is refused by name before anything is loaded."""
from __future__ import annotations

import os
import shutil

import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model

from . import tiny_ltx25_files as t5
from . import tiny_parts as tp

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


def _load(files, **kw):
    parts = kw.pop("parts", {"text_encoder": files["text_encoder"], "vae": files["vae"]})
    return load_video_model(files["transformer"], base=None, device=CPU, dtype_name="fp32", parts=parts, **kw)


def test_ltx25_split_files_make_the_folders_picture_and_sound_exactly(ltx25, monkeypatch):
    from nodes.video_models.catalog.listing import describe_file
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "0")  # every part loaded at once, to compare
    folder, files = ltx25
    assert describe_file(files["transformer"]).variant == "LTX-2.5 (2 blocks)"
    assert describe_file(files["text_encoder"]).variant == "Gemma 4 with LTX-2.5's text projection"
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    want = _made(tp.fresh(ref))
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
    from studio.core.graph import Graph
    from studio.engine.executor import Executor
    folder, files = ltx25

    def run(**load):
        g = Graph()
        g.add_node("video_models.load", load, node_id="load")
        g.add_node("video_models.ltx2", {"prompt": PROMPT, "steps": 2, "width": 64, "height": 64, "frames": 9,
                                         "fps": 24.0, "guidance": 2.0, "seed": 3, "preview_size": "off"},
                   node_id="ltx2")
        g.connect("load", "model", "ltx2", "model")
        r = Executor().run(g, targets=["ltx2", "load"], device="cpu", use_cache=False)
        return r.value("ltx2", "video"), r.value("ltx2", "audio"), r.value("load").variant
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

    def refuse(*a, **k):
        raise AssertionError("a model was built before the parts were checked")
    for mod, name in ((single_file, "lean_load"), (parts, "load_part"), (split25, "load_part"),
                      (split25, "lean_load"), (split25, "load_with_config")):
        monkeypatch.setattr(mod, name, refuse)


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


def test_parts_studio_cannot_read_are_refused_by_name_before_loading(ltx25, tmp_path, no_loads):
    from safetensors.torch import load_file

    from . import tiny_ltx2_parts as tl
    folder, files = ltx25
    te, meta = t5.text_encoder_state(folder)
    vae = load_file(files["vae"])
    cases = [  # (what is replaced, the refusal)
        ({"vae": ({**vae, "decoder.blocks.0.attn.qkv.weight": torch.zeros(4, 4)}, None)},
         r"the VAE '.*' decodes with LTX-2\.5's diffusion decoder \(NADiffusionDecoder.*\), which Studio does not "
         r"read; give the convolutional decoder's file, ltx-2\.5-video-vae-conv-bf16"),
        ({"text_encoder": ({k: v for k, v in te.items() if not k.startswith("text_embedding_projection.")}, meta)},
         r"is Gemma 4 without LTX-2\.5's text projection .* Google's Gemma 4 is not LTX-2\.5's fine-tuned encoder"),
        ({"text_encoder": (te, {"format": "pt"})},
         r"holds Gemma 4's weights but not its config \(the header's 'gemma_config' metadata"),
        ({"text_encoder": (tl.gemma_state(tl.build(str(tmp_path / "ltx2"))), None)},
         r"is Gemma 3, but the transformer 'ltx-2\.5-tiny-dev-transformer-bf16\.safetensors' is LTX-2\.5's, which "
         r"reads its prompts with Gemma 4"),
        ({"audio_vae": None},
         r"LTX-2\.5 makes its sound with an audio VAE and vocoder \(ltx-2\.5-audio-vae-bf16.*found none: put it there"),
    ]
    for i, (replace, match) in enumerate(cases):
        got = _copy(files, str(tmp_path / f"case{i}"), **replace)
        with pytest.raises(ModelError, match=match):
            _load(got)
    with pytest.raises(ModelError, match=r"is LTX-2\.5's transformer, which its release ships as split files: set "
                                         r"the VAE \(ltx-2\.5-video-vae-conv-bf16"):
        _load(files, parts={"text_encoder": files["text_encoder"]})


def test_an_int8_layer_is_refused_naming_its_format(ltx25, tmp_path):
    """ComfyUI's int8 layers (the templates' '-comfy-int8-convrot' files; the format's name here is an
    example: any int8 one is refused the same way) are named before anything is read."""
    import json

    from safetensors.torch import load_file, save_file
    folder, files = ltx25
    state = load_file(files["transformer"])
    layer = "model.diffusion_model.transformer_blocks.0.attn1.to_q"
    state[layer + ".weight"] = state[layer + ".weight"].to(torch.int8)
    state[layer + ".weight_scale"] = torch.ones(1)
    state[layer + ".comfy_quant"] = torch.frombuffer(bytearray(json.dumps({"format": "int8_convrot"}).encode()),
                                                     dtype=torch.uint8)
    den = str(tmp_path / "ltx-2.5-22b-distilled-transformer-comfy-int8-convrot.safetensors")
    save_file(state, den)
    with pytest.raises(ModelError, match=r"comfy-int8-convrot\.safetensors' \(ComfyUI's mixed-precision layout\): "
                                         r"layer '.*attn1\.to_q' is quantised as 'int8_convrot' \(ComfyUI's int8 "
                                         r"layout\), which Studio does not read yet"):
        _load({**files, "transformer": den})

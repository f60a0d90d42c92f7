"""ComfyUI's three loaders (issue 45, item 2): Load Video Model takes a Wan denoiser file, a
text-encoder file and a VAE file, with no diffusers folder. A tiny Wan 2.1 written in the original
layouts (the Wan repository's denoiser and VAE names, ComfyUI's UMT5 file with its sentencepiece
model as ``spiece_model``) samples the frames of the diffusers folder holding the same weights:
fp32, exactly. Each part is recognised from its tensors, checked against the denoiser before
anything is allocated, and loaded lean; a part that does not fit is named."""
from __future__ import annotations

import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.loading.load import load_video_model

from .graphs import files_and_folder
from . import layouts
from . import tiny_parts as tp
from .file_formats import scaled_fp8, t5_blocks
from .refusals import refuse_loads, refused, single_file_loads

pytest.importorskip("diffusers")
CPU = torch.device("cpu")
PROMPT = "a red fox running in the snow, cinematic"


@pytest.fixture(scope="module")
def comfy(tmp_path_factory):
    """(the diffusers folder, its parts as ComfyUI's files: name -> path)."""
    root = tmp_path_factory.mktemp("comfy")
    folder = tp.build(str(root / "wan-tiny"))
    return folder, tp.write_parts(folder, str(root / "models"), prefix="model.diffusion_model.")


@pytest.fixture(scope="module")
def want(comfy):
    """The folder's frames (its weights in fresh storage: see _fresh)."""
    return _frames(tp.fresh(load_video_model(comfy[0], base=None, device=CPU, dtype_name="fp32")))


def _parts(files, **more):
    return {"text_encoder": files["text_encoder"], "vae": files["vae"], **more}


def _frames(ref):
    pipe = ref.pipeline("t2v")
    return pipe(prompt=PROMPT, negative_prompt="blue sky", height=16, width=16, num_frames=5, num_inference_steps=2,
                guidance_scale=2.0, generator=torch.Generator().manual_seed(0), output_type="pt",
                max_sequence_length=32).frames


def test_three_files_in_the_original_layouts_sample_the_folders_frames_exactly(comfy, want):
    folder, files = comfy
    said = []
    one = load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32", info=said.append,
                           parts=_parts(files))
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    for name in ("transformer", "text_encoder", "vae"):
        got, held = getattr(one.module, name).state_dict(), getattr(ref.module, name).state_dict()
        assert set(got) == set(held) and all(torch.equal(got[k], held[k]) for k in held), name
    assert torch.equal(_frames(one), want)
    assert "text encoder: umt5_tiny_fp32.safetensors: UMT5 (width 32), fp32, tokenizer from the file" in said
    assert "VAE: wan_2.1_vae_tiny.safetensors: Wan 2.1 VAE, fp32" in said
    assert "config from the file's shapes (attention heads of 128 values each" in said[0]
    assert "text encoder UMT5 (width 32), fp32; VAE Wan 2.1 VAE, fp32" in one.summary()
    assert type(one.module.scheduler).__name__ == "UniPCMultistepScheduler"


def test_the_tokenizer_comes_from_the_files_spiece_model(comfy):
    folder, files = comfy
    from transformers import AutoTokenizer

    from nodes.video_models.files.parts import Part, tokenizer_for
    from nodes.video_models.files.weight_formats import read_weight_file
    tok = tokenizer_for(Part("text_encoder", read_weight_file(files["text_encoder"]), "UMT5"), None)
    want = AutoTokenizer.from_pretrained(folder, subfolder="tokenizer")
    for text in (PROMPT, "a zebra in the sea", "Snow!  dog"):
        assert tok(text).input_ids == want(text).input_ids
    assert tok(PROMPT).input_ids[-1] == 1 and 2 not in tok(PROMPT).input_ids  # </s> at the end, every word known
    assert 2 in tok("zebra").input_ids or len(tok("zebra").input_ids) > 2  # unknown words: pieces or <unk>


def test_a_part_overrides_the_base_folders_component(comfy, want):
    folder, files = comfy
    said = []
    one = load_video_model(files["denoiser"], base=folder, device=CPU, dtype_name="fp32", info=said.append,
                           parts={"vae": files["vae"]})
    assert "VAE: wan_2.1_vae_tiny.safetensors: Wan 2.1 VAE, fp32 (instead of the base folder's)" in said
    assert torch.equal(_frames(tp.fresh(one)), want)


def test_each_part_is_built_on_the_meta_device(comfy, monkeypatch):
    import diffusers
    import transformers
    seen = {}

    recording = tp.meta_recorder(seen)
    monkeypatch.setattr(transformers, "UMT5EncoderModel", recording(transformers.UMT5EncoderModel))
    monkeypatch.setattr(diffusers, "AutoencoderKLWan", recording(diffusers.AutoencoderKLWan))
    folder, files = comfy
    one = load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="bf16", parts=_parts(files))
    assert seen == {"UMT5EncoderModel": {"meta"}, "AutoencoderKLWan": {"meta"}}
    assert {p.dtype for p in one.module.vae.parameters()} == {torch.bfloat16}
    assert {p.device.type for p in one.module.text_encoder.parameters()} == {"cpu"}


@pytest.fixture
def no_loads(monkeypatch):
    """Any weight load fails: a message raised with it in place came before anything was allocated."""
    refuse_loads(monkeypatch, "a model was built before the parts were checked", *single_file_loads())


def _refused(files, match, **parts):
    refused(files["denoiser"], match, **parts)


def test_a_text_encoder_that_does_not_fit_the_denoiser_is_named_before_allocation(comfy, tmp_path, no_loads):
    _, files = comfy
    wide = layouts.write(str(tmp_path / "umt5_xxl_fp8.safetensors"), layouts.t5(umt5=True), "F8_E4M3",
                         dtypes={"spiece_model": "U8"})
    _refused(files, r"the text encoder '.*umt5_xxl_fp8\.safetensors' \(UMT5-XXL \(Wan\)\) gives text states 4096 "
                    r"wide, but the denoiser 'wan2\.1_t2v_tiny_fp32\.safetensors' reads 32 \(its text_embedding\)",
             text_encoder=wide, vae=files["vae"])
    t5 = layouts.write(str(tmp_path / "t5xxl_fp16.safetensors"), layouts.t5(), "F16")
    _refused(files, r"the text encoder '.*t5xxl_fp16\.safetensors' is T5-XXL \(LTX-Video, CogVideoX\), made for "
                    r"LTX-Video, but the denoiser 'wan2\.1_t2v_tiny_fp32\.safetensors' is Wan's",
             text_encoder=t5, vae=files["vae"])
    t5 = layouts.write(str(tmp_path / "t5_small.safetensors"), layouts.t5(layers=2, width=32), "F16")
    _refused(files, r"'.*t5_small\.safetensors' is T5 \(width 32, 2 blocks\) \(T5: only its first block has a position "
                    r"bias\), but Wan's denoiser reads UMT5-XXL's text states", text_encoder=t5, vae=files["vae"])


def test_a_text_encoder_whose_tensors_do_not_make_one_model_is_named(comfy, tmp_path, no_loads):
    from safetensors.torch import load_file, save_file
    _, files = comfy
    state = load_file(files["text_encoder"])
    state["encoder.block.1.layer.1.DenseReluDense.wi_1.weight"] = torch.zeros(40, 32)
    bad = str(tmp_path / "umt5_odd.safetensors")
    save_file(state, bad)
    _refused(files, r"the text encoder '.*umt5_odd\.safetensors' \(UMT5 \(width 32\)\) does not make one "
                    r"UMT5EncoderModel: 'encoder\.block\.1\.layer\.1\.DenseReluDense\.wi_1\.weight' is \[40, 32\] "
                    r"there, but its other tensors' shapes make it \[37, 32\]", text_encoder=bad, vae=files["vae"])


def test_a_vae_of_another_family_or_the_wrong_kind_is_named(comfy, tmp_path, no_loads):
    _, files = comfy
    ltx = layouts.write(str(tmp_path / "ltx_vae.safetensors"), layouts.ltx_vae())
    _refused(files, r"the VAE '.*ltx_vae\.safetensors' is LTX-Video VAE, made for LTX-Video, but the denoiser "
                    r"'wan2\.1_t2v_tiny_fp32\.safetensors' is Wan's", text_encoder=files["text_encoder"], vae=ltx)
    _refused(files, r"'.*umt5_tiny_fp32\.safetensors' was given as the VAE but is a text encoder \(UMT5",
             text_encoder=files["text_encoder"], vae=files["text_encoder"])
    odd = layouts.write(str(tmp_path / "odd.safetensors"), {"foo.bar.weight": (3, 5), "zed": (7,)})
    _refused(files, r"'.*odd\.safetensors' was given as the VAE but is not a model Studio recognises: it holds "
                    r"foo\.bar\.weight \[3, 5\], zed \[7\]", text_encoder=files["text_encoder"], vae=odd)
    from safetensors.torch import save_file

    from .tiny_wan22 import vae22, vae22_original_names
    vae48 = str(tmp_path / "wan2.2_vae.safetensors")
    save_file({k: v.contiguous() for k, v in vae22_original_names(vae22().state_dict()).items()}, vae48)
    _refused(files, r"the VAE '.*wan2\.2_vae\.safetensors' \(Wan 2\.2 VAE \(TI2V-5B\)\) makes latents of 48 channels, "
                    r"but the denoiser 'wan2\.1_t2v_tiny_fp32\.safetensors' makes 16", text_encoder=files["text_encoder"],
             vae=vae48)
    broken = layouts.write(str(tmp_path / "wan2.2_vae_odd.safetensors"), layouts.wan_vae(48))
    _refused(files, r"'decoder\.upsamples\.0\.residual\.0\.gamma' is not a tensor of the Wan 2\.2 VAE's original layout",
             text_encoder=files["text_encoder"], vae=broken)


def test_missing_parts_and_a_tokenizer_nowhere_are_said(comfy, tmp_path, no_loads):
    folder, files = comfy
    _refused(files, r"single Wan denoiser: set the text encoder and the VAE files \(as ComfyUI's loaders take them\), "
                    r"or 'base'")
    _refused(files, r"set the VAE file", text_encoder=files["text_encoder"])
    from safetensors.torch import load_file, save_file
    bare = str(tmp_path / "umt5_no_tokenizer.safetensors")
    save_file({k: v for k, v in load_file(files["text_encoder"]).items() if k != "spiece_model"}, bare)
    _refused(files, r"carries no tokenizer \(no 'spiece_model' tensor.*Studio looked in the file, in '.*tokenizer', "
                    r"and in 'base' \(empty\)", text_encoder=bare, vae=files["vae"])
    with pytest.raises(ModelError, match="is a diffusers folder, which has its own VAE"):
        load_video_model(folder, base=None, device=CPU, parts={"vae": files["vae"]})


def test_another_familys_denoiser_with_part_files_says_what_to_give(tmp_path, no_loads):
    den = layouts.write(str(tmp_path / "cogvideox-2b.safetensors"), {"patch_embed.proj.weight": (2, 2, 2, 2),
                                                                     "norm_final.weight": (2,),
                                                                     "transformer_blocks.0.attn1.to_q.weight": (2, 2)})
    vae = layouts.write(str(tmp_path / "ltx_vae.safetensors"), layouts.ltx_vae())
    with pytest.raises(ModelError, match=r"single CogVideoX transformer file: set 'base' to a diffusers CogVideoX "
                                         r"folder .* separate text-encoder and VAE files are read so far for "
                                         r"Wan.*LTX-Video"):
        load_video_model(den, base=None, device=CPU, parts={"vae": vae})


def test_through_the_graph_the_three_files_render_as_the_folder_does(comfy):
    from nodes.video_models.loading.node import LoadVideoModel
    folder, files = comfy
    three = tp.t2v_graph(PROMPT, model=files["denoiser"], text_encoder=files["text_encoder"], vae=files["vae"])
    a, b, said = files_and_folder(three, tp.t2v_graph(PROMPT, model=folder))
    assert abs(a.astype("float64") - b.astype("float64")).max() < 1e-4  # the folder's tensors memory-mapped: see _fresh
    text = " ".join(str(getattr(e, "text", "")) for e in said)
    assert "text encoder: umt5_tiny_fp32.safetensors: UMT5 (width 32)" in text and "VAE: wan_2.1_vae_tiny" in text
    from studio.engine.events import NodeNote
    notes = [e.text for e in said if isinstance(e, NodeNote) and e.node_id == "load"]
    assert any("files: fp32; text encoder UMT5 (width 32), fp32; VAE Wan 2.1 VAE, fp32" in n for n in notes), notes
    assert set(LoadVideoModel.signature_files(three.nodes["load"].params)) == set(files.values())
    names = [p.name for p in LoadVideoModel.params]
    assert {"text_encoder", "vae", "clip_vision"} <= set(names)
    assert {p.name: p.models for p in LoadVideoModel.params if p.name in ("text_encoder", "vae", "clip_vision")} == \
        {"text_encoder": "text_encoder", "vae": "vae", "clip_vision": "clip_vision"}


def test_wan21_i2v_from_four_files_samples_the_folders_frames_exactly(tmp_path):
    """Wan 2.1 I2V: the denoiser (reading CLIP image tokens), text encoder, VAE and CLIP-vision
    files (ComfyUI's clip_vision: transformers' names and a projection Wan does not use)."""
    from diffusers.loaders.single_file_utils import convert_wan_transformer_to_diffusers
    from diffusers import WanTransformer3DModel

    folder = tp.build(str(tmp_path / "wan-i2v"), i2v=True)
    files = tp.write_parts(folder, str(tmp_path / "models"))
    state = WanTransformer3DModel.from_pretrained(folder, subfolder="transformer").state_dict()
    assert set(convert_wan_transformer_to_diffusers(tp.wan_i2v_original_names(state))) == set(state)
    with pytest.raises(ModelError, match="is a Wan 2.1 image-to-video denoiser .* set the CLIP vision file"):
        load_video_model(files["denoiser"], base=None, device=CPU, parts=_parts(files))
    said = []
    one = load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32", info=said.append,
                           parts=_parts(files, image_encoder=files["clip_vision"]))
    assert "CLIP vision: clip_vision_tiny.safetensors: CLIP vision (2 layers), fp32" in said
    ref = load_video_model(folder, base=None, device=CPU, dtype_name="fp32")
    for name in ("transformer", "text_encoder", "vae", "image_encoder"):
        for p in getattr(ref.module, name).parameters():
            p.data = p.data.clone()
    from PIL import Image
    image = Image.fromarray((tp_image() * 255).astype("uint8"))

    def frames(r):
        return r.pipeline("i2v")(image=image, prompt=PROMPT, height=16, width=16, num_frames=5, num_inference_steps=2,
                                 guidance_scale=2.0, generator=torch.Generator().manual_seed(0), output_type="pt",
                                 max_sequence_length=32).frames
    assert torch.equal(frames(one), frames(ref))
    assert type(one.module).__name__ == "WanImageToVideoPipeline"


def tp_image():
    from .tiny import still
    return still(16, 16)


def _scaled_fp8_text_encoder(src: str, dst: str) -> str:
    """ComfyUI's umt5_xxl_fp8_e4m3fn_scaled layout: the blocks' 2-D weights in fp8 e4m3fn, each with
    its per-tensor ``scale_weight``, a ``scaled_fp8`` marker; the rest as it was."""
    from safetensors.torch import load_file, save_file
    save_file(scaled_fp8(load_file(src), t5_blocks), dst)
    return dst


def test_a_gguf_denoiser_and_a_scaled_fp8_text_encoder(comfy, want, tmp_path):
    from diffusers import WanTransformer3DModel

    from . import tiny_formats as tf
    folder, files = comfy
    state = WanTransformer3DModel.from_pretrained(folder, subfolder="transformer").state_dict()
    den = tf.write_gguf(state, str(tmp_path / "wan2.1-t2v-tiny-Q8_0.gguf"), "Q8_0")
    te = _scaled_fp8_text_encoder(files["text_encoder"], str(tmp_path / "umt5_tiny_fp8_e4m3fn_scaled.safetensors"))
    said = []
    one = load_video_model(den, base=None, device=CPU, dtype_name="fp32", info=said.append,
                           parts={"text_encoder": te, "vae": files["vae"]})
    assert said[0].startswith("weights: GGUF Q8_0, dequantised on the fly to fp32; config from the file's shapes")
    assert "text encoder: umt5_tiny_fp8_e4m3fn_scaled.safetensors: UMT5 (width 32), fp8 e4m3 (scaled), tokenizer " \
           "from the file" in said
    q = one.module.text_encoder.encoder.block[0].layer[0].SelfAttention.q.weight
    assert q.dtype == torch.float8_e4m3fn  # stored in 8 bits, computed in fp32
    db = tf.psnr(want, _frames(one))
    print(f"GGUF Q8_0 denoiser + scaled fp8 UMT5: {db:.1f} dB against the fp32 folder's frames")
    assert db >= 40


@pytest.mark.fresh_models
def test_the_text_encoder_file_is_not_read_for_a_cached_prompt(comfy, tmp_path, monkeypatch):
    """Issue 60 item 2 with ComfyUI's files: while the prompt-embedding cache is on, the UMT5 part file
    waits on disk; the first render reads it (its prompt is not cached), a second with only the seed
    changed never does, and makes the frames of a render with the cache off."""
    import numpy as np

    from nodes.video_models.families.wan import parts as wan_parts
    from nodes.video_models.files import parts as parts_mod
    from studio.engine.executor import Executor
    _folder, files = comfy
    read = []
    real = parts_mod.load_part
    for mod in (parts_mod, wan_parts):  # each part file read: the loader's own and Wan's (its name imported)
        monkeypatch.setattr(mod, "load_part", lambda part, dt: read.append(part.component) or real(part, dt))
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))

    def render(seed):
        g = tp.t2v_graph(PROMPT, model=files["denoiser"], text_encoder=files["text_encoder"], vae=files["vae"])
        g.nodes["gen"].params["seed"] = seed
        said = []
        clip = Executor().run(g, targets=["gen"], device="cpu", use_cache=False, on_event=said.append).value("gen")
        return np.asarray(clip.chunk(0, clip.n_frames)), " ".join(str(getattr(e, "text", "")) for e in said)
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "0")
    plain, _ = render(2)
    assert read.count("text_encoder") == 1
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "1")
    read.clear()
    render(1)
    assert read.count("text_encoder") == 1  # read when its prompt was not cached
    read.clear()
    second, text = render(2)
    assert "text_encoder" not in read and "text encoder not loaded" in text
    assert "read when a prompt is not in the prompt cache" in text
    assert np.array_equal(second, plain)


def test_an_audio_vae_read_from_beside_a_file_is_in_the_loads_signature(tmp_path):
    """LTX-2.5's and MiniMax H3's audio VAE is the *audio*vae* file beside the video VAE (or the model file), not a
    parameter: replacing it must re-run the load as replacing a named file does (a kept model is not served)."""
    from nodes.video_models.loading.node import LoadVideoModel
    (tmp_path / "vae").mkdir()
    (tmp_path / "dit").mkdir()
    video = tmp_path / "vae" / "minimax_h3_video_vae.safetensors"
    audio = tmp_path / "vae" / "minimax_h3_audio_vae_fp32.safetensors"
    dit, other = tmp_path / "dit" / "dit.safetensors", tmp_path / "dit" / "ltx-2.5-audio-vae.safetensors"
    for f in (video, audio, dit, other):
        f.write_bytes(b"x")
    got = LoadVideoModel.signature_files({"model": str(dit), "vae": str(video)})
    assert set(got) == {str(dit), str(other), str(video), str(audio)} and len(got) == len(set(got))
    assert set(LoadVideoModel.signature_files({"model": str(video)})) == {str(video), str(audio)}

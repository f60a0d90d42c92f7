"""Wan 2.2 S2V (issue 58, item 2): the denoiser as diffusers' Wan blocks plus S2V's audio, reference,
motion and pose inputs (families/wan_s2v/), read from a file in the original layout (ComfyUI's names),
driven by Speech Features' wav2vec2 states through the Speech to Video (S2V) node. The release's
formulas (Wan-Video/Wan2.2 42bf4cf) are checked on hand-computed cases; the node's frames equal
the pipeline's fed the same conditioning; bad input is said naming the node."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from nodes.video_models.base.errors import ModelError
from nodes.video_models.families.wan_s2v import convert
from nodes.video_models.families.wan_s2v.model import CausalConv1d, FramePackMotioner, grid_positions
from nodes.video_models.families.wan_s2v.node import S2VError, SpeechToVideo
from nodes.video_models.families.wan_s2v.pipeline import audio_buckets, sample_indices, take_plan
from nodes.video_models.loading.load import load_video_model
from studio.core.values import Audio, Features
from tests.node_run import Recorder, run_node

from .tiny_wan_s2v import S2V, build_wan_s2v, tiny_s2v

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return build_wan_s2v(str(tmp_path_factory.mktemp("s2v")))


@pytest.fixture(scope="module")
def model(files):
    return load_video_model(files["denoiser"], base=None, device=CPU, dtype_name="fp32",
                            parts={"text_encoder": files["text_encoder"], "vae": files["vae"]})


def _speech(frames=12, fps=16.0, seed=0, silent=False):
    g = torch.Generator().manual_seed(seed)
    data = torch.randn(frames, 3 * 32, generator=g)
    return Features(data, per_frame=True, fps=fps, extras={"layers": 3, "width": 32, "silent": silent})


def _image(h=80, w=64):
    rng = np.random.default_rng(0)
    return rng.random((h, w, 3), dtype=np.float32)


# the release's formulas, by hand


def test_causal_conv_pads_by_repeating_the_first_sample():
    conv = CausalConv1d(1, 1, 3)
    with torch.no_grad():
        conv.conv.weight.copy_(torch.tensor([[[1.0, 2.0, 3.0]]]))
        conv.conv.bias.zero_()
    # padded [1, 1, 1, 2, 3]: 1+2+3, 1+2+6, 1+4+9
    assert conv(torch.tensor([[[1.0, 2.0, 3.0]]])).flatten().tolist() == [6.0, 9.0, 14.0]


def test_rotary_positions_of_reference_and_packed_motion_tokens():
    ref = grid_positions((30, 0, 0), (31, 2, 2), (1, 2, 2))
    assert ref.tolist() == [[30, 0, 0], [30, 0, 1], [30, 1, 0], [30, 1, 1]]
    pos = FramePackMotioner(16, 8).positions(16, 16)  # latents 16 x 16: 8 x 8, 4 x 4 and 2 x 2 tokens a frame
    near, mid, far = pos[:64], pos[64:80], pos[80:]
    assert set(near[:, 0].tolist()) == {-1} and sorted(set(near[:, 1].tolist())) == list(range(8))
    assert set(mid[:, 0].tolist()) == {-3} and sorted(set(mid[:, 1].tolist())) == [0, 2, 4, 7]  # linspace(0, 7, 4)
    assert sorted(set(far[:, 0].tolist())) == [-19, -14, -9, -4] and sorted(set(far[:, 1].tolist())) == [0, 7]
    assert len(far) == 4 * 2 * 2


def test_audio_buckets_sample_features_at_sixteen_fps_as_the_release():
    # frame i reads feature round(i / 16 * 30): 0, 1.875, 3.75, 5.625, 7.5 -> 0, 2, 4, 6, 8
    assert sample_indices(5, 30.0).tolist() == [0, 2, 4, 6, 8]
    feats = torch.arange(9, dtype=torch.float32)[:, None, None].expand(9, 2, 3)
    got = audio_buckets(feats, 30.0, 6)  # the 6th frame reads feature 9: past the end, zero
    assert got.shape == (2, 3, 6) and got[0, 0].tolist() == [0, 2, 4, 6, 8, 0]


def test_windows_of_a_take_first_gives_three_fewer():
    assert take_plan(77, 80) == (1, 77) and take_plan(78, 80) == (2, 157)
    assert take_plan(157, 80) == (2, 157) and take_plan(158, 80) == (3, 237)


def test_audio_layers_are_averaged_and_the_encoder_is_causal():
    m = tiny_s2v()
    enc = m.casual_audio_encoder
    with torch.no_grad():
        enc.weights.fill_(0.5)  # equal weights: the layers' mean
        a = torch.randn(1, 3, 32, 8)
        same = a.mean(dim=1, keepdim=True).expand_as(a)
        assert torch.allclose(enc(a)[1], enc(same)[1], atol=1e-5)
        glo, loc = m.audio_tokens(a)  # 8 frames (2 latent frames) behind 73 copies of the first
        assert loc.shape == (1, 2, S2V["num_audio_token"] + 1, 128 * 2) and glo.shape == (1, 2, 1, 256)
        b = a.clone()
        b[..., 4:] = torch.randn(1, 3, 32, 4)  # the second latent frame's sound changed
        assert torch.equal(m.audio_tokens(b)[1][:, 0], loc[:, 0]) and not torch.equal(m.audio_tokens(b)[1][:, 1], loc[:, 1])


def test_reference_and_motion_tokens_are_modulated_by_timestep_zero():
    """zero_timestep: the reference's tokens do not see the step's timestep; the noisy tokens do."""
    m = tiny_s2v()
    x = torch.randn(1, 16, 1, 16, 16)
    kw = dict(encoder_hidden_states=torch.randn(1, 4, 32), ref_latents=torch.randn(1, 16, 1, 16, 16),
              motion_latents=torch.randn(1, 16, 19, 16, 16), cond_states=torch.zeros(1, 16, 1, 16, 16),
              audio_input=torch.randn(1, 3, 32, 4))
    seen = {}

    def keep(mod, args, out):
        seen.setdefault(0, args[2])
    m.blocks[0].register_forward_hook(keep)
    with torch.no_grad():
        m(x, torch.tensor([700.0]), **kw)
    temb = seen[0]  # [1, tokens, 6, D]: 64 noisy, 64 reference, 64 + 16 + 16 packed motion tokens
    assert temb.shape[1] == 64 + 64 + 96
    assert torch.equal(temb[0, 64], temb[0, -1]) and not torch.equal(temb[0, 0], temb[0, 64])
    with torch.no_grad():
        _, proj, _, _ = m.condition_embedder(torch.tensor([0.0]), kw["encoder_hidden_states"])
    assert torch.allclose(temb[0, 64], proj.unflatten(1, (6, -1))[0], atol=1e-6)


# the file


def test_renames_are_diffusers_wan_converters_for_the_wan_blocks():
    from diffusers.loaders.single_file_utils import convert_wan_transformer_to_diffusers
    state = convert.original_state(tiny_s2v())
    base = {k: v for k, v in state.items() if k.startswith(("blocks.", "patch_embedding", "text_embedding",
                                                            "time_embedding", "time_projection", "head."))}
    theirs = set(convert_wan_transformer_to_diffusers(dict(base)))
    assert theirs == {convert.rename(k) for k in base}


def test_the_original_layout_file_is_recognised_and_loads_every_weight(files):
    from nodes.video_models.base.recognise import recognise
    from nodes.video_models.files.weight_formats import check_single_file, read_weight_file
    from nodes.video_models.catalog.listing import describe_file
    fam, _ = check_single_file(files["denoiser"])
    assert fam.key == "wan_s2v" and describe_file(files["denoiser"]).family == "wan_s2v"
    wf = read_weight_file(files["denoiser"])
    assert recognise({k: v.shape for k, v in wf.tensors.items()}).variant.startswith("Wan S2V (width 256, 2 blocks)")
    got, cfg = convert.load_s2v(files["denoiser"], torch.float32)
    want = tiny_s2v().state_dict()
    assert cfg["audio_inject_layers"] == [0, 1] and cfg["audio_dim"] == 32 and cfg["audio_layers"] == 3
    assert all(torch.equal(got.state_dict()[k], v) for k, v in want.items())


def test_a_wan_file_is_not_taken_for_s2v(tmp_path):
    from safetensors.torch import save_file
    state = {k: v for k, v in convert.original_state(tiny_s2v()).items()
             if not k.startswith(("casual_audio_encoder", "audio_injector", "frame_packer", "cond_encoder",
                                  "trainable_cond_mask"))}
    p = str(tmp_path / "wan2.1_t2v.safetensors")
    save_file(state, p)
    with pytest.raises(ModelError, match="not a Wan S2V denoiser"):
        convert.load_s2v(p, torch.float32)


# the node


def test_node_frames_equal_the_pipeline_fed_the_same_conditioning(model):
    from nodes.video_models.families.wan_s2v.node import covered
    speech = _speech(frames=12)
    voice = Audio(np.full((16000, 1), 0.1, np.float32), 16000)
    params = {"prompt": "a red fox", "frames": 5, "window": 8, "steps": 2, "guidance": 2.0, "width": 64,
              "height": 64, "seed": 3}
    rec = Recorder()
    out = run_node(SpeechToVideo, params, runtime=rec, model=model, image=_image(), speech=speech, audio=voice)["video"]
    assert (out.n_frames, out.width, out.height, out.fps) == (5, 64, 64, 16.0)
    assert out.audio.n_samples == 5000  # the voice cut to the take: 5 frames at 16 fps
    ref = torch.from_numpy(covered(_image(), 64, 64)).permute(2, 0, 1)[None] * 2 - 1
    from studio.engine.context import Context
    gen = Context("n1", "t", {}, 1234, CPU, Recorder()).torch_generator(device="cpu")
    want = model.module(ref, audio_buckets(speech.data.reshape(12, 3, 32), 16.0, 8), prompt="a red fox",
                        num_frames=5, window=8, num_inference_steps=2, guidance_scale=2.0, generator=gen)
    want = ((want[0].permute(1, 2, 3, 0).numpy() + 1) / 2).clip(0, 1)
    assert np.array_equal(out.frames, want.astype(np.float32))
    assert any("5 frames at 64x64 in 1 window of 8" in t for t in rec.messages())


def test_the_shift_and_sampler_set_are_the_ones_the_take_is_sampled_with(model):
    """'shift' (ComfyUI's ModelSamplingSD3 on an S2V take, heldout109 06: shift 4 was said not applied) swaps the
    pipeline's scheduler for the run: the node's frames equal the pipeline's given UniPC at that flow shift, and
    differ from the release's shift 3; the cached pipeline's own scheduler is put back."""
    from diffusers import UniPCMultistepScheduler
    from nodes.video_models.families.wan_s2v.node import covered
    from studio.engine.context import Context
    speech = _speech(frames=12)
    params = {"prompt": "a red fox", "frames": 5, "window": 8, "steps": 2, "guidance": 2.0, "width": 64,
              "height": 64, "seed": 3}
    own = model.module.scheduler
    plain = run_node(SpeechToVideo, params, model=model, image=_image(), speech=speech)["video"].frames
    shifted = run_node(SpeechToVideo, dict(params, shift=7.0), model=model, image=_image(), speech=speech)["video"]
    assert model.module.scheduler is own and float(own.config["flow_shift"]) == 3.0
    assert not np.array_equal(shifted.frames, plain)
    ref = torch.from_numpy(covered(_image(), 64, 64)).permute(2, 0, 1)[None] * 2 - 1
    gen = Context("n1", "t", {}, 1234, CPU, Recorder()).torch_generator(device="cpu")
    model.module.scheduler = UniPCMultistepScheduler.from_config(own.config, flow_shift=7.0)
    try:
        want = model.module(ref, audio_buckets(speech.data.reshape(12, 3, 32), 16.0, 8), prompt="a red fox",
                            num_frames=5, window=8, num_inference_steps=2, guidance_scale=2.0, generator=gen)
    finally:
        model.module.scheduler = own
    want = ((want[0].permute(1, 2, 3, 0).numpy() + 1) / 2).clip(0, 1)
    assert np.array_equal(shifted.frames, want.astype(np.float32))


def test_a_long_take_continues_from_its_own_motion_frames():
    """Two windows (a tiny pipeline with 5 motion frames, so the CPU test stays short): the second window
    reads the first's last frames, so its frames change when the first window's speech does."""
    from nodes.video_models.families.wan_s2v.pipeline import WanS2VPipeline
    from .tiny import wan_parts
    import tempfile
    from diffusers import FlowMatchEulerDiscreteScheduler
    with tempfile.TemporaryDirectory() as d:
        vae, tok, te, _ = wan_parts(d)
    tr = tiny_s2v()
    tr.register_to_config(motion_frames=5)
    pipe = WanS2VPipeline(tokenizer=tok, text_encoder=te.eval(), vae=vae.eval(),
                          scheduler=FlowMatchEulerDiscreteScheduler(shift=3.0),
                          transformer=tr)
    img = torch.rand(1, 3, 64, 64) * 2 - 1
    a = torch.randn(3, 32, 8)
    seen = []
    kw = dict(num_frames=5, window=4, num_inference_steps=1, guidance_scale=1.0, prompt="a fox", max_sequence_length=8)
    v1 = pipe(img, a, generator=torch.Generator().manual_seed(0), **kw)
    handed = pipe(img, a, generator=torch.Generator().manual_seed(0), on_window=lambda r, f: seen.append(f), **kw)
    assert v1.shape[2] == 5 and [f.shape[2] for f in seen] == [1, 4]  # 4 - 3, then 4: 5 frames
    assert handed is None and torch.equal(torch.cat(seen, dim=2), v1)  # handed on window by window, not kept
    b = a.clone()
    b[..., :1] = torch.randn(3, 32, 1)  # only the first window's sound
    v2 = pipe(img, b, generator=torch.Generator().manual_seed(0), **kw)
    assert not torch.equal(v1[:, :, 1:5], v2[:, :, 1:5])  # the second window saw other motion frames


def test_bad_input_is_said_naming_the_node(model, wan_dir):
    base = dict(model=model, image=_image())
    p = {"frames": 5, "window": 8, "steps": 1, "width": 64, "height": 64}
    with pytest.raises(S2VError, match=r"Speech to Video \(S2V\): the voice is silent"):
        run_node(SpeechToVideo, p, **base, speech=_speech(silent=True))
    with pytest.raises(S2VError, match=r"Speech to Video \(S2V\): the voice covers 3 frames \(0.19 s at 16 fps\) but the take is 5"):
        run_node(SpeechToVideo, p, **base, speech=_speech(frames=3))
    with pytest.raises(S2VError, match="reads 3 of 32"):
        bad = Features(torch.randn(12, 32), per_frame=True, fps=16.0, extras={"layers": 1, "width": 32})
        run_node(SpeechToVideo, p, **base, speech=bad)
    from tests.node_run import ramp_clip
    with pytest.raises(S2VError, match="the pose clip has 3 frames, the take 5"):
        run_node(SpeechToVideo, p, **base, speech=_speech(), pose=ramp_clip(3, 64, 64, fps=16.0))
    with pytest.raises(S2VError, match="not Wan S2V"):
        wan = load_video_model(wan_dir, base=None, device=CPU, dtype_name="fp32")  # the session's tiny Wan
        run_node(SpeechToVideo, p, model=wan, image=_image(), speech=_speech())


def test_a_pose_clip_moves_the_take(model):
    from tests.node_run import ramp_clip
    p = {"frames": 5, "window": 8, "steps": 1, "guidance": 1.0, "width": 64, "height": 64}
    plain = run_node(SpeechToVideo, p, model=model, image=_image(), speech=_speech())["video"]
    posed = run_node(SpeechToVideo, p, model=model, image=_image(), speech=_speech(),
                     pose=ramp_clip(6, 64, 64, fps=16.0))["video"]
    assert posed.n_frames == 5 and not np.array_equal(plain.frames, posed.frames)


def test_comfyuis_scaled_fp8_file_is_read_in_eight_bits_and_scaled(tmp_path):
    """As ComfyUI's wan2.2_s2v_14B_fp8_scaled: the blocks' and the audio injector's linear weights stored in fp8
    e4m3 with a per-tensor scale_weight (and the scaled_fp8 marker); read, each layer's output is its scaled
    weight's: the denoiser's output is the model with those weights (and biases, which the fp8 layers store in 8
    bits too) dequantised by hand."""
    from safetensors.torch import save_file
    m = tiny_s2v()
    state = convert.original_state(m, "model.diffusion_model.")
    deq = {}
    for k in list(state):
        if k.endswith(".weight") and state[k].ndim == 2 and (".blocks." in k or ".audio_injector." in k):
            scale = state[k].abs().max() / 448.0
            q = (state[k] / scale).to(torch.float8_e4m3fn)
            state[k] = q
            state[k[:-len("weight")] + "scale_weight"] = scale.reshape(1)
            deq[k] = q.float() * scale
            b = k[:-len("weight")] + "bias"  # Studio's fp8 layers (layerwise casting) store the bias in 8 bits too
            deq[b] = state[b].to(torch.float8_e4m3fn).float()
    state["scaled_fp8"] = torch.zeros(2, dtype=torch.float8_e4m3fn)
    p = str(tmp_path / "wan2.2_s2v_tiny_fp8_scaled.safetensors")
    save_file(state, p)
    got, _ = convert.load_s2v(p, torch.float32)
    assert got.blocks[0].attn1.to_q.weight.dtype == torch.float8_e4m3fn  # kept in 8 bits
    want = tiny_s2v()
    own = want.state_dict()
    for k, v in deq.items():
        own[convert.rename(convert.strip(k))].copy_(v)
    x = torch.randn(1, 16, 1, 16, 16)
    kw = dict(encoder_hidden_states=torch.randn(1, 4, 32), ref_latents=torch.randn(1, 16, 1, 16, 16),
              motion_latents=torch.randn(1, 16, 19, 16, 16), cond_states=torch.zeros(1, 16, 1, 16, 16),
              audio_input=torch.randn(1, 3, 32, 4))
    with torch.no_grad():
        a = got(x, torch.tensor([500.0]), **kw).sample
        b = want(x, torch.tensor([500.0]), **kw).sample
    assert torch.allclose(a, b, atol=1e-4) and not torch.allclose(b, m(x, torch.tensor([500.0]), **kw).sample, atol=1e-4)


def test_the_released_14b_file_is_told_and_its_config_is_the_releases(tmp_path):
    """A header-only file of the released S2V 14B's tensors (ComfyUI's names, sparse zeros): told as Wan 2.2 S2V
    14B by the picker and the loader (not as a Wan 2.2 A14B expert), its config read from the shapes is
    wan/configs/wan_s2v_14B.py's, and the model it describes has every tensor the file holds."""
    from accelerate import init_empty_weights

    from nodes.video_models.base.recognise import recognise
    from nodes.video_models.families.wan_s2v.model import RELEASED_INJECT, WanS2VTransformer3DModel
    from nodes.video_models.files.weight_formats import check_single_file, read_weight_file
    from . import layouts as L
    with init_empty_weights():
        full = WanS2VTransformer3DModel()  # the defaults are the release's configuration
    shapes = {"model.diffusion_model." + convert.original_name(k): tuple(v.shape) for k, v in full.state_dict().items()}
    path = L.write(str(tmp_path / "wan2.2_s2v_14B_bf16.safetensors"), shapes)
    assert check_single_file(path)[0].key == "wan_s2v"
    wf = read_weight_file(path)
    assert recognise({k: v.shape for k, v in wf.tensors.items()}).variant == "Wan 2.2 S2V 14B"
    cfg = convert.config_from_shapes({convert.strip(k): v.shape for k, v in wf.tensors.items()}, path)
    assert (cfg["num_attention_heads"], cfg["num_layers"], cfg["ffn_dim"], cfg["audio_dim"], cfg["audio_layers"],
            cfg["cond_dim"], cfg["enable_adain"]) == (40, 40, 13824, 1024, 25, 16, True)
    assert tuple(cfg["audio_inject_layers"]) == RELEASED_INJECT and cfg["num_audio_token"] == 4
    n = sum(v.numel() for v in full.parameters())  # 16.3B: in bf16 the 30.35 GiB of ComfyUI's wan2.2_s2v_14B_bf16
    assert round(n * 2 / 2 ** 30, 2) == 30.35


def _wav(path, seconds=0.5, rate=16000, amp=0.3):
    import wave
    t = np.arange(int(seconds * rate)) / rate
    x = (amp * np.sin(2 * np.pi * 220 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(x.tobytes())
    return str(path)


def test_through_the_graph_a_voice_makes_a_take_with_its_sound(files, tmp_path):
    """The converted template's chain on tiny models: Load Video Model (the S2V file, UMT5, VAE), Load Image,
    Load Audio -> Load Preprocessor (speech, a tiny wav2vec2 of 3 hidden states 32 wide) -> Speech Features
    (every hidden state, 30 fps) -> Speech to Video (S2V): a take with the voice on it, as long."""
    from PIL import Image

    from studio.core.graph import Graph
    from studio.engine.executor import Executor
    from tests.encoders.test_speech import _wav2vec2
    img = str(tmp_path / "face.png")
    Image.fromarray((_image() * 255).astype(np.uint8)).save(img)
    g = Graph()
    g.add_node("video_models.load", {"model": files["denoiser"], "text_encoder": files["text_encoder"],
                                     "vae": files["vae"]}, node_id="load")
    g.add_node("io.load_image", {"path": img}, node_id="img")
    g.add_node("io.load_audio", {"path": _wav(tmp_path / "voice.wav", seconds=0.3)}, node_id="voice")
    g.add_node("preprocess.load", {"kind": "speech", "model": _wav2vec2(tmp_path / "w2v")}, node_id="w2v")
    g.add_node("encode.speech", {"layers": "all", "fps": 30.0}, node_id="speech")
    g.add_node("video_models.wan_s2v", {"prompt": "a red fox", "window": 8, "steps": 1, "guidance": 1.0, "width": 64,
                                        "height": 64}, node_id="s2v")
    for a, b, c, d in (("load", "model", "s2v", "model"), ("img", "image", "s2v", "image"),
                       ("voice", "audio", "speech", "audio"), ("w2v", "model", "speech", "model"),
                       ("speech", "features", "s2v", "speech"), ("voice", "audio", "s2v", "audio")):
        g.connect(a, b, c, d)
    assert g.validate() == []
    said = []
    clip = Executor().run(g, targets=["s2v"], device="cpu", use_cache=False, on_event=said.append).value("s2v")
    assert clip.n_frames == 4 and clip.fps == 16.0  # 0.3 s of voice: 9 features at 30 fps, 4 whole frames at 16
    assert clip.audio.n_samples == 4000 and clip.audio.rate == 16000  # the picture's duration exactly
    text = " ".join(str(getattr(e, "text", "")) for e in said)
    assert "4 frames at 64x64 in 1 window of 8" in text


def test_a_silent_voice_through_speech_features_is_refused_by_s2v(model, tmp_path):
    from nodes.encoders.speech import SpeechFeatures
    from nodes.preprocess.hf import load
    from tests.encoders.test_speech import _wav2vec2
    enc = load(_wav2vec2(tmp_path / "w2v"), "speech", CPU)
    silent = Audio(np.zeros((8000, 1), np.float32), 16000)
    feats = run_node(SpeechFeatures, {"layers": "all", "fps": 30.0}, model=enc, audio=silent)["features"]
    assert feats.extras["silent"] is True and feats.extras["layers"] == 3
    with pytest.raises(S2VError, match=r"^Speech to Video \(S2V\): the voice is silent"):
        run_node(SpeechToVideo, {"window": 8, "steps": 1, "width": 64, "height": 64}, model=model, image=_image(),
                 speech=feats)


def test_the_take_size_from_the_image_is_the_releases():
    """get_size_less_than_area at 832*480, divisor 64, by hand: a 1920x1080 image scales by sqrt(832*480/(1920*1080))
    = 0.4389 (842x473, padded to 896x512: too big) down the scan (steps of 0.0017) until, at 0.4147, 796x447
    pads to 832x448 (372,736 <= 399,360 pixels); an image already smaller is not enlarged (600x400 padded to
    640x448); a 1024 square is 576x576."""
    from nodes.video_models.families.wan_s2v.node import fit_size
    assert fit_size(1920, 1080) == (832, 448)
    assert fit_size(600, 400) == (640, 448)
    assert fit_size(1024, 1024) == (576, 576)


def test_the_reference_is_framed_as_the_release_shorter_side_then_centre_crop_with_black_padding():
    """Resize(min(h, w)) then CenterCrop((h, w)) by hand: a 2x8 (w x h) grey image into an 8x4 take: the shorter
    side (2) becomes 4, so 4x16; 4 of its 16 rows kept (from row 6), and 2 black columns padded on each side."""
    from nodes.video_models.families.wan_s2v.node import covered
    out = covered(np.full((8, 2, 3), 0.5, np.float32), 8, 4)
    assert out.shape == (4, 8, 3)
    assert (out[:, :2] == 0).all() and (out[:, 6:] == 0).all()
    assert np.allclose(out[:, 2:6], 128 / 255)  # 0.5 as 8 bits, bilinear on a flat image keeps it


def _s2v_lora(path, den, seed=7) -> dict:
    """A ComfyUI-format Wan LoRA (``diffusion_model.blocks.N.self_attn.q.lora_A``, as Wan 2.2's lightx2v LoRAs
    the S2V template loads) on the S2V denoiser's attention; {diffusers module: (A, B)} for merging by hand."""
    from safetensors.torch import save_file
    g = torch.Generator().manual_seed(seed)
    sd, pairs = {}, {}
    for i, _ in enumerate(den.blocks):
        for ours, theirs in (("attn1", "self_attn"), ("attn2", "cross_attn")):
            for p, q in (("to_q", "q"), ("to_v", "v")):
                out_f, in_f = den.get_submodule(f"blocks.{i}.{ours}.{p}").weight.shape
                a, b = torch.randn(4, in_f, generator=g) * 0.5, torch.randn(out_f, 4, generator=g) * 0.5
                sd[f"diffusion_model.blocks.{i}.{theirs}.{q}.lora_A.weight"] = a
                sd[f"diffusion_model.blocks.{i}.{theirs}.{q}.lora_B.weight"] = b
                pairs[f"blocks.{i}.{ours}.{p}"] = (a, b)
    save_file(sd, path)
    return pairs


def test_a_lora_changes_the_take_as_the_same_lora_merged_by_hand(model, tmp_path):
    """Load LoRA before S2V: its frames equal S2V's with W + B A written into the weights by hand (diffusers'
    adapter computes x W^T + (x A^T) B^T: equal within float rounding), differ from the plain take, and the
    shared model is left without the adapter."""
    path = str(tmp_path / "wan2.2_s2v_style.safetensors")
    tr = model.module.transformer
    pairs = _s2v_lora(path, tr)
    p = {"prompt": "a red fox", "frames": 5, "window": 8, "steps": 2, "guidance": 2.0, "width": 64, "height": 64,
         "seed": 3}
    args = dict(image=_image(), speech=_speech(frames=12))
    plain = run_node(SpeechToVideo, p, model=model, **args)["video"].frames
    rec = Recorder()
    with_lora = run_node(SpeechToVideo, p, runtime=rec, model=model.with_lora(path, 1.0), **args)["video"].frames
    assert not getattr(tr, "peft_config", {})  # taken off after the take
    kept = {k: tr.get_submodule(k).weight.detach().clone() for k in pairs}
    try:
        with torch.no_grad():
            for k, (a, b) in pairs.items():
                tr.get_submodule(k).weight += b @ a
        merged = run_node(SpeechToVideo, p, model=model, **args)["video"].frames
    finally:
        with torch.no_grad():
            for k, w in kept.items():
                tr.get_submodule(k).weight.copy_(w)
    assert np.abs(with_lora - plain).max() > 1e-2  # the LoRA changes the take
    assert np.abs(with_lora - merged).max() < 1e-4
    assert np.array_equal(run_node(SpeechToVideo, p, model=model, **args)["video"].frames, plain)  # model untouched


def test_the_take_counts_only_the_voice_not_the_silence_speech_features_padded(model):
    """Speech Features pads a take longer than the voice with silence and says how many frames are the voice
    (voice_frames): S2V's take is the voice's length (frames 0) and its window reads zeros past the voice, as
    the release's buckets past the sound, so what lies in the padded frames changes nothing."""
    p = {"prompt": "a red fox", "frames": 0, "window": 8, "steps": 1, "guidance": 1.0, "width": 64, "height": 64}
    a = _speech(frames=12)
    b = _speech(frames=12)
    b.data[5:] = torch.randn(7, 96)  # other 'silence' past the voice
    for f in (a, b):
        f.extras.update(voice_frames=5)
    out_a = run_node(SpeechToVideo, p, model=model, image=_image(), speech=a)["video"]
    out_b = run_node(SpeechToVideo, p, model=model, image=_image(), speech=b)["video"]
    assert out_a.n_frames == 5  # the voice's 5 frames, not the 12 Speech Features gave
    assert np.array_equal(out_a.frames, out_b.frames)
    with pytest.raises(S2VError, match=r"the voice covers 5 frames \(0.31 s at 16 fps\) but the take is 6: set "
                                       r"'frames' to 5 or fewer"):
        run_node(SpeechToVideo, dict(p, frames=6), model=model, image=_image(), speech=a)


def test_nag_guides_the_take_off_at_its_default_and_leaves_nothing_behind(model):
    """NAG (heldout109 06: WanVideoNAG on an S2V take went nowhere): nag_scale 0 makes the plain take, above 1 another
    one, the same again on the same seed; said with the layers guided; each block's own processor put back."""
    from diffusers.models.transformers.transformer_wan import WanAttnProcessor
    speech = _speech(frames=12)
    params = {"prompt": "a red fox", "negative_prompt": "blurry", "frames": 5, "window": 8, "steps": 2,
              "guidance": 2.0, "width": 64, "height": 64, "seed": 3}
    plain = run_node(SpeechToVideo, params, model=model, image=_image(), speech=speech)["video"].frames
    rec = Recorder()
    off = run_node(SpeechToVideo, dict(params, nag_scale=0.0), runtime=rec, model=model, image=_image(),
                   speech=speech)["video"].frames
    assert np.array_equal(off, plain)
    assert not any("Normalized Attention Guidance" in t for t in rec.messages())
    rec = Recorder()
    nag = dict(params, nag_scale=5.0, nag_tau=2.5, nag_alpha=0.5)
    on = run_node(SpeechToVideo, nag, runtime=rec, model=model, image=_image(), speech=speech)["video"].frames
    assert not np.array_equal(on, plain)
    n = len(model.module.transformer.blocks)
    assert any(f"Normalized Attention Guidance on {n} cross-attention layers (scale 5, tau 2.5, alpha 0.5), away "
               "from the negative prompt 'blurry'" in t for t in rec.messages())
    again = run_node(SpeechToVideo, nag, model=model, image=_image(), speech=speech)["video"].frames
    assert np.array_equal(on, again)
    for block in model.module.transformer.blocks:
        assert type(block.attn2.processor) is WanAttnProcessor
        assert "forward" not in vars(block.attn2.to_out[0])
    assert "forward" not in vars(model.module.transformer.condition_embedder)
    # guidance 1 (109/06's lightx2v take: no unconditional pass): NAG encodes its negative itself and still guides
    one = dict(params, guidance=1.0)
    plain1 = run_node(SpeechToVideo, one, model=model, image=_image(), speech=speech)["video"].frames
    on1 = run_node(SpeechToVideo, dict(one, nag_scale=5.0), model=model, image=_image(), speech=speech)["video"].frames
    assert not np.array_equal(on1, plain1)

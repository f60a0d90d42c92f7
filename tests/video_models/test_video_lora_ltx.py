"""Train Video LoRA on a tiny random LTX-Video: its loss is LTX's flow matching written out from
diffusers' components (packed tokens, text mask, RoPE scale, the token-count shift), and a short
run gives a LoRA that LTXPipeline.load_lora_weights reads."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("diffusers")
pytest.importorskip("peft")
torch = pytest.importorskip("torch")

CAPTIONS = ["a red fox running", "a blue cat walking"]


def clip(k: int) -> np.ndarray:
    y, x = np.mgrid[0:32, 0:32].astype(np.float32) / 32
    return np.stack([np.stack([np.roll(x, 2 * i + 7 * k, 1), y, 0 * x + k / 2], -1) for i in range(9)])


def dataset():
    from nodes.generators.dataset import Item, VideoDataset
    return VideoDataset([Item(CAPTIONS[k], (lambda k=k: clip(k)), "train", key=str(k)) for k in range(2)],
                        9, 32, 32, 24.0, name="two clips")


@pytest.fixture(scope="module")
def ltx(ltx_dir):  # conftest's tiny LTX-Video
    return ltx_dir


def test_ltx_loss_is_diffusers_flow_matching(ltx):
    from diffusers import LTXPipeline
    from diffusers.pipelines.ltx.pipeline_ltx import calculate_shift

    from nodes.video_models.base.registry import FAMILIES
    from nodes.video_models.lora.loss import FlowBatch, family_loss
    pipe = LTXPipeline.from_pretrained(ltx)
    vae = pipe.vae
    x = torch.from_numpy(np.stack([clip(0), clip(1)])).permute(0, 4, 1, 2, 3) * 2 - 1
    with torch.no_grad():
        mu = vae.encode(x).latent_dist.mean
        x0 = LTXPipeline._normalize_latents(mu, vae.latents_mean, vae.latents_std, vae.config.scaling_factor)
        emb, mask, _, _ = pipe.encode_prompt(CAPTIONS, do_classifier_free_guidance=False, max_sequence_length=128)
    b, c, f, h, w = x0.shape
    g = torch.Generator().manual_seed(5)
    noise = torch.randn(x0.shape, generator=g)
    u = torch.tensor([0.3, 0.9])
    # the pipeline's own shift: mu from the token count, the scheduler's time_shift
    mu_shift = calculate_shift(f * h * w, 16, 256, 0.5, 1.15)
    pipe.scheduler.set_timesteps(sigmas=u.flip(0).tolist(), mu=mu_shift, device="cpu")
    sig = pipe.scheduler.sigmas[:-1].flip(0).float()
    noisy = torch.stack([pipe.scheduler.scale_noise(x0[i:i + 1], sig[i:i + 1] * 1000, noise[i:i + 1])[0]
                         for i in range(b)])
    with torch.no_grad():
        pred = pipe.transformer(hidden_states=LTXPipeline._pack_latents(noisy), encoder_hidden_states=emb,
                                timestep=sig * 1000, encoder_attention_mask=mask, num_frames=f, height=h, width=w,
                                rope_interpolation_scale=(pipe.vae_temporal_compression_ratio / 24.0,
                                                          pipe.vae_spatial_compression_ratio,
                                                          pipe.vae_spatial_compression_ratio),
                                return_dict=False)[0]
    want = torch.nn.functional.mse_loss(pred.float(), LTXPipeline._pack_latents(noise - x0))
    loss = family_loss(FAMILIES["ltx"], pipe, 24.0)
    assert torch.allclose(loss.shift_sigmas(u, x0.shape), sig, atol=1e-6)
    with torch.no_grad():
        got = loss(pipe.transformer, FlowBatch(x0, emb, mask), sig, noise)
    assert float(want) > 0.1 and abs(float(got) - float(want)) < 1e-5 * float(want)
    m, s = loss.normalise(mu, torch.ones_like(mu))
    assert torch.allclose(m, x0, atol=1e-6)


def test_ltx_short_run_gives_a_lora_diffusers_reads(ltx, tmp_path):
    from diffusers import LTXPipeline

    from nodes.video_models.loading.load import load_video_model
    from nodes.video_models.lora.train import LoRASettings, LoRATrainer
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        ref = load_video_model(ltx, base=None, device=torch.device("cpu"))
        out = tmp_path / "ltx.safetensors"
        previews = []
        s = LoRASettings(output=str(out), steps=12, lr=1e-2, rank=4, alpha=4.0, batch=2, validation_prompt="a fox",
                         validate_every=12, validation_steps=2)
        res = LoRATrainer(ref, dataset(), s, lambda st, t, preview=None, **v: previews.append(preview)
                          if preview is not None else None).run()
        assert res.step == 12 and res.info["family"] == "ltx" and res.bucket.frames == 9
        assert len(previews) == 1 and previews[0].ndim == 3
        pipe = LTXPipeline.from_pretrained(ltx)
        before = {k: v.clone() for k, v in pipe.transformer.state_dict().items()}
        pipe.load_lora_weights(str(out))
        sd = pipe.transformer.state_dict()
        lora_keys = [k for k in sd if "lora_B" in k]
        assert lora_keys and any(float(sd[k].abs().max()) > 0 for k in lora_keys)
        assert len(before) > 0
        # the ComfyUI / original-layout copy (diffusion_model.<name>) is the same LoRA to diffusers
        other = LTXPipeline.from_pretrained(ltx)
        other.load_lora_weights(str(tmp_path / "ltx.comfyui.safetensors"))
        sd2 = other.transformer.state_dict()
        assert set(sd2) == set(sd) and all(torch.equal(sd[k], sd2[k]) for k in sd)
    finally:
        torch.set_num_threads(n)

"""Train Video LoRA on a tiny random CogVideoX: v-prediction on its DDIM schedule, written out from
diffusers' components as diffusers' train_cogvideox_lora does, and a short run whose LoRA
CogVideoXPipeline.load_lora_weights reads."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("diffusers")
pytest.importorskip("peft")
torch = pytest.importorskip("torch")

CAPTIONS = ["a red fox running", "a blue cat walking"]


def clip(k: int) -> np.ndarray:
    y, x = np.mgrid[0:16, 0:16].astype(np.float32) / 16
    return np.stack([np.stack([np.roll(x, 2 * i + 5 * k, 1), y, 0 * x + k / 2], -1) for i in range(9)])


def dataset():
    from nodes.generators.dataset import Item, VideoDataset
    return VideoDataset([Item(CAPTIONS[k], (lambda k=k: clip(k)), "train", key=str(k)) for k in range(2)],
                        9, 16, 16, 8.0, name="two clips")


@pytest.fixture(scope="module")
def cog(cogvideox_dir):  # conftest's tiny CogVideoX
    return cogvideox_dir


def test_cogvideox_loss_is_diffusers_v_prediction(cog):
    from diffusers import CogVideoXPipeline

    from nodes.video_models.base.registry import FAMILIES
    from nodes.video_models.lora.loss import FlowBatch, family_loss
    pipe = CogVideoXPipeline.from_pretrained(cog)
    x = torch.from_numpy(np.stack([clip(0), clip(1)])).permute(0, 4, 1, 2, 3) * 2 - 1
    sf = pipe.vae.config.scaling_factor
    with torch.no_grad():
        mu = pipe.vae.encode(x).latent_dist.mean
        emb, _ = pipe.encode_prompt(CAPTIONS, do_classifier_free_guidance=False, max_sequence_length=16)
    latents = (mu * sf).permute(0, 2, 1, 3, 4)  # [B, F, C, H, W], as the pipeline holds them
    noise = torch.randn(latents.shape, generator=torch.Generator().manual_seed(2))
    t = torch.tensor([100, 700])
    sched = pipe.scheduler
    noisy = sched.add_noise(latents, noise, t)
    b, f, c, h, w = latents.shape
    rot = pipe._prepare_rotary_positional_embeddings(h * pipe.vae_scale_factor_spatial,
                                                     w * pipe.vae_scale_factor_spatial, f, "cpu")
    with torch.no_grad():
        out = pipe.transformer(hidden_states=noisy, encoder_hidden_states=emb, timestep=t, image_rotary_emb=rot,
                               return_dict=False)[0]
    pred = sched.get_velocity(out, noisy, t)
    weights = 1 / (1 - sched.alphas_cumprod[t])
    want = (weights.view(-1, 1) * ((pred - latents) ** 2).reshape(b, -1)).mean(1).mean()
    loss = family_loss(FAMILIES["cogvideox"], pipe, 8.0)
    u = (t.float() + 0.5) / 1000
    assert torch.equal(loss.timesteps(u), t)
    m, _ = loss.normalise(mu, torch.ones_like(mu))
    with torch.no_grad():
        got = loss(pipe.transformer, FlowBatch(m, emb), u, noise.permute(0, 2, 1, 3, 4))
    assert float(want) > 0.01 and abs(float(got) - float(want)) < 1e-5 * float(want)


def test_cogvideox_short_run_gives_a_lora_diffusers_reads(cog, tmp_path):
    from diffusers import CogVideoXPipeline

    from nodes.video_models.loading.load import load_video_model
    from nodes.video_models.lora.train import LoRASettings, LoRATrainer
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        ref = load_video_model(cog, base=None, device=torch.device("cpu"))
        out = tmp_path / "cog.safetensors"
        s = LoRASettings(output=str(out), steps=8, lr=1e-2, rank=4, alpha=4.0, batch=2, validation_prompt="a fox",
                         validate_every=8, validation_steps=2)
        previews = []
        res = LoRATrainer(ref, dataset(), s, lambda st, tt, preview=None, **v: previews.append(preview)
                          if preview is not None else None).run()
        assert res.step == 8 and res.info["family"] == "cogvideox" and len(previews) == 1
        assert all(np.isfinite(v) for _, v in res.history)
        pipe = CogVideoXPipeline.from_pretrained(cog)
        pipe.load_lora_weights(str(out))
        sd = pipe.transformer.state_dict()
        assert any("lora_B" in k and float(v.abs().max()) > 0 for k, v in sd.items())
    finally:
        torch.set_num_threads(n)

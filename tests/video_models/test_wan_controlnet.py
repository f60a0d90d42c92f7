"""TheDenk's Wan ControlNets (issue 112, families/wan/controlnet): diffusers' Wan forward with Studio's block hooks
against the release's forward written out here (the ControlNet's outputs added after every stride-th block,
wan_transformer.py's loop); strength 0 and the steps outside start .. end the model's own output; the control
clip changing the output, the same one giving the same; the ControlNet run once a step for both guidance calls; a
per-token timestep (TI2V); files that are not a Wan ControlNet, or for another width, refused in words naming the
node from the header; the node end to end on the session's tiny Wan. Tiny random models and files built here."""
from __future__ import annotations

import functools
from types import SimpleNamespace

import pytest

from studio.core.errors import NodeExecutionError
from studio.engine.executor import Executor

from .wan_control import control_graph, follows_the_control, tiny_wan

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

from nodes.video_models.families.wan.controlnet.controlnet import (ControlNetError, build,  # noqa: E402
                                                                   controlnet_applied, read_file)

HEAD = 12  # the tiny ControlNet's head width (the released files' is 128)
STEPS = torch.tensor([999.0, 750.0, 500.0, 250.0])  # the scheduler's timesteps: step i of 4


def _config(out_dim=24, layers=2, downscale=8, vae=16, text=32):
    return {"in_channels": 3, "downscale": downscale, "vae_channels": vae, "patch_size": (1, 2, 2), "dim": 24,
            "heads": 2, "head_dim": HEAD, "ffn_dim": 32, "text_dim": text, "freq_dim": 256, "layers": layers,
            "out_dim": out_dim, "cross_attn_norm": False}


def _file(tmp_path, name="cn.safetensors", seed=1, prefix="", **cfg):
    """A ControlNet file in the release's names (its blocks' outputs not zero, as a trained one's)."""
    from safetensors.torch import save_file
    torch.manual_seed(seed)
    net = build(_config(**cfg))
    with torch.no_grad():
        for p in net.parameters():
            p.add_(torch.randn_like(p) * 0.1)
    path = str(tmp_path / name)
    save_file({prefix + k: v.contiguous() for k, v in net.state_dict().items()}, path)
    return path


def _inputs(seed=2, frames=2, h=4, w=6, channels=16, downscale=8):
    g = torch.Generator().manual_seed(seed)
    pix = torch.rand(1, 3, 4 * (frames - 1) + 1, h * downscale, w * downscale, generator=g) * 2 - 1
    return (torch.randn(1, channels, frames, h, w, generator=g), torch.randn(1, 7, 32, generator=g), pix)


def _pipe(tr):
    return SimpleNamespace(transformer=tr, scheduler=SimpleNamespace(timesteps=STEPS))


def _call(tr, x, text, t):
    with torch.no_grad():
        return tr(x, torch.as_tensor([t]) if not torch.is_tensor(t) else t, text, return_dict=False)[0]


def _release(tr, net, x, text, t, control, strength, stride):
    """The release's denoiser forward (wan_transformer.py): the ControlNet's output i // stride x strength added
    after block i where i % stride == 0, written out on diffusers' parts."""
    with torch.no_grad():
        t = torch.as_tensor([t])
        outs = net(x, t, text, control)
        b, _, f, hh, ww = x.shape
        rot = tr.rope(x)
        h = tr.patch_embedding(x).flatten(2).transpose(1, 2)
        temb, proj, enc, _ = tr.condition_embedder(t, text, None)
        proj = proj.unflatten(1, (6, -1))
        for i, block in enumerate(tr.blocks):
            h = block(h, enc, proj, rot)
            if i % stride == 0 and i // stride < len(outs):
                h = h + outs[i // stride] * strength
        shift, scale = (tr.scale_shift_table + temb.unsqueeze(1)).chunk(2, dim=1)
        h = tr.proj_out((tr.norm_out(h.float()) * (1 + scale) + shift).type_as(h))
        h = h.reshape(b, f, hh // 2, ww // 2, 1, 2, 2, -1).permute(0, 7, 1, 4, 2, 5, 3, 6)
        return h.flatten(6, 7).flatten(4, 5).flatten(2, 3)


def test_inside_start_end_it_is_the_releases_forward_and_outside_the_models_own(tmp_path):
    tr = tiny_wan(head_dim=HEAD)
    cfg, state = read_file(_file(tmp_path), tr, head_dim=HEAD)
    assert cfg["layers"] == 2 and cfg["downscale"] == 8 and cfg["vae_channels"] == 16 and cfg["out_dim"] == 24
    net = build(cfg, state)
    x, text, c = _inputs()
    plain = _call(tr, x, text, 999.0)
    want = _release(tr, net, x, text, 999.0, c, 0.7, 2)
    with controlnet_applied(_pipe(tr), net, c, strength=0.7, stride=2, start=0.0, end=0.5) as st:
        inside = _call(tr, x, text, 999.0)  # step 0 of 4: 0 < 0.5
        at_end = _call(tr, x, text, 500.0)  # step 2: 0.5, the end itself, not included (the release's <)
        late = _call(tr, x, text, 250.0)
    assert torch.allclose(inside, want, atol=1e-5) and not torch.allclose(inside, plain, atol=1e-3)
    assert torch.equal(at_end, _call(tr, x, text, 500.0)) and torch.equal(late, _call(tr, x, text, 250.0))
    assert st.steps_on == {0} and st.steps_off == {2, 3}
    assert torch.equal(_call(tr, x, text, 999.0), plain)  # every hook gone after


def test_stride_one_adds_after_the_first_blocks_and_strength_zero_is_the_plain_model(tmp_path):
    tr = tiny_wan(head_dim=HEAD)
    net = build(*read_file(_file(tmp_path), tr, head_dim=HEAD))
    x, text, c = _inputs()
    with controlnet_applied(_pipe(tr), net, c, strength=1.0, stride=1):
        one = _call(tr, x, text, 750.0)
    assert torch.allclose(one, _release(tr, net, x, text, 750.0, c, 1.0, 1), atol=1e-5)
    with controlnet_applied(_pipe(tr), net, c, strength=0.0):
        zero = _call(tr, x, text, 750.0)
    assert torch.equal(zero, _call(tr, x, text, 750.0))


def test_the_control_changes_the_output_the_same_gives_the_same_and_it_runs_once_a_step(tmp_path):
    tr = tiny_wan(head_dim=HEAD)
    net = build(*read_file(_file(tmp_path), tr, head_dim=HEAD))
    x, text, c = _inputs()
    outs = []
    for ctrl in (c, -c, c):
        with controlnet_applied(_pipe(tr), net, ctrl) as st:
            outs.append(_call(tr, x, text, 750.0))
            _call(tr, x, torch.zeros_like(text), 750.0)  # the step's second (unconditional) call
            _call(tr, x, text, 500.0)
        assert st.runs == 2  # steps 1 and 2: once each, the second call of step 1 reusing its outputs
    assert not torch.allclose(outs[0], outs[1], atol=1e-3) and torch.equal(outs[0], outs[2])


def test_a_per_token_timestep_as_ti2v_gives_and_reads_its_step(tmp_path):
    tr = tiny_wan(head_dim=HEAD, channels=48)
    net = build(*read_file(_file(tmp_path, vae=48, downscale=16), tr, head_dim=HEAD))
    x, text, c = _inputs(channels=48, downscale=16)
    seq = 2 * 2 * 3
    t = torch.full((1, seq), 750.0)
    t[0, :6] = 0.0  # the start frame's tokens at 0, as TI2V's image to video
    with controlnet_applied(_pipe(tr), net, c) as st:
        on = _call(tr, x, text, t)
    assert st.steps_on == {1} and not torch.allclose(on, _call(tr, x, text, t), atol=1e-3)


def test_files_not_a_wan_controlnet_or_for_another_model_are_refused_in_words(tmp_path):
    from safetensors.torch import save_file
    tr = tiny_wan(head_dim=HEAD)
    plain = str(tmp_path / "lora.safetensors")
    save_file({"diffusion_model.blocks.0.self_attn.q.lora_A.weight": torch.zeros(2, 24)}, plain)
    with pytest.raises(ControlNetError, match=r"^Wan ControlNet: 'lora.safetensors' is not a Wan ControlNet file"):
        read_file(plain, tr, head_dim=HEAD)
    with pytest.raises(ControlNetError, match=r"'wide.safetensors' gives outputs 48 wide, this Wan denoiser is 24 "
                                              r"wide: the file is for another model"):
        read_file(_file(tmp_path, "wide.safetensors", out_dim=48), tr, head_dim=HEAD)
    with pytest.raises(ControlNetError, match=r"'five.safetensors' reads 48-channel latents, this model's are 16"):
        read_file(_file(tmp_path, "five.safetensors", vae=48, downscale=16), tr, head_dim=HEAD)
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json")
    with pytest.raises(ControlNetError, match=r"^Wan ControlNet: '.*broken.safetensors' cannot be read as safetensors"):
        read_file(str(broken), tr, head_dim=HEAD)
    cfg, _ = read_file(_file(tmp_path, "prefixed.safetensors", prefix="diffusion_model."), tr, head_dim=HEAD)
    assert cfg["layers"] == 2  # ComfyUI's prefix read through


# -- the node, end to end on the session's tiny Wan T2V ----------------------------------------------------------
def _graph(model_dir, cn, flip=0, **p):
    return control_graph(model_dir, "video_models.wan_controlnet", {"controlnet": cn, "stride": 1, **p}, flip)


def _node_file(tmp_path, tr, name="tiny_cn.safetensors"):
    """A ControlNet for the session's tiny Wan, 128-wide heads as released."""
    from safetensors.torch import save_file
    cfg = tr.config
    c = {**_config(out_dim=int(cfg.num_attention_heads) * int(cfg.attention_head_dim), layers=1,
                   text=int(cfg.text_dim)), "dim": 128, "heads": 1, "head_dim": 128}
    torch.manual_seed(4)
    net = build(c)
    with torch.no_grad():
        for p in net.parameters():
            p.add_(torch.randn_like(p) * 0.2)
    path = str(tmp_path / name)
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, path)
    return path


def test_the_node_follows_the_control_clip_deterministically_and_refuses_another_models_file(wan_dir, tmp_path):
    ex = Executor()
    tr = ex.run(_graph(wan_dir, "x"), targets=["load"], device="cpu").value("load").pipeline("t2v").transformer
    cn = _node_file(tmp_path, tr)
    said = follows_the_control(ex, functools.partial(_graph, wan_dir, cn), {"strength": 0.0})
    assert any("Wan ControlNet: 9 frames at 32x32 following the control clip, ControlNet strength 1, stride 1, "
               "from 0 to 1 of the steps" in s for s in said)
    bad = _file(tmp_path, "other.safetensors", out_dim=48)
    with pytest.raises(NodeExecutionError, match="Wan ControlNet: 'other.safetensors' gives outputs 48 wide"):
        Executor().run(_graph(wan_dir, bad), targets=["gen"], device="cpu")

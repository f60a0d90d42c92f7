"""Issue 16: synthetic scenes with many phrasings, the multi-object analyser, forward splatting and
the dense-flow generator (train, checkpoint, sample through the nodes). Tiny sizes: 16x16 or
32x32, 4-8 frames, a few steps; training for real is benchmarks/bench_text_to_video.py."""
from __future__ import annotations

from studio.engine.meta_device import meta_device

import os

import numpy as np
import pytest
import torch

from studio.engine.events import NodeMessage
from studio.engine.executor import Executor

from nodes.generators.checkpoint import load_checkpoint
from nodes.generators.flow import key_flows
from nodes.generators.phrasing import canonical, held_out_words, phrase
from nodes.generators.scene_metrics import analyse_objects, match_objects, parse_objects, shift_residual
from nodes.generators.scenes import scenes_dataset
from nodes.generators.splat import splat, splat_clip
from nodes.generators.train import TrainSettings, model_config, train

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def scenes():
    return scenes_dataset(count=40, n_frames=8, width=32, height=32, test_scenes=6, seed=1)


# -- data and language -----------------------------------------------------------------------------
def test_scenes_have_several_objects_with_their_own_motion_and_held_out_combinations(scenes):
    train_objs = [o for it in scenes.items if it.split != "test" for o in it.labels["objects"]]
    test_items = [it for it in scenes.items if it.split == "test"]
    assert {len(it.labels["objects"]) for it in scenes.items if it.split != "test"} >= {1, 2, 3}
    hold = {tuple(h.split()) for h in scenes.info["holdout"]}
    assert not any((o["color"], o["shape"], o["direction"]) in hold for o in train_objs)
    for it in test_items:
        objs = it.labels["objects"]
        assert len(objs) == 2 and all((o["color"], o["shape"], o["direction"]) in hold for o in objs)
        assert len({o["color"] for o in objs}) == 2 and it.labels["caption_plain"] == canonical(objs)
    # the ground stays still: pixels far from every object keep their value over time
    f = scenes.frames(0)
    assert f.shape == (8, 32, 32, 3)
    still = (np.abs(f - f[:1]).max(axis=(0, 3)) < 1e-6).mean()
    assert still > 0.5


def test_captions_come_from_many_phrasings_and_held_out_words_stay_out_of_training(scenes):
    big = scenes_dataset(count=300, n_frames=2, width=32, height=32, test_scenes=20, seed=2)
    train_caps = big.captions("train") + big.captions("val")
    assert len(set(train_caps)) == len(train_caps)  # no two alike
    words = {w for c in train_caps for w in c.replace(",", " ").split()}
    assert not (words & held_out_words())
    assert {"crimson", "ball", "rising", "while"} <= words
    held = [it.labels["caption_held_out"] for it in big.items if it.split == "test"]
    assert all(set(h.replace(",", " ").split()) & held_out_words() for h in held)
    # every phrasing names the same objects
    for it in big.items:
        assert parse_objects(it.caption) == it.labels["objects"], it.caption
        if it.split == "test":
            assert parse_objects(it.labels["caption_held_out"]) == it.labels["objects"]
    rng = np.random.default_rng(0)
    objs = [{"color": "orange", "shape": "circle", "direction": "left"}]
    assert not any(phrase(objs, rng).startswith("a orange") for _ in range(50))
    assert parse_objects("a scarlet disc drifting leftwards and a turquoise wedge heading right") == [
        {"color": "red", "shape": "circle", "direction": "left"},
        {"color": "cyan", "shape": "triangle", "direction": "right"}]


# -- the analyser ----------------------------------------------------------------------------------
def test_analyser_reads_each_object_of_real_scenes(scenes):
    hits, n = np.zeros(3), 0
    for i in range(len(scenes)):
        for h in match_objects(analyse_objects(scenes.frames(i)), scenes.items[i].labels["objects"]):
            hits += [h["color"], h["shape"], h["direction"]]
            n += 1
    acc = hits / n
    assert acc[0] == 1.0 and acc[2] == 1.0 and acc[1] >= 0.85, acc


def test_match_and_shift_residual_tell_one_slid_picture_from_two_motions(scenes):
    i = next(k for k, it in enumerate(scenes.items) if len(it.labels["objects"]) == 2 and it.split == "test")
    v = scenes.frames(i)
    key = v[4]
    slid = np.stack([np.roll(key, (k - 4) * 1, axis=1) for k in range(8)])
    assert shift_residual(slid) < 1e-6 < 0.01 < shift_residual(v)
    # both objects read right; a clip with an object missing scores no hit for it
    wanted = scenes.items[i].labels["objects"]
    found = analyse_objects(v)
    assert all(all(h.values()) for h in match_objects(found, wanted))
    hits = match_objects([o for o in found if o["color"] != wanted[0]["color"]], wanted)
    assert hits[0] == {"color": False, "shape": False, "direction": False} and all(hits[1].values())


# -- splatting -------------------------------------------------------------------------------------
def test_forward_splatting_moves_an_object_without_a_ghost():
    img = torch.zeros(1, 3, 16, 16)
    img[:, 0, 6:10, 2:6] = 1.0  # a red block
    flow = torch.zeros(1, 2, 16, 16)
    flow[:, 0, 6:10, 2:6] = 5.0  # moves 5 px right; the ground stays
    out, holes = splat(img, flow)
    assert torch.allclose(out[0, 0, 6:10, 7:11], torch.ones(4, 4), atol=1e-4)  # arrived
    assert out[0, 0, 6:10, 2:6].max() < 0.05  # no ghost where it left: the ground fills in
    assert holes[0, 0, 6:10, 2:6].min() > 0.9 and holes[0, 0, 0:4].max() == 0
    # identity flow gives the picture back; gradients reach the flow
    f = torch.zeros(1, 2, 16, 16, requires_grad=True)
    same, _ = splat(img, f)
    assert torch.allclose(same, img, atol=1e-5)
    clip, _ = splat_clip(img, torch.stack([flow * 0, flow], 1).requires_grad_(True))
    clip.sum().backward()


def test_splatting_real_key_frames_along_measured_flow_rebuilds_the_clip(scenes):
    hits, n = np.zeros(3), 0
    for i in range(6):
        f = scenes.frames(i)
        key = torch.from_numpy(f[4].copy()).permute(2, 0, 1)[None]
        fl = torch.from_numpy(key_flows(f)).permute(0, 3, 1, 2)[None]
        assert float(fl[0, 4].abs().max()) == 0.0
        out, _ = splat_clip(key, fl)
        v = out[0].permute(1, 2, 3, 0).numpy()
        assert np.abs(v - f).mean() < 0.03
        for h in match_objects(analyse_objects(v), scenes.items[i].labels["objects"]):
            hits += [h["color"], h["shape"], h["direction"]]
            n += 1
    assert hits[0] / n == 1.0 and hits[2] / n >= 0.9


# -- the generator ---------------------------------------------------------------------------------
TINY = {"motion": "dense-flow", "base": 8, "flow_base": 8, "refine_base": 8, "tokens": 24}


def test_dense_flow_trains_checkpoints_and_samples_per_pixel_motion(tmp_path):
    ds = scenes_dataset(count=12, n_frames=4, width=16, height=16, test_scenes=2, seed=3)
    path = str(tmp_path / "d.safetensors")
    cfg = model_config("diffusion", ds, "text", **TINY, adversarial_weight=0.1, content_weight=0.5,
                       motion_weight=0.5)
    logs = []
    res = train(cfg, ds, TrainSettings(steps=2, batch=4, preview_every=2, preview_steps=2, checkpoint=path),
                progress=lambda s, n, preview=None, **v: logs.append(v))
    assert {"diffusion", "flow", "refine", "content", "motion", "adversarial", "discriminator"} <= set(logs[-1])
    assert all(np.isfinite(v) for v in logs[-1].values())
    ck = load_checkpoint(path)
    assert ck["meta"]["config"]["motion"] == "dense-flow"
    from nodes.generators.conditioning import encode_tokens, encode_with
    p = ["a red circle moving left and a blue square rising"]
    tk, m = encode_tokens(cfg["conditioning"], p, 24)
    c = encode_with(cfg["conditioning"], p)
    a = ck["ema"].sample(c, torch.Generator().manual_seed(1), steps=2, tokens=tk, token_mask=m)
    b = res.ema.sample(c, torch.Generator().manual_seed(1), steps=2, tokens=tk, token_mask=m)
    assert a.shape == (1, 3, 4, 16, 16) and torch.equal(a, b)
    fl = ck["ema"].sample_flows(a[:, :, 2], c, tk, m)
    assert fl.shape == (1, 4, 2, 16, 16) and float(fl[0, 2].abs().max()) == 0.0


def test_template_trains_and_samples_through_the_nodes_with_a_reworded_prompt(tmp_path):
    from studio.core.fileformat import load_graph
    g = load_graph(os.path.join(ROOT, "assets", "graphs", "text_to_video.json"))
    assert g.node("train").params["motion"] == "dense-flow" and g.node("dataset").params["mode"] == "scenes"
    for k, v in (("count", 8), ("width", 16), ("height", 16), ("frames", 4), ("test_scenes", 2)):
        g.set_param("dataset", k, v)
    for k, v in (("steps", 2), ("batch", 4), ("preview_every", 0), ("width", 8),
                 ("checkpoint", str(tmp_path / "t.safetensors"))):
        g.set_param("train", k, v)
    g.set_param("sample", "steps", 2)
    g.set_param("prompt", "prompt", "a scarlet disc drifting leftwards and a turquoise wedge heading right")
    g.set_param("save", "path", str(tmp_path / "t.mp4"))
    events = []
    r = Executor().run(g, on_event=events.append)
    assert os.path.getsize(tmp_path / "t.mp4") > 0
    assert r.value("sample", "video").n_frames == 4
    report = r.value("metrics", "report")
    assert "matches the prompt on" in report and "red circle left" in report and "cyan triangle right" in report
    assert any(isinstance(e, NodeMessage) and e.node_id == "metrics" for e in events)
    # the template's key frame comes from slots: the Sample node says its steps/guidance are unused
    assert g.node("train").params["keyframe"] == "slots"
    assert any(isinstance(e, NodeMessage) and e.node_id == "sample" and "guidance are not used" in e.text
               for e in events)
    # the Text Encoder's per-token output works as well as its pooled one
    s2 = g.add_node("gen.sample", {"prompt": "", "steps": 2})
    g.connect("train", "model", s2.id, "model")
    g.connect("prompt", "tokens", s2.id, "features")
    r2 = Executor().run(g, targets=[s2.id])
    v = r2.value(s2.id, "video").chunk(0, 4)
    assert v.shape == (4, 16, 16, 3) and np.isfinite(v).all()
    assert r2.value(s2.id, "prompt").startswith("a scarlet disc")


def test_guided_smoothing_gives_one_motion_per_object():
    from nodes.generators.splat import guided_smooth
    img = -torch.ones(1, 3, 16, 16)
    img[:, 0, 4:12, 4:12] = 1.0  # a red block on black
    flow = torch.zeros(1, 2, 16, 16)
    flow[:, 0, 4:12, 4:12] = 3.0
    blurred = torch.nn.functional.avg_pool2d(flow, 5, 1, 2)  # smeared over the edges, as a net makes it
    out = guided_smooth(blurred, img, 3, 0.15, 2)
    inside = out[0, 0, 4:12, 4:12]
    assert float(inside.std()) < 0.5 * float(blurred[0, 0, 4:12, 4:12].std())  # the block moves whole
    # a sharper step at the block's edge: more motion just inside, less just outside
    assert float(out[0, 0, 4, 8]) > float(blurred[0, 0, 4, 8]) + 0.3
    assert float(out[0, 0, 3, 8]) < float(blurred[0, 0, 3, 8]) - 0.3


@pytest.mark.parametrize("w,h,t", [(16, 16, 4), (33, 17, 3), (48, 32, 4)])
def test_dense_flow_builds_for_any_frame_size(w, h, t):
    from nodes.generators.checkpoint import build_model
    cfg = {"family": "diffusion", "frames": t, "width": w, "height": h, "fps": 8.0, "cond_dim": 15,
           "conditioning": {"kind": "caption-parser", "encoder": "caption-parser", "dim": 15},
           "motion": "dense-flow", "base": 8, "flow_base": 8, "refine_base": 8}
    m = build_model(cfg)
    b = {"video": torch.rand(2, 3, t, h, w) * 2 - 1, "cond": torch.randn(2, 15), "flows": torch.randn(2, t, 2, h, w)}
    assert all(torch.isfinite(v) for v in m.losses(b, torch.Generator().manual_seed(0)).values())
    assert m.sample(b["cond"], torch.Generator().manual_seed(0), steps=1).shape == (2, 3, t, h, w)
    assert {"patch", "mults", "flow_patch"} <= set(m.config)  # saved with the checkpoint


# -- the compositional ('slots') key frame -------------------------------------------------------
def test_slot_key_frames_train_checkpoint_and_sample_the_same_frames(tmp_path):
    ds = scenes_dataset(count=12, n_frames=4, width=16, height=16, test_scenes=2, seed=3)
    path = str(tmp_path / "s.safetensors")
    cfg = model_config("diffusion", ds, "text", **TINY, keyframe="slots")
    logs = []
    res = train(cfg, ds, TrainSettings(steps=2, batch=4, preview_every=2, preview_steps=2, checkpoint=path),
                progress=lambda s, n, preview=None, **v: logs.append(v))
    assert {"keyframe", "silhouette", "shape", "object_motion", "colour", "presence", "layout", "flow", "refine"} <= set(logs[-1])
    assert "diffusion" not in logs[-1] and all(np.isfinite(v) for v in logs[-1].values())
    ck = load_checkpoint(path)
    assert ck["meta"]["config"]["keyframe"] == "slots"
    assert int(ck["ema"].slots.bg_count) > 0  # the backgrounds seen in training travel with the weights
    from nodes.generators.conditioning import encode_tokens, encode_with
    p = ["a red circle moving left and a blue square rising"]
    tk, m = encode_tokens(cfg["conditioning"], p, 24)
    c = encode_with(cfg["conditioning"], p)
    a = ck["ema"].sample(c, torch.Generator().manual_seed(1), tokens=tk, token_mask=m)
    b = res.ema.sample(c, torch.Generator().manual_seed(1), tokens=tk, token_mask=m)
    assert a.shape == (1, 3, 4, 16, 16) and torch.equal(a, b)


def test_slots_find_each_moving_object_by_its_colour_and_learn_to_draw_it(scenes):
    """Analysis by synthesis on real scenes: the moving pixels are shared out among the slots by
    colour, and after a short fit on one batch the key frames drawn from what was found match the
    real ones far better than at the start, each object's colour taken by a present slot."""
    from nodes.generators.conditioning import encode_tokens
    from nodes.generators.slots import SlotKeyFrame
    torch.manual_seed(0)
    idx = [i for i in scenes.indices("train") if len(scenes.items[i].labels["objects"]) == 2][:8]
    video = torch.from_numpy(np.stack([scenes.frames(i) for i in idx])).permute(0, 4, 1, 2, 3) * 2 - 1
    flows = torch.from_numpy(np.stack([key_flows(scenes.frames(i), 4) for i in idx])).permute(0, 1, 4, 2, 3)
    from nodes.generators.conditioning import conditioning_info
    cond = conditioning_info("text")
    tk, mask = encode_tokens(cond, [scenes.items[i].caption for i in idx], 32)
    model = SlotKeyFrame(tk.shape[-1], 32, 32)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    key = video[:, :, 4]
    first = None
    # measured (step: key-frame loss / the first's, colours found): 20: 0.61, 12/16; 24: 0.49, 15/16;
    # 30: 0.34, 15/16; 32: 0.30, 15/16; 40: 0.21, 14/16; 80: 0.16, 15/16; 200: 0.09 (one thread, as CI).
    # 30 steps hold both bounds (0.5, 2/3) with a margin, in three quarters of 40's time
    for _ in range(30):
        parts, drawn = model.losses(key, video, flows, tk, mask)
        first = first if first is not None else float(parts["keyframe"].detach())
        opt.zero_grad()
        sum(parts.values()).backward()
        opt.step()
    assert float(parts["keyframe"].detach()) < 0.5 * first, (float(parts["keyframe"].detach()), first)
    sl = model.slots(tk.detach(), mask)
    from nodes.synthetic import COLORS
    found = []
    for j, i in enumerate(idx):
        have = sl["colour"][j][sl["presence"][j] > 0].detach()
        for o in scenes.items[i].labels["objects"]:
            want = torch.tensor(COLORS[o["color"]]) * 2 - 1
            found.append(len(have) > 0 and float((have - want).norm(dim=-1).min()) < 0.5)
    assert sum(found) >= 2 / 3 * len(found), found  # (a colour shared out among two slots reads as neither)


def test_each_objects_motion_is_read_from_the_flow_on_its_pixels_and_spread_back_over_them(scenes):
    """fit_motion: the affine motion per object and frame from the measured flow on its pixels
    (the key frame's does not move); flows_from: a field that moves each object's pixels its own
    way and leaves the ground still."""
    from nodes.generators.slots import SlotKeyFrame
    from nodes.synthetic import DIRECTIONS
    m = SlotKeyFrame(8, 32, 32, frames=8)
    i = next(i for i in scenes.indices("train") if len(scenes.items[i].labels["objects"]) == 2
             and len({o["direction"] for o in scenes.items[i].labels["objects"]}) == 2)
    fr = scenes.frames(i)
    video = torch.from_numpy(fr).permute(3, 0, 1, 2)[None] * 2 - 1
    flows = torch.from_numpy(key_flows(fr, 4)).permute(0, 3, 1, 2)[None]
    bg, passed = m.still_ground(video)
    key = video[:, :, 4]
    fg = (((key - bg).abs().amax(1, keepdim=True) > 0.1).float() * passed).flatten(1)[0]
    from nodes.generators.scene_metrics import label_pixels
    from nodes.synthetic import COLORS
    lab = torch.from_numpy(label_pixels(fr[4:5])[0]).flatten()
    objs = scenes.items[i].labels["objects"]
    own = torch.stack([(lab == list(COLORS).index(o["color"])).float() * fg for o in objs] +
                      [torch.zeros_like(fg)])[None]  # [1, 3, HW]
    pos = torch.einsum("bkp,pc->bkc", own / own.sum(-1, keepdim=True).clamp_min(1), m.grid)
    mot = m.fit_motion(flows.float(), own, pos)  # [1, 3, 8, 6]
    assert float(mot[0, :, 4].abs().max()) < 1e-3  # the key frame
    for k, o in enumerate(objs):
        dx, dy = DIRECTIONS[o["direction"]]
        shift = mot[0, k, 7, 4:] - mot[0, k, 0, 4:]  # from the first frame to the last
        assert float(shift[0]) * dx + float(shift[1]) * dy > 0.15, (o, shift)
    field = m.flows_from(mot, own, pos)  # [1, 8, 2, 32, 32]
    ground = (fg.reshape(32, 32) == 0)
    assert float(field[0, 7, :, ground].abs().max()) == 0.0
    for k, o in enumerate(objs):
        px = own[0, k].reshape(32, 32) > 0
        dx, dy = DIRECTIONS[o["direction"]]
        move = field[0, 7, 0, px].mean() * dx + field[0, 7, 1, px].mean() * dy
        assert float(move) > 1.0  # pixels, the object's own direction


def test_an_objects_soft_edge_moves_with_it_and_the_top_object_owns_an_overlap():
    """flows_from: a pixel an object covers even faintly moves the whole way with it (a lagging
    edge frays the splatted frames); where two objects overlap, the one drawn last decides."""
    from nodes.generators.slots import EDGE, SlotKeyFrame
    m = SlotKeyFrame(8, 8, 8, slots=2, frames=2)
    alpha = torch.zeros(1, 2, 64)
    alpha[0, 0, :16] = 1.0                       # object 0: the top two rows
    alpha[0, 0, 16:24] = EDGE + 0.1              # its soft edge: the third row
    alpha[0, 1, 8:16] = 0.9                      # object 1 over the second row
    mot = torch.zeros(1, 2, 2, 6)
    mot[0, 0, 1, 4] = 0.5                        # object 0 moves right, object 1 down ([-1, 1] units)
    mot[0, 1, 1, 5] = 0.5
    field = m.flows_from(mot, alpha, torch.zeros(1, 2, 2))[0, 1]  # [2, 8, 8] pixels
    full = 0.5 / (2.0 / 7)
    assert torch.allclose(field[0, 0], torch.full((8,), full)) and float(field[1, 0].abs().max()) == 0
    assert torch.allclose(field[0, 2], torch.full((8,), full))  # the faint edge: the whole way
    assert torch.allclose(field[1, 1], torch.full((8,), full)) and float(field[0, 1].abs().max()) == 0
    assert float(field[:, 3:].abs().max()) == 0.0  # the ground stays



def test_a_checkpoint_loads_after_a_text_encoder_was_built_on_the_meta_device(tmp_path):
    """transformers' from_pretrained swaps torch.linspace while it builds a model; torch's device context
    first used inside that cached the swap, and a slots checkpoint's meta skeleton then mixed CPU
    and meta tensors (a video model's text encoder loaded earlier in the process broke this load)."""
    tr_init = pytest.importorskip("transformers.initialization")
    from torch.utils import _device
    ds = scenes_dataset(count=12, n_frames=4, width=16, height=16, test_scenes=2, seed=3)
    path = str(tmp_path / "s.safetensors")
    train(model_config("diffusion", ds, "text", **TINY, keyframe="slots"), ds,
          TrainSettings(steps=1, batch=4, preview_every=0, checkpoint=path))
    _device._device_constructors.cache_clear()
    with tr_init.meta_device_safe_creation_ops(), torch.device("meta"):
        assert torch.linspace(0, 1, 3).device.type == "cpu"  # the first use: the swap is cached
    with meta_device():
        assert torch.linspace(0, 1, 3).device.type == "cpu"  # torch.linspace no longer redirected
    ck = load_checkpoint(path)
    assert ck["model"].slots.offs_rot.device.type == "cpu" and ck["model"].slots.offs_rot.shape[-1] == 2
    with meta_device():
        assert torch.linspace(0, 1, 3).device.type == "meta"  # the cache rebuilt by the load

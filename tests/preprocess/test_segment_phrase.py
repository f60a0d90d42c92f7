"""Segment with a SAM 3 video model and a phrase, on tiny random SAM 3 models: its masks are
Sam3VideoModel's own propagation (propagate_in_video_iterator on the whole preprocessed clip, the
phrase's tokens put in the session as Sam3VideoProcessor.add_text_prompt puts them) post-processed
by the library's own Sam3VideoProcessor.postprocess_outputs, exactly, in any pull order; a phrase
with SAM 2, clicks with SAM 3, an empty phrase and a phrase found nowhere are said."""
from __future__ import annotations

import numpy as np
import pytest

from studio.core.errors import StudioError
from studio.engine.clip import ArrayClip
from tests.node_run import Recorder, run_node

pytest.importorskip("transformers")
from nodes.preprocess.hf import PreprocessModelError, find_folder, load  # noqa: E402
from nodes.preprocess.sam2_track import preprocess, read_preprocessing  # noqa: E402
from nodes.preprocess.sam3_track import add_phrase, tokenize  # noqa: E402
from nodes.preprocess.segment import Segment, frame_ranges  # noqa: E402

from .tiny_sam2 import build_sam2_video  # noqa: E402
from .tiny_sam3 import build_sam3_video  # noqa: E402

PHRASE = "the red car"


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    d = tmp_path_factory.mktemp("sam3")
    return {"hot": build_sam3_video(str(d / "hot"), detect_threshold=0.0),  # hotstart 15: removals, buffering
            "cold": build_sam3_video(str(d / "cold"), detect_threshold=0.0, hotstart_delay=0),  # many objects overlap
            "short": build_sam3_video(str(d / "short"), detect_threshold=0.0, hotstart_delay=3,  # a window of 2
                                      hotstart_unmatch_thresh=2, hotstart_dup_thresh=2, pointers=3),
            "blind": build_sam3_video(str(d / "blind"), detect_threshold=1.0)}  # finds nothing


@pytest.fixture(scope="module")
def models(folders):
    import torch
    torch.set_num_threads(1)
    return {k: load(p, "segment", torch.device("cpu")) for k, p in folders.items()}


def _clip(n=5, w=40, h=30):
    rng = np.random.default_rng(3)
    f = np.broadcast_to(np.linspace(0, 0.4, w, dtype=np.float32)[None, None, :, None], (n, h, w, 3)).copy()
    for i in range(n):
        f[i, 8:20, 4 + 3 * i:16 + 3 * i] = (0.9, 0.1, 0.1)
    f += rng.normal(0, 0.05, f.shape).astype(np.float32)
    return ArrayClip(np.clip(f, 0, 1), 12.0)


def _boxes(masks):
    """torchvision.ops.masks_to_boxes, which the library's post-processing calls (no torchvision here)."""
    import torch
    out = torch.zeros(len(masks), 4)
    for k, m in enumerate(masks):
        ys, xs = torch.nonzero(m, as_tuple=True)
        out[k] = torch.stack([xs.min(), ys.min(), xs.max(), ys.max()]).float()
    return out


_LOADED: dict = {}


def _library_model(cls, path):
    """``cls.from_pretrained(path)``, once a folder (the cold model is called directly four times): the
    model keeps nothing between calls, its state is the inference session's."""
    if path not in _LOADED:
        _LOADED[path] = cls.from_pretrained(path).eval()
    return _LOADED[path]


def _direct(path, clip, phrase, instance=0, monkeypatch=None):
    """Sam3VideoModel called directly: a session holding the whole preprocessed clip, the phrase's
    tokens, propagate_in_video_iterator, each frame through the library's postprocess_outputs."""
    import torch
    from transformers import AutoTokenizer, Sam3VideoModel
    import importlib
    pv = importlib.import_module("transformers.models.sam3_video.processing_sam3_video")  # not via the lazy package
    from transformers.models.sam3_video.modeling_sam3_video import Sam3VideoInferenceSession
    monkeypatch.setattr(pv, "masks_to_boxes", _boxes, raising=False)
    processor = object.__new__(pv.Sam3VideoProcessor)  # its __init__ wants the torchvision image processor
    model = _library_model(Sam3VideoModel, path)
    frames = np.stack([clip.frame(i) for i in range(len(clip))])
    pixels = preprocess(frames, read_preprocessing(path), torch.device("cpu"))
    session = Sam3VideoInferenceSession(video=pixels, video_height=clip.height, video_width=clip.width,
                                        dtype=torch.float32)
    add_phrase(session, phrase, *tokenize(AutoTokenizer.from_pretrained(path), phrase, "cpu"))
    out, ids = {}, set()
    for o in model.propagate_in_video_iterator(session):
        post = processor.postprocess_outputs(session, o)
        keep = [k for k, i in enumerate(post["object_ids"].tolist()) if instance == 0 or i == instance - 1]
        out[o.frame_idx] = post["masks"][keep].any(dim=0).numpy() if keep else np.zeros((clip.height, clip.width), bool)
        ids |= {post["object_ids"][k].item() for k in keep}
    return np.stack([out[i] for i in range(len(clip))]), ids


@pytest.mark.parametrize("kind,n,instance,order", [("hot", 5, 0, "forward"), ("cold", 4, 0, "backward"),
                                                   ("cold", 4, 2, "forward"), ("short", 8, 0, "shuffled")])
def test_masks_equal_sam3_propagation_called_directly(models, folders, monkeypatch, kind, n, instance, order):
    clip = _clip(n)
    got = run_node(Segment, {"phrase": PHRASE, "instance": instance}, video=clip, model=models[kind])
    assert (len(got), got.width, got.height, got.channels) == (n, 40, 30, 1)
    idx = list(range(n))
    if order == "backward":
        idx = idx[::-1]
    elif order == "shuffled":
        idx = [int(i) for i in np.random.default_rng(0).permutation(n)]
    masks = {i: got.frame(i)[..., 0] for i in idx}
    want, ids = _direct(folders[kind], clip, PHRASE, instance, monkeypatch)
    assert np.array_equal(np.stack([masks[i] for i in range(n)]) > 0.5, want)
    assert set(np.unique(np.stack(list(masks.values())))) <= {0.0, 1.0}
    assert want.any() and ids
    track = got.track
    for od in track.session.output_dict_per_obj.values():  # the session keeps a bounded window
        assert len(od["non_cond_frame_outputs"]) <= track.window
        assert not any("high_res_masks" in o for o in od["non_cond_frame_outputs"].values())
    assert len(track.waiting) == 0


def test_the_cold_model_has_overlapping_instances(models, folders, monkeypatch):
    """The union is more than one object's mask (so the non-overlap and the union are exercised); once the
    last frame is made Segment names the instances it found."""
    clip = _clip(4)
    union, ids = _direct(folders["cold"], clip, PHRASE, 0, monkeypatch)
    one, _ = _direct(folders["cold"], clip, PHRASE, 1, monkeypatch)
    assert len(ids) > 1 and union.sum() > one.sum()
    rec = Recorder()
    got = run_node(Segment, {"phrase": PHRASE}, runtime=rec, video=clip, model=models["cold"])
    got.frame(3)
    said = [m for m in rec.messages() if "instance(s) of 'the red car' (instance " in m]
    assert said and int(said[0].split("Segment: ")[1].split(" ")[0]) > 1, rec.messages()


def test_a_phrase_found_nowhere_says_so(models):
    rec = Recorder()
    got = run_node(Segment, {"phrase": PHRASE}, runtime=rec, video=_clip(3), model=models["blind"])
    assert not any(got.frame(i).any() for i in range(3))
    said = rec.messages()
    assert any("no 'the red car' on frame 0" in m for m in said)
    assert any("no 'the red car' found in any of the 3 frames" in m for m in said)


def test_empty_frames_are_named(models):
    rec = Recorder()
    got = run_node(Segment, {"phrase": PHRASE, "instance": 40}, runtime=rec, video=_clip(3), model=models["cold"])
    assert not got.frame(2).any()
    assert any("no instance 40 of 'the red car' on frame 0" in m for m in rec.messages())
    assert frame_ranges([0, 1, 2, 5, 7, 8]) == "0-2, 5, 7-8"


def test_wrong_prompt_for_the_model_is_named(models, tmp_path):
    import torch
    with pytest.raises(StudioError, match="SAM 3, which takes a phrase, not clicks"):
        run_node(Segment, {"prompts": "0: +0.5 0.5"}, video=_clip(2), model=models["hot"])
    with pytest.raises(StudioError, match="no phrase"):
        run_node(Segment, {"phrase": "   "}, video=_clip(2), model=models["hot"])
    sam2 = load(build_sam2_video(str(tmp_path / "sam2")), "segment", torch.device("cpu"))
    with pytest.raises(StudioError, match="'phrase' is for a SAM 3 video model.*SAM 2"):
        run_node(Segment, {"phrase": PHRASE, "prompts": "0: +0.5 0.5"}, video=_clip(2), model=sam2)
    assert Segment.preflight({"phrase": "", "prompts": ""}, None)[0].startswith("no clicks, boxes or phrase")
    assert "not both" not in " ".join(Segment.preflight({"phrase": PHRASE}, None))
    assert Segment.preflight({"phrase": PHRASE, "prompts": "0: +0.5 0.5"}, None)[0].startswith("both clicks")


def test_a_sam3_folder_without_a_tokenizer_is_named(folders, tmp_path, monkeypatch):
    import shutil
    d = tmp_path / "models" / "sam3-no-tok"
    d.mkdir(parents=True)
    for f in ("config.json", "model.safetensors", "preprocessor_config.json"):
        shutil.copy(f"{folders['blind']}/{f}", d / f)
    monkeypatch.setenv("STUDIO_MODELS", str(tmp_path / "models"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    with pytest.raises(PreprocessModelError, match="no tokenizer: wanted tokenizer.json, or vocab.json and merges.txt"):
        find_folder("sam3-no-tok", None, "segment")
    assert find_folder(folders["blind"], None, "segment") == folders["blind"]

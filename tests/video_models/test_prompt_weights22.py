"""ComfyUI's prompt weights '(word:1.3)' (studio/core/prompt_weights.py read, sampling/prompt_weighting.py applied) on
tiny random text encoders built from configs: Stable Diffusion 1.5's CLIP (a slow BPE tokenizer), SDXL's two CLIPs,
Wan's UMT5 (a sentencepiece tokenizer) and LTX-Video's T5 (a fast tokenizer). Weights of 1.0 give the unweighted
prompt's embeddings to the bit; '(cat:1.5)' moves only the cat tokens' rows, by ComfyUI's interpolation from the empty
prompt's; a pipeline whose family weighs none gets the clean text and one sentence; a call given weighted text by
its node cleans and says it; where ComfyUI's encoder reads no weights (Qwen-Image, LTX-2, ...) the prompt goes as
written; a prompt without syntax is not touched."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch

from studio.core.prompt_weights import plain, read
from nodes.video_models.sampling import prompt_weighting as pw

pytest.importorskip("diffusers")


# -- reading the syntax -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, clean, weights", [
    ("a (cat:1.5) dog", "a cat dog", [("a ", 1.0), ("cat", 1.5), (" dog", 1.0)]),
    ("((a))", "a", [("a", 1.1 * 1.1)]),  # nested groups multiply
    ("(x (a))", "x a", [("x ", 1.1), ("a", 1.1 * 1.1)]),
    ("((a:1.5))", "a", [("a", 1.5)]),  # a number replaces the weight around it
    ("(x (a:0.5))", "x a", [("x ", 1.1), ("a", 0.5)]),
    ("a \\(b\\) c", "a (b) c", [("a (b) c", 1.0)]),  # escaped: the characters themselves
    ("(a \\(b\\):1.2)", "a (b)", [("a (b)", 1.2)]),
    ("a (b", "a (b", [("a ", 1.0), ("(b", 1.0)]),  # never closed: kept as written
    ("a)b((c))", "a)b(c)", [("a)b(", 1.0), ("c", 1.1), (")", 1.0)]),  # a stray ')' lowers the count
    ("(red)cat", "red cat", [("red", 1.1), ("cat", 1.0)]),  # two words kept apart, as ComfyUI tokenizes them
    ("(cat), dog", "cat, dog", [("cat", 1.1), (", dog", 1.0)]),
    ("(a:b)", "a:b", [("a:b", 1.1)]),  # no number after the ':': a 1.1 group, the ':' kept
    ("(:1.5)", ":1.5", [(":1.5", 1.1)]),
    ("(embedding:neg:1.2), x", "embedding:neg, x", [("embedding:neg", 1.2), (", x", 1.0)]),  # names untouched
])
def test_the_syntax_is_read_as_comfyui_reads_it(text, clean, weights):
    r = read(text)
    assert r.text == clean
    assert [(r.text[s.start:s.end], s.weight) for s in r.spans] == [(t, pytest.approx(w)) for t, w in weights]


def test_a_prompt_without_syntax_is_plain_and_one_with_is_not():
    assert plain("a cat, embedding:neg, 8k") and plain(None) and plain("a (cat")
    assert not plain("a (cat:1.0)") and not plain("a \\(cat\\)") and not plain("(cat)")



def test_parentheses_nested_thousands_deep_are_read_without_exhausting_the_recursion():
    got = read("(" * 3000 + "cat" + ")" * 3000)  # a hostile prompt: the groups past the 64th kept as characters
    assert "cat" in got.text and got.text.count("(") == 3000 - 64
    assert max(s.weight for s in got.spans) == pytest.approx(1.1 ** 64)
    assert read("((a:1.5))").spans[0].weight == 1.5  # shallow nesting unchanged

# -- tiny pipelines -----------------------------------------------------------------------------------------------
def _sd15(tmp):
    import diffusers

    from . import tiny_animatediff_files as files
    from transformers import CLIPTokenizer
    tok = CLIPTokenizer.from_pretrained(files.tokenizer_files(str(tmp / "tok")), model_max_length=77)
    unet, vae, text, _ = files.models(tok)
    return diffusers.StableDiffusionPipeline(vae=vae, text_encoder=text, tokenizer=tok, unet=unet,
                                             scheduler=diffusers.EulerDiscreteScheduler(), safety_checker=None,
                                             feature_extractor=None, requires_safety_checker=False)


def _sdxl(tmp):
    import diffusers

    from . import tiny_sdxl_files as files
    from .tiny_animatediff_files import tokenizer_files
    from transformers import CLIPTokenizer
    place = tokenizer_files(str(tmp / "tok"))
    tok = CLIPTokenizer.from_pretrained(place, model_max_length=77)
    tok_2 = CLIPTokenizer.from_pretrained(place, model_max_length=77, pad_token="!")
    p = files.models(tok, tok_2)
    return diffusers.StableDiffusionXLPipeline(vae=p["vae"], text_encoder=p["text_encoder"],
                                               text_encoder_2=p["text_encoder_2"], tokenizer=tok, tokenizer_2=tok_2,
                                               unet=p["unet"], scheduler=diffusers.EulerDiscreteScheduler())


def _wan(tmp):
    import diffusers
    from transformers import UMT5Config, UMT5EncoderModel

    from .tiny_parts import spiece_bytes, tokenizer_of
    tok = tokenizer_of(spiece_bytes())
    torch.manual_seed(0)
    te = UMT5EncoderModel(UMT5Config(vocab_size=len(tok), d_model=32, d_kv=8, d_ff=37, num_layers=2, num_heads=4,
                                     relative_attention_num_buckets=8, pad_token_id=0, eos_token_id=1,
                                     decoder_start_token_id=0)).eval()
    return diffusers.WanPipeline(tokenizer=tok, text_encoder=te, vae=None, scheduler=None, transformer=None)


def _ltx(tmp):
    import diffusers

    from .tiny import build_tokenizer, tiny_t5
    tok = build_tokenizer(str(tmp / "tok"))
    torch.manual_seed(0)
    return diffusers.LTXPipeline(scheduler=None, vae=None, text_encoder=tiny_t5(tok).eval(), tokenizer=tok,
                                 transformer=None)


def _run(pipe, prompt, negative="", fam=None):
    said = []
    ctx = SimpleNamespace(warn=said.append, info=said.append)
    s = SimpleNamespace(pipe=pipe, fam=fam, ref=SimpleNamespace(execution_device=lambda p: torch.device("cpu")),
                        task="t2v")
    kw, p, n = pw.kwargs(ctx, s, "Text to Video", prompt, negative)
    return kw, p, n, said


def _plain(pipe, text):
    """What the pipeline's own call encodes for ``text`` (under no_grad, as its call runs; its call's length)."""
    return pw._encode(pipe, pw.capability(pipe).names, text, torch.device("cpu"))


def _rows(tokenizer, words_before: str, word: str) -> list[int]:
    """The rows ``word`` takes after ``words_before`` (and the tokenizer's leading specials)."""
    lead = pw._lead(tokenizer, "x")
    n0 = len(tokenizer(words_before, add_special_tokens=False)["input_ids"]) if words_before else 0
    n1 = len(tokenizer((words_before + " " + word).strip(), add_special_tokens=False)["input_ids"])
    return list(range(lead + n0, lead + n1))


@pytest.mark.parametrize("make", [_sd15, _sdxl, _wan, _ltx])
def test_weights_of_one_give_the_unweighted_embeddings_to_the_bit(make, tmp_path):
    pipe = make(tmp_path)
    kw, _, _, said = _run(pipe, "a (red:1.0) cat in snow", "(blurry:1)")
    want = _plain(pipe, "a red cat in snow")
    neg = _plain(pipe, "blurry")
    for name, t in want.items():
        assert torch.equal(kw[name], t), name
        assert torch.equal(kw["negative_" + name], neg[name]), name
    assert "prompt weights applied" in said[-1]


@pytest.mark.parametrize("make", [_sd15, _sdxl, _wan, _ltx])
def test_a_weight_moves_only_its_tokens_rows_by_comfyuis_interpolation(make, tmp_path):
    pipe = make(tmp_path)
    kw, _, _, said = _run(pipe, "a red (cat:1.5) in snow")
    z = _plain(pipe, "a red cat in snow")
    empty = _plain(pipe, "")["prompt_embeds"]
    rows = _rows(pipe.tokenizer, "a red", "cat")
    assert rows
    got, base = kw["prompt_embeds"], z["prompt_embeds"]
    others = [i for i in range(base.shape[1]) if i not in rows]
    assert torch.equal(got[:, others], base[:, others])  # every other row as the clean text's
    assert torch.allclose(got[:, rows], (base[:, rows] - empty[:, rows]) * 1.5 + empty[:, rows])
    assert not torch.allclose(got[:, rows], base[:, rows])
    for name in z:  # the pooled embedding (SDXL's), the mask (LTX's): the clean text's, unweighted
        if name != "prompt_embeds":
            assert torch.equal(kw[name], z[name]), name
    assert kw["negative_prompt"] is None and "'cat' x1.5" in said[-1]


def test_sdxl_weighs_both_encoders_rows(tmp_path):
    pipe = _sdxl(tmp_path)
    kw, *_ = _run(pipe, "(the:2) cat")
    z, e = _plain(pipe, "the cat")["prompt_embeds"], _plain(pipe, "")["prompt_embeds"]
    rows = _rows(pipe.tokenizer, "", "the")
    width_l = pipe.text_encoder.config.hidden_size
    for half in (slice(0, width_l), slice(width_l, None)):  # CLIP ViT-L's values, then OpenCLIP bigG's
        assert torch.allclose(kw["prompt_embeds"][:, rows, half], (z[:, rows, half] - e[:, rows, half]) * 2
                              + e[:, rows, half])
        assert not torch.allclose(kw["prompt_embeds"][:, rows, half], z[:, rows, half])


def test_nested_and_escaped_syntax_weighs_the_right_rows(tmp_path):
    pipe = _wan(tmp_path)
    kw, *_ = _run(pipe, "((red) cat) in snow")
    z, e = _plain(pipe, "red cat in snow")["prompt_embeds"], _plain(pipe, "")["prompt_embeds"]
    red, cat = _rows(pipe.tokenizer, "", "red"), _rows(pipe.tokenizer, "red", "cat")
    w = torch.ones(z.shape[1])
    w[red], w[cat] = 1.1 * 1.1, 1.1
    assert torch.allclose(kw["prompt_embeds"], (z - e) * w[None, :, None] + e)
    kw, p, _, _ = _run(pipe, "a \\(red\\) cat")  # escaped: the characters, unweighted
    assert torch.equal(kw["prompt_embeds"], _plain(pipe, "a (red) cat")["prompt_embeds"])


def test_the_weighted_call_makes_a_picture(tmp_path):
    pipe = _sd15(tmp_path)
    kw, *_ = _run(pipe, "a (cat:1.3)", "(blurry:0.8)")
    out = pipe(**kw, height=16, width=16, num_inference_steps=1, output_type="np",
               generator=torch.Generator().manual_seed(0)).images
    assert out.shape == (1, 16, 16, 3)


def test_a_family_without_weighting_gets_the_clean_text_said(tmp_path):
    from nodes.video_models.base.registry import family
    pipe = _ltx(tmp_path)

    class MochiPipeline:  # a pipeline class no family declares PromptWeights for
        tokenizer, encode_prompt = pipe.tokenizer, None
    kw, p, n, said = _run(MochiPipeline(), "a (cat:1.5)", "(ugly)", family("mochi"))
    assert kw is None and (p, n) == ("a cat", "ugly")
    assert said == ["Text to Video: the prompt's weights ('cat' x1.5) and the negative prompt's weights ('ugly' x1.1) "
                    "not applied (Studio weighs no token for Mochi 1's text encoder): the words are encoded without "
                    "the weight syntax"]


@pytest.mark.parametrize("name", ["QwenImagePipeline", "LTX2Pipeline", "HunyuanVideo15Pipeline"])
def test_where_comfyuis_encoder_reads_no_weights_the_prompt_goes_as_written(name):
    from nodes.video_models.sampling.call_args import filter_kwargs
    pipe = type(name, (), {"tokenizer": None, "encode_prompt": None, "__call__": lambda self, prompt=None: None})()
    kw, p, n, said = _run(pipe, "a (cat:1.5)", "(ugly)")
    assert kw is None and (p, n) == ("a (cat:1.5)", "(ugly)") and not said
    got = []
    assert filter_kwargs(pipe, {"prompt": "a (cat:1.5)"}, got.append)["prompt"] == "a (cat:1.5)" and not got


def test_a_call_given_weighted_text_weighs_it_or_cleans_and_says_it(tmp_path):
    from nodes.video_models.sampling.call_args import filter_kwargs
    pipe = _wan(tmp_path)
    said = []
    out = filter_kwargs(pipe, {"prompt": "a (cat:1.5)", "negative_prompt": "blurry"}, said.append)
    assert "prompt" not in out and not said  # a pipeline that weighs: its embeddings
    assert torch.equal(out["prompt_embeds"], _run(pipe, "a (cat:1.5)")[0]["prompt_embeds"])
    assert torch.equal(out["negative_prompt_embeds"], _plain(pipe, "blurry")["prompt_embeds"])

    def call(self, prompt=None, negative_prompt=None, height=None):
        return None
    wrapped = type("StandinPipeline", (), {"tokenizer": pipe.tokenizer, "encode_prompt": None, "__call__": call})()
    out = filter_kwargs(wrapped, {"prompt": "a (cat:1.5)", "negative_prompt": "blurry"}, said.append)
    assert out["prompt"] == "a cat" and out["negative_prompt"] == "blurry"
    assert said == ["StandinPipeline's call: the prompt's weights ('cat' x1.5) not applied (this node gives its "
                    "pipeline the words, not weighted embeddings): the words are encoded without the weight syntax"]
    said.clear()
    assert filter_kwargs(pipe, {"prompt": "a cat"}, said.append)["prompt"] == "a cat" and not said


def test_a_weighted_prompt_is_kept_in_the_prompt_cache_under_a_key_of_its_own(tmp_path, monkeypatch):
    import json

    from nodes.video_models.sampling.prompt_cache import prompt_key
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "1")  # (the tests' default: off)
    pipe = _wan(tmp_path)
    pipe.text_encoder.save_pretrained(str(tmp_path / "wan" / "text_encoder"))  # the encoder's files (the key's)
    ref = SimpleNamespace(config={}, path=str(tmp_path / "wan"), family="wan", dtype="float32",
                          execution_device=lambda p: torch.device("cpu"))
    said = []
    ctx = SimpleNamespace(warn=said.append, info=said.append)
    s = SimpleNamespace(pipe=pipe, fam=None, ref=ref, task="t2v")
    assert not pw.cached(ref, "WanPipeline", "a (cat:1.5)", "blurry")
    first, *_ = pw.kwargs(ctx, s, "Text to Video", "a (cat:1.5)", "blurry")
    assert pw.cached(ref, "WanPipeline", "a (cat:1.5)", "blurry") and not said[-1].endswith("cache")
    again, *_ = pw.kwargs(ctx, s, "Text to Video", "a (cat:1.5)", "blurry")
    assert said[-1].endswith("from the prompt-embedding cache")
    assert torch.equal(first["prompt_embeds"], again["prompt_embeds"]) and "negative_prompt" not in again
    assert torch.equal(first["negative_prompt_embeds"], again["negative_prompt_embeds"])
    key = pw.cache_key(ref, "WanPipeline", "a (cat:1.5)", "blurry")
    assert json.loads(key)["weights"] and key != prompt_key(ref, "WanPipeline", "a (cat:1.5)", "blurry", True)
    assert key != pw.cache_key(ref, "WanPipeline", "a (cat:1.2)", "blurry")
    assert not pw.cached(ref, "WanPipeline", "a (cat:1.2)", "blurry")
    assert pw.needed("a (cat:1.5)", "") and not pw.needed("a cat", "blurry")


# -- through the generator node (Stable Diffusion 1.5's tiny checkpoint, as ComfyUI holds it) ----------------------
@pytest.fixture(scope="module")
def comfy(tmp_path_factory):
    from . import tiny_animatediff_files as files
    return files.write(str(tmp_path_factory.mktemp("sd15-weights")))


def _take(comfy, prompt: str, negative: str = ""):
    import numpy as np

    from studio.engine.executor import Executor

    from .graphs import model_graph
    params = {"width": 24, "height": 16, "frames": 1, "steps": 2, "guidance": 5.0, "prompt": prompt,
              "negative_prompt": negative, "previews": False, "preview_size": "off", "seed": 7}
    said = []
    clip = Executor().run(model_graph(comfy["checkpoint"], "video_models.text_to_video", params), targets=["gen"],
                          device="cpu", use_cache=False, on_event=lambda e: said.append(
                              str(getattr(e, "message", None) or getattr(e, "text", "")))).value("gen")
    return np.asarray(clip.frames, np.float32), said


def test_the_generator_node_weighs_its_prompt(comfy, tmp_path, monkeypatch):
    import numpy as np
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    plain_, said_plain = _take(comfy, "the cat")
    one, _ = _take(comfy, "(the:1.0) cat")
    more, said = _take(comfy, "(the:1.8) cat", "(blurry)")
    assert np.array_equal(plain_, one)  # weights of 1.0: the same picture, to the bit
    assert not np.allclose(plain_, more, atol=1e-4)
    assert any("prompt weights applied: 'the' x1.8 (prompt); 'blurry' x1.1 (negative)" in s for s in said), said
    assert not any("prompt weights" in s or "not applied" in s for s in said_plain), said_plain


def test_a_scheduled_prompt_is_weighted_and_one_without_weights_is_as_before(tmp_path):
    from nodes.video_models.base.registry import family
    from nodes.video_models.sampling.schedule import ScheduledPrompts
    pipe = _sd15(tmp_path)
    sampler = SimpleNamespace(pipe=pipe, fam=family("sd15"),
                              ref=SimpleNamespace(execution_device=lambda p: torch.device("cpu")))
    said = []
    embeds, masks = ScheduledPrompts._encode(sampler, ["the (cat:1.5)", "the cat"], said.append)
    z, e = _plain(pipe, "the cat")["prompt_embeds"], _plain(pipe, "")["prompt_embeds"]
    rows = _rows(pipe.tokenizer, "the", "cat")
    w = torch.ones(z.shape[1])
    w[rows] = 1.5
    assert torch.allclose(embeds[0], (z - e) * w[None, :, None] + e) and torch.equal(embeds[1], z)
    assert masks is None and not said


def test_a_one_call_nodes_prompt_is_weighted_or_cleaned_and_said(tmp_path):
    from nodes.video_models.base.registry import family
    from nodes.video_models.sampling.one_call import _weighed
    pipe = _sd15(tmp_path)
    said = []
    ctx = SimpleNamespace(warn=said.append, info=said.append)
    s = SimpleNamespace(pipe=pipe, fam=family("sd15"), task="t2v",
                        ref=SimpleNamespace(execution_device=lambda p: torch.device("cpu")))
    kw = {"prompt": "a (cat:1.2)", "negative_prompt": "blurry", "height": 16}
    _weighed(ctx, s, "AnimateDiff ControlNet", kw)
    assert set(kw) == {"prompt_embeds", "negative_prompt_embeds", "height"}
    assert torch.equal(kw["negative_prompt_embeds"], _plain(pipe, "blurry")["prompt_embeds"])
    wrapped = type("StandinPipeline", (), {"tokenizer": pipe.tokenizer, "encode_prompt": None})()
    kw = {"prompt": "a (cat:1.2)", "negative_prompt": None}
    _weighed(ctx, SimpleNamespace(pipe=wrapped, fam=family("wan"), task="t2v", ref=None), "Stand-In", kw)
    assert kw == {"prompt": "a cat", "negative_prompt": None}
    assert said[-1] == ("Stand-In: the prompt's weights ('cat' x1.2) not applied (Studio weighs no token for "
                        "StandinPipeline's text encoder): the words are encoded without the weight syntax")


@pytest.mark.fresh_models
def test_a_weighted_wan_prompt_is_encoded_once_then_read_from_the_cache(wan_dir, tmp_path, monkeypatch):
    """Tiny random Wan through Load Video Model and Text to Video: the weighted prompt's second render runs no T5 and
    makes the same frames; weights of 1.0 make the unweighted prompt's frames."""
    import numpy as np
    from transformers import T5EncoderModel

    from studio.core.graph import Graph
    from studio.engine.events import NodeMessage
    from studio.engine.executor import Executor
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("STUDIO_PROMPT_CACHE_GB", "1")
    runs, real = [], T5EncoderModel.forward
    monkeypatch.setattr(T5EncoderModel, "forward", lambda self, *a, **k: runs.append(1) or real(self, *a, **k))

    def render(prompt):
        g = Graph()
        g.add_node("video_models.load", {"model": wan_dir}, node_id="load")
        g.add_node("video_models.text_to_video", {"frames": 5, "width": 16, "height": 16, "steps": 2, "guidance": 3.0,
                                                  "prompt": prompt, "negative_prompt": "blurry", "seed": 3,
                                                  "previews": False, "preview_size": "off"}, node_id="gen")
        g.connect("load", "model", "gen", "model")
        g.settings["device"] = "cpu"
        msgs = []
        clip = Executor().run(g, targets=["gen"], on_event=lambda e: msgs.append(e.text) if isinstance(
            e, NodeMessage) else None).value("gen")
        return np.asarray(clip.chunk(0, clip.n_frames)), msgs
    first, said = render("a (fox:1.4) in snow")
    assert runs and any("prompt weights applied: 'fox' x1.4 (prompt)" == m for m in said), said
    runs.clear()
    again, said = render("a (fox:1.4) in snow")
    assert runs == [] and any(m.endswith("from the prompt-embedding cache") for m in said), said
    assert np.array_equal(first, again)
    plain_, _ = render("a fox in snow")
    one, _ = render("a (fox:1.0) in snow")
    assert np.array_equal(plain_, one) and not np.array_equal(plain_, first)  # (a tiny model: a small change)


def test_a_scheduled_takes_negative_goes_as_words_said_unless_comfyui_reads_it_so():
    said = []
    ctx = SimpleNamespace(warn=said.append)
    wan = type("WanPipeline", (), {"tokenizer": None})()
    assert pw.as_words(ctx, wan, "Prompt Schedule", "(blurry:1.3), ugly") == "blurry, ugly"
    assert said == ["Prompt Schedule: the negative prompt's weights ('blurry' x1.3) not applied (a scheduled take's "
                    "windows give the call the negative as words): the words are encoded without the weight syntax"]
    ltx2 = type("LTX2Pipeline", (), {})()
    assert pw.as_words(ctx, ltx2, "Prompt Schedule", "(blurry:1.3)") == "(blurry:1.3)" and len(said) == 1


def test_wan_humo_weighs_through_its_calls_arguments(tmp_path):
    """Wan HuMo's pipeline wraps a WanPipeline (its encode_prompt, its tokenizer): the text its node gives the call
    becomes the WanPipeline's weighted embeddings."""
    from nodes.video_models.families.wan.humo.humo_pipeline import HumoPipeline
    from nodes.video_models.sampling.call_args import filter_kwargs
    wan = _wan(tmp_path)
    said = []
    out = filter_kwargs(HumoPipeline(wan), {"prompt": "a (cat:1.5)", "negative_prompt": None}, said.append)
    assert torch.equal(out["prompt_embeds"], _run(wan, "a (cat:1.5)")[0]["prompt_embeds"]) and not said


"""Draft / Final ('quality') on the generators: draft runs the family's distilled recipe found in the
models folder's loras (Wan 2.2 A14B's two lightx2v LoRAs, one per expert; Wan 2.1's lightx2v LoRA) or
the distilled checkpoint loaded (LTX-2), with the recipe's steps, cfg, shift and sampler, as the pipeline
is called; a file not found is said and the final settings run; a LoRA of another family or expert is
refused naming both. Tiny random models, LoRAs written in ComfyUI's names under ComfyUI's file names."""
from __future__ import annotations

import json
import os

import pytest
import torch

from studio.core.errors import NodeExecutionError
from studio.engine.events import NodeMessage
from studio.engine.executor import Executor

from . import tiny_parts as tp
from . import tiny_wan22 as tw
from .file_formats import wan_lora

pytest.importorskip("diffusers")

W22_HIGH = "wan2.2_t2v_lightx2v_4steps_lora_v1.1_high_noise.safetensors"
W22_LOW = "wan2.2_t2v_lightx2v_4steps_lora_v1.1_low_noise.safetensors"
W21 = "lightx2v_T2V_14B_cfg_step_distill_v2_lora_rank64_bf16.safetensors"


def _denoiser(folder):
    """The folder's transformer alone (a LoRA of its shapes is written from it): the pipeline's other parts
    were loaded for nothing."""
    from diffusers import AutoModel
    return AutoModel.from_pretrained(folder, subfolder="transformer")


def ltx2_like_lora(path) -> str:
    """A LoRA whose module names are LTX-2's (audio attention beside transformer_blocks)."""
    from safetensors.torch import save_file
    sd = {f"diffusion_model.transformer_blocks.0.{m}.to_q.lora_A.weight": torch.zeros(4, 8) for m in ("attn1", "audio_attn1")}
    sd.update({k.replace("lora_A", "lora_B"): torch.zeros(8, 4) for k in list(sd)})
    save_file(sd, str(path))
    return str(path)


@pytest.fixture
def calls(monkeypatch):
    """What each pipeline call was given (the real adapted_call, watched), and the sigmas it ran."""
    from contextlib import contextmanager

    from nodes.video_models.sampling import call_adapters
    seen, real = [], call_adapters.adapted_call

    @contextmanager
    def watched(pipe, call):
        got = {k: call.get(k) for k in ("num_inference_steps", "guidance_scale", "guidance_scale_2", "sigmas")}
        got |= {"scheduler": type(pipe.scheduler).__name__, "seed": call["generator"].initial_seed(),
                "adapters": {c: sorted(getattr(getattr(pipe, c, None), "peft_config", {}) or {})
                             for c in ("transformer", "transformer_2")}}
        seen.append(got)
        with real(pipe, call) as fit:
            yield fit
        got["ran"] = [round(float(x), 6) for x in pipe.scheduler.sigmas]
    monkeypatch.setattr(call_adapters, "adapted_call", watched)
    return seen


def run(g, node="gen"):
    said = []
    Executor().run(g, targets=[node], device="cpu", use_cache=False, on_event=said.append)
    return [e.text for e in said if isinstance(e, NodeMessage) and e.node_id == node]


@pytest.fixture(scope="session")
def a14b(tiny):
    return tiny("wan22-a14b")


def draft_graph(model):
    g = tp.t2v_graph("a red fox", model=model)
    g.set_param("gen", "quality", "draft")
    g.set_param("gen", "steps", 3)
    return g


def test_wan22_draft_runs_the_two_lightx2v_loras_at_the_templates_settings(a14b, loras, calls):
    from diffusers import WanPipeline
    pipe = WanPipeline.from_pretrained(a14b)
    wan_lora(loras / W22_HIGH, pipe.transformer, 1)
    wan_lora(loras / W22_LOW, pipe.transformer_2, 2)
    notes = run(draft_graph(a14b))
    assert any(n.startswith("draft: lightx2v 4-step LoRA (Wan 2.2 T2V)") and W22_HIGH in n and W22_LOW in n
               and "4 steps, cfg 1.0, shift 5, sampler euler (ComfyUI template video_wan2_2_14B_t2v.json)" in n
               for n in notes), notes
    assert f"LoRA '{W22_HIGH}' on the high-noise expert (its 'expert' setting)" in notes, notes
    assert f"LoRA '{W22_LOW}' on the low-noise expert (its 'expert' setting)" in notes, notes
    assert "sampling with FlowMatchEulerDiscreteScheduler, shift 5" in notes, notes
    (c,) = calls
    assert (c["num_inference_steps"], c["guidance_scale"], c["guidance_scale_2"]) == (4, 1.0, None)
    assert c["scheduler"] == "FlowMatchEulerDiscreteScheduler"
    assert len(c["adapters"]["transformer"]) == 1 and len(c["adapters"]["transformer_2"]) == 1
    assert c["adapters"]["transformer"] != c["adapters"]["transformer_2"]  # one LoRA on each expert


def test_wan22_draft_without_the_files_says_what_it_looked_for_and_runs_final(a14b, loras, calls):
    notes = run(draft_graph(a14b))
    assert any(n.startswith("draft: no distilled file found for Wan 2.2 A14B (two experts): looked for "
                            "'*wan2.2_t2v_lightx2v_4steps*high_noise*' (high noise expert) and "
                            "'*wan2.2_t2v_lightx2v_4steps*low_noise*' (low noise expert) in the models folders' loras "
                            "for lightx2v 4-step LoRA (Wan 2.2 T2V): the final settings run") for n in notes), notes
    (c,) = calls
    assert (c["num_inference_steps"], c["guidance_scale"]) == (3, 2.0)  # the node's own settings
    assert c["adapters"] == {"transformer": [], "transformer_2": []}


def test_final_leaves_the_model_as_it_is_with_the_files_there(a14b, loras, calls):
    from diffusers import WanPipeline
    pipe = WanPipeline.from_pretrained(a14b)
    wan_lora(loras / W22_HIGH, pipe.transformer, 1)
    wan_lora(loras / W22_LOW, pipe.transformer_2, 2)
    g = draft_graph(a14b)
    g.set_param("gen", "quality", "final")
    notes = run(g)
    assert not any(n.startswith("draft") for n in notes), notes
    assert calls[0]["num_inference_steps"] == 3 and calls[0]["adapters"]["transformer"] == []


def test_wan21_draft_runs_the_lightx2v_lora_with_unipc(wan_dir, loras, calls):
    wan_lora(loras / W21, _denoiser(wan_dir))
    notes = run(draft_graph(wan_dir))
    assert any(n.startswith("draft: lightx2v cfg+step distill LoRA (Wan 2.1 T2V 14B)") and
               "4 steps, cfg 1.0, shift 5, sampler unipc (ComfyUI template video_wan2.1_alpha_t2v_14B.json)" in n
               for n in notes), notes
    assert "sampling with UniPCMultistepScheduler, shift 5" in notes, notes
    (c,) = calls
    assert (c["num_inference_steps"], c["guidance_scale"]) == (4, 1.0)
    assert c["scheduler"] == "UniPCMultistepScheduler" and len(c["adapters"]["transformer"]) == 1


def test_draft_and_final_start_from_the_same_seed(wan_dir, loras, calls):
    wan_lora(loras / W21, _denoiser(wan_dir))
    g = draft_graph(wan_dir)
    run(g)
    g.set_param("gen", "quality", "final")
    run(g)
    draft, final = calls
    assert (draft["num_inference_steps"], final["num_inference_steps"]) == (4, 3)
    assert draft["seed"] == final["seed"]


def test_a_draft_runs_key_holds_the_lora_folders(loras):
    from nodes.video_models.sampling.generators import TextToVideo
    assert TextToVideo.signature_files({"quality": "draft"}) == [str(loras)]
    assert TextToVideo.signature_files({"quality": "final"}) == []


def test_a_distill_lora_of_another_family_is_refused_naming_both(wan_dir, loras):
    ltx2_like_lora(loras / W21)
    with pytest.raises(NodeExecutionError) as e:
        run(draft_graph(wan_dir))
    assert f"draft: '{W21}' is a LoRA for LTX-2 (picture and sound), not for Wan" in str(e.value), str(e.value)


def test_a_distill_lora_of_another_expert_is_refused_naming_both(tmp_path):
    from nodes.video_models.base.errors import ModelError
    from nodes.video_models.base.registry import family
    from nodes.video_models.sampling.draft import check_lora
    den = tw.expert(0)
    path = wan_lora(tmp_path / W22_HIGH, den)
    with pytest.raises(ModelError, match="is for the high-noise expert, not the low noise expert"):
        check_lora(family("wan"), "Wan 2.2 A14B", 2, "low noise", path, "lightx2v 4-step LoRA (Wan 2.2 T2V)")
    with pytest.raises(ModelError, match="is for Wan 2.2 A14B's high-noise expert, but this Wan 2.1 14B model has one"):
        check_lora(family("wan"), "Wan 2.1 14B", 1, "", path, "lightx2v cfg+step distill LoRA (Wan 2.1 T2V 14B)")


def test_ltx2_draft_on_the_distilled_checkpoint_runs_the_templates_sigmas(tmp_path_factory, loras, calls, ltx2_dir):
    import shutil
    model = shutil.copytree(ltx2_dir, str(tmp_path_factory.mktemp("models") / "ltx-2-19b-distilled"))  # its name
    cfg = os.path.join(model, "scheduler", "scheduler_config.json")
    with open(cfg) as f:
        sched = json.load(f)
    with open(cfg, "w") as f:  # as the released LTX-2's: a shift that follows the clip's size
        json.dump(dict(sched, use_dynamic_shifting=True, base_shift=0.95, max_shift=2.05), f)
    g = tp.t2v_graph("a red fox", model=model)
    for k, v in (("quality", "draft"), ("frames", 9), ("width", 32), ("height", 32)):
        g.set_param("gen", k, v)
    notes = run(g)
    sigmas = [1.0, 0.99375, 0.9875, 0.98125, 0.975, 0.909375, 0.725, 0.421875]
    assert any(n.startswith("draft: LTX-2 distilled checkpoint ('ltx-2-19b-distilled' is the distilled model): "
                            "8 steps, cfg 1.0, the template's sigmas 1, 0.99375") and
               "(ComfyUI template video_ltx2_t2v_distilled.json)" in n for n in notes), notes
    assert "draft: LTX-2 distilled checkpoint's sigmas as given (FlowMatchEulerDiscreteScheduler's shift off for " \
           "this run)" in notes, notes
    (c,) = calls
    assert (c["num_inference_steps"], c["guidance_scale"], c["sigmas"]) == (8, 1.0, sigmas)
    assert c["ran"] == sigmas + [0.0]  # as ComfyUI's ManualSigmas: not shifted


def test_hunyuan15_draft_on_a_cfg_distilled_checkpoint_runs_cfg_1_and_its_shift(tmp_path_factory, loras, calls, hy15):
    import shutil
    model = shutil.copytree(hy15[0], str(tmp_path_factory.mktemp("models")
                                         / "HunyuanVideo-1.5-Diffusers-480p_t2v_distilled"))  # the folder, named so
    g = tp.t2v_graph("a red fox", frames=5, size=32, model=model)
    g.set_param("gen", "quality", "draft")
    notes = run(g)
    assert any(n.startswith("draft: HunyuanVideo 1.5 480p T2V cfg-distilled checkpoint") and
               "20 steps, cfg 1.0, shift 5, sampler euler (ComfyUI template video_hunyuan_video_1.5_720p_t2v.json)" in n
               for n in notes), notes
    assert "sampling with FlowMatchEulerDiscreteScheduler, shift 5" in notes, notes
    (c,) = calls
    assert (c["num_inference_steps"], c["guidance_scale"]) == (20, 1.0)


def test_wan_animate_draft_runs_the_lightx2v_i2v_lora_at_its_templates_settings(animate_dir, loras, calls):
    from .test_wan_animate import animate_graph
    name = "lightx2v_I2V_14B_480p_cfg_step_distill_rank64_bf16.safetensors"
    wan_lora(loras / name, _denoiser(animate_dir))
    g, gen = animate_graph(animate_dir, quality="draft")
    notes = run(g, gen.id)
    assert any(n.startswith(f"draft: lightx2v cfg+step distill LoRA (Wan 2.2 Animate) ('{name}', strength 1): "
                            "6 steps, cfg 1.0, shift 5 (ComfyUI template video_wan_animate2.json)") for n in notes), notes
    (c,) = calls
    assert c["num_inference_steps"] == 6 and len(c["adapters"]["transformer"]) == 1


def test_each_wan_model_and_task_gets_its_own_recipe():
    from nodes.video_models.base.registry import family
    from nodes.video_models.base.capabilities import Drafts
    recipes = family("wan").capability(Drafts).recipes

    def pick(task, experts, variant):
        return [r.title for r in recipes if r.fits(task, experts, variant)]
    a14b = "Wan 2.2 A14B (two experts)"
    assert pick("t2v", 2, a14b) == pick("v2v", 2, a14b) == ["lightx2v 4-step LoRA (Wan 2.2 T2V)"]
    assert pick("i2v", 2, a14b) == ["lightx2v 4-step LoRA (Wan 2.2 I2V)"]
    assert pick("t2v", 1, "Wan 2.1 14B") == ["lightx2v cfg+step distill LoRA (Wan 2.1 T2V 14B)"]
    assert pick("i2v", 1, "Wan 2.1 14B") == ["lightx2v cfg+step distill LoRA (Wan 2.1 I2V 14B 480p)"]
    assert pick("vace", 1, "Wan 2.1 14B") == ["CausVid LoRA (Wan 2.1 VACE 14B)"]
    assert pick("vace", 1, "Wan 2.1 1.3B") == ["CausVid LoRA (Wan 2.1 VACE 1.3B)"]
    assert pick("animate", 1, "Wan 2.2 Animate 14B") == ["lightx2v cfg+step distill LoRA (Wan 2.2 Animate)"]
    assert pick("t2v", 1, "Wan 2.2 TI2V-5B") == pick("t2v", 1, "Wan 2.1 1.3B") == []  # no LoRA of that size


def test_every_recipe_cites_a_template_that_is_there_and_names_its_files():
    import os

    import comfyui_workflow_templates_json as t
    from nodes.video_models.base.registry import all_families
    root = os.path.join(os.path.dirname(t.__file__), "templates")
    from nodes.video_models.base.capabilities import Drafts
    recipes = [r for f in all_families() if f.capability(Drafts) for r in f.capability(Drafts).recipes]
    assert {f.key for f in all_families() if f.capability(Drafts)} >= {"wan", "ltx2", "hunyuan15"}
    for r in recipes:
        if not r.template.endswith(".json"):  # the library page it cites (a model ComfyUI has no template of, or
            # ChronoEdit's distilled LoRA, whose ComfyUI template runs it at 20 steps: the release's 8 are in the docs)
            assert r.template.startswith("diffusers docs: ") and (r.checkpoint or r.loras), r.title
            continue
        text = open(os.path.join(root, r.template), encoding="utf-8").read().lower()
        for _, frags in r.loras:
            assert all(f in text for f in frags), (r.title, frags)
        assert all(f in text for f in r.checkpoint), r.title


def test_vace_draft_runs_the_causvid_lora_of_the_models_size(vace_dir, tmp_path_factory, loras, calls):
    """Wan VACE's draft: the template's CausVid LoRA of the model's size (video_wan_vace_14B_t2v.json: the
    1.3B branch's at strength 0.7, 4 steps, cfg 1, shift 8, UniPC) on a VACE as wide as Wan 2.1 1.3B; a
    tiny VACE of no released width is told which sizes the recipes are for, and runs final."""
    from .test_vace import vace_graph
    from .tiny_control import build_wan_vace
    wide = build_wan_vace(str(tmp_path_factory.mktemp("vace13") / "wan-vace-1.3b-wide"), heads=(12, 128), layers=1)
    small = "Wan21_CausVid_bidirect2_T2V_1_3B_lora_rank32.safetensors"
    wan_lora(loras / small, _denoiser(wide))
    g, _, gen = vace_graph(wide, quality="draft", steps=3)
    notes = run(g, gen.id)
    assert any(n.startswith(f"draft: CausVid LoRA (Wan 2.1 VACE 1.3B) ('{small}', strength 0.7): 4 steps, cfg 1.0, "
                            "shift 8, sampler unipc (ComfyUI template video_wan_vace_14B_t2v.json)") for n in notes), notes
    (c,) = calls
    assert (c["num_inference_steps"], c["guidance_scale"]) == (4, 1.0)
    assert c["scheduler"] == "UniPCMultistepScheduler" and len(c["adapters"]["transformer"]) == 1
    calls.clear()
    g, _, gen = vace_graph(vace_dir, quality="draft", steps=3)
    notes = run(g, gen.id)
    assert any(n.startswith("draft: Wan's distilled recipes for this node's task (vace) are for Wan 2.1 1.3B and "
                            "Wan 2.1 14B models, not ") and n.endswith("the final settings run") for n in notes), notes
    assert calls[0]["num_inference_steps"] == 3

"""A Wan VACE module beside its T2V model in kijai's WanVideoWrapper (a select node's VACEPATH output on the model
loader's 'vace_model' / 'extra_model'), read by declared types: one module, a .safetensors file, beside the one
model is set on Load Video Model's 'vace_module' and said once; a GGUF module and a chain of modules are said not
read, naming the select node, the loader and the files (two experts' modules: test_comfy_vace_modules_two)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_wrapper_embeds import _said, _vace
from tests.convert.test_comfy_wrappers import UI, _common, _nodes, _sampler, _save

MODULE = "Wan2_2_Fun_VACE_module_A14B_LOW_bf16.safetensors"


def _wire(w: UI, src: int, dst: int, name: str) -> None:
    w.nodes[dst - 1]["inputs"].append({"name": name, "type": "VACEPATH", "link": len(w.links) + 1})
    w.links.append([len(w.links) + 1, src, 0, dst, len(w.nodes[dst - 1]["inputs"]) - 1, "VACEPATH"])


def _vace_graph(module: str = MODULE, chained: bool = False, model_file: str = ""):
    w = UI()
    model, text, vae = _common(w)
    if model_file:
        w.nodes[model - 1]["widgets_values"][0] = model_file
    prev = w.add("WanVideoExtraModelSelect", ["other_module.safetensors"]) if chained else None
    sel = w.add("WanVideoExtraModelSelect", [module], **({"prev_model": (prev, 0)} if prev else {}))
    _wire(w, sel, model, "extra_model")
    emb = _vace(w, vae, input_frames=(w.add("VHS_LoadVideo", {"video": "depth.mp4"}), 0))
    _save(w, _sampler(w, model, text, emb), vae)
    return convert(w.doc(), "vace_module"), sel, model


def test_one_module_beside_the_model_is_set_on_load_video_model_and_said_once():
    conv, sel, model = _vace_graph()
    assert [t["generator"] for t in conv.tasks] == ["video_models.wan_vace"]
    load = _nodes(conv, "video_models.load")[0].params
    assert (load["model"], load["vace_module"]) == ("WanVideo\\Wan2_1-T2V-14B_fp8_e4m3fn.safetensors", MODULE)
    said = _said(conv)
    line = (f"'WanVideoExtraModelSelect' (WanVideoExtraModelSelect, #{sel}) adds the extra model '{MODULE}' to "
            f"'WanVideoModelLoader' (#{model})'s model")
    assert said.count(line) == 1 and "set on Load Video Model's 'vace_module'" in said
    assert "not read" not in said.split(line)[1].splitlines()[0]
    assert "'extra_model' input is not read" not in said
    assert "WanVideoExtraModelSelect" not in "".join(x for x in conv.log if "not converted" in x)


def test_modules_load_video_model_does_not_merge_are_said_not_read():
    for kw, why in (({"module": "Wan2_1-VACE_module_14B_Q8_0.gguf"}, "a GGUF module beside a .safetensors model"),
                    ({"chained": True}, "with more modules chained on its 'prev_model'")):
        conv, sel, model = _vace_graph(**kw)
        assert _nodes(conv, "video_models.load")[0].params["vace_module"] == ""
        said = _said(conv)
        assert f"(WanVideoExtraModelSelect, #{sel}) adds the extra model" in said and why in said, kw
        assert "not read, Studio's Load Video Model merges a VACE module beside a model file of its own kind" in said


def test_a_module_beside_a_take_without_vace_control_is_said_not_set():
    w = UI()
    model, text, vae = _common(w)
    sel = w.add("WanVideoVACEModelSelect", [MODULE])
    _wire(w, sel, model, "vace_model")  # (an older file's input name: read by the type it carries)
    _save(w, _sampler(w, model, text, w.add("WanVideoEmptyEmbeds", [640, 352, 49])), vae)
    conv = convert(w.doc(), "module_t2v")
    assert [t["generator"] for t in conv.tasks] != ["video_models.wan_vace"]
    assert _nodes(conv, "video_models.load")[0].params["vace_module"] == ""
    assert f"(WanVideoVACEModelSelect, #{sel}) adds the VACE module '{MODULE}' to 'WanVideoModelLoader' (#{model})'s " \
           "model" in _said(conv) and "not set on Load Video Model" in _said(conv)


def test_a_gguf_module_beside_a_gguf_model_is_set():
    gguf = "Wan2_1-VACE_module_14B_Q8_0.gguf"
    conv, sel, model = _vace_graph(module=gguf, model_file="wan2.1-t2v-14b-Q8_0.gguf")
    load = _nodes(conv, "video_models.load")[0].params
    assert (load["model"], load["vace_module"]) == ("wan2.1-t2v-14b-Q8_0.gguf", gguf)
    assert f"(WanVideoExtraModelSelect, #{sel}) adds the extra model '{gguf}' to 'WanVideoModelLoader' (#{model})'s " \
           "model 'wan2.1-t2v-14b-Q8_0.gguf': set on Load Video Model's 'vace_module'" in _said(conv)

"""A downloader node's file name read by its declared types (reading/downloaded.py): an invented pack node with no
input socket, one '*' output and a link among its settings (as ComfyUI_HuggingFace_Downloader's 'Hugging Face
Download Model' in heldout13 10 and 11) gives the loaders wired to it the link's last part, or, for a path under a
model folder where its folder setting names none, that path's rest and the file; each said in one sentence; a link
wired in keeps 'given when the workflow runs'."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.downloaded import file_name
from studio.convert.reading.workflow import CNode
from tests.convert.test_comfy_heldout13_mends import _params, _said, _saved
from tests.convert.test_comfy_wiring import UI, wan_sampler

HF = "https://huggingface.co/Org/Repo/"


def _loader(w: UI, cls: str, widgets: list, outs: list, key: str, settings: list | None, inputs: dict | None = None,
            wired: dict | None = None) -> int:
    """A ``cls`` loader (saved with stale names) whose ``key`` is wired from an invented downloader of ``settings``."""
    dl = w.add("InventedFetcher", settings or [], ["*"], wired)
    nid = w.add(cls, widgets, outs, {**(inputs or {}), key: (dl, 0, "COMBO")})
    w.nodes[-1]["inputs"][-1]["widget"] = {"name": key}
    return nid


def _workflow(unet: list | None, lora: list, wired: dict | None = None) -> dict:
    w = UI()
    model = _loader(w, "UNETLoader", ["stale_model.safetensors", "default"], ["MODEL"], "unet_name", unet, wired=wired)
    lo = _loader(w, "LoraLoaderModelOnly", ["stale_lora.safetensors", 1.0], ["MODEL"], "lora_name", lora,
                 {"model": (model, 0, "MODEL")})
    clip = _loader(w, "CLIPLoader", ["stale_te.safetensors", "wan", "default"], ["CLIP"], "clip_name",
                   ["text_encoders", HF + "resolve/main/split_files/text_encoders/umt5_fp8.safetensors", ""])
    vae = _loader(w, "VAELoader", ["stale_vae.safetensors"], ["VAE"], "vae_name",
                  ["vae", HF + "blob/main/wan_2.1_vae.safetensors?download=true", ""])
    _, ks = wan_sampler(w, lo, clip, "a red fox in the snow", 7)
    return _saved(w, w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (vae, 0, "VAE")}))


def test_a_downloaders_file_name_is_set_on_the_loaders_studio_makes_and_said():
    """Each loader's file is the one the downloader names (its link's last part; a LoRA fetched to 'custom' under
    'loras/Seko' is 'Seko/high.safetensors'), set on Load Video Model and the Video LoRA, never the stale saved name;
    each downloader said once: it downloads its link when the workflow runs, Studio does not, the loader's input is
    given that name."""
    conv = convert(_workflow(["diffusion_models", HF + "blob/main/I2V/Wan2_2-HIGH_fp8.safetensors", "x/y"],
                             ["custom", HF + "blob/main/Seko-V2/high.safetensors", "loras/Seko"]), "fetched")
    load = _params(conv, "video_models.load")[0]
    assert (load["model"], load["text_encoder"], load["vae"]) == ("Wan2_2-HIGH_fp8.safetensors",
                                                                   "umt5_fp8.safetensors", "wan_2.1_vae.safetensors")
    assert [p["lora"] for p in _params(conv, "video_models.lora")] == ["Seko/high.safetensors"]
    said = _said(conv)
    assert "stale" not in said and "is given by" not in said and "no model loader found" not in said
    for fid, url, into, name in ((1, "I2V/Wan2_2-HIGH_fp8.safetensors", "'UNETLoader' (#2)'s 'unet_name'",
                                  "Wan2_2-HIGH_fp8.safetensors"),
                                 (3, "Seko-V2/high.safetensors", "'LoraLoaderModelOnly' (#4)'s 'lora_name'",
                                  "Seko/high.safetensors")):
        assert said.count(f"'InventedFetcher' (InventedFetcher, #{fid}) downloads '{HF}blob/main/{url}' when the "
                          f"workflow runs; Studio does not download: {into} is given its file name '{name}' (put the "
                          "file in your models folder)") >= 1, name
    assert "'VAELoader' (#8)'s 'vae_name' is given its file name 'wan_2.1_vae.safetensors'" in said


def test_a_downloader_given_its_link_by_a_wire_keeps_its_sentence():
    """A link wired into the downloader (a STRING constant here, the file a template elsewhere) is not worked out:
    the loader's name is said given when the workflow runs, set to that file, never the stale saved name."""
    w_doc = _workflow(["diffusion_models", ""], ["loras", HF + "blob/main/l.safetensors", ""])
    w = UI()
    w.nodes, w.links = w_doc["nodes"], w_doc["links"]
    text = w.add("InventedText", [HF + "blob/main/m.safetensors"], ["STRING"])
    fetch = w.nodes[0]
    w.links.append([len(w.links) + 1, text, 0, fetch["id"], 0, "STRING"])
    fetch["inputs"].append({"name": "link", "type": "STRING", "widget": {"name": "link"}, "link": len(w.links)})
    conv = convert(w.doc(), "wired_link")
    assert not _params(conv, "video_models.load")[0]["model"]
    said = _said(conv)
    assert "'UNETLoader' (UNETLoader, #2)'s unet_name is given by 'InventedFetcher' (InventedFetcher, #1)" in said
    assert "set Load Video Model's 'model' to that file" in said and "stale_model" not in said


def test_only_a_downloaders_declared_types_give_a_name():
    """By its types alone: a node giving a picture, one with something wired in, two links, a folder path under no
    model folder or a link to no model file gives no name; a path under a model folder gives its rest."""
    def node(values, outs=("*",), links=None):
        return CNode("1", "InventedFetcher", raw=list(values), out_types=list(outs), links=links or {})
    url = HF + "resolve/main/a/b/file.safetensors"
    assert file_name(node(["vae", url, ""])) == "file.safetensors"
    assert file_name(node(["custom", url, "loras/one/two"])) == "one/two/file.safetensors"
    assert file_name(node(["custom", url, "loras"])) == "file.safetensors"
    assert file_name(node([url], ("STRING",))) == "file.safetensors"
    for values, outs, links in (([url], ("IMAGE",), None), ([url], ("*",), {"x": ("2", 0)}),
                                ([url, HF + "resolve/main/other.safetensors"], ("*",), None),
                                (["custom", url, "mine/loras"], ("*",), None),
                                ([HF + "blob/main/README.md"], ("*",), None),
                                ([HF + "blob/main/{{FILE}}.safetensors"], ("*",), None), ([url], ("*", "*"), None)):
        assert file_name(node(values, outs, links)) is None, values

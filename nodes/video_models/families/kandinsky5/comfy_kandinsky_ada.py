"""Workflows made with wildminder's ComfyUI-Kandinsky nodes (and forks such as gifandy's ComfyUI-Kandinsky-Ada:
KandinskyV5_Loader, KandinskyV5_TextEncode, EmptyKandinskyV5_Latent, KandinskyV5_ImageToVideoLatent,
KandinskyV5_Sampler, its VAE loader and decoders) read as ComfyUI's core Kandinsky 5 nodes (api.PackTranslation).

The loader names the DiT file ('checkpoint_file': UNETLoader); the text node encodes a positive and a negative
prompt with Qwen2.5-VL and CLIP-L (two CLIPTextEncode on its 'qwen_vl' text encoder); the empty latent and the
image latent give a size and a duration in seconds (the pack's latent frames time_length * 24 // 4 + 1, so
(that - 1) * 4 + 1 frames) and, for image to video, the start image (Kandinsky5ImageToVideo); the sampler's
scheduler_scale is the flow schedule's shift (ModelSamplingSD3) before a KSampler; its decoders are VAEDecode.
What the pack does that Studio does not is said, one sentence each; a sampler whose latent is none of the pack's
is left as it is (not converted).

The settings' names and order are those the pack declares (catalogue: wildminder/ComfyUI-Kandinsky; its nodes'
define_schema read for meaning). Plain data and stdlib: nothing of the pack is imported or run."""
from __future__ import annotations

from studio.convert.api import CONTROL, CNode, PackTranslation, Workflow

PACK = "ComfyUI-Kandinsky's"
LOADER, TEXT, EMPTY, IMAGE, SAMPLER = ("KandinskyV5_Loader", "KandinskyV5_TextEncode", "EmptyKandinskyV5_Latent",
                                       "KandinskyV5_ImageToVideoLatent", "KandinskyV5_Sampler")
DECODERS = ("KandinskyV5_VAEDecode", "KandinskyHQVAEDecode")
WIDGETS: dict[str, tuple[str, ...]] = {
    LOADER: ("variant", "checkpoint_file", "use_magcache", "magcache_threshold", "blocks_in_memory", "quantize_to_fp8"),
    TEXT: ("text", "negative_text", "content_type"),
    EMPTY: ("width", "height", "time_length", "batch_size"),
    IMAGE: ("time_length", "batch_size", "alignment"),
    SAMPLER: ("seed", CONTROL, "steps", "cfg", "scheduler_scale", "attention_mode"),
    "KandinskyV5_VAELoader": ("vae_name",),
    "KandinskyV5_VAEDecode": ("enable_tiling", "tile_min_frames", "tile_min_height", "tile_min_width"),
    "KandinskyHQVAEDecode": ("enable_tiling", "tile_min_height", "tile_min_width", "overlap_ratio", "hq_blend",
                             "auto_fade", "manual_fade_ratio", "anti_flicker", "low_diff_threshold",
                             "high_diff_threshold", "detail_pass"),
}


def frames(seconds) -> int | None:
    """The frames the pack's latent of ``seconds`` decodes to (24 fps, 4 frames a latent frame, one first)."""
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
        return None
    return 1 if seconds == 0 else int(seconds * 24 // 4) * 4 + 1


class _Translation(PackTranslation):
    PACK, WIDGETS = PACK, WIDGETS
    PREFIXES = tuple(WIDGETS)

    def steps(self) -> None:
        nodes = list(self.wf.nodes.values())
        for n in nodes:
            if n.cls == LOADER:
                self.loader(n, self.named(n))
            elif n.cls == "KandinskyV5_VAELoader":
                self.core(n, "VAELoader", {"vae_name": self.named(n).get("vae_name")}, {})
            elif n.cls == TEXT:
                self.text(n, self.named(n))
        self.decoders(*DECODERS)
        for n in [n for n in nodes if n.cls == "KandinskyHQVAEDecode" and n.enabled]:
            if on := [k for k in ("hq_blend", "anti_flicker", "detail_pass") if self.named(n).get(k) is True]:
                self.said.append(f"'{n.title or n.cls}' (#{n.id})'s {', '.join(on)} (on) not applied: Studio decodes "
                                 "with its own VAE decode")
        for n in nodes:
            if n.cls == SAMPLER:
                self.sampler(n, self.named(n))

    def loader(self, n: CNode, w: dict) -> None:
        """Its DiT file; the pack's first versions declare only 'variant' and 'use_magcache' (the file its config's)."""
        if not n.widgets and isinstance(n.raw, list) and len(n.raw) == 2:
            w = dict(zip(("variant", "use_magcache"), n.raw))
        self.core(n, "UNETLoader", {"unet_name": w.get("checkpoint_file"), "weight_dtype": "default"}, {})
        if not isinstance(w.get("checkpoint_file"), str):
            self.said.append(f"'{n.title or n.cls}' (#{n.id}) loads the DiT of its variant {w.get('variant')!r} (the "
                             "pack's config names the file), not a file the workflow names: set Load Video Model's "
                             "model to that variant's Kandinsky 5 file")
        on = [k for k in ("use_magcache", "blocks_in_memory", "quantize_to_fp8") if w.get(k) not in (None, False, 0, "off")]
        if on:
            self.said.append(f"'{n.title or n.cls}' (#{n.id})'s {', '.join(f'{k} {w[k]!r}' for k in on)} not applied: "
                             "Studio plans memory, precision and speed itself (Load Video Model's memory and dtype, the "
                             "generator's step_cache)")

    def text(self, n: CNode, w: dict) -> None:
        """Its positive (in its place) and negative (beside it) as CLIPTextEncode on its Qwen2.5-VL encoder."""
        clip = self.clips(n) or n.links.get("qwen_vl") or n.links.get("clip")
        links = {"clip": clip} if clip else {}
        self.core(n, "CLIPTextEncode", {"text": w.get("text")}, dict(links))
        neg = self.core(n, "CLIPTextEncode", {"text": w.get("negative_text")}, dict(links), nid=f"{n.id}:negative")
        self.rewire((n.id, 1), (neg.id, 0))
        if w.get("content_type") not in (None, "video"):
            self.said.append(f"'{n.title or n.cls}' (#{n.id})'s content_type {w['content_type']!r} is not taken: "
                             "Studio encodes the prompts for a video")

    def clips(self, n: CNode):
        """Its two encoders' CLIPLoader files as the DualCLIPLoader ComfyUI's Kandinsky 5 reads them from (Qwen2.5-VL,
        then CLIP-L: Load Video Model's text_encoder and text_encoder_2), the loaders read so; None where either is
        not a CLIPLoader of a file name."""
        srcs = [self.wf.nodes.get(n.links[k][0]) if k in n.links else None for k in ("qwen_vl", "clip")]
        names = [self.wf.value(m, "clip_name") if m is not None and m.cls == "CLIPLoader" else None for m in srcs]
        if not all(isinstance(v, str) and v.strip() for v in names):
            return None
        dual = self.core(n, "DualCLIPLoader", {"clip_name1": names[0], "clip_name2": names[1], "type": "kandinsky5"},
                         {}, nid=f"{n.id}:clips")
        self.wf.taken.update(m.id for m in srcs)
        self.said.append(f"'{n.title or n.cls}' (#{n.id})'s text encoders, {names[0]!r} ('qwen_vl', #{srcs[0].id}) and "
                         f"{names[1]!r} ('clip', #{srcs[1].id}), are read as Kandinsky 5's Qwen2.5-VL and CLIP-L files "
                         "(Load Video Model's text_encoder and text_encoder_2)")
        return (dual.id, 0)

    def latent(self, link):
        """The pack's latent node behind sampler input ``link`` (through nodes passing a LATENT on), else None."""
        seen: set[str] = set()
        while link is not None and link[0] in self.wf.nodes and link[0] not in seen:
            src = self.wf.nodes[link[0]]
            seen.add(src.id)
            if src.cls in (EMPTY, IMAGE):
                return src
            ins = [k for k, t in src.in_types.items() if t == "LATENT" and k in src.links]
            if len(ins) != 1 or list(src.out_types)[link[1]:link[1] + 1] != ["LATENT"]:
                return None
            self.wf.taken.add(src.id)
            self.said.append(f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}) passes its '{ins[0]}' on "
                             "as it is (its declared LATENT input and output): read through")
            link = src.links[ins[0]]
        return None

    def sampler(self, n: CNode, w: dict) -> None:
        src = self.latent(n.links.get("latent_image"))
        if src is None:  # a latent Studio cannot read: the sampler left as it is (listed as not converted)
            return
        sw = self.named(src)
        links = {k: v for k, v in (("positive", n.links.get("positive")), ("negative", n.links.get("negative"))) if v}
        size = {"width": sw.get("width"), "height": sw.get("height")}
        if src.cls == IMAGE and "image" in src.links:
            links["start_image"] = src.links["image"]
            size = {"width": 768, "height": 512}
            self.said.append(f"'{src.title or src.cls}' (#{src.id}) scales the start image to its aspect ratio in "
                             "768x512's area: Studio's width and height are set to 768x512, set them to that ratio")
        self.wf.taken.add(src.id)
        task = self.core(n, "Kandinsky5ImageToVideo", {**size, "length": frames(sw.get("time_length")),
                                                       "batch_size": sw.get("batch_size")}, links, nid=f"{n.id}:task")
        model, shift = n.links.get("model"), w.get("scheduler_scale")
        if model is not None and isinstance(shift, (int, float)) and not isinstance(shift, bool) and shift > 0:
            model = (self.core(n, "ModelSamplingSD3", {"shift": shift}, {"model": model}, nid=f"{n.id}:shift").id, 0)
        self.core(n, "KSampler", {"seed": w.get("seed"), "steps": w.get("steps"), "cfg": w.get("cfg"),
                                  "sampler_name": "euler", "scheduler": "simple", "denoise": 1.0},
                  {k: v for k, v in (("model", model), ("positive", (task.id, 0)), ("negative", (task.id, 1)),
                                     ("latent_image", (task.id, 2))) if v is not None})
        if "attention_mode" in w and not isinstance(w["attention_mode"], str):
            self.said.append(f"'{n.title or n.cls}' (#{n.id})'s last saved value ({w['attention_mode']!r}), where this "
                             "version of the pack saves attention_mode, is not read")
        elif isinstance(w.get("attention_mode"), str):
            self.said.append(f"'{n.title or n.cls}' (#{n.id})'s attention_mode {w['attention_mode']!r} is not read: "
                             "Studio's Kandinsky 5 takes its attention from the model file's name (NABLA for a 10-second "
                             "model, else full attention)")


def translate(wf: Workflow) -> list[str]:
    """Rewrites ``wf``'s nodes of ComfyUI-Kandinsky into the core nodes that mean the same, in place; what is said."""
    return _Translation.translate(wf)

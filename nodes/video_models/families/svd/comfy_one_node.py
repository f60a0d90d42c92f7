"""A pack's node that makes Stable Video Diffusion's video in one step (loads the model, conditions on a picture,
samples and decodes: kijai's ComfyUI-SVD 'SVDimg2vid', heldout47 04), read by its declared types as ComfyUI's own
SVD nodes: ImageOnlyCheckpointLoader, SVD_img2vid_Conditioning (the picture, the frames, motion bucket, fps and
augmentation it declares), KSampler (its seed and steps) and VAEDecode in its place, which gives its frames to what
read them. Such a node is told by its declaration, not its name: a picture (IMAGE) in, pictures out, no model,
latent or conditioning wired in, and SVD's conditioning settings among its widgets ('motion_bucket_id' with a frame
count and an augmentation: 'num_frames' / 'video_frames', 'cond_aug' / 'augmentation_level'). Its model file is
named by a choice of the pack's own (its 'version', a model folder's name): given to the loader with '.safetensors'
where it is a bare name, said; its guidance is the pack's config's, not a setting of the node, so none is read
from it (said; a generator made says its own guidance stands); what it sets for memory or speed is said not taken. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, PackTranslation, node_type, widget_names

FRAMES, AUGMENT = ("num_frames", "video_frames"), ("cond_aug", "augmentation_level")
FPS, STEPS, SEEDS = ("fps_id", "fps"), ("num_steps", "steps"), ("seed", "noise_seed")
MODEL_CHOICES = ("version", "model", "ckpt_name", "model_name")
WIRED = ("MODEL", "LATENT", "CONDITIONING", "CLIP_VISION", "VAE")  # (the core conditioning node takes these)


def _pick(w: dict, names: tuple[str, ...]):
    return next((w[k] for k in names if k in w), None)


def is_one_node_svd(cls: str) -> bool:
    """Whether type ``cls`` is declared as SVD in one node: an IMAGE in, IMAGE out, nothing of a model's wired in,
    SVD's conditioning settings among its widgets."""
    t = node_type(cls)
    if t is None or t.inputs is None or not t.outputs or t.output_types[0] != "IMAGE":
        return False
    sockets = [i.type for i in t.sockets]
    widgets = {i.name: i.type for i in t.widgets}
    return "IMAGE" in sockets and not set(sockets) & set(WIRED) and widgets.get("motion_bucket_id") == "INT" \
        and any(widgets.get(k) == "INT" for k in FRAMES) and any(widgets.get(k) == "FLOAT" for k in AUGMENT)


class _Translation(PackTranslation):
    PACK = "A one-node Stable Video Diffusion's"

    @classmethod
    def is_pack(cls, n: CNode) -> bool:
        return is_one_node_svd(n.origin or n.cls)

    def named(self, n: CNode, unknown=None) -> dict:
        """Its settings by name: as an API file names them, else a UI file's values by the declared widgets."""
        w = dict(n.widgets) if n.widgets else widget_names(n.cls, n.raw) if isinstance(n.raw, list) else {}
        for k in n.links:
            if (v := self.wf.value(n, k)) is not None:
                w[k] = v
        return w

    def where(self, n: CNode) -> str:
        return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"

    def steps(self) -> None:
        for n in [x for x in self.wf.nodes.values() if self.is_pack(x) and x.enabled]:
            image = next((v for k, v in n.links.items() if (t := node_type(n.cls)) and (i := t.input(k)) is not None
                          and i.type == "IMAGE"), None)
            if image is None:
                continue  # (no picture wired: nothing to make; left to the converter's own reading, said there)
            self.one(n, self.named(n), image)

    def one(self, n: CNode, w: dict, image) -> None:
        t = node_type(n.cls)
        choice = next((k for k in MODEL_CHOICES if k in w and isinstance(w[k], str)), None)
        name = w.get(choice) if choice else None
        ckpt = f"{name}.safetensors" if name and "." not in name else name
        self.core(n, "ImageOnlyCheckpointLoader", {"ckpt_name": ckpt}, {}, nid=f"{n.id}:ckpt")
        loader = (f"{n.id}:ckpt", 0)
        self.core(n, "SVD_img2vid_Conditioning", {"video_frames": _pick(w, FRAMES), "motion_bucket_id":
                                                  w.get("motion_bucket_id"), "fps": _pick(w, FPS),
                                                  "augmentation_level": _pick(w, AUGMENT)},
                  {"clip_vision": (loader[0], 1), "init_image": image, "vae": (loader[0], 2)}, nid=f"{n.id}:cond")
        self.core(n, "KSampler", {"seed": _pick(w, SEEDS), "steps": _pick(w, STEPS), "denoise": 1.0},
                  {"model": (loader[0], 0), "positive": (f"{n.id}:cond", 0), "negative": (f"{n.id}:cond", 1),
                   "latent_image": (f"{n.id}:cond", 2)}, nid=f"{n.id}:sampler")
        self.core(n, "VAEDecode", {}, {"samples": (f"{n.id}:sampler", 0), "vae": (loader[0], 2)})
        self.made[n.cls] = "ImageOnlyCheckpointLoader, SVD_img2vid_Conditioning, KSampler and VAEDecode"
        where = self.where(n)
        if choice:
            self.said.append(f"{where}'s {choice} '{name}' names the pack's own model: Load Video Model is given "
                             f"'{ckpt}' (point it at that SVD checkpoint)")
        # (no word of "the generator's" guidance here: said before it is known whether a generator is made, and a take
        # held has none, heldout47 04; a made one's note says its own guidance stands)
        self.said.append(f"{where} makes the take at its picture's own size and guides it by its pack's config, not a "
                         "setting of the node: no guidance is read from it")
        read = {choice, *FRAMES, *AUGMENT, *FPS, *STEPS, *SEEDS, "motion_bucket_id", "control_after_generate"}
        rest = [i.name for i in t.widgets if i.name not in read and i.name in w] if t is not None else []
        if rest:
            self.said.append(f"{where}'s " + ", ".join(f"{k} {w[k]!r}" for k in rest) + " (how it runs on the "
                             "machine) not taken: Studio plans memory and speed itself")


def translate(wf) -> list[str]:
    """Rewrites ``wf``'s one-node SVD makers into ComfyUI's own SVD nodes, in place; the sentences."""
    return _Translation.translate(wf)

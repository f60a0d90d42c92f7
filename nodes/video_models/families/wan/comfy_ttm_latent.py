"""Time-to-Move on ComfyUI's own Wan nodes (GiusTex's ComfyUI-Wan-TimeToMove, read for its inputs: TTMLatentAdd,
TimeToMoveGuider; the same options as kijai's WanVideoAddTTMLatents, comfy_wrapper_ttm.py): TTMLatentAdd given the
latent of ComfyUI's WanImageToVideo / WanFirstLastFrameToVideo (no end image), a clip VAE-encoded on
'reference_latents' and a mask on 'ref_masks', its ttm_start_step and ttm_end_step, is read as ``TTM`` in its place
(Studio's Image to Video with Time-to-Move: the task node's start image, size and length, its prompts through it);
TimeToMoveGuider, the guider that samples by those options, as ComfyUI's CFGGuider (its model, prompts and cfg; its
'latent' the TTM options already read, its start_sampler_step said where not 0). The nodes are told by their types
(their inputs, a latent, a mask and two steps, do not say that they are Time-to-Move). Wired otherwise TTMLatentAdd
is kept as it is (the task held, said). Plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, PackTranslation, finite
from studio.core.shown import number

from .comfy_wrapper_ttm import TTM, drawn_together

ADD, GUIDER = "TTMLatentAdd", "TimeToMoveGuider"
TASK_NODES = ("WanImageToVideo", "WanFirstLastFrameToVideo")
WIDGETS = {ADD: ("ttm_start_step", "ttm_end_step"), GUIDER: ("cfg", "start_sampler_step")}
PICTURES = ("IMAGE",)


class _TTMLatents(PackTranslation):
    PACK, PREFIXES, WIDGETS = "ComfyUI-Wan-TimeToMove", (ADD, GUIDER), WIDGETS

    def link(self, n: CNode, name: str):
        return n.links.get(name)

    def steps(self) -> None:
        read = [n for n in list(self.wf.nodes.values()) if n.cls == ADD and self.latent(n)]
        for g in [n for n in list(self.wf.nodes.values()) if n.cls == GUIDER]:
            self.guider(g, read)

    def _held(self, n: CNode, why: str) -> None:
        self.say(n, f"{CNode.named(n)} is read as Studio's Image to Video with Time-to-Move where it is given the latent "
                    f"of a {' or '.join(TASK_NODES)} (no end image) on 'latent', a clip encoded on 'reference_latents' "
                    f"and a mask on 'ref_masks', each made apart: {why}, so the task is held")

    def latent(self, n: CNode) -> bool:
        """``n`` (TTMLatentAdd) as ``TTM`` in its place; False (kept, the task held, said) where not so wired."""
        src = self.link(n, "latent")
        task = self.wf.nodes.get(src[0]) if src else None
        enc_link = self.link(n, "reference_latents")
        enc = self.wf.nodes.get(enc_link[0]) if enc_link else None
        pics = [v for k, v in enc.links.items() if enc.in_types.get(k) in PICTURES or k in ("image", "pixels")] \
            if enc is not None else []
        mask = self.link(n, "ref_masks")
        if task is None or task.cls not in TASK_NODES or src[1] != 2 or "end_image" in task.links \
                or "start_image" not in task.links or len(pics) != 1 or mask is None:
            self._held(n, "not so here")
            return False
        reference = pics[0]
        drawer = drawn_together(self, reference, mask)
        if drawer is not None:
            self._held(n, f"here the clip and the mask are two outputs of one node, '{drawer.title or drawer.shown_cls}' "
                          f"({drawer.shown_cls}, #{drawer.id}), which makes both together")
            return False
        w, tw = self.named(n), self.named(task)
        steps = {"start_step": w.get("ttm_start_step"), "end_step": w.get("ttm_end_step")}
        links = {k: v for k, v in (("positive", task.links.get("positive")), ("negative", task.links.get("negative")),
                                   ("vae", task.links.get("vae")), ("start_image", task.links.get("start_image")),
                                   ("clip_vision_output", task.links.get("clip_vision_start_image")
                                    or task.links.get("clip_vision_output")),
                                   ("motion_reference", reference), ("motion_mask", mask)) if v is not None}
        self.rewire((n.id, 0), (n.id, 2))  # its latent: the TTM node's third output, as a Wan task node's
        c = self.core(n, TTM, {**{k: tw.get(k) for k in ("width", "height", "length")}, "batch_size": 1, **steps},
                      links)
        for slot in (0, 1):  # the prompts through the task node: through the TTM node in its place
            self.rewire((task.id, slot), (n.id, slot), skip={n.id})
        c.ports.update(start_image=(task, "start_image"), motion_reference="reference_latents", motion_mask="ref_masks")
        self.made.pop(n.cls, None)  # not a ComfyUI node: said here instead
        self.wf.taken.update((task.id, enc.id))
        self.say(n, f"{CNode.named(n)} with its task node '{task.title or task.shown_cls}' ({task.shown_cls}, #{task.id}) "
                    "is read as Studio's Image to Video with Time-to-Move: the start image as its image, the clip "
                    "encoded on 'reference_latents' as its motion_reference, the mask on 'ref_masks' as its "
                    f"motion_mask, ttm_start_step {_step(steps['start_step'])} and ttm_end_step "
                    f"{_step(steps['end_step'])} as its motion_start_step and motion_end_step; the node encodes the "
                    "reference itself")
        return True

    def guider(self, g: CNode, read: list) -> None:
        """TimeToMoveGuider ``g`` as CFGGuider (its model, prompts, cfg); its latent the TTM options (read on the
        take where a TTMLatentAdd was read)."""
        w = self.named(g)
        links = {k: g.links[k] for k in ("model", "positive", "negative") if k in g.links}
        c = self.core(g, "CFGGuider", {"cfg": w.get("cfg")}, links)
        if "cfg" in g.links:
            c.links["cfg"] = g.links["cfg"]
        start = w.get("start_sampler_step")
        if finite(start) and start != 0:
            self.say(g, f"{CNode.named(g)}'s start_sampler_step {number(start)} (the steps it skips, as its sampler's "
                        "start) is not taken: Studio's Image to Video samples from its motion_start_step")
        if not read and "latent" in g.links:
            self.say(g, f"{CNode.named(g)}'s 'latent' (the Time-to-Move options it samples by) is not read: read as "
                        "ComfyUI's CFGGuider, it samples without them")


def _step(v) -> str:
    return number(v) if finite(v) else "(not known when converting)"


def translate(wf) -> list[str]:
    return _TTMLatents.translate(wf)

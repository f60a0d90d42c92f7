"""Wan 2.2's multi-frame nodes of the ComfyUI-Wan22FMLF pack (wallen0322's; its forks keep the names) and KJNodes'
WanImageToVideoSVIPro, read as ComfyUI's own Wan task nodes (their sources read for their inputs and outputs only):

* WanFirstMiddleLastFrameToVideo, WanFMLF, WanAdvancedI2V, WanSVIProAdvancedI2V (start, middle and end images),
  WanFourFrameReferenceUltimate (frames 1 to 4) and WanMultiFrameRefToVideo (a batch of references): the first image
  Wan's start image, the last its end image (WanFirstLastFrameToVideo; WanImageToVideo with none), each image between
  said as not taken (Wan's first-and-last-frame video takes those two); their outputs positive_high, positive_low,
  negative, latent read as the core node's positive, negative, latent (the low-noise conditioning differs only in
  the strengths the images hold with: said where a sampler takes it).
* WanImageToVideoSVIPro: its anchor latent's picture (the VAEEncode's) the start image.
* A chain of passes each continuing the take of the pass before from that pass's latent (Stable Video Infinity's
  'prev_latent' / 'prev_samples', from the earlier pass's sampler) is read as ONE continued take (issue 112 item 4):
  each later pass's sampler output read as the first pass's, the joins of their decoded frames
  (ImageBatchExtendWithOverlap, ImageBatch) read away, the first pass's samplers carrying Studio's 'long take:
  continue' with 'window' the first pass's length and 'frames' the joined length; each pass's own prompt a Prompt
  Schedule on Image to Video's 'schedule' (comfy_pass_prompts). What differs is said, one sentence each: the later
  passes' samplers (and prompts, where no schedule can hold them), SVI's anchor and motion latents, the overlap blend.

Plain data and stdlib: nothing of ComfyUI is imported or run."""
from __future__ import annotations

from studio.convert.api import CNode, PackTranslation, finite

from . import comfy_middle as middle
from .comfy_motion_start import OFFSET, OFFSET_IDLE, TRIMS, applied, constant, motion_start, single_pictures, trims
from ...takes.continued_starts import continued_starts
from .comfy_pass_prompts import place, wan_window
from .comfy_svi_motion import advanced_svi, first_is_svi, motion_latents
from .comfy_svi_twins import end_latent, pack_of, svi_twin
from .comfy_svi_ways import refine_of, sampler_behind

# node type -> (its start image input, the inputs between, its end image input)
FRAMES = {
    "WanFirstMiddleLastFrameToVideo": ("start_image", ("middle_image",), "end_image"),
    "WanFMLF": ("start_image", ("middle_image",), "end_image"),
    "WanAdvancedI2V": ("start_image", ("middle_image",), "end_image"),
    "WanSVIProAdvancedI2V": ("start_image", ("middle_image",), "end_image"),
    "WanFourFrameReferenceUltimate": ("frame_1_image", ("frame_2_image", "frame_3_image"), "frame_4_image"),
}
MOTION = "WanAdvancedI2V"  # its motion frames may take its start image's place (comfy_motion_start)
REFS = "WanMultiFrameRefToVideo"  # its 'ref_images' a batch: the first the start, the last the end
SVI_PRO = "WanImageToVideoSVIPro"  # KJNodes': its anchor latent encoded from the start image
PREV = ("prev_latent", "prev_samples")  # the latent of the pass before (a continued take)
# the Wan22FMLF pack's WanSVIProAdvancedI2V (wallen0322/ComfyUI-Wan22FMLF wan_svi_pro_advanced.py at 7140cd2, read
# for facts only): the anchor and the pass before's last latent frames beside the noise as SVI 2.0 Pro's, but not
# its condition (left19: what is not the same, said)
SVI_ADVANCED_WHY = ("WanSVIProAdvancedI2V's condition is not the one Studio makes: it marks its motion latent frames "
                    "as given, at strengths falling from its start strengths frame by frame (detail_boost sets the "
                    "fall and, with overlap_frames, how many frames), scaled by motion_influence and their differences "
                    "spread by motion_boost, where SVI 2.0 Pro's condition Studio makes marks the anchor's frame alone "
                    "as given")
FOUR = "WanFourFrameReferenceUltimate"  # (the Wan22FMLF pack's, wan_4_frame_ultimate.py at 7140cd2, read for facts)


def _four_why(n: CNode, between: list) -> str:
    """Why WanFourFrameReferenceUltimate's frame 2 / frame 3 picture is not Image to Video's middle picture ('' for
    another node): two held (Image to Video holds one), or its rule not the middle picture's (left19)."""
    if n.cls != FOUR and n.origin != FOUR:
        return ""
    if len(between) > 1:
        return (f"Image to Video holds one middle picture, and this node is given {len(between)} "
                f"({' and '.join(p for p, _ in between)})")
    return ("its rule is not Image to Video's middle picture's (its frame only kept at least 4 frames after the one "
            "before it, where Image to Video's is kept within 4 .. length - 5; its low-noise condition encoded with "
            "the picture at every strength)")


SIZE = ("width", "height", "length", "batch_size")  # each of these nodes' first four settings
BATCHES = {"ImageBatchMulti": "image_", "ImageBatch": "image"}  # a batch of references taken apart, in order
JOINS = {"ImageBatchExtendWithOverlap": ("source_images", "new_images"), "ImageBatch": ("image1", "image2")}
PASS_ON = {"ColorMatch": "image_target", "ImageColorMatch+": "image", "Reroute": "",  # on a pass's frames' way
           "GetImageSizeAndCount": "image"}
MATCHES = ("ColorMatch", "ImageColorMatch+")
SAMPLED = ("SamplerCustomAdvanced", "SamplerCustom", "KSampler", "KSamplerAdvanced")
MAX_PASSES = 64


class _Frames(PackTranslation):
    PACK = "ComfyUI-Wan22FMLF"
    PREFIXES = tuple(FRAMES) + (REFS, SVI_PRO)
    WIDGETS = {cls: SIZE for cls in tuple(FRAMES) + (REFS,)}

    @classmethod
    def is_pack(cls, n: CNode) -> bool:
        return n.cls in cls.PREFIXES or svi_twin(n.cls)

    @classmethod
    def translate(cls, wf) -> list[str]:
        """As PackTranslation's, its first sentence naming each read type's own pack (the catalogue's: KJNodes' SVI
        node, the SVI 2 Pro FLF pack's twin of it), not this reader's name for them all."""
        said = super().translate(wf)
        head = f"{cls.PACK} nodes read as ComfyUI's own: "
        if not said or not said[0].startswith(head):
            return said
        packs: dict[str, list[str]] = {}
        for part in said[0][len(head):].split(", "):  # (what is no node type, 'passes': with the part before it)
            pack = pack_of(part.split(" as ")[0], "") or (list(packs)[-1] if packs else cls.PACK)
            packs.setdefault(pack, []).append(part)
        return ["; ".join(f"{k} nodes read as ComfyUI's own: {', '.join(v)}" for k, v in packs.items())] + said[1:]

    def name(self, n: CNode) -> str:
        return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"

    def steps(self) -> None:
        passes, self.ways, self.refined, self.shown = [], {}, {}, set()
        self.svi_modes, self.svi_made = {}, set()  # WanAdvancedI2V in 'SVI' mode (comfy_svi_motion), those said
        self.middles = {}  # translated node id -> the pack node whose middle picture it takes (comfy_middle)
        self.original = {n.id: n for n in self.wf.nodes.values() if self.is_pack(n)}  # as the file saved them
        for n in [n for n in self.wf.nodes.values() if self.is_pack(n) and n.enabled and n.id not in self.wf.idle]:
            prev = next((n.links[k] for k in PREV if k in n.links), None)
            made = self.svi_pro(n) if svi_twin(n.cls) else self.frames(n)
            if made is None or prev is None:
                continue
            src, behind = self.wf.nodes.get(prev[0]), sampler_behind(self.wf, prev)
            if behind is not None:
                passes.append((made, behind[0]))
                self.ways[made.id] = behind[1]
            else:  # a latent of something else (a clip encoded): the take starts from its images alone
                self.said.append(f"{self.name(made)}'s latent to continue from, given by "
                                 + (f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id})" if src else "a node")
                                 + ", is not taken: where Studio makes its take, that take starts from its start "
                                 "image")  # (a loop's carried latent: the node may not be made at all, heldout18 04)
        if passes:
            self.chains(passes)
        for nid, n in self.svi_modes.items():  # its SVI settings read away from the node's sentence: said here
            if nid not in self.svi_made:
                self.said.append(f"{self.name(n)}'s long_video_mode 'SVI' (Stable Video Infinity 2.0 Pro's anchor "
                                 "and motion latents) is not applied: Studio makes its take without that "
                                 "conditioning")

    # -- one node --------------------------------------------------------------------------------------------
    def images(self, n: CNode) -> tuple[tuple | None, list[tuple[str, tuple]], tuple | None]:
        """(start link, [(input, link) between], end link) of a multi-frame node."""
        if n.cls == REFS:
            parts = self.batch(n.links["ref_images"]) if "ref_images" in n.links else []
            if len(parts) < 2:
                return (parts[0] if parts else None), [], None
            return parts[0], [(f"ref_images #{i}", p) for i, p in enumerate(parts[1:-1], 2)], parts[-1]
        start, between, end = FRAMES[n.cls]
        first = n.links.get(start) or self.anchor(n)
        return first, [(k, n.links[k]) for k in between if k in n.links], n.links.get(end)

    def anchor(self, n: CNode) -> tuple | None:
        """The picture an 'anchor_samples' latent encodes (a fork's SVI anchor: the start image), its encoder read."""
        enc = self.wf.nodes.get(n.links["anchor_samples"][0]) if "anchor_samples" in n.links else None
        if enc is None or not enc.cls.startswith("VAEEncode") or "pixels" not in enc.links:
            return None
        self.wf.taken.add(enc.id)
        return enc.links["pixels"]

    def batch(self, link: tuple) -> list[tuple]:
        """The single images a batch node of BATCHES gives, in order; the link itself for anything else."""
        src = self.wf.nodes.get(link[0])
        if src is None or src.cls not in BATCHES:
            return [link]
        prefix = BATCHES[src.cls]
        keys = sorted((k for k in src.links if k.startswith(prefix) and k[len(prefix):].isdigit()),
                      key=lambda k: int(k[len(prefix):]))
        if not keys:
            return [link]
        self.wf.taken.add(src.id)
        return [p for k in keys for p in self.batch(src.links[k])]

    def picture(self, link: tuple) -> str:
        src = self.wf.nodes.get(link[0])
        if src is None:
            return "a picture"
        f = src.widgets.get("image")
        return f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}" + (f": '{f}')" if isinstance(f, str) else ")")

    def frames(self, n: CNode) -> CNode | None:
        """A multi-frame node as WanFirstLastFrameToVideo (WanImageToVideo without an end image); None where it has
        no image at all (left as it is: held, its sentence said)."""
        start, between, end = self.images(n)
        motion = motion_start(self, n) if n.cls == MOTION else None  # its motion frames' last in place of its start
        if motion is not None:
            self.said += [f"{self.name(n)}'s start_image {self.picture(start)} is not used: its motion_frames take its "
                          "place, as the pack lays them"] if start is not None else []
            start = motion
        if start is None and end is None:
            return None
        w = self.named(n)
        links = {k: n.links[k] for k in ("positive", "negative", "vae") if k in n.links}
        links.update({k: n.links[k] for k in SIZE if k in n.links})
        cls = "WanFirstLastFrameToVideo" if end is not None else "WanImageToVideo"
        if start is not None:
            links["start_image"] = start
        if end is not None:
            links["end_image"] = end
            for k in ("clip_vision_start_image", "clip_vision_end_image"):
                if k in n.links:
                    links[k] = n.links[k]
        elif "clip_vision_start_image" in n.links or "clip_vision_output" in n.links:
            links["clip_vision_output"] = n.links.get("clip_vision_start_image") or n.links["clip_vision_output"]
        low = self.outputs(n, trims(n, motion) if n.cls == MOTION else None)
        own = FRAMES.get(n.cls, ("", (), ""))  # its own names of the start and end inputs, taken as Wan's (heldout45
        mids = {p: middle.taken(self, n, link, self.wf.value(n, "length")) for p, link in between
                if p == "middle_image"}  # (its middle picture made as Image to Video's: comfy_middle)
        known = set(links) | {k for k, _ in between} | set(PREV) | {"anchor_samples", "ref_images"} | \
            {"clip_vision_start_image", "clip_vision_end_image", "clip_vision_output", own[0], own[2]} | (  # 05: said not)
                {"motion_frames"} if motion is not None else set()) | (
                {"middle_frame_ratio"} if any(isinstance(m, tuple) for m in mids.values()) else set())
        for k in [k for k in n.links if k not in known]:  # (a pack's motion frames, a mask...)
            self.said.append(f"{self.name(n)}'s '{k}' {self.picture(n.links[k])} " + (
                OFFSET_IDLE if n.cls == MOTION and k == OFFSET and single_pictures(self.wf, n) else
                "is not taken: Wan's task node has no such input"))
        c = self.core(n, cls, {k: w.get(k) for k in SIZE}, links)
        what = "its first and last images as Wan's start and end images" if end is not None else \
            "its image as Wan's start image"
        if start is None:
            self.said.append(f"{self.name(n)} has no start image: its end image alone is Wan's end image")
        at = w.get("ref_positions", n.raw[5] if n.cls == REFS and isinstance(n.raw, list) and len(n.raw) > 5 else "")
        if n.cls == REFS and isinstance(at, str) and at.strip() and end is not None:
            self.said.append(f"{self.name(n)}'s ref_positions {at.strip()!r} are not taken: Studio places its first "
                             "reference at frame 0 and its last at the take's last frame")
        names, places = applied(n, motion) if n.cls == MOTION else (set(), set())  # (its continuing: made)
        for port, link in between:
            mid = mids.get(port)
            if isinstance(mid, tuple):  # Image to Video's middle picture (comfy_middle)
                c.links[middle.PORT], self.middles[c.id] = link, n
                c.ports.setdefault(middle.PORT, (n, "middle_image"))  # (sentences name the pack's input)
                c.widgets.update(mid[0])
                names, places = names | mid[1], places | mid[2]
                self.said.append(mid[3])
                continue
            self.said.append(f"{self.name(n)}'s {port} {self.picture(link)} is not taken: " + (
                mid or _four_why(n, between) or "Wan's first-and-last-frame video takes its first and last frames only"))
        svi, _, at = advanced_svi(n) if n.cls == MOTION else (False, None, set())
        if svi:  # (made where its chain is folded with SVI's conditioning, else said: steps)
            names, places = names | {"long_video_mode", "continue_frames_count"}, places | at
            self.svi_modes[n.id] = n
        rest = [f"{k} {v!r}" for k, v in (n.widgets or {}).items() if k not in SIZE and v is not None
                and k not in n.links and k not in names] or ([repr(v) for i, v in enumerate(n.raw) if i >= len(SIZE)
                                                              and i not in places] if isinstance(n.raw, list) else [])
        self.said.append(f"{self.name(n)} is read as ComfyUI's {cls} ({what})"
                         + (f"; its other settings ({', '.join(rest)[:300]}) are not applied (Studio's Wan holds its "
                            "images whole)" if rest else ""))
        if low and c.id in self.middles:  # (every other strength 1: comfy_middle.why_not)
            self.said.append(f"{self.name(n)}'s positive_low (the conditioning its low-noise sampler takes) feeds "
                             f"{', '.join(low)}: read as its positive_high, its prompt the same; the middle picture's "
                             "low-noise strength, by which the two differ, read as Image to Video's middle_strength_2 "
                             "(Wan 2.2's low-noise expert's)")
        elif low:
            self.said.append(f"{self.name(n)}'s positive_low (the conditioning its low-noise sampler takes, its images "
                             f"held at the low-noise strengths) feeds {', '.join(low)}: read as its positive_high, the "
                             "same for both of Wan 2.2's experts")
        return c

    def outputs(self, n: CNode, known: dict[int, int] | None = None) -> list[str]:
        """The pack node's outputs read as the core node's (positive_high and positive_low -> positive, negative,
        latent); its whole-number outputs (trims, the next offset) said where wired, but those ``known`` (output ->
        its value when converting: comfy_motion_start.trims), read as that number. The nodes positive_low feeds."""
        low, ints, read = [], [], set()
        for m in list(self.wf.nodes.values()):  # (a number made for a known output: beside)
            for k, (src, slot) in list(m.links.items()):
                if src != n.id:
                    continue
                if slot == 1:
                    low.append(f"'{m.title or m.shown_cls}' (#{m.id})")
                if slot in (0, 1, 2, 3):
                    m.links[k] = (src, (0, 0, 1, 2)[slot])
                elif known and slot in known:
                    m.links[k] = (constant(self.wf, n, slot, known[slot]), 0)
                    read.add(slot)
                else:
                    ints.append(f"'{m.title or m.shown_cls}' (#{m.id})'s {k}")
        if read:
            self.said.append(f"{self.name(n)}'s " + " and ".join(f"{TRIMS[k]} {known[k]}" for k in sorted(read))
                             + " (the frames of its take that repeat the motion frames it is given) "
                             + ("are read as those numbers where they are" if len(read) > 1 else
                                "is read as that number where it is") + " wired")
        if ints:
            self.said.append(f"{self.name(n)}'s trim and offset outputs (for joining its passes by hand) feeding "
                             f"{', '.join(ints)} are not read")
        return low

    def svi_pro(self, n: CNode) -> CNode | None:
        """KJNodes' WanImageToVideoSVIPro (or its twin: comfy_svi_twins) as WanImageToVideo: its anchor latent's
        picture the start image; a twin's end latent's picture, where one is wired, Wan's end image
        (WanFirstLastFrameToVideo)."""
        enc = self.wf.nodes.get(n.links["anchor_samples"][0]) if "anchor_samples" in n.links else None
        if enc is None or not enc.cls.startswith("VAEEncode") or "pixels" not in enc.links:
            return None
        links = {k: n.links[k] for k in ("positive", "negative", "length") if k in n.links}
        links["start_image"] = enc.links["pixels"]
        if "vae" in enc.links:
            links["vae"] = enc.links["vae"]
        end = end_latent(n)
        last = self.wf.nodes.get(n.links[end][0]) if end else None
        if last is not None and (not last.cls.startswith("VAEEncode") or "pixels" not in last.links):
            last = None
        w = self.named(n) if n.widgets else {}
        self.wf.taken.add(enc.id)
        if last is not None:
            links["end_image"] = last.links["pixels"]
            self.wf.taken.add(last.id)
        c = self.core(n, "WanFirstLastFrameToVideo" if last is not None else "WanImageToVideo",
                      {"length": w.get("length")}, links)
        if last is not None:  # (a sentence names the input the file's node has: its end latent, the picture's way in)
            c.ports.setdefault("end_image", (n, end))
        self.said.append(f"{self.name(n)} is read as ComfyUI's {c.cls}, the picture its anchor latent encodes "
                         f"(through '{enc.title or enc.shown_cls}', #{enc.id}) its start image"
                         + (f" and the picture its '{end}' latent encodes (through '{last.title or last.shown_cls}', "
                            f"#{last.id}) its end image" if last is not None else ""))
        if end and last is None:
            self.said.append(f"{self.name(n)}'s '{end}' latent (the segment's last frames) is not taken: it encodes no "
                             "picture Studio reads (no VAEEncode's), so Wan's take has no end image")
        return c

    # -- passes continued into one take ------------------------------------------------------------------------
    def chains(self, passes: list[tuple[CNode, CNode]]) -> None:
        """Each chain of passes continuing the one before (their prev latent from that pass's last sampler) read as
        the first pass's take made longer."""
        after, self.riders = {}, {}  # an earlier pass's sampler -> the pass continuing its take
        for p, src in passes:
            if self.samplers(p):
                after[src.id] = p
            else:  # conditioning alone (SVI's for a pass's refine): taken with the pass it continues
                self.riders.setdefault(src.id, []).append(p)
        continuing = {p.id for p, _ in passes}
        heads = [n for n in self.wf.nodes.values() if n.id not in continuing and n.enabled
                 and n.cls in ("WanImageToVideo", "WanFirstLastFrameToVideo") and self.next_pass(n, after)]
        for first in heads:
            chain = [first]
            while len(chain) < MAX_PASSES and (nxt := self.next_pass(chain[-1], after)) and nxt not in chain:
                chain.append(nxt)
            if len(chain) > 1:
                self.fold(chain)

    def next_pass(self, p: CNode, after: dict) -> CNode | None:
        """The pass continuing the take of pass ``p`` (from any of its samplers, the last first)."""
        return next((after[s.id] for s in reversed(self.samplers(p)) if s.id in after), None)

    def samplers(self, p: CNode) -> list[CNode]:
        """The samplers that sample pass ``p``'s latent, in order (Wan 2.2's high- then low-noise expert)."""
        out, at = [], (p.id, 2)
        for _ in range(8):
            nxt = next((m for m in self.wf.nodes.values() if m.cls in SAMPLED and m.enabled
                        and tuple(m.links.get("latent_image", ("", -1))[:2]) == at), None)
            if nxt is None and out and (r := refine_of(self.wf, out[-1])) is not None and r[0] not in out:
                nxt = r[0]  # its whole take decoded, resized, encoded again and refined (the low-noise expert)
                self.refined[nxt.id] = [m for m in r[1] if not m.cls.startswith("VAEDecode")]
            if nxt is None:
                return out
            out.append(nxt)
            at = (nxt.id, 0)
        return out

    def last_sampler(self, p: CNode) -> CNode | None:
        found = self.samplers(p)
        return found[-1] if found else None

    def fold(self, chain: list[CNode]) -> None:
        """Passes ``chain`` (the first, then each continuing the one before) as the first pass's take made longer."""
        first, firsts = chain[0], self.samplers(chain[0])
        head = firsts[-1]
        if "end_image" in first.links:  # Studio's last image ends the whole take, not the first pass
            self.said.append(f"{self.name(first)}'s end image {self.picture(first.links['end_image'])} ends the first "
                             "pass only in ComfyUI: it is not taken (Studio's last image would end the whole take)")
            first.cls = "WanImageToVideo"
            first.links = {k: v for k, v in first.links.items() if k not in ("end_image", "clip_vision_end_image")}
        if middle.PORT in first.links:  # (Image to Video's middle picture conditions one call: comfy_middle)
            self.said.append(f"{self.name(first)}'s middle picture {self.picture(first.links[middle.PORT])} is not "
                             "taken after all: the pass is made one window of a continued take, and a middle picture "
                             "conditions one call")
            del first.links[middle.PORT]
            for k in ("middle_frame", "middle_strength", "middle_strength_2"):
                first.widgets.pop(k, None)
        later, prompts = [], []
        mine = {first.links[k][0] for k in ("positive", "negative") if k in first.links}
        before = firsts
        for p in chain[1:]:
            prompts += [p.links[k][0] for k in ("positive", "negative") if k in p.links
                        and p.links[k][0] not in mine and p.links[k][0] not in prompts]
            if "end_image" in p.links:
                self.said.append(f"{self.name(p)}'s end image {self.picture(p.links['end_image'])} (the end of its "
                                 "pass) is not taken: the pass is folded into the continued take")
            if middle.PORT in p.links:
                self.said.append(f"{self.name(p)}'s middle picture {self.picture(p.links[middle.PORT])} is not "
                                 "taken after all: the pass is folded into the continued take")
            own = self.samplers(p)
            later += own
            riders = [r for s in before for r in self.riders.get(s.id, ()) if self.conditions(r, own)]
            before = own
            for mine_s, first_s in (zip(own, firsts) if len(own) == len(firsts) else [(own[-1], head)] if own else []):
                self.previews(mine_s, p)
                for slot in range(3):  # its take (and a SamplerCustom's denoised output) read as the first pass's
                    self.rewire((mine_s.id, slot), (first_s.id, slot))
            self.parts(p, own, riders)
        for s in firsts:
            self.first_decoders(s, first, len(chain))
        overlaps = self.joins(head)
        self.partial_joins(head)
        lengths = [self.wf.value(p, "length") for p in chain]
        names = ", ".join(f"#{p.id}" for p in chain)
        if not all(finite(v) and v > 0 for v in lengths):
            self.said.append(f"the {len(chain)} passes ({names}) each continue the take of the one before: Studio makes "
                             "them one continued take ('long take: continue'), but their lengths are not read: set the "
                             "generator's 'frames' to the whole length and 'window' to one pass's")
            for s in firsts:
                self.wf.carried.setdefault(s.id, {}).update({"long_take": "continue"})
            return
        total = int(lengths[0]) + sum(int(v) - o for v, o in zip(lengths[1:], overlaps + [0] * len(lengths)))
        for s in firsts:
            self.wf.carried.setdefault(s.id, {}).update({"long_take": "continue", "window": int(lengths[0]),
                                                         "frames": total})
        self.made["passes"] = "one continued take ('long take: continue')"
        svi, read = motion_latents(self, chain)  # SVI 2.0 Pro's anchor and motion latents (comfy_svi_motion)
        lead = 1 + 4 * svi if svi and 1 + 4 * svi < int(lengths[0]) else 1
        if lead > 1:
            for s in firsts:
                self.wf.carried.setdefault(s.id, {})["svi_motion_latents"] = svi
        scheduled = place(self, chain, firsts[0], total, int(lengths[0]), lead)  # each pass's prompt
        self.said.append(
            f"the {len(chain)} passes ({names}) each continue the take of the one before: Studio makes "
            f"them one continued take of {total} frames ('long take: continue', 'window' {int(lengths[0])}), each "
            + ("window after the first starting from the last frame of the one before (its start image)" if lead == 1
               else f"window after the first sharing the last {lead} frames of the one before") + ", with the first "
            + ("pass's samplers and settings; the later passes' samplers "
               if scheduled else f"pass's prompt, samplers and settings; the later passes' own prompts "
               f"({', '.join(self.prompt_words(i) for i in prompts[:8]) or 'the same'}) and samplers ")
            + f"({', '.join(f'#{s.id}' for s in later[:8])}) are not taken")
        self.svi_said(chain, svi, read, lead, int(lengths[0]), total)
        if any(overlaps):
            shared = "one frame" if lead == 1 else f"{lead} frames, the earlier window's kept (not blended)"
            self.said.append(f"the passes' frames are joined in ComfyUI over {', '.join(str(o) for o in overlaps)} "
                             f"blended frames: Studio's windows share {shared}, the colour of each held to the one "
                             "before")

    def svi_said(self, chain: list[CNode], svi: int, read: str, lead: int, window: int, total: int) -> None:
        """Stable Video Infinity's conditioning of the chain said: made ('svi_motion_latents'), or why not."""
        self.svi_made.update(p.id for p in chain)  # (its passes' 'SVI' modes said here, made or not)
        if lead > 1:
            made = len(continued_starts(total, wan_window(window), lead))
            self.said.append(f"Stable Video Infinity 2.0 Pro's conditioning is made ('svi_motion_latents' {svi}, read "
                             f"from {read}): each window after the first conditioned on the anchor (the first pass's "
                             f"start image) and the last {svi} latent frame{'s' if svi > 1 else ''} of the window "
                             "before, zeros after them, only the anchor's frame marked as given"
                             + ("" if first_is_svi(self, chain[0]) else f"; the first window too is conditioned so "
                                f"(the anchor, zeros after it), where ComfyUI's first pass {self.name(chain[0])} is a "
                                "plain image to video")
                             + (f"; the {total} frames are made in {made} windows of {wan_window(window)} sharing "
                                f"{lead} frames, where ComfyUI makes {len(chain)} passes" if made != len(chain) else ""))
            return
        if svi or read or any(p.origin == "WanSVIProAdvancedI2V" or svi_twin(p.origin or "") or "SVI" in self.saved(p)
                              for p in chain):
            why = read or (f"its {svi} motion latents span {4 * svi} frames of a window of {window}" if svi else "") \
                or (SVI_ADVANCED_WHY if any(p.origin == "WanSVIProAdvancedI2V" for p in chain) else "")
            self.said.append("Stable Video Infinity conditions each pass on the anchor image with the last latent frames "
                             "of the pass before (its SVI LoRA trained for that): not made here"
                             + (f" ({why})" if why else "") + "; Studio's windows start from the last frame alone, the "
                             "anchor being the first window's start image only")

    def parts(self, p: CNode, own: list[CNode], riders: list[CNode]) -> None:
        """Later pass ``p``'s own nodes taken (its samplers, the SVI nodes conditioning its refine, the steps on its
        frames' way that feed nothing else), each said."""
        steps = [m for s in own for m in self.refined.get(s.id, ())] + [
            m for x in [p] + riders for m in self.ways.get(x.id, ()) if not m.cls.startswith("VAEDecode")]
        for _ in range(len(steps)):  # those feeding only the pass's own nodes
            inside = {p.id} | {m.id for m in steps} | {s.id for s in own} | {r.id for r in riders}
            steps = [m for m in steps if all(c.id in inside for c in self.consumers(m))]
        for r in riders:
            self.said.append(f"{self.name(r)} makes the conditioning of pass {self.name(p)}'s refine from the take of "
                             "the pass before: not taken, the pass being folded into the continued take")
        self.wf.taken.update({p.id} | {s.id for s in own} | {m.id for m in steps} | {r.id for r in riders})
        guiders = [g for s in own if "guider" in s.links and (g := self.wf.nodes.get(s.links["guider"][0])) is not None
                   and all(c.id in self.wf.taken for c in self.consumers(g))]
        if guiders:
            self.wf.taken.update(g.id for g in guiders)
            self.said.append(f"the guiders of pass {self.name(p)}'s samplers ("
                             + ", ".join(f"'{g.title or g.shown_cls}' ({g.shown_cls}, #{g.id}"
                                         + (f": cfg {v}" if (v := self.wf.value(g, "cfg")) is not None else "") + ")"
                                         for g in guiders)
                             + ") are not taken with them: the continued take is guided as its first pass")
        if steps:
            self.said.append(f"the steps on the way from the pass before to pass {self.name(p)} and within it ("
                             + ", ".join(f"'{m.title or m.shown_cls}' ({m.shown_cls}, #{m.id})" for m in steps)
                             + ") are not applied: the pass is folded into the continued take")

    def consumers(self, n: CNode) -> list[CNode]:
        return [m for m in self.wf.nodes.values() if any(v[0] == n.id for v in m.links.values())]

    def conditions(self, r: CNode, own: list[CNode]) -> bool:
        """SVI node ``r``'s conditioning reaches one of samplers ``own`` (directly or through its guider)."""
        for s in own:
            g = self.wf.nodes.get(s.links["guider"][0]) if "guider" in s.links else s
            if g is not None and any(g.links.get(k, ("",))[0] == r.id for k in ("positive", "negative")):
                return True
        return False

    def first_decoders(self, s: CNode, first: CNode, passes: int) -> None:
        """The decoders of the first pass's take whose frames go elsewhere than through reroutes and pass-throughs,
        said: they decode the whole continued take here."""
        for m in self.consumers(s):
            if m.cls.startswith("VAEDecode") and m.id not in self.shown and self.elsewhere(m):
                self.said.append(f"'{m.title or m.shown_cls}' ({m.shown_cls}, #{m.id}) decodes the frames of the first "
                                 f"pass {self.name(first)} alone in ComfyUI: here it decodes the whole continued take of "
                                 f"the {passes} passes (what it feeds shows the whole take)")

    def elsewhere(self, n: CNode, depth: int = 0) -> bool:
        """``n``'s frames reach a node other than a join of the passes (through reroutes and pass-throughs) or a
        later pass's taken node: a preview or a save of the first pass alone."""
        for c in self.consumers(n):
            if c.id in self.wf.taken or c.cls in JOINS:
                continue
            if c.cls not in PASS_ON or (depth < 16 and self.elsewhere(c, depth + 1)):
                return True
        return False

    def saved(self, p: CNode) -> list:
        """The settings a translated node's pack node saved (its mode among them: 'SVI')."""
        src = self.original.get(p.id)
        if src is None:
            return []
        return list(src.widgets.values()) if src.widgets else list(src.raw) if isinstance(src.raw, list) else []

    def prompt_words(self, nid: str) -> str:
        """'#464 'she turns'' for a later pass's prompt node (its text's start, where it has one)."""
        n = self.wf.nodes.get(nid)
        text = self.wf.value(n, "text") if n is not None else None
        return f"#{nid} '{text[:40]}'" if isinstance(text, str) and text.strip() else f"#{nid}"

    def previews(self, s: CNode, p: CNode) -> None:
        """The decoders of a later pass's own take (its frames saved or shown alone in ComfyUI), said: they decode
        the whole continued take here."""
        for m in self.wf.nodes.values():
            got = m.links.get("samples") or m.links.get("latents")
            if m.cls.startswith("VAEDecode") and got is not None and got[0] == s.id:
                self.shown.add(m.id)
                if not self.elsewhere(m):  # its frames go to the joins alone (heldout50 01: no preview, no save)
                    self.said.append(f"'{m.title or m.shown_cls}' ({m.shown_cls}, #{m.id}) decodes the frames of pass "
                                     f"{self.name(p)} alone in ComfyUI, for the join of the passes' frames: here the "
                                     "continued take is decoded whole")
                    continue
                self.said.append(f"'{m.title or m.shown_cls}' ({m.shown_cls}, #{m.id}) decodes the frames of pass "
                                 f"{self.name(p)} alone in ComfyUI: here it decodes the whole continued take (what it "
                                 "feeds, a preview or a save of that pass, shows the whole take)")

    def partial_joins(self, head: CNode) -> None:
        """The joins of the continued take's frames with frames it does not make (a clip loaded and extended), said:
        Studio's take is made without them."""
        for j in self.wf.nodes.values():
            ports = JOINS.get(j.cls)
            if ports is None or j.id in self.wf.taken or not j.enabled or j.id in self.wf.idle or \
                    not all(k in j.links for k in ports):  # (a join no output reads: said so, mapping/unrun.py)
                continue
            sides = [self.decoded(j.links[k]) for k in ports]
            if any(x is not None and x[0] == head.id for x in sides) and \
                    not (sides[0] is not None and sides[1] is not None and sides[0][0] == sides[1][0]):
                other = self.wf.nodes.get(j.links[ports[sides[0] is not None and sides[0][0] == head.id]][0])
                self.said.append(f"'{j.title or j.shown_cls}' ({j.shown_cls}, #{j.id}) joins the continued take to "
                                 + (f"the frames of '{other.title or other.shown_cls}' ({other.shown_cls}, #{other.id})"
                                    if other is not None else "other frames")
                                 + ", which Studio's take does not make: what it feeds is given the take without them")

    def decoded(self, link: tuple) -> tuple | None:
        """(the latent link a decoder reads) behind an image link, through colour matches and reroutes; None."""
        for _ in range(16):
            src = self.wf.nodes.get(link[0])
            if src is None:
                return None
            if src.cls.startswith("VAEDecode"):
                got = src.links.get("samples") or src.links.get("latents")
                return tuple(got[:2]) if got else None
            port = PASS_ON.get(src.cls)
            if port is None:
                return None
            link = src.links.get(port) or next(iter(src.links.values()), None)
            if link is None:
                return None
        return None

    def between(self, j: CNode) -> list[CNode]:
        """The colour matches and reroutes on a join's new frames' way back to their decoder."""
        out, link = [], j.links.get(JOINS[j.cls][1])
        for _ in range(16):
            src = self.wf.nodes.get(link[0]) if link else None
            if src is None or src.cls not in PASS_ON:
                return out
            out.append(src)
            link = src.links.get(PASS_ON[src.cls]) or next(iter(src.links.values()), None)
        return out

    def joins(self, head: CNode) -> list[int]:
        """The joins whose both frames now decode the first pass's take, read away (their output its frames); the
        frames each overlapped, in the order folded."""
        overlaps = []
        for _ in range(MAX_PASSES):
            hit = None
            for j in self.wf.nodes.values():
                ports = JOINS.get(j.cls)
                if ports is None or j.id in self.wf.taken or not all(k in j.links for k in ports):
                    continue
                a, b = (self.decoded(j.links[k]) for k in ports)
                if a is not None and b is not None and a[0] == b[0] == head.id:
                    hit = j
                    break
            if hit is None:
                return overlaps
            matches = [m for m in self.between(hit) if m.cls in MATCHES]
            if matches:
                self.said.append(f"the colour match{'es' if len(matches) > 1 else ''} on the passes' frames ("
                                 + ", ".join(f"'{m.title or m.shown_cls}' ({m.shown_cls}, #{m.id})" for m in matches)
                                 + ") joined by " + f"'{hit.title or hit.shown_cls}' (#{hit.id}) "
                                 + ("are" if len(matches) > 1 else "is") + " not applied: Studio holds each window's "
                                 "colour to the one before")
            src = hit.links[JOINS[hit.cls][0]]
            for slot in range(3):
                self.rewire((hit.id, slot), src)
            self.wf.taken.add(hit.id)
            v = self.wf.value(hit, "overlap") if hit.cls == "ImageBatchExtendWithOverlap" else 0
            if hit.cls == "ImageBatchExtendWithOverlap" and v is None and isinstance(hit.raw, list) and hit.raw:
                v = hit.raw[0]
            overlaps.append(int(v) if finite(v) and v > 0 else 0)
        return overlaps


def translate(wf) -> list[str]:
    """The workflow's multi-frame and SVI nodes read as Wan's core task nodes, their passes as one take; what is said."""
    return _Frames.translate(wf)

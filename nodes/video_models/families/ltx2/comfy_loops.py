"""LTX-2's long takes in ComfyUI-LTXVideo (Lightricks' node pack; looping_sampler.py and easy_samplers.py read for
their inputs and outputs only) read as ONE continued take (issue 112 item 4):

* ``LTXVLoopingSampler`` samples a long video latent in overlapping temporal tiles (``temporal_tile_size`` frames,
  the first one frame longer, each later tile conditioned on the last ``temporal_overlap`` frames of the one before):
  read as ComfyUI's SamplerCustomAdvanced on the same noise, guider, sampler, sigmas and latent, its generator
  carried Studio's 'long take: continue' with 'window' the first tile's frames and 'overlap' the tiles' overlap.
  Its keyframe images (``optional_cond_images`` at ``optional_cond_image_indices``, negative counted from the
  end) become a node of this family's (``KEYS``) read on the latent's way: one at frame 0 the start image, the
  others keyframes at their frames. What Studio's windows do otherwise is said, each in one sentence.
* ``LTXVExtendSampler`` adds ``num_new_frames`` to the take it is given (its output the whole take): a chain of
  them on one first sampler is that sampler's take made longer, continued window by window, not a take a node.

Plain data and stdlib: nothing of ComfyUI is imported or run."""
from __future__ import annotations

from studio.convert.api import (CNode, PackTranslation, Workflow, finite, frame_mark, node_type, sampler_denoise,
                                schedule_input, schedule_on)

from .comfy_extend_way import other_readers, take_sampler
from .comfy_guiding import guiding_control, one_window

LOOP, EXTEND, PROMPTS = "LTXVLoopingSampler", "LTXVExtendSampler", "MultiPromptProvider"
KEYS = "LTXVLoopKeyframes"  # the looping sampler's keyframe images, as this family's node on the latent's way
TILES = "LTXVLoopPrompts"  # its prompts per tile, as this family's node on the latent's way
TIME = 8  # LTX-2's VAE: pixel frames a latent frame holds (after the first)
LOOP_WIDGETS = ("temporal_tile_size", "temporal_overlap", "guiding_strength", "temporal_overlap_cond_strength",
                "cond_image_strength", "horizontal_tiles", "vertical_tiles", "spatial_overlap", "adain_factor",
                "guiding_start_step", "guiding_end_step", "optional_cond_image_indices")
EXTEND_WIDGETS = ("num_new_frames", "frame_overlap", "strength", "cond_image_strength", "optional_cond_indices")
LENGTHS = ("length", "num_frames", "frames_number", "frames")  # a latent maker's frames, by its usual names
MAX_CHAIN = 256  # extend samplers followed down one chain
# the pack's looping sampler before 2026-01 (ee11be3's looping_sampler.py, read for meaning) took one picture on
# 'optional_cond_image', given to its first temporal tile's LTXVBaseSampler at index 0 (strength its
# temporal_overlap_cond_strength): a name of that older declaration, which today's catalogue does not list
OLD_START = "optional_cond_image"
SAMPLED = ("SamplerCustomAdvanced", "SamplerCustom", "KSampler", "KSamplerAdvanced")  # a take an extension extends


def lead(overlap: int) -> int:
    """The frames Studio's 'continue' gives a window of the one before, for ``overlap``: the longest length LTX-2's VAE
    encodes whole (t·8 + 1) not past it (nodes/video_models/takes/continuation.py's lead_frames)."""
    return (max(1, overlap) - 1) // TIME * TIME + 1


def indices(text) -> list[int] | None:
    """'0, 48, -1' -> [0, 48, -1]; None where a part is not a whole number."""
    if isinstance(text, int) and not isinstance(text, bool):
        return [text]
    parts = [p.strip() for p in str(text if text is not None else "0").split(",") if p.strip()]
    try:
        return [int(p) for p in parts] or [0]
    except ValueError:
        return None


class _Loops(PackTranslation):
    PACK = "ComfyUI-LTXVideo"
    PREFIXES = (LOOP, EXTEND, PROMPTS)
    WIDGETS = {LOOP: LOOP_WIDGETS, EXTEND: EXTEND_WIDGETS, PROMPTS: ("prompts",)}

    def steps(self) -> None:
        for n in [n for n in self.wf.nodes.values() if n.cls == LOOP and n.enabled]:
            if {"guider", "latents", "noise", "sampler", "sigmas"} <= set(n.links):  # else held, its sentence said
                self.loop(n)
        self.extends()

    def name(self, n: CNode) -> str:
        return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"

    def loop(self, n: CNode) -> None:
        """One looping sampler as SamplerCustomAdvanced, its tiles as the generator's continued windows."""
        w = self.named(n)
        tile, overlap = w.get("temporal_tile_size", 80), w.get("temporal_overlap", 24)
        latent = n.links.get("latents")
        if "optional_positive_conditionings" in n.links and latent is not None:  # (farther from the sampler than its
            latent = self.prompts(n, w, latent)  # keyframes: read after them, on the generator they decide)
        if "optional_cond_images" in n.links and latent is not None:
            latent = self.keys(n, w, latent)
        elif OLD_START in n.links and latent is not None:  # the pack's older input: its first tile's start image, held
            latent = self.keys(n, {**w, "optional_cond_image_indices": "0",  # at its temporal_overlap_cond_strength
                                   "cond_image_strength": w.get("temporal_overlap_cond_strength", 0.5)}, latent, OLD_START)
        latent, guided = guiding_control(self, n, w, latent)  # a clip's guiding latents: LTX-2's control (comfy_guiding)
        links = {k: n.links[k] for k in ("noise", "guider", "sampler", "sigmas") if k in n.links}
        if latent is not None:
            links["latent_image"] = latent
        self.core(n, "SamplerCustomAdvanced", {}, links)
        encoded = _encoded_behind(self.wf, n)
        whole = (sampler_denoise(self.wf, n) or 0) >= 1  # the encoded clip noised away: a take made anew
        restyle = encoded is not None and not guided and not whole  # a clip re-sampled
        started = latent is not None and self.wf.nodes.get(latent[0]) is not None and \
            self.wf.nodes[latent[0]].cls == KEYS and len([k for k in self.wf.nodes[latent[0]].links
                                                          if k.startswith("image_")]) == 1 \
            and self.wf.nodes[latent[0]].widgets.get("index_1") == 0  # one start image: image to video
        if guided:  # LTX-2's own node (its control clip) makes the take in one window (comfy_guiding)
            one_window(self, n, w)
            self.unlike(n, w, restyle, windows=False)
            return
        if (take := self.sampled_before(n)) is not None:  # a refine of a take sampled before (heldout36 08's detail
            self.said.append(  # pass on the x2 upsampled take): no long take of its own, its tiles not carried
                f"{self.name(n)} re-samples the take {self.name(take)} made (a refining pass) in tiles of {tile} frames "
                f"overlapping by {overlap}: Studio's refine of that take does not run it in these tiles (its "
                "temporal_tile_size, temporal_overlap and temporal_overlap_cond_strength not taken)")
            self.unlike(n, w, restyle, windows=False)
            return
        carried: dict = {"long_take": "separate shots" if restyle else "continue"}
        if finite(tile) and tile > 0:
            carried["window"] = int(tile) + 1
        if finite(overlap) and overlap > 0:
            carried["overlap"] = int(overlap)
        self.wf.carried.setdefault(n.id, {}).update(carried)
        self.made[LOOP] = "SamplerCustomAdvanced, its tiles the generator's 'long take' windows (window, overlap)"
        t, o = carried.get("window"), carried.get("overlap")
        if not (t and o):
            self.said.append(f"{self.name(n)}'s tile size or overlap is not a number Studio reads: the generator's own "
                             "'window' and 'overlap' stand")
        elif restyle:
            self.said.append(
                f"{self.name(n)} re-samples the clip in tiles of {t - 1} frames (the first {t}) overlapping by {o}: "
                f"Studio's Video to Video makes it as one take in windows of {t} frames blended over {o} ('long "
                "take: separate shots'): its Video to Video takes no frames of the window before to continue from")
        else:
            start = "the last frame of the one before (its start image)" if started else \
                f"the last {lead(o)} frames of the one before (the longest length the model's VAE encodes whole within " \
                "the overlap)"
            self.said.append(
                f"{self.name(n)} samples the take in tiles of {t - 1} frames (the first {t}) overlapping by {o}: Studio "
                f"makes it as one continued take ('long take: continue', 'window' {t}, 'overlap' {o}), each window "
                f"after the first starting from {start}, its colour held to them")
        self.unlike(n, w, restyle)

    def sampled_before(self, n: CNode) -> CNode | None:
        """The sampler whose take ``n``'s 'latents' are, through latent steps (an upsampler, a reroute), by their
        LATENT inputs; None where they are a new latent (an empty one, an encoded clip) or not found."""
        seen, src = {n.id}, self.wf.source(n, "latents")
        for _ in range(MAX_CHAIN):
            if src is None or src.id in seen:
                return None
            if src.cls in SAMPLED or src.cls in (LOOP, EXTEND):
                return src
            seen.add(src.id)
            port = next((k for k in ("samples", "latents", "latent", "latent_image") if k in src.links), None)
            src = self.wf.source(src, port) if port else None
        return None

    def unlike(self, n: CNode, w: dict, restyle: bool, windows: bool = True) -> None:
        """What the looping sampler does that Studio's windows do not, one sentence each (``restyle``: its windows
        are separate shots blended over the overlap, else each continues from the one before; ``windows`` False: the
        take is made in one window, its tile settings said there)."""
        s = w.get("temporal_overlap_cond_strength")
        if finite(s) and s != 1 and windows:
            self.said.append(f"{self.name(n)}'s temporal_overlap_cond_strength {s:g} (how strongly a tile holds the "
                             "frames it continues from) is not taken: " + (
                                 "Studio's windows are blended over the overlap instead" if restyle else
                                 "Studio's windows hold them fully"))
        tiles = [w.get(k) for k in ("horizontal_tiles", "vertical_tiles")]
        if any(finite(v) and v > 1 for v in tiles):
            self.said.append(f"{self.name(n)} samples each frame in {tiles[0]} x {tiles[1]} spatial tiles: Studio "
                             "samples the whole frame at once (the same take, more memory)")
        a = w.get("adain_factor")
        if finite(a) and a > 0 and windows:
            self.said.append(f"{self.name(n)}'s adain_factor {a:g} (each tile's latent statistics matched to the "
                             "first tile's) is not taken" + ("" if restyle else ": Studio's colour hold matches each "
                                                             "window's colour to the frames it shares with the one "
                                                             "before instead"))
        for port, what in (("optional_guiding_latents", "guiding latents (an IC-LoRA's)"),
                           ("optional_negative_index_latents", "latents at a negative index (long-term context)"),
                           ("optional_normalizing_latents", "latents it normalizes each tile to")):
            src = self.wf.nodes.get(n.links[port][0]) if port in n.links else None
            if src is not None and not (port == "optional_guiding_latents" and f"{n.id}:guide" in self.wf.nodes):
                self.said.append(f"{self.name(n)}'s {what} on '{port}', from '{src.title or src.shown_cls}' "
                                 f"({src.shown_cls}, #{src.id}), are not taken: Studio's generator has no such input")
        src = self.wf.nodes.get(n.links["optional_positive_conditionings"][0]) \
            if "optional_positive_conditionings" in n.links else None
        if src is not None and f"{n.id}:prompts" not in self.wf.nodes:  # (read on the latent's way: loop_prompts)
            self.said.append(f"{self.name(n)}'s prompts per tile from '{src.title or src.shown_cls}' ({src.shown_cls}, "
                             f"#{src.id}) are not taken: the whole take is made from its guider's prompt")

    def prompts(self, n: CNode, w: dict, latent: tuple) -> tuple:
        """The looping sampler's prompts per tile (MultiPromptProvider's, '|' between them) as this family's node
        (TILES) on its latent's way, each with the frame its tile's new frames start at; the latent as it was where
        they cannot be read so (said in :meth:`unlike`)."""
        src = self.wf.nodes.get(n.links["optional_positive_conditionings"][0])
        tile, overlap = w.get("temporal_tile_size", 80), w.get("temporal_overlap", 24)
        text = str(self.named(src).get("prompts") or "") if src is not None and src.cls == PROMPTS else ""
        prompts = [p.strip() for p in text.split("|") if p.strip()]
        if not prompts or any(c in p for p in prompts for c in ";@\n") or not (finite(tile) and finite(overlap)) \
                or tile <= overlap:
            return latent
        starts = [0] + [int(tile) + 1 + k * int(tile - overlap) for k in range(len(prompts) - 1)]
        keys = "\n".join(f"{at}: {p}" for at, p in zip(starts, prompts))
        self.core(n, TILES, {"prompts": keys, "count": len(prompts), "from": src.id, "from_cls": src.shown_cls,
                             "from_title": src.title or src.shown_cls}, {"latent": latent}, nid=f"{n.id}:prompts")
        self.wf.taken.add(src.id)
        return (f"{n.id}:prompts", 0)

    def keys(self, n: CNode, w: dict, latent: tuple, port: str = "optional_cond_images") -> tuple:
        """The looping sampler's keyframe images as this family's node (KEYS) on its latent's way; a batch of images
        is taken apart where it is ComfyUI's ImageBatch of single images, one image an index."""
        at = indices(w.get("optional_cond_image_indices", "0"))
        images = self.batch(n.links[port])
        if at is None or len(images) != len(at):
            self.said.append(f"{self.name(n)}'s keyframe images ({len(images)}) at frames "
                             f"{w.get('optional_cond_image_indices')!r} are not read as one image a frame: "
                             "the first is taken as the start image")
            images, at = images[:1], [0]
        widgets = {"strength": w.get("cond_image_strength", 1.0),
                   "strength_name": "temporal_overlap_cond_strength" if port == OLD_START else "cond_image_strength"}
        links = {"latent": latent}
        for i, (img, k) in enumerate(zip(images, at), 1):
            links[f"image_{i}"] = img
            widgets[f"index_{i}"] = k
        self.core(n, KEYS, widgets, links, nid=f"{n.id}:keys")
        return (f"{n.id}:keys", 0)

    def batch(self, link: tuple) -> list[tuple]:
        """The images a link gives, as links to single images: ComfyUI's ImageBatch (image1 then image2) taken apart,
        in order; anything else one link."""
        src = self.wf.nodes.get(link[0])
        if src is None or src.cls != "ImageBatch" or not {"image1", "image2"} <= set(src.links):
            return [link]
        self.wf.taken.add(src.id)
        return self.batch(src.links["image1"]) + self.batch(src.links["image2"])

    def extends(self) -> None:
        """Each chain of extend samplers on one first sampler: that sampler's take made longer (its frames carried)."""
        for _ in range(MAX_CHAIN):
            ext = next((n for n in self.wf.nodes.values() if n.cls == EXTEND and n.enabled and n.links.get("latents")
                        and take_sampler(self.wf, n.links["latents"], SAMPLED) is not None), None)
            if ext is None:
                return
            self.extend(ext)

    def first_frames(self, sampler: CNode) -> int | None:
        """The frames of the take a sampler makes, from its latent's maker (its 'length'), as far as one is read."""
        if sampler.id in self.wf.carried and "frames" in self.wf.carried[sampler.id]:
            return self.wf.carried[sampler.id]["frames"]
        src, seen = sampler, set()
        while src is not None and src.id not in seen and len(seen) < MAX_CHAIN:
            seen.add(src.id)
            for k in LENGTHS:
                v = self.wf.value(src, k)
                if finite(v) and v > 0:
                    return int(v)
            key = next((k for k in ("latent_image", "latent", "latents", "samples", "video_latent") if k in src.links),
                       None)
            src = self.wf.nodes.get(src.links[key][0]) if key else None
        return None

    def extend(self, n: CNode) -> None:
        """One extend sampler folded into the take it extends: its consumers read that take, which is
        ``num_new_frames`` longer, continued over ``frame_overlap`` frames."""
        w = self.named(n)
        src = n.links["latents"]
        sampler = take_sampler(self.wf, src, SAMPLED)  # (through LTXVCropGuides and the like: comfy_extend_way)
        readers = other_readers(self.wf, src, n) if sampler.id not in self.wf.carried else []
        for m in self.wf.nodes.values():  # its take (output 0) read from the sampler's, made longer
            for k, v in list(m.links.items()):
                if tuple(v[:2]) == (n.id, 0):
                    m.links[k] = src
        given = {k: self.wf.nodes.get(n.links[k][0]) for k in ("optional_cond_images", "optional_guiding_latents")
                 if k in n.links}  # (said below: not taken)
        own = _own_settings(self.wf, n)  # its own noise (a seed), named in its sentence below: not taken
        n.links.clear()  # folded: nothing of the graph above reaches it any more (its settings are carried)
        self.wf.taken.add(n.id)
        self.made[EXTEND] = "the take it extends made longer ('long take: continue')"
        for port, src in given.items():  # its own keyframes or guide: not read into the one continued take
            at = f" at its frames {w.get('optional_cond_indices')!r} (counted in the extension)" \
                if port == "optional_cond_images" and w.get("optional_cond_indices") not in (None, "") else ""
            self.said.append(f"{self.name(n)}'s {'pictures' if port == 'optional_cond_images' else 'guiding latents'} "
                             f"on '{port}'" + (f", from '{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id})"
                                               if src is not None else "")
                             + f"{at}, are not taken: Studio's continued windows take the first sampler's inputs")
        new, overlap = w.get("num_new_frames"), w.get("frame_overlap", 16)
        base = self.first_frames(sampler)
        carried = self.wf.carried.setdefault(sampler.id, {})
        if not (finite(new) and new > 0) or base is None:
            why = "its num_new_frames is not a number of frames" if not (finite(new) and new > 0) else \
                "the length of the take it extends is not read"
            self.said.append(f"{self.name(n)} extends the take of '{sampler.title or sampler.shown_cls}' "
                             f"(#{sampler.id}): {why}, so Studio's take keeps its own length; set the generator's "
                             "'frames' to the whole length")
            return
        carried.setdefault("window", base)
        carried.update({"long_take": "continue", "frames": base + int(new)})
        if finite(overlap) and overlap > 0:
            carried.setdefault("overlap", int(overlap))
        if readers:  # another output saves the take as it is before the extension: one take made, said
            r = readers[0]
            self.said.append(f"'{r.title or r.shown_cls}' ({r.shown_cls}, #{r.id}) reads the take of "
                             f"'{sampler.title or sampler.shown_cls}' (#{sampler.id}) before {self.name(n)} extends it "
                             f"({base} frames): Studio's graph makes that take once, {base + int(new)} frames long "
                             "(and longer for each further extension), for every output; trim it with Trim where the "
                             "shorter take matters")
        self.said.append(f"{self.name(n)} extends the take of '{sampler.title or sampler.shown_cls}' (#{sampler.id}) by "
                         f"{int(new)} frames over an overlap of {overlap}: Studio makes the take {base + int(new)} "
                         f"frames long, continued window by window ('long take: continue', 'window' "
                         f"{carried['window']}, 'overlap' {carried.get('overlap')}), with the first sampler's prompt "
                         "and settings; the extension's own " + "".join(f"{k} ('{m.title or m.shown_cls}' "
                                                                       f"({m.shown_cls}, #{m.id}){_shown(m)}), "
                                                                       for k, m in own)
                         + "guider, sigmas and strength are not taken")
        self.wf.taken |= {m.id for _, m in own}


OWN = ("NOISE",)  # an extension's own input a node of settings alone gives it (a seed): named where not taken


def _own_settings(wf: Workflow, n: CNode) -> list[tuple[str, CNode]]:
    """(input, node) of each input of ``n`` declared a type of OWN whose node is given nothing from another node and
    gives only ``n`` (RandomNoise's seed, the extension's own): folded away with ``n``, named where said not taken
    (near16: ltxv-13b-i2v-extend's second RandomNoise listed as not converted though nothing Studio makes reads it)."""
    t = node_type(n.origin or n.cls)
    found = []
    for k, (src, _) in n.links.items():
        i = t.input(k) if t is not None else None
        m = wf.nodes.get(src)
        if i is None or i.type not in OWN or m is None or m.links:
            continue
        if any(r.id != n.id and any(v[0] == m.id for v in r.links.values()) for r in wf.nodes.values()):
            continue
        found.append((k, m))
    return found


def _shown(m: CNode) -> str:
    """A settings node's values in words (': noise_seed 2840'), or ''."""
    said = ", ".join(f"{k} {v}" for k, v in m.settings().items() if isinstance(v, (int, float, str)))
    return f": {said}" if said else ""


def _encoded_behind(wf: Workflow, n: CNode) -> CNode | None:
    """The VAEEncode whose latent ``n``'s 'latents' is, directly or through steps on it (each followed by its one input
    declared LATENT: LTXVLatentUpsampler's x2 of the encoded clip in heldout33's ltxv-13b-upscale, a restyle that had
    been read as a take made anew); None where the latent comes from no encode."""
    at, seen = (wf.nodes.get(n.links["latents"][0]) if "latents" in n.links else None), set()
    while at is not None and at.id not in seen and len(seen) < 8:
        if at.cls.startswith("VAEEncode"):
            return at
        seen.add(at.id)
        t = node_type(at.origin or at.cls)
        latents = [k for k in at.links if (at.in_types.get(k) or getattr(t.input(k) if t is not None and t.inputs
                                                                         is not None else None, "type", "")) == "LATENT"]
        at = wf.nodes.get(at.links[latents[0]][0]) if len(latents) == 1 else None
    return None


def translate(wf: Workflow) -> list[str]:
    """The workflow's looping and extend samplers read as one continued take each (in place); what is said."""
    return _Loops.translate(wf)


def loop_keys(b, n: CNode, gen: str, inputs: dict, said: list[str], I2V: str, T2V: str) -> str:
    """The looping sampler's keyframe images (KEYS): one at frame 0 the start image; the others keyframes at their
    frames (four at most; negative counted from the end: -1 the last frame)."""
    wf = b.wf
    ports = sorted((k for k in n.links if k.startswith("image_")), key=lambda k: int(k[6:]))
    at = {k: wf.value(n, k.replace("image_", "index_")) for k in ports}
    strength = wf.value(n, "strength")
    if len(ports) == 1 and at[ports[0]] == 0:
        b.intent(n, ports[0], "image", inputs, said)
        if finite(strength) and strength != 1:
            said.append(f"the start image's strength {strength:g} ({LOOP}'s "
                        f"{wf.value(n, 'strength_name') or 'cond_image_strength'}) is not taken: Studio holds the start "
                        "image clean")
        return I2V if gen == T2V else gen
    for port in ports:
        k = next((i for i in range(1, 5) if f"keyframe_{i}" not in inputs), None)
        if k is None:
            said.append(f"the keyframe image on {LOOP}'s {port} at frame {at[port]} is not taken: four keyframes at most")
            continue
        b.intent(n, port, f"keyframe_{k}", inputs, said)
        where, line = frame_mark(wf, n, port.replace("image_", "index_"))  # negative: from the end (-1: the last)
        b.keyframes.append(where)
        if line:
            said.append(line)
        if finite(strength):
            b.keyframe_strength = float(strength)
    return gen


def loop_prompts(b, n: CNode, gen: str, inputs: dict, said: list[str]) -> str:
    """The looping sampler's prompts per tile (TILES): Studio's Prompt Schedule (keyframes: each prompt from the frame
    its tile's new frames start at) on the generator's 'schedule' where it has one (Text to Video), else said."""
    wf = b.wf
    who = f"'{wf.value(n, 'from_title')}' ({wf.value(n, 'from_cls')}, #{wf.value(n, 'from')})"
    count, keys = wf.value(n, "count"), str(wf.value(n, "prompts") or "")
    if schedule_input(b, gen) is None:
        said.append(f"{LOOP}'s {count} prompts per tile from {who} are not taken: "
                    f"{b.g.registry.get(gen).title if gen in b.g.registry else gen} has no prompt schedule; the whole "
                    "take is made from its guider's prompt")
        return gen
    schedule_on(b, {"prompts": keys}, n)
    said.append(f"{LOOP}'s {count} prompts per tile from {who} are a Prompt Schedule on the generator's 'schedule' "
                f"(each from the frame its tile's new frames start at in ComfyUI: {keys.replace(chr(10), '; ')}): "
                "Studio changes the prompt window by window")
    return gen

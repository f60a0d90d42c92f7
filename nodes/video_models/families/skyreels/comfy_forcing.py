"""SkyReels-V2 diffusion forcing (DF) as kijai's ComfyUI-WanVideoWrapper runs it, read as Studio's SkyReels-V2 take
(issue 112; the wrapper's skyreels/nodes.py read for its inputs, outputs and what its sampler does with them).

The wrapper's diffusion-forcing sampler is told by its declared types, not its name: a sampler giving one LATENT that
declares a LATENT input 'prefix_samples' and an 'addnoise_condition' (WanVideoDiffusionForcingSampler). It samples one
block of its embeds' 'num_frames' frames (its base_num_frames the whole segment, ar_step 0, causal block size 1: fixed
in the sampler), the latent frames of 'prefix_samples' put in first, clean, with 'addnoise_condition' noise on them as
the model sees them. Read as:

* no prefix: text to video (EmptyHunyuanLatentVideo of the embeds' size and length);
* a prefix encoded from one picture (a Load Image, resized or not): image to video, the picture the start image
  (WanImageToVideo, as the core workflow wires it);
* a prefix encoded from the last frames of another such sampler's decoded take (a frame pick of the last N frames):
  that take extended. A chain of segments so extended is ONE continued take, as Studio's SkyReels-V2 DF makes it
  (nodes/video_models/takes/forcing.py: 'long take: continue', 'window' its base_num_frames, 'overlap' its
  overlap_history, every block inside one pipeline call): the first segment's sampler carries 'frames' the summed
  length (the first segment's plus each later one's without its prefix), 'window' the longest segment and 'overlap'
  the frames each segment starts from; the later segments' samplers read as the first's, the joins of the segments'
  decoded frames (their prefixes cut) read away; what differs said, a sentence each: the segments' lengths as
  Studio's blocks cut them, their own prompts and settings, addnoise_condition (Studio's 20).

A prefix of other frames (a clip loaded and extended: the DF video-to-video, which Studio's SkyReels-V2 does not
make), an embeds node that is no empty embeds, or a chain whose lengths or prefixes cannot be read: left as it was,
the sampler not converted, its reason said. Plain data and stdlib: nothing of the wrapper is imported or run."""
from __future__ import annotations

from studio.convert.api import CONTROL, LOADER_NODES, CNode, PackTranslation, any_through, finite, node_type
from studio.core.shown import number

from ..wan.comfy_wrappers import SCHEDULERS, TEXT_TYPES

# the wrapper's diffusion-forcing sampler's settings in the order a UI file saves them (its INPUT_TYPES)
DF = "WanVideoDiffusionForcingSampler"
DF_WIDGETS = ("addnoise_condition", "fps", "steps", "cfg", "shift", "seed", CONTROL, "force_offload", "scheduler",
              "denoise_strength", "rope_function")
ADDNOISE = 20  # Studio's diffusion forcing's addnoise_condition (takes/forcing.py ADDNOISE; said, not imported)
COMPARED = ("steps", "cfg", "shift", "seed", "scheduler")  # a later segment's settings said where they differ
MAX_SEGMENTS = 32
MAX_WAY = 16


def _types(n: CNode):
    t = node_type(n.origin or n.cls)
    return t if t is not None and t.inputs is not None else None


def _ins(n: CNode) -> dict[str, str]:
    t = _types(n)
    return {i.name: i.type for i in t.inputs} if t is not None else {}


def _outs(n: CNode) -> tuple:
    t = _types(n)
    return tuple(t.output_types or ()) if t is not None else ()


def is_forcing(n: CNode) -> bool:
    """A diffusion-forcing sampler, by its declared types: one LATENT out, a LATENT 'prefix_samples' and an
    'addnoise_condition' in."""
    ins = _ins(n)
    return ins.get("prefix_samples") == "LATENT" and "addnoise_condition" in ins and _outs(n) == ("LATENT",)


def _encode_input(n: CNode) -> str | None:
    """The picture input of an encoder (one LATENT out from an IMAGE in and a VAE of any type), wired; else None."""
    ins = _ins(n)
    if _outs(n) != ("LATENT",) or "LATENT" in ins.values():
        return None
    pics = [k for k, v in ins.items() if v == "IMAGE" and k in n.links]
    return pics[0] if len(pics) == 1 and any("vae" in k for k in ins) else None


def _is_decoder(n: CNode) -> bool:
    return _outs(n) == ("IMAGE",) and _ins(n).get("samples") == "LATENT" and "samples" in n.links


def _picture_step(n: CNode) -> str | None:
    """The one picture input of a step giving pictures made of it (a resize: ImageResizeKJ), wired; else None."""
    pics = [k for k, v in _ins(n).items() if v == "IMAGE" and k in n.links]
    return pics[0] if _outs(n)[:1] == ("IMAGE",) and len(pics) == 1 else None


def _measures(n: CNode) -> str | None:
    """The picture input of a node that gives its one picture input on with numbers measured of it and takes nothing
    else (GetImageSizeAndCount: its image, width, height, count), told by its declared types; else None."""
    ins, outs = _ins(n), _outs(n)
    if len(ins) != 1 or outs[:1] != ("IMAGE",) or len(outs) < 2 or any(o != "INT" for o in outs[1:]):
        return None
    name = next(iter(ins))
    return name if ins[name] == "IMAGE" and name in n.links else None


def _is_pick(n: CNode) -> bool:
    ins = _ins(n)
    return {"start_index", "num_frames"} <= set(ins) and ins.get("images") == "IMAGE" and "images" in n.links


class _Forcing(PackTranslation):
    PACK = "WanVideoWrapper (SkyReels-V2 diffusion forcing)"
    WIDGETS = {DF: DF_WIDGETS}

    @classmethod
    def is_pack(cls, n: CNode) -> bool:
        return is_forcing(n)

    def steps(self) -> None:
        samplers = [n for n in self.wf.nodes.values() if is_forcing(n) and n.enabled]
        self.before: dict[str, tuple] = {}  # sampler id -> (the sampler it extends, frames picked, the way's nodes)
        starts: dict[str, tuple] = {}  # sampler id -> (its start picture link, its encoder) or ()
        for s in samplers:
            read = self.prefix(s)
            if read is None:
                continue
            if read[0] == "take":
                self.before[s.id] = read[1:]
            else:
                starts[s.id] = read[1:]
        for s in samplers:  # each chain from its first segment
            if s.id in starts:
                chain = self.chain(s, samplers)
                if chain is not None:
                    self.make(chain, starts[s.id])

    # -- what a segment starts from ----------------------------------------------------------------------------
    def prefix(self, s: CNode) -> tuple | None:
        """('take', earlier sampler, frames picked, the nodes on the way) where ``s`` extends another sampler's take;
        ('start', picture link, encoder) for a picture; ('start',) for none; None (said) for what Studio cannot
        make."""
        link = s.links.get("prefix_samples")
        if link is None:
            return ("start",)
        enc = self.wf.nodes.get(link[0])
        port = _encode_input(enc) if enc is not None else None
        if port is None:
            return self.unread(s, "its prefix_samples come from " + (enc.named() if enc else "a node")
                               + ", which is not an encode of pictures Studio reads")
        way, at, picked = [enc], enc.links[port], None
        for _ in range(MAX_WAY):
            n = self.wf.nodes.get(at[0])
            if n is None:
                break
            if LOADER_NODES.get(n.cls, ("", ""))[1] == "image" and picked is None:
                return ("start", enc.links[port], enc)
            if _is_decoder(n):
                src = self.through(n.links["samples"])
                earlier = self.wf.nodes.get(src[0]) if src else None
                if earlier is not None and is_forcing(earlier) and picked is not None:
                    return ("take", earlier, picked, way + [n])
                break
            if _is_pick(n):
                start, count = self.wf.value(n, "start_index"), self.wf.value(n, "num_frames")
                if picked is not None or start != -1 or not finite(count) or count < 1:
                    return self.unread(s, f"its prefix_samples are frames {n.named()} picks (start_index "
                                          f"{number(start)}, num_frames {number(count)}): Studio's take continues from "
                                          "the last frames of the take before, a count it can read")
                picked = int(count)
                way.append(n)
                at = n.links["images"]
                continue
            port2 = any_through(self.wf, n, at[1]) or (_picture_step(n) if picked is None else None)
            if port2 is None:  # (a step changing the frames picked: not the take's own frames)
                break
            way.append(n)
            at = n.links[port2]
        return self.unread(s, "its prefix_samples are encoded from frames that are neither one picture Studio loads "
                              "nor the last frames of another diffusion-forcing take (a clip extended: Studio's "
                              "SkyReels-V2 has no Video to Video extending a given clip)")

    def unread(self, s: CNode, why: str) -> None:
        line = f"{s.named()} samples by SkyReels-V2's diffusion forcing, but {why}: it is not converted"
        if line not in self.said:
            self.said.append(line)
        return None

    def chain(self, first: CNode, samplers: list[CNode]) -> list[CNode] | None:
        chain = [first]
        for _ in range(MAX_SEGMENTS):
            nxt = [s for s in samplers if s.id in self.before and self.before[s.id][0].id == chain[-1].id]
            if len(nxt) != 1:
                if len(nxt) > 1:  # two takes from one: a fork Studio's one take cannot make
                    self.said.append(f"{chain[-1].named()}'s take is extended by {len(nxt)} segments ("
                                     + ", ".join(f"#{s.id}" for s in nxt) + "): Studio's continued take follows one "
                                     "way; the segments from it are not converted")
                return chain
            chain.append(nxt[0])
        return chain

    # -- the take ------------------------------------------------------------------------------------------------
    def embeds(self, s: CNode) -> tuple[CNode, dict] | None:
        src = self.through(s.links.get("image_embeds"))
        emb = self.wf.nodes.get(src[0]) if src else None
        ins = _ins(emb) if emb is not None else {}
        if emb is None or not {"width", "height", "num_frames"} <= set(ins) or \
                any(k in emb.links for k, v in ins.items() if v not in ("INT", "FLOAT", "BOOLEAN", "COMBO", "STRING")):
            self.unread(s, "its image_embeds " + (f"come from {emb.named()}, not" if emb else "are not")
                        + " empty embeds of a size and length (what else they carry has no Studio counterpart here)")
            return None
        return emb, self.named(emb)

    def prompts(self, s: CNode) -> tuple:
        """(positive, negative) links of ``s``'s text embeds: a bridge's two conditionings (told by its declared
        inputs), a wrapper text encode's two prompts (the negative made as '<id>:neg' by Wan's reading)."""
        link = s.links.get("text_embeds")
        src = self.wf.nodes.get(link[0]) if link else None
        if src is None:
            return None, None, None
        ins = _ins(src)
        outs = _outs(src)  # a bridge of two conditionings into the sampler's own embeds type: read through
        if ins.get("positive") == "CONDITIONING" and "positive" in src.links and len(outs) == 1 and \
                outs[0] != "CONDITIONING":
            self.wf.taken.add(src.id)
            self.made.setdefault(src.cls, "its 'positive' and 'negative' prompts, read through")
            return src.links["positive"], src.links.get("negative") or src.links["positive"], src
        if src.cls in TEXT_TYPES and src.cls != "WanVideoTextEncodeSingle":
            return (src.id, 0), (f"{src.id}:neg", 0), src
        return link, link, src

    def make(self, chain: list[CNode], start: tuple) -> None:
        read = [self.embeds(s) for s in chain]
        if any(r is None for r in read):
            return
        lengths = [r[1].get("num_frames") for r in read]
        if not all(finite(v) and v > 0 for v in lengths):
            self.unread(chain[0], f"the length of its segment{'s' if len(chain) > 1 else ''} ("
                        + ", ".join(f"#{r[0].id} num_frames {number(v)}" for r, v in zip(read, lengths))
                        + ") cannot be read")
            return
        lengths = [int(v) for v in lengths]
        picks = [self.before[s.id][1] for s in chain[1:]]
        if any(p >= v for p, v in zip(picks, lengths[1:])):
            self.unread(chain[0], "a later segment starts from as many frames as it makes")
            return
        first = chain[0]
        w = self.named(first)
        emb, ew = read[0]
        pos, neg, text = self.prompts(first)
        size = {"width": ew.get("width"), "height": ew.get("height"), "length": lengths[0], "batch_size": 1}
        if len(start) == 2:  # a start picture: image to video, the conditioning through WanImageToVideo
            image, enc = start
            self.encoded(enc)
            links = {k: v for k, v in (("positive", pos), ("negative", neg), ("vae", enc.links.get("vae")),
                                       ("start_image", image)) if v is not None}
            c = self.core(emb, "WanImageToVideo", size, links)
            c.ports["start_image"] = (enc, _encode_input(enc))  # (said as the encode's picture, as the file has it)
            self.wf.taken.add(enc.id)
            pos, neg, latent = (c.id, 0), (c.id, 1), (c.id, 2)
        else:
            c = self.core(emb, "EmptyHunyuanLatentVideo", size, {})
            latent = (c.id, 0)
        self.made.setdefault(emb.cls, "the take's size and length (WanImageToVideo with a start picture, else "
                                      "EmptyHunyuanLatentVideo)")
        self.first_model = [m.id for m in self.model_way(first.links.get("model"))]  # (before its shift is put on)
        self.sampler(first, w, pos, neg, latent)
        words = [f"addnoise_condition {number(w.get('addnoise_condition'))} (#{first.id})"]
        if len(chain) > 1:
            words += self.fold(chain, read, lengths, picks, w, text)
        self.said.append(f"SkyReels-V2's diffusion forcing: Studio puts addnoise_condition {ADDNOISE} (SkyReels-V2's "
                         "recommendation) on the frames each block starts from; the workflow's "
                         + ", ".join(words) + " not taken")
        if finite(w.get("fps")) and w["fps"] == 16:
            self.said.append(f"{first.named()}'s fps 16 gives the model its 16 fps embedding: Studio's SkyReels-V2 "
                             "call gives it the 24 fps one (the pipeline's default), not taken")

    def encoded(self, enc: CNode) -> None:
        """An encoder's strengths other than plain (noise added, latent scaled), said."""
        ew = self.named(enc)
        for k, plain in (("noise_aug_strength", 0), ("latent_strength", 1)):
            if finite(ew.get(k)) and ew[k] != plain:
                self.said.append(f"{enc.named()}'s {k} {number(ew[k])} on the frames a segment starts from is not "
                                 "taken: Studio's diffusion forcing starts from them as encoded")

    def sampler(self, s: CNode, w: dict, pos, neg, latent) -> None:
        """``s`` as KSamplerAdvanced (its shift a ModelSamplingSD3 on its model), as the wrapper's plain sampler."""
        model = s.links.get("model")
        if model is not None and finite(w.get("shift")):
            model = (self.core(s, "ModelSamplingSD3", {"shift": w["shift"]}, {"model": model}, nid=f"{s.id}:shift").id,
                     0)
        sched = str(w.get("scheduler") or "")
        name = next((c for k, c in SCHEDULERS if sched.startswith(k)), sched or None)
        d = w.get("denoise_strength")
        if finite(d) and d < 1:
            self.said.append(f"{s.named()}'s denoise_strength {number(d)} is not taken: the generator samples its whole "
                             "schedule from pure noise")
        if "samples" in s.links:
            self.said.append(f"{s.named()}'s samples (a latent to start from) are not taken: Studio's SkyReels-V2 "
                             "diffusion forcing starts from noise")
        links = {k: v for k, v in (("positive", pos), ("negative", neg), ("latent_image", latent), ("model", model))
                 if v is not None}
        k = self.core(s, "KSamplerAdvanced", {
            "add_noise": "enable", "noise_seed": w.get("seed"), "steps": w.get("steps"), "cfg": w.get("cfg"),
            "sampler_name": name, "scheduler": "beta" if sched.endswith("/beta") else "simple"}, links)
        k.ports.update(latent_image="image_embeds")

    def fold(self, chain, read, lengths, picks, w, text) -> list[str]:
        """The later segments read as the first's take made longer; the addnoise words of the later segments."""
        first = chain[0]
        self.first_decoders = {m.id for m in self.wf.nodes.values() if _is_decoder(m) and m.links["samples"][0] == first.id}
        total = lengths[0] + sum(v - p for v, p in zip(lengths[1:], picks))
        window, overlap = max(lengths), picks[0]
        carried = {"long_take": "continue", "window": window, "overlap": overlap, "frames": total}
        self.wf.carried.setdefault(first.id, {}).update(carried)
        self.wf.carried_at.setdefault(first.id, {}).update(dict.fromkeys(carried, first))
        blocks = self.blocks(total, window, overlap)
        self.said.append(
            f"the {len(chain)} segments ({', '.join(f'#{s.id}' for s in chain)}) each continue the take of the one "
            f"before from its last {overlap} frames (prefix_samples): Studio makes them one take of {total} frames by "
            f"SkyReels-V2's diffusion forcing ('long take: continue', 'window' {window}, 'overlap' {overlap}), in one "
            f"call: its blocks of {', '.join(map(str, blocks))} frames (the first 'window' long), where the workflow's "
            f"segments are {', '.join(map(str, lengths))}")
        if len(set(picks)) > 1:
            self.said.append(f"the segments start from the last {', '.join(map(str, picks))} frames of the one before: "
                             f"Studio's blocks each start from the last {overlap} ('overlap')")
        words = [self.later(s, emb, first, w, text) for s, (emb, _) in zip(chain[1:], read[1:])]
        self.joins(first, len(chain))
        return words

    def later(self, s: CNode, emb: CNode, first: CNode, w: dict, text: CNode | None) -> str:
        """Later segment ``s`` (its embeds ``emb``) taken into the first's take, what of it differs said; its
        addnoise_condition in words."""
        sw = self.named(s)
        _, _, way = self.before[s.id]
        self.wf.taken.update({s.id, emb.id} | {m.id for m in way if not _is_decoder(m)})
        for m in way:
            if _encode_input(m) is not None:
                self.encoded(m)
        differ = [f"{k} {number(sw.get(k)) if k != 'scheduler' else repr(sw.get(k))}" for k in COMPARED
                  if sw.get(k) != w.get(k)]
        if differ:
            self.said.append(f"{s.named()}'s own {', '.join(differ)} {'is' if len(differ) == 1 else 'are'} not taken: "
                             f"Studio's continued take is sampled in one call with {first.named()}'s settings")
        mine = [m.id for m in self.model_way(s.links.get("model"))]
        if mine != self.first_model and mine:
            loader = self.wf.nodes[mine[-1]]
            file = self.named(loader).get("model") or loader.widgets.get("unet_name")
            self.said.append(f"{s.named()}'s own model" + (f" {file!r}" if isinstance(file, str) else "")
                             + f" ({', '.join(f'#{i}' for i in mine[:6])}) is not taken: Studio's continued take is "
                             f"sampled in one call with {first.named()}'s")
        ppos, _, ptext = self.prompts(s)
        if ptext is not None and text is not None and ptext.id != text.id:
            src = self.wf.nodes.get(ppos[0]) if ppos else None
            words = None if src is None else self.named(src).get("positive_prompt") if src.id == ptext.id and \
                src.cls in TEXT_TYPES else self.wf.value(src, "text")
            self.said.append(f"{s.named()}'s own prompt" + (f" {words!r}" if isinstance(words, str) else
                             f" ({ptext.named()})") + " is not taken: Studio's diffusion forcing makes the take in one "
                             f"call with one prompt, {first.named()}'s")
            self.let_go(ptext, s)
        self.rewire((s.id, 0), (first.id, 0))
        return f"{number(sw.get('addnoise_condition'))} (#{s.id})"

    def blocks(self, total: int, window: int, overlap: int) -> list[int]:
        """The frames of each block Studio's diffusion forcing makes (takes/forcing.py: the pipeline's own blocks,
        in latent frames of four video frames)."""
        n, b, o = (total - 1) // 4 + 1, (window - 1) // 4 + 1, (overlap - 1) // 4 + 1
        if n <= b or b <= o:
            return [total]
        out, made = [window], b
        while made < n:
            new = min(b - o, n - made)
            out.append((o - 1) * 4 + 1 + new * 4)  # the frames it starts from, then its new ones
            made += new
        return out

    def let_go(self, text: CNode, s: CNode) -> None:
        """A later segment's own text nodes (its embeds bridge or encode, their prompts), read as not taken."""
        way = [text] + [self.wf.nodes[v[0]] for k, v in text.links.items() if v[0] in self.wf.nodes
                        and k in ("positive", "negative")]
        for m in way:
            if all(c in self.wf.taken or c == s.id for c in self.consumers(m.id)):
                self.wf.taken.add(m.id)

    def consumers(self, nid: str) -> set[str]:
        return {m.id for m in self.wf.nodes.values() for v in m.links.values() if v[0] == nid}

    def joins(self, first: CNode, segments: int) -> None:
        """The nodes joining the segments' decoded frames (each later one's without the frames it starts from), now
        all the take's: read away, what they feed given the whole take (the first input's frames)."""
        decoders = [m for m in self.wf.nodes.values() if _is_decoder(m) and m.links["samples"][0] == first.id]
        if not decoders:
            return
        dec_ids = {d.id for d in decoders}
        for j in list(self.wf.nodes.values()):
            ins = _ins(j)
            pics = [k for k, v in ins.items() if v == "IMAGE" and k in j.links] + \
                [k for k in j.links if k.startswith("image_") and k not in ins]  # (inputs its page adds)
            if _outs(j)[:1] != ("IMAGE",) or len(pics) < 2 or j.id in self.wf.taken:
                continue
            ways = [self.way_to(j.links[k], dec_ids) for k in sorted(pics, key=_order)]
            if any(w is None for w in ways) or ways[0]:  # every input the take's frames, the first untrimmed
                continue
            trims = [m for w in ways for m in w]
            side = self.side_nodes(trims)
            self.rewire((j.id, 0), j.links[sorted(pics, key=_order)[0]])
            self.wf.taken.update({j.id} | {m.id for m in trims} | side)
            counts = [self.wf.nodes[i] for i in sorted(side)]
            self.said.append(f"{j.named()} joins the {segments} segments' frames, each later one's without the frames it "
                             f"starts from (" + ", ".join(m.named() for m in trims) + ")"
                             + (f", their counts worked out by {', '.join(m.named() for m in counts)}" if counts else "")
                             + ": read away, Studio's take is that whole video (what it feeds is given the take)")
        for d in decoders:
            self.said.append(f"{d.named()} decodes " + ("the first segment's frames" if d.id in self.first_decoders
                             else "one segment's frames") + " alone in ComfyUI: here it decodes the whole continued take"
                             " (what it feeds shows the whole take)")

    def way_to(self, link, dec_ids: set) -> list[CNode] | None:
        """The picks and pass-throughs between an image link and one of the decoders ``dec_ids`` (none: []); None
        where it reaches none."""
        way = []
        for _ in range(MAX_WAY):
            n = self.wf.nodes.get(link[0])
            if n is None:
                return None
            if n.id in dec_ids:
                return way
            if _is_pick(n):
                way.append(n)
                link = n.links["images"]
                continue
            port = any_through(self.wf, n, link[1]) or (_measures(n) if link[1] == 0 else None)
            if port is None:
                return None
            way.append(n)
            link = n.links[port]
        return None

    def side_nodes(self, trims: list[CNode]) -> set[str]:
        """The nodes working out the trims' counts (a count of the frames, a subtraction) that feed nothing else."""
        found: set[str] = set()
        inside = {m.id for m in trims}
        todo = [v[0] for m in trims for k, v in m.links.items() if k != "images"]
        for _ in range(64):
            if not todo:
                break
            nid = todo.pop()
            n = self.wf.nodes.get(nid)
            if n is None or nid in found or _is_decoder(n) or is_forcing(n):
                continue
            if all(c in inside or c in found for c in self.consumers(nid)):
                found.add(nid)
                todo += [v[0] for k, v in n.links.items()]
        return found


def _order(name: str) -> tuple:
    digits = "".join(ch for ch in name if ch.isdigit())
    return (int(digits) if digits else 0, name)


def translate(wf) -> list[str]:
    """The workflow's diffusion-forcing samplers read as core nodes, a chain of them as one continued take; what is
    said (nothing where it has none)."""
    return _Forcing.translate(wf)

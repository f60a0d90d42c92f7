"""The builder's stage that reads an output's samplers and models: the first sampler and the later passes, each
sampler's LoRAs (rgthree's stacks too) and model loader, the patches on the model's way that are not applied, the
shifts, and the text encoder, VAE, image encoder and second expert files set on Load Video Model (else said)."""
from __future__ import annotations


from studio.core.shown import rounded, whole_json

from ..families import registry as families
from ..families.hooks import hook
from ..packs import lora_stacks
from ..reading import by_types, prompt_relay
from ..reading.lora_names import is_model_type, lora_of, unread_strength
from ..reading.model_way import model_input
from ..reading.wired_names import given_when_run, unknown_source
from ..reading.pass_any import any_through
from ..reading.workflow import CNode
from ..tracing.expert_sigmas import expert_shift_read
from ..tracing.prompts import MAX_SAMPLERS, switched_off_loras, walk
from ..tracing.roles import carries
from ..tracing.sampling import SAMPLERS, Sampling, read_sampling
from ..tracing.walks import loader_extras, model_file, own_reach, sampler_chain, upstream
from ..takes.own_takes import own_takes
from ..values import switches
from ..values.shown import listed, shown
from . import checkpoint_parts, cut_vae, lora_as_part, lora_text, no_file, patch_inputs, patch_passes, tiny_vae
from . import prompt_embeddings, prompt_weights
from . import model_makers, unread_formats, writer_models
from .dual_text import (dual_text, other_files, other_second, own_loaders, patch_only, second_clip, second_file,
                        second_part)
from .kinds import FILE_LOADERS, FOLDED, LOADERS, SHIFTS
from .module_file import set_module
from .one_model import other_models
from .schedule_shift import schedule_shift


def _role(n: CNode, up: list[CNode]) -> str:
    """The words for a loader whose every consumer is one of a family's nodes it declares a role for (its
    mapping's roles: LTX-2.5's audio VAE) ('' else)."""
    users = {u.cls for u in up if any(src == n.id for src, _ in u.links.values())}
    for classes, words in families.lookup("roles"):
        if users and users <= set(classes):
            return words
    return ""


class ModelReading:
    """An output's samplers, LoRAs, model loaders and part files."""

    def _samplers(self, save: CNode, up: list[CNode]) -> tuple[CNode, Sampling, list[Sampling]] | None:
        """The output's first sampler (no other sampler upstream of it) and the later passes,
        nearest first, read; None when no sampler feeds it (or, said, too many do)."""
        wf = self.wf
        samplers = sampler_chain(wf, save)
        if not samplers:
            return None
        if len(samplers) > MAX_SAMPLERS:
            self.out.log.append(f"{self.name}: ComfyUI '{save.title or save.shown_cls}' (#{save.id}) is fed by "
                                f"{len(samplers):,} samplers; Studio converts outputs of up to {MAX_SAMPLERS}: "
                                "kept as notes")
            return None
        ids = {s.id: {u.id for u in upstream(wf, s)} - {s.id} for s in samplers}
        first = next((s for s in samplers if not any(o.id in ids[s.id] for o in samplers)), samplers[0])
        later = sorted((s for s in samplers if s is not first), key=lambda s: len(ids[s.id]))
        main = read_sampling(wf, first)
        rest = [read_sampling(wf, s) for s in later]
        for s in [main] + rest:
            self.used.add(s.node.id)
            self.used |= s.used
        return first, main, rest

    def _loader(self, s: Sampling) -> CNode | None:
        """The model loader sampler ``s``'s model comes from (nothing marked read)."""
        return walk(self.wf, s.inputs(self.wf), ("model",), lambda x: x.cls in LOADERS, set(), through=model_input)

    def lora_chain(self, s: Sampling, taken: set | None, shifts: list, said: list[str]) -> tuple[list, CNode | None]:
        """One sampler's LoRAs (name, strength, node), nearest the sampler first, but those in
        ``taken`` (the first sampler's), and its model loader; a ModelSamplingSD3 on the way adds
        its shift. A chain wired in a circle ends where it comes round again."""
        wf, used = self.wf, self.used
        loras = families.lookup("lora_loaders")  # a family's pack's LoRA loaders (LTX-2's IC-LoRA loader)

        def stop(x: CNode) -> bool:
            return x.cls in LOADERS or x.cls in SHIFTS or x.cls.startswith("LoraLoader") or x.cls in loras or \
                lora_stacks.is_stack(wf, x) or "model" in x.links and lora_of(wf, x) is not None and \
                not patch_inputs.more_than_lora(wf, x)  # (a pack's, by names; a guide loading one: a patch)
        chain, walked, passed, text = [], set(), set(), []  # (text: the text-encoder strengths, lora_text)
        loader = walk(wf, s.inputs(wf), ("model",), stop, passed, through=model_input)
        while loader is not None and loader.cls not in LOADERS and loader.id not in walked:
            walked.add(loader.id)
            used.add(loader.id)
            if loader.cls in SHIFTS:
                shifts.append(wf.value(loader, "shift"))
                self.shift_at.append(loader)
            elif taken is not None and loader.id in taken:
                pass  # the first sampler's LoRAs, on its chain already
            elif lora_stacks.is_stack(wf, loader):  # any pack's stack, by its types: each LoRA on, last applied first
                used.update(m.id for m in lora_stacks.givers(wf, loader))  # (the stacks wired into it: read with it)
                for name, strength, clip in reversed(lora_stacks.stacked(wf, loader, said)):
                    chain.append((name, strength, loader))
                    if clip is not None and clip != strength:
                        text.append((name, clip, strength, True))  # (said once the loader is known: lora_text)
            elif loader.out_types and not any(map(is_model_type, loader.out_types)):  # a text encoder's or another
                said.append(f"'{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id}) on the model's way "
                            f"gives {', '.join(loader.out_types)}, not a model: not read as a LoRA")  # loader's: by type
            elif (named := lora_of(wf, loader)) is None and (given := unknown_source(wf, loader, ("lora_name",))):
                said.append(given_when_run(loader, *given) + ": not applied (Studio loads the model without it; "
                            "add a Video LoRA of that file)")  # (a downloader's name: never the stale saved one)
            elif named is None:  # a node on the model's way naming no LoRA file (said once: heldout25 06 had it twice)
                line = (f"'{loader.title or loader.shown_cls}' ({loader.shown_cls}, #{loader.id}) on the model's way "
                        "names no LoRA file Studio reads: not applied (Studio loads the model without it)")
                said += [] if line in said else [line]
            else:
                chain.append((*named, loader))
                if (line := unread_strength(wf, loader, named[0])) and line not in said:  # a list, an unknown
                    said.append(line)  # (heldout14 11, heldout15 12: a per-step list '0, 0, 3, 3')
                clip = wf.value(loader, "strength_clip")
                if isinstance(clip, (int, float)) and clip:
                    text.append((wf.value(loader, 'lora_name'), clip, named[1], False))
            loader = walk(wf, wf.source(loader, model_input(wf, loader) or "model"), ("model",), stop, passed,
                          through=model_input)
        lora_text.say(self, s.node, loader, text, said)
        prompt_embeddings.say(self, s, loader, said)  # ComfyUI's 'embedding:NAME' in its prompts
        prompt_weights.say(self, s, loader, said)  # ComfyUI's '(word:1.3)' where its family weighs none
        self._patches(s, passed - used - {s.node.id, s.inputs(wf).id}, said, loader)
        for n in (wf.nodes.get(nid) for nid in sorted(passed & used)):  # a family's patch read for an earlier output
            own = families.lookup("model_patches").get(n.cls) if n is not None else None  # (said there, once):
            got = own(wf, n) if own is not None else None  # its settings this output's generator takes too
            self.patch_params.update(got[1] if isinstance(got, tuple) else {})
            patch_passes.record(self.patch_passes, s, n, got[1] if isinstance(got, tuple) else {})
        used |= passed
        return chain, loader

    def _patches(self, s: Sampling, passed: set[str], said: list[str], loader: CNode | None = None) -> None:
        """The nodes on the model's way from its loader to sampler ``s`` that change the model and are not
        read (an IC-LoRA loader, a speed patch), each said (a patch not applied, with its sentence, is passed over
        with what it alone is made with once its pipeline is made: patch_inputs.commit)."""
        wf = self.wf
        for nid in sorted(passed):
            n = wf.nodes.get(nid)
            own = families.lookup("model_patches").get(n.cls) if n is not None else None
            if own is not None:  # a patch the family's generator applies itself: said so, not 'not applied'
                got = own(wf, n)  # its sentence, or (its sentence, the generator's settings it gives)
                line, values = got if isinstance(got, tuple) else (got, {})
                said.append(line)
                self.patch_params.update(values)  # (read into the settings: settings._params)
                patch_passes.record(self.patch_passes, s, n, values)  # (on some passes only: said_partial)
                self.patch_at.update(dict.fromkeys(values, n))  # (a value refused names the patch)
                self.patch_family.append((n, line, (  # (said of a held output instead: held_models.lines)
                    f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}: a model patch) between the model loader and "
                    f"'{s.node.title or s.node.shown_cls}' (#{s.node.id}) is not applied: Studio loads the model "
                    "without it")))
                continue
            if n is None or n.cls in FOLDED or \
                    n.cls in families.declared() or n.cls in families.lookup("tasks"):  # a family reads it
                continue
            port = any_through(wf, n, 0)  # a switch or order node passing its input on: read, not a patch
            if port is not None:
                said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) on the model's way passes on what "
                            f"its '{port}' gives (read by its types and settings)")
                continue
            settings = whole_json(rounded(n.settings()))  # (whole, never cut: settings23)
            if not n.links or model_makers.makes_model(n):  # nothing before it, or no model into it: the model's
                said.append(model_makers.line(wf, n, s.node, settings))  # own source, not a patch (heldout120 04)
                self.model_sources.append(said[-1])  # (a held output says it too: held_models.lines)
                continue
            pair = switches.pair_of(n)
            if pair is not None and all(p in n.links for p in pair):  # a switch between two models whose choice
                # Studio does not work out (values.switches read away those it does): not a patch (heldout30 09)
                ways = " and ".join(f"its '{p}' (from '{wf.nodes[n.links[p][0]].title or wf.nodes[n.links[p][0]].shown_cls}'"
                                    f" ({wf.nodes[n.links[p][0]].shown_cls}, #{n.links[p][0]}))"
                                    if n.links[p][0] in wf.nodes else f"its '{p}'" for p in pair)
                said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) on the model's way chooses the model "
                            f"'{s.node.title or s.node.shown_cls}' (#{s.node.id}) samples with between {ways} by a "
                            "value Studio cannot work out when converting: not read"
                            + ("" if loader is not None and loader.cls in LOADERS else
                               ", and neither model is loaded (set Load Video Model's 'model' to the one it picks)"))
                continue
            relay = prompt_relay.read(n, wf.value) is not None  # (its prompts read apart: mapping/relayed_prompts)
            what = "a prompt relay's attention patch" if relay else carries(n) or patch_inputs.patch_words(n)
            said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}: {what}) between the model loader and "
                        f"'{s.node.title or s.node.shown_cls}' (#{s.node.id}) is not applied"
                        f"{'' if relay else patch_inputs.given(wf, n)}: Studio loads the model without it"
                        + (f" ({settings})" if n.settings() else ""))  # (a patch with no setting: no '{}', heldout114 01)
            self.patch_pending.append((n, s.node, said[-1]))

    def _models(self, main: Sampling, rest: list[Sampling], said: list[str]) -> tuple[list, list, list[CNode]]:
        """The LoRAs (name, strength, node, expert; nearest the loader first), the shifts and the
        model loaders of the samplers (a LoRA on Wan 2.2 A14B's low-noise model: expert low noise)."""
        loras, shifts, loaders, others, self.pass_loras = [], [], [], [], {}
        self.patch_pending = []  # (this pipeline's patches not applied, passed over once it is made)
        self.patch_params, self.patch_at, self.patch_passes, self.patch_family = {}, {}, {}, []  # (held_models.lines)
        self.model_sources: list[str] = []  # (the model made by a node Studio does not read as a loader, said)
        self.shift_at = []  # (this pipeline's own)
        self.low_passes: set[str] = set()  # the passes sampling on the second expert (settings: named so)
        takes = own_takes(self, main, rest)  # takes of their own: never this take's experts (said as 'another take')
        own = {r.node.id for r in rest if r.node.id in takes and self._loader(r) is not self._loader(main)}  # (one
        # model's passes, an InfiniteTalk's two turns: read on its chain as before, heldout4 wanx-troopers)
        for s in [main] + [r for r in rest if r.node.id not in own]:
            mine = [] if s.node.id in takes else shifts  # (a take of its own's shift: its own, never this take's)
            at = len(self.shift_at)
            # (the second expert's LoRAs once, however many of its passes read them: heldout37 12's low-noise LoRA
            # was put on the model three times, once for each segment's low-noise sampler)
            chain, loader = self.lora_chain(s, None if s is main else {x[2].id for x in loras + others}, mine, said)
            if mine is not shifts and mine:
                del self.shift_at[at:]
                said.append(f"shift {', '.join(f'{v:g}' if isinstance(v, float) else str(v) for v in mine)} on the "
                            f"model of '{s.node.title or s.node.shown_cls}' (#{s.node.id}), which samples another take: "
                            "not applied to this take")
            if loader is not None and loader.cls in LOADERS:
                self.used.add(loader.id)
            file = model_file(self.wf, loader) if loader is not None else None  # (two files a downloader names: two)
            if loader is not None and loader.cls in LOADERS and loader not in loaders and not any(
                    file is not None and model_file(self.wf, x) == file for x in loaders):  # one file loaded twice: one model
                self.used.add(loader.id)
                loaders.append(loader)
                dtype = self.wf.value(loader, "weight_dtype")
                if isinstance(dtype, str) and dtype != "default":
                    said.append(f"weight_dtype '{dtype}' of '{loader.title or loader.shown_cls}' ({loader.shown_cls}, "
                                f"#{loader.id}): Load Video Model's "
                                "'memory' setting chooses how the weights are stored (fp8 modes)")
                said += loader_extras(self.wf, loader)
            if s is main:
                main_chain = sorted((n, v) for n, v, _ in chain)
                loras += [(n, v, at, "auto") for n, v, at in chain]
                self.main_loras = {at.id for _, _, at in chain}  # (a later pass on fewer of them: ltx2 comfy_stages)
            elif len(loaders) > 1 and loader is loaders[1]:  # the second expert's chain
                others += [(n, v, at, "low noise") for n, v, at in chain]
                self.low_passes.add(s.node.id)
            else:  # (the very LoRAs of the first pass loaded again for it, a subgraph's copy: on it already, heldout21)
                same = bool(chain) and sorted((n, v) for n, v, _ in chain) == main_chain
                self.pass_loras[s.node.id] = (chain, [] if same else [
                    f"LoRA '{n}' (strength {v}) on '{s.node.title or s.node.shown_cls}' (#{s.node.id}) only: not "
                    "applied (a Studio LoRA goes on every step of its model or expert, never on one pass of them)"
                    for n, v, _ in chain])
                said += [x for x in self.pass_loras[s.node.id][1] if x not in said]  # (once; a family's later stage may take them: LTX-2's)
        patch_passes.said_partial(self.patch_passes, [s for s in [main] + rest if s.node.id not in {*own, *takes}], said)
        loaders, others = other_models(self, loaders, others, said, main.node)  # (one model's family: no experts)
        if others or self.low_passes:  # two experts: each LoRA on its own expert, whatever its file name says (the
            # first expert's even where the second's model has none: heldout33 08's lightx2v on the high model alone)
            loras = others + [(n, v, at, "high noise") for n, v, at, _ in loras]
        loras.reverse()  # nearest the loader first
        schedule_shift(self.wf, main, shifts, self.shift_at, self.used, said)  # (its scheduler's model's: heldout45 04)
        expert_shift_read(self.wf, main, shifts, self.shift_at, said)  # (a two-expert scheduler's: wins6)
        said += switched_off_loras(self.wf, self.used)  # a turbo LoRA behind a switch shipped off (MiniMax H3's)
        return loras, shifts, loaders

    def loader_files(self, up, loaders, load, lp, said) -> None:
        """Text encoder, VAE, image encoder and a second expert: set where Load Video Model takes
        them, else said."""
        wf = self.wf
        file_loaders = {**FILE_LOADERS, **families.lookup("file_loaders")}
        own = families.lookup("by_title").get(self.family_now)
        if (load_files := families.family_hook(self.family_now, "load_files")) is not None:
            load_files(self, up, loaders, load, lp, said)  # the family sets its files itself (AnimateDiff's)
            return
        if own is not None and own.folder_only:  # a family read from a folder: its files in one sentence
            files = [str(model_file(wf, n)) for n in loaders] + [str(wf.value(n, file_loaders[n.cls][0])) for n in up
                                                                 if n.cls in file_loaders]
            files += [str(v) for n in up if n.cls in file_loaders and (v := wf.value(n, "clip_name2"))]  # (a dual
            # loader's second text encoder: the Llama of HunyuanVideo's, heldout78 09)
            self.used.update(n.id for n in up if n.cls in file_loaders)
            parts = [(str(wf.value(n, file_loaders[n.cls][0])), file_loaders[n.cls][1]) for n in up if n.cls in file_loaders]
            forms = unread_formats.part_said(parts, families.family_hook(self.family_now, "part_forms") or {},
                                             self.family_now)  # (a part of a form it does not read: heldout120 01)
            said.append(unread_formats.folder_sentence(files, own.folder_only.format(files=", ".join(
                dict.fromkeys(files))), forms))  # (a file of a layout Studio does not read: said first, heldout100 06)
            if (folder_files := families.family_hook(self.family_now, "folder_files")) is not None:
                said += folder_files(self, up, load, lp) or []  # the part files it takes (MiniMax H3's VAE, text
                # encoder), and what of their loaders is not applied
            return
        said += unread_formats.said([str(f) for n in loaders if (f := model_file(wf, n))])  # (heldout100 06)
        set_module(self, loaders, load, lp, said)  # a VACE module the loader merges (module_file.py)
        if len(loaders) > 1:
            self._second_expert(loaders[1], load, lp, said)
        self._part_files(up, loaders, load, lp, file_loaders, said)
        said += checkpoint_parts.said(self, up, loaders, load, lp)  # an all-in-one checkpoint's CLIP and VAE
        said += cut_vae.said(wf, up, self.g.nodes[load].params, lp)  # every VAE loader on the way bypassed

    def _second_expert(self, loader: CNode, load: str, lp: set[str], said: list[str]) -> None:
        """The low-noise expert's file: Load Video Model's 'model_2' where it has one, else said."""
        second = model_file(self.wf, loader)
        if "model_2" in lp and isinstance(second, str):
            self.g.set_param(load, "model_2", second)
        elif second is None and (given := unknown_source(self.wf, loader)):  # a downloader's name (heldout13 10)
            said.append(given_when_run(loader, *given) + ": the second expert (the low-noise model) is not set: set "
                        "Load Video Model's 'model_2' to that file")
        elif "model_2" in lp:
            said.append(f"second expert {shown(second)} is not a file name: set Load Video Model's 'model_2'")
        else:  # the model of two experts its mapping names (the family's own first)
            experts = (families.family_hook(self.family_now, "experts")
                       or next(iter(families.lookup("experts")), ""))
            said.append(f"second expert '{second}' ({experts}'s low-noise model): Load Video Model takes one "
                        f"file; point 'model' at a {experts} diffusers folder for both experts" if experts else
                        f"second expert '{second}' (the low-noise model): Load Video Model takes one file; point "
                        "'model' at a diffusers folder holding both experts")

    def _part_files(self, up, loaders, load, lp, file_loaders, said) -> None:
        """The text encoder, VAE and image encoder files of the loaders upstream set on Load Video Model where it
        reads them as separate files, else said."""
        wf = self.wf
        # Load Video Model reads a family's text encoder, VAE and CLIP vision as separate files where its mapping
        # says so: by the 'type' of ComfyUI's CLIPLoader (text_types), of its DualCLIPLoader (dual_types: the two
        # text encoders) or by a text-encoder loader of its own (text_loaders); another family's come from 'base'
        separate = any(n.cls == "CLIPLoader" and wf.value(n, "type") in families.lookup("text_types") or
                       n.cls in families.lookup("text_loaders") for n in up)
        separate = separate or checkpoint_parts.separate(self, up, loaders)  # an all-in-one checkpoint's CLIP
        model = model_file(wf, loaders[0]) if loaders else None
        stills = {t for m in families.mappings() if hook(m, "still") and m.title != self.family_now
                  for t in m.dual_types}  # (a still family's two files: its own generator's only)
        dual = next((n for n in up if n.cls == "DualCLIPLoader" and wf.value(n, "type") in families.lookup("dual_types")
                     and wf.value(n, "type") not in stills
                     and self._other_pass(n, up) is None), None)  # (a still's made first: its own, takes.still_first)
        if dual is not None and "text_encoder_2" in lp:  # Qwen2.5-VL, then byT5 / CLIP-L (ComfyUI's order)
            separate = True
            self.used.add(dual.id)
            for key, param in (("clip_name1", "text_encoder"), ("clip_name2", "text_encoder_2")):
                value = wf.value(dual, key)
                if isinstance(value, str) and value.strip():
                    self.g.set_param(load, param, value)
        if (lone := dual_text(wf, up, self.family_now)) is not None and dual is None:  # LTX-2.3's Gemma + projection
            separate = True
            said.append(second_file(wf, lone, self.family_now))
        en = getattr(self, "enhancer", None)
        for n in up:
            if n is dual or (en is not None and en.file and n is en.loader):
                continue  # a family's prompt enhancer's file (LTX-2.5's): its own
            kind = file_loaders.get(n.cls) or (by_types.part_loader(n) if n.id not in self.used else None)
            if kind is not None:  # ComfyUI's loader of a part file, or a pack's told by its types (VAELoaderKJ)
                if n.cls not in file_loaders and (extra := by_types.part_settings(n, kind[0])):
                    said.append(extra)
                self._part_file(n, up, model, separate, load, lp, kind, said)
                if self._other_pass(n, up) is not None:  # another pass's loader (a still made first: its own files)
                    said += other_second(wf, n, said)  # its second file beside the first said read by that pass
                    continue
                if n.cls == "DualCLIPLoader" and n is not lone:  # its second file, never named nowhere (heldout13 01)
                    said += second_clip(wf, n, self.g.nodes[load].params.get("text_encoder"))
                elif n.cls in families.lookup("file_loaders"):
                    second = second_part(wf, n, model, lp)  # (LTXAVTextEncoderLoader's text projection file)
                    if second is not None:
                        self.g.set_param(load, second[1], wf.value(n, second[0]))
                        said.append(second[2])
                    said += other_files(wf, n, kind[0], model, (second[0],) if second else ())

    def _part_file(self, n: CNode, up, model, separate: bool, load: str, lp: set[str], kind: tuple[str, str],
                   said: list[str]) -> None:
        """One file loader's file (``kind``: its setting, the part in words) set on Load Video Model, else said."""
        self.used.add(n.id)
        key, what = kind
        value = self.wf.value(n, key)
        other = self._other_pass(n, up)
        if other is not None and any(other.id in k for k in self.made) and self._own_part(n, up, what):
            return  # an earlier take's (a chain of segments, each its own loaders): read by its own pipeline
        if other is not None:  # a depth estimator's SD1.5 VAE: not the video model's
            said.append(f"{what} '{value}' is read by the pass of '{other.title or other.shown_cls}' (#{other.id}) "
                        f"alone, not by this generator's model: not set on Load Video Model (its loader "
                        f"'{n.title or n.shown_cls}', #{n.id})")
            return
        if what == "text encoder" and (written := writer_models.writers(n, up)):  # a prompt writer's own model
            said.append(writer_models.line(n, value, written))
            return
        param = {"text encoder": "text_encoder", "VAE": "vae",
                 "image encoder (clip_vision)": "clip_vision"}.get(what)
        if what == "audio VAE" and value == model:
            return  # LTX-2's audio VAE inside the checkpoint Load Video Model reads
        if no_file.names_none(self.wf, n, key):  # no name at all: said of the loader (heldout25 01, 06)
            said.append(no_file.line(n, what, param if separate and param in lp else None))
            return
        role = _role(n, up)
        if role:
            said.append(role(value) if callable(role) else role.format(value=value))
            return
        if what == "VAE" and (patches := patch_only(self.wf, n, up)):  # a preview's tiny VAE (each stage's patch)
            who = " and ".join(f"'{p.title or p.shown_cls}' ({p.shown_cls}, #{p.id})" for p in patches)
            said.append(f"VAE '{value}' of '{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) is read by {who} "
                        f"alone, {'model patches' if len(patches) > 1 else 'a model patch'} Studio does not apply: "
                        "not set on Load Video Model")
            return
        if separate and param in lp and isinstance(value, str) and value.strip():
            self.g.set_param(load, param, value)
            said += [x for x in [lora_as_part.said(self.wf, n, what, param, value),  # (heldout21 07)
                                 tiny_vae.said(n, what, param, value)] if x]  # (a preview's tiny VAE: heldout93 08)
        elif separate and param in lp and isinstance(value, str):  # a template's name its app fills (heldout23 05)
            said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) names no {what} file: set Load Video "
                        f"Model's '{param}'")
        elif value is None and (given := unknown_source(self.wf, n, (key,))):  # a downloader's name: not 'None'
            said.append(given_when_run(n, *given) + f": the {what} is not set on Load Video Model"
                        + (f" (set its '{param}' to that file)" if separate and param in lp else
                           " (it takes it from 'base', a diffusers folder of the same family)"))
        elif ways := own_loaders(self.family_now):  # the family reads separate files, not by this workflow's loader
            said.append(f"{what} '{value}': not set on Load Video Model, which reads {self.family_now}'s separate files "
                        f"where the prompts' text encoder comes from {ways}; none does here, so it takes them from "
                        "'base' (a diffusers folder of the same family)")
        else:
            said.append(f"{what} '{value}': Load Video Model takes it from 'base' (a diffusers folder "
                        "of the same family)" + ("" if separate or param not in lp else
                                                 f"; separate files are read for {listed(families.lookup('separate'))} only"))

    def _own_part(self, loader: CNode, up: list[CNode], what: str) -> bool:
        """Whether this output's own samplers read another loader of the same part (``what``: 'VAE'...) than
        ``loader`` (each segment of a chain its own VAE and text encoder loaders)."""
        own = own_reach(self.wf, self.pass_key, {n.id for n in up if n.cls in SAMPLERS} - set(self.pass_key))
        kinds = {**FILE_LOADERS, **families.lookup("file_loaders")}
        return any(m is not loader and m.id in own and ((kinds.get(m.cls) or by_types.part_loader(m) or ("", ""))[1]
                                                        == what) for m in up)

    def _other_pass(self, loader: CNode, up: list[CNode]) -> CNode | None:
        """The sampler of another pass (one that makes an input of this output: a depth estimator's) whose nodes
        are the only readers of ``loader``'s file; None where this output's samplers read it too."""
        key = self.pass_key
        others = [n for n in up if n.cls in SAMPLERS and n.id not in key]
        if not key or not others:
            return None
        region = {o.id: {u.id for u in upstream(self.wf, o)} for o in others}
        readers = [m for m in up if any(src == loader.id for src, _ in m.links.values())]
        own = own_reach(self.wf, key, {o.id for o in others})
        if any(m.id in own for m in readers):
            return None  # read by this output's samplers too (a prompt encoded once for two takes of a chain)
        for o in sorted(others, key=lambda o: len(region[o.id])):  # the nearest pass reading it
            if readers and all(m.id in region[o.id] or any(src == o.id for src, _ in m.links.values()) for m in readers):
                return o
        return None

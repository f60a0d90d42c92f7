"""A ComfyUI workflow (reading.workflow.Workflow) made into a Studio graph: each video output (SaveVideo,
SaveAnimatedWEBP, SaveWEBM, VHS_VideoCombine...) traced back to its sampler, model, LoRAs, prompts,
latent and images, and written as Load Video Model -> Video LoRA... -> Text to Video / Image to
Video / a family's own generator -> Save Video, with Load Image / Load Video feeding it. The sampler's
settings (steps, cfg, seed), size, length and frame rate are the workflow's; what Studio does not
take (the sampler and scheduler, mapped to the nearest diffusers scheduler; the shift; a second
expert; a text encoder or VAE file) is said in a note beside the pipeline. Every other node is
listed, with its class and settings, in one note; finishing.layout places the nodes and the notes; the
prompts are read by tracing.prompts, values shown and fitted by values.shown. What is a family's own (its
task nodes, how its generator's settings are read, what its Save Video hears...) its mapping says
(api.ComfyMapping in its folder, found by families.registry): the builder calls its declared hooks."""
from __future__ import annotations

from typing import Any

from studio.core.shown import rounded, whole_json

from . import held_settings, talk_rate
from ..families import registry as families
from ..finishing import save_animated, save_metadata, save_quality
from ..finishing.core import core_chain, make_chain
from ..finishing.layout import lay_out
from ..finishing.clips_transition import said_unmade
from ..finishing import sound_for_clip
from ..finishing.utility import ENDS, make_utility, utility, utility_path
from ..packs import batch_managers, bundle_loaders, custom_samplers, easy_use, expert_samplers, pass_samplers, picture_saves, pipes, prompt_loras, shapes, task_twins, twins, video_senders
from ..packs import deploy_inputs, front_end_inputs, save_shapes, uncatalogued_twins
from ..packs import float_sigmas, loops_unrolled
from ..reading import folders, loaded_clip, picture_header
from ..reading.workflow import LOADER_NODES, MODES, CNode, Workflow, WorkflowError
from ..reading.misnamed import BY_PLACE
from ..takes import continued_take, latent_refine, refine, restyle, segments, still_first
from ..takes.frames import frame_saves
from . import take_sounds, take_stills
from ..tracing.roles import PASS_ON
from ..tracing.tasks import family, tasks
from ..values import switches
from ..values.wiring import frontend_made
from .base import BuilderBase, Conversion
from .captions import said_captions
from .inputs import InputMaking
from .intent import IntentReading
# (FILE_LOADERS too: studio.serve's object_info lists the node types the converter reads from here)
from .kinds import FILE_LOADERS, FOLDED, LOADERS, MAX_LISTED, OUTPUTS, SETTINGS_CHARS, TEXT_NOTES  # noqa: F401
from .making import Making
from .models import ModelReading
from .outputs import OutputStage
from .previews import step_previews
from . import blueprint_prompt, dropped_kinds, file_ids, folded_steps, held_translations, held_ways, module_file, pack_makers, passing, unmade_saves, unrun
from . import animated_stills, cloud_nodes, lost_outputs, no_output, sound_saves, split_parts, unknown_types, unknown_ways, whole_texts
from .settings import SettingsReading


# what the nodes listed as not converted are: a type Studio has no node for, or one whose part of the workflow no
# rule of Studio's reads there (a keyframe's prompt, an extension's task node, a held task's loaders)
NONE_READS = "Studio has no node doing what they do, or none of its rules reads them where they are"


class _Builder(OutputStage, Making, ModelReading, SettingsReading, IntentReading, InputMaking, BuilderBase):
    """The builder, composed of its stages (each its own module): outputs.py takes an output through them;
    intent.py reads its task, inputs.py makes the nodes behind its inputs, models.py reads its samplers, LoRAs and
    files, settings.py its generator's settings, making.py makes its nodes; base.py holds the graph, the state
    they share and what is said. Here: the whole workflow, output after output, then what was not converted."""

    def _dropped_note(self, dropped: list[CNode]) -> str:
        """One note naming the ComfyUI nodes not converted, each with its settings."""
        # what converted nodes read: as linked now, or read in the file by a pack's node read as another (its link gone)
        now = {src for n in self.wf.nodes.values() for src, _ in n.links.values()}
        fed = {src for k in getattr(self, '_read', ()) for src, _ in self.wf.nodes[k].links.values()} | (self.wf.fed - now)
        has, kinds = dropped_kinds.words(dropped, fed)  # loaders, constants, saves: Studio has such nodes
        lines = [f"ComfyUI nodes not converted ({len(dropped):,}): "
                 + (NONE_READS if not has else
                    NONE_READS + f" (and the {kinds}, which Studio has nodes "
                    "for: not made, as nothing converted reads them or gives them what they write)"
                    if has < len(dropped) else f"{kinds}, which Studio has nodes for: not made, as nothing "
                    "converted reads them or gives them what they write")
                 + ". Their settings as the workflow saved them" + (  # (a pack's node read as a core one: as read,
                     " (of a node read as another type, as read as that type)"  # heldout27 14: 'vae_name' of a
                     if any(n.origin for n in dropped[:MAX_LISTED]) else "") + ":"]  # WanVideoVAELoader's 'model_name')
        lines += [_dropped_line(n, self.wf) for n in dropped[:MAX_LISTED]]
        if len(dropped) > MAX_LISTED:
            lines.append(f"- and {len(dropped) - MAX_LISTED:,} more (their types are in the Log)")
        return "\n".join(lines)

    def build(self) -> Conversion:
        """The whole workflow: its outputs made (or held), then its utilities and model-free videos, then the
        notes (what was not converted, the workflow's own) laid out beside the nodes."""
        self._outputs()
        self._held_tasks()
        step_previews(self)  # an output of a step a generator's input reads: that step's Studio node saved
        self._utilities()
        split_parts.settle(self)  # a sound file split into parts: each part's window, from the takes it drives
        save_animated.apply(self)  # an animated WEBP / PNG / GIF's save: Save Animation for its Save Video
        save_quality.apply(self)  # a save's own crf set on Save Video, else said
        save_metadata.apply(self)  # a save's save_metadata off: Save Video's (Save Animation's) embed_graph off
        pack_makers.hold(self)  # an output a pack's nodes make that Studio has none for: held with its inputs
        said_captions(self)  # a captioner's text on a prompt's way: said (Studio has no captioner)
        module_file.left(self)  # a pack loader's module no Load Video Model was given: said
        blueprint_prompt.said(self)  # a blueprint's empty prompt carried to a generator: said
        dropped, texts = self._not_converted()
        lost_outputs.said(self, dropped, self._read)  # a video output of pictures that are no take, not made: said
        held_settings.say(self, [_dropped_line(n, self.wf) for n in dropped[:MAX_LISTED]])  # (held23)
        self._notes(dropped, texts)
        return self._summary()

    def _outputs(self) -> None:
        """Each video output made into a pipeline: a family's whole outputs first, then the saves (several takes
        joined: a pipeline each), then takes saved as pictures."""
        wf = self.wf
        saves = [n for n in wf.nodes.values() if n.cls in OUTPUTS]
        saves.sort(key=lambda n: (not n.enabled, n.id))
        for n in wf.nodes.values():  # an output a family converts whole (ComfyUI's SeedVR2 upscale: its node)
            for whole in families.lookup("whole"):
                if n.id not in self.used and whole(self, n):
                    break
        waited: set[str] = set()
        for s in saves:
            if s.id in self.used:
                continue
            if s.id not in waited and segments.waits(self, s):  # its take starts from a take a later output makes
                waited.add(s.id)
                saves.append(s)
                continue
            takes = segments.segments(wf, s, self.g.registry) if s.enabled else []
            reworked = restyle.pass_of(wf, s) if s.enabled and not takes else None
            refined = refine.pass_for(self, s, reworked) if s.enabled and not takes else None
            hires = latent_refine.pass_of(self, s) if s.enabled and not takes and not reworked and not refined \
                else None  # a refine pass after a latent upscale: the take once, Scale, the pass (Video to Video)
            if takes and (new := segments.make(self, s, takes)) is not None:  # several takes joined, concatenated:
                self.out.pipelines += new  # a pipeline each (one another output made counted there)
            elif (cont := continued_take.take_of(wf, s) if s.enabled else None) is not None and \
                    (made := continued_take.make(self, s, cont)) is not None:
                self.out.pipelines += made  # a take continuing an earlier one's last frames: that take, then this one
            elif refined is not None and (made := refine.make(self, s, refined)) is not None:
                self.out.pipelines += made  # a pass reworking an earlier take's frames: picked, a pack's sampler...
            elif hires is not None and (made := latent_refine.make(self, s, hires)) is not None:
                self.out.pipelines += made
            elif reworked is not None and (made := restyle.make(self, s, reworked)) is not None:
                self.out.pipelines += made  # a pass reworking an earlier take's frames: that take, then the pass
            elif not takes and segments.from_earlier(self, s):  # its take starts from another output's frames
                self.out.pipelines += 1
            elif not takes and (made := still_first.make(self, s)):  # its start image a still made first
                self.out.pipelines += made
            elif not takes and self.pipeline(s):
                self.out.pipelines += 1
        for s in sound_saves.saves(self):  # a sound made alone (LTX-2 Sound): its Save Audio (sound_saves.py)
            if s.id not in self.used and self.pipeline(s):
                self.out.pipelines += 1
        for s in frame_saves(wf, set().union(*self.made) if self.made else set()):  # a take saved as pictures
            if s.id not in self.used and self.pipeline(s):
                self.out.pipelines += 1
        take_stills.make(self)  # a frame of a made take saved as a picture beside it (heldout32 01)
        take_sounds.make(self)  # a take's sound saved alone beside its pictures (clss22: CLSS's FLAC)

    def _held_tasks(self) -> None:
        """A task Studio cannot do, with no sampler Studio reads (a model it does not run): held with its sentence."""
        wf, known = self.wf, tasks()
        for n in wf.nodes.values():
            spec = known.get(n.cls)
            if spec is not None and spec.generator is None and n.enabled and n.id not in self.held | self.used:
                models = [x for x in wf.nodes.values() if x.enabled and x.cls in LOADERS and x.id not in self.used][:1]
                self._hold(None, spec, family(None, spec, []), n, models, [])

    def _utilities(self) -> None:
        """ComfyUI's video utilities and model-free videos that end a chain, as Studio's nodes."""
        wf = self.wf
        ends = sorted((n for n in wf.nodes.values() if n.cls in ENDS and n.enabled), key=lambda n: ENDS.index(n.cls))
        for n in ends:  # SAM 3, Depth Anything, SDPose, FILM... as Studio's nodes (a save before a preview)
            path = utility_path(wf, n) if n.id not in self.used else None
            if path is not None and not any(x.id in self.used for x in path if utility(x, wf)):
                make_utility(self, n, path)
        for n in ends:  # ComfyUI's core image and video nodes alone (LoadImage -> SaveImage...): node for node
            preview_aside = (n.cls == "PreviewImage" or n.cls == "VHS_VideoCombine" and wf.value(n, "save_output") is
                             False) and (self.out.pipelines or any(t.get("family") != "core" for t in self.out.tasks))
            # (a look at an input where a generator or a utility is made: another core chain's made before it is not
            # one; audio.json's second combine, of its loader and a VHS_LoadAudio, was left 'not converted')
            chain = core_chain(wf, n) if n.id not in self.used and not preview_aside else None
            if chain is not None:
                make_chain(self, n, chain)
        for end, maker, clip_way in sound_for_clip.found(self):  # a loaded clip's sound made and saved alone (MMAudio)
            sound_for_clip.make(self, end, maker, clip_way)
        said_unmade(self)  # a transition between loaded clips Studio has no like of, said naming it (fx3)
        talk_rate.wire(self)  # a dubbed clip's own rate for the voice's features and the take (heldout75 04)

    def _not_converted(self) -> tuple[list[CNode], list[str]]:
        """The ComfyUI nodes not converted (counted by type for the Log) and the texts of the workflow's notes."""
        dropped, texts, folded = [], [], families.lookup("folded")
        made_for = set(self.out.origin.values())  # (a folded step a stage passed over in words, made for nothing:
        # its sentence said, not folded away: heldout87 04's ImageScaleBy to 1080 lines, its factor worked out when the
        # workflow runs, was dropped unsaid)
        read = self._read = {k for k, n in self.wf.nodes.items() if k in self.used or (n.cls in FOLDED or n.cls in
                             folded) and (not self.over.get(k) or k in made_for) or k in self.wf.sized}
        # (a resize whose factor gave a size worked out: reading.resized)
        read -= folded_steps.unread(self.wf, read, {k for k, n in self.wf.nodes.items() if n.cls in FOLDED or n.cls in
                                                    folded}, self.used | self.wf.sized)  # (folded into nothing)
        made = bool(self.out.pipelines or self.out.tasks)
        if not made and not self.g.nodes:  # nothing made: a step folded into what reads it is folded into nothing
            read -= {k for k, n in self.wf.nodes.items() if (n.cls in FOLDED or n.cls in folded) and n.cls not in
                     PASS_ON} - self.used - self.wf.sized  # (heldout46 05: an LTX-2.3 sketch's VAEDecodeTiled and
            # CreateVideo named nowhere; a switch or reroute passes on what it is given: read where its readers are)
        # steps, settings, constants, displays told by their types (a node a stage passed over with its sentence is
        # no reader 'listed in the note of what Studio does not convert')
        origins = set(self.out.origin.values())
        unmade = held_ways.unmade(self.wf, self.held_saves, read, origins)  # (nothing goes there)
        # a reader a stage passed over in words but that Studio made a node for (a held task's prompt encoder kept as
        # a Text Prompt holding the text it is given: heldout37 16) reads what it is given: not 'nothing goes there'
        over = passing.passed_over(self.wf, read | set(self.over), made, self.idle,
                                   (set(self.over) - origins) | unmade) | self.over
        for n in self.wf.nodes.values():
            if n.id in read or n.id in over and not over[n.id]:
                continue
            if n.id in over:
                self.out.passed.append(n.id)
                continue
            if n.cls in TEXT_NOTES:  # (an API file's note keeps no text: no empty note made of it)
                texts += [t] if (t := str(n.widgets.get("text") or "")).strip() else []
                continue
            # a bypassed or muted copy said as such (an S2V workflow's bypassed LoadAudio read as 'not converted')
            shown = n.shown_cls + ("" if n.enabled else f" ({MODES.get(n.mode, 'off')} in ComfyUI)")
            self.skipped[shown] = self.skipped.get(shown, 0) + 1
            dropped.append(n)
        self.out.dropped = [n.id for n in dropped]
        if self.out.passed:
            said = [over[k] for k in self.out.passed]
            self.note(f"ComfyUI nodes passed over ({len(said):,}), told by their types:\n" + "\n".join(
                f"- {x}" for x in said[:MAX_LISTED]) + (f"\n- and {len(said) - MAX_LISTED:,} more" if len(said) >
                                                         MAX_LISTED else ""))
            self.out.log += [f"{self.name}: {x}" for x in said[:MAX_LISTED]] + (  # (as many as the note lists)
                [f"{self.name}: and {len(said) - MAX_LISTED:,} more passed over"] if len(said) > MAX_LISTED else [])
        return dropped, texts

    def _notes(self, dropped: list[CNode], texts: list[str]) -> None:
        """The notes in their order (the sentences said first, Studio's, the nodes not converted, the workflow's
        own), laid out with the nodes."""
        for text in self.first_notes:
            self.note(text)
        self.notes = self.notes[-len(self.first_notes):] + self.notes[:-len(self.first_notes)] if self.first_notes \
            else self.notes
        self.note_bands = self.note_bands[-len(self.first_notes):] + self.note_bands[:-len(self.first_notes)] \
            if self.first_notes else self.note_bands
        if dropped:
            self.note(self._dropped_note(dropped))
        for text in texts:  # the workflow's own notes, after Studio's
            self.note(text)
        if self.skipped:
            self.out.log.append(f"{self.name}: ComfyUI nodes not converted (listed in a note on the canvas): "
                                + ", ".join(f"{c} x{k}" if k > 1 else c for c, k in sorted(self.skipped.items())))
        lay_out(self.g, self.bands, self.notes, self.note_bands)
        if self.notes:
            self.g.set_annotations("notes", self.notes)
        self.out.notes = len(self.notes)

    def _summary(self) -> Conversion:
        """The conversion, its last lines in the Log."""
        if not self.out.pipelines and not self.out.tasks:
            ways = unknown_ways.sentence(self.wf)  # (a sampler Studio knows, undeclared nodes on its ways: heldout85 06)
            self.out.log.append(f"{self.name}: " + (ways or "no video output with a sampler found: only notes made"
                                                    + unknown_types.clause(self.wf)  # (types no pack declares: named)
                                                    + cloud_nodes.clause(self.wf))  # (a paid service's: heldout100 05)
                                + no_output.clause(self.wf)  # (no output node at all: nothing runs, heldout46 05)
                                + sound_saves.clause(self))  # (a take's sound saved alone: not read, said)
        self.out.log.append(f"{self.name}: {self.out.pipelines} pipeline(s), {len(self.g.nodes)} Studio nodes, "
                            f"{self.out.notes} notes (ComfyUI nodes not converted, and what each generator "
                            "does not take)")
        return self.out


def _wired(wf: Workflow, n: CNode, k: str) -> Any:
    """A setting wired from another node as the value Studio works out for it, else '(wired)' (heldout92 09: a Flux
    still's prompt, joined by a StringConcatenate read as a value, was listed '(wired)' and named nowhere)."""
    v = wf.value(n, k) if n.enabled else None
    if v is None or isinstance(v, (dict, list, tuple)):
        return "(wired)"
    return f"(wired: {rounded(v)!r})" if isinstance(v, str) else f"(wired: {rounded(v)})"


def _dropped_line(n: CNode, wf: Workflow) -> str:
    off = "" if n.enabled else f" ({MODES.get(n.mode, 'off')} in ComfyUI)"
    kept, whole = whole_texts.said_whole(wf, n) if n.enabled else ({}, "")  # (a text reaching an encoder: whole)
    said = {k: _wired(wf, n, k) if k in n.links else v for k, v in n.settings().items() if k not in kept and k not in
            n.unsaved}  # (a wired one's saved value: unused; one its file does not save: Studio's, said apart)
    own = {k: v for k, v in n.settings().items() if k in n.unsaved and k not in n.links}  # (heldout76 09: a
    # wrapper encode's picture resize 'lanczos/disabled' listed as saved)
    settings = (whole_json(rounded(said)) if said or not own
                else "no settings saved in the file") + whole + (
        f" ({', '.join(f'{k} {v}' for k, v in own.items())}: not saved in the file, set by Studio's reading of the "
        f"node as {n.cls})" if own else "")
    read_as = f", read as {n.cls}" if n.origin else ""
    if n.misnamed:  # (values of another version's order: loop21, reading/misnamed.py)
        settings += BY_PLACE
    return f"- '{n.title or n.shown_cls}' ({n.shown_cls}{read_as}, #{n.id}){off}: {settings}"


def convert(doc: Any, name: str = "workflow", registry=None, folder: str | None = None) -> Conversion:
    """A ComfyUI workflow (its UI or API JSON, parsed) as a Studio graph (reading.workflow.WorkflowError
    when it is neither); ``folder``: the workflow file's, where the pictures it names are looked for (their sizes
    read from their headers: reading.picture_header)."""
    try:
        wf = Workflow.read(doc)
    except WorkflowError as e:
        raise WorkflowError(f"'{name}': {e}") from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as e:
        raise WorkflowError(f"'{name}' looks like a ComfyUI workflow but could not be read "
                            f"({type(e).__name__}: {str(e)[:200]})") from None
    read = frozenset(wf.nodes)  # (the file's nodes: those a translation adds are said by these: file_ids.py)
    held_settings.keep(wf)  # its nodes as saved, before a translation rewrites them (a held task's settings)
    wf.folder = folder
    try:
        deployed = deploy_inputs.translate(wf)  # a deploy service's input nodes as their values (packs/deploy_inputs.py)
        for k, v in (switches.read_away_worked_out(wf.nodes, wf.value, wf.taken) if deployed else {}).items():
            wf.wiring[k] = wf.wiring.get(k, 0) + v  # a switch those values choose (what it does not take: not run)
        idle = wf.idle = unrun.idle(wf)  # what ComfyUI does not run of the workflow as saved (before a translation rewires it)
        said = deployed + front_end_inputs.translate(wf)  # a front-end's parameter nodes as their values (packs/front_end_inputs.py)
        said += loops_unrolled.translate(wf)  # a loop continuing one take: its segments (packs/loops_unrolled.py)
        folders.picked(wf)  # a folder's picture picked by its place (a loop's pass number): Load Image Sequence's
        said += batch_managers.translate(wf) + pipes.translate(wf) + twins.translate(wf) + uncatalogued_twins.translate(wf) + easy_use.translate(wf) + bundle_loaders.translate(wf) + float_sigmas.translate(wf) + [x for m in families.mappings() if m.translate for x in m.translate(wf)]
        said += expert_samplers.translate(wf) + task_twins.translate(wf) + prompt_loras.translate(wf)
        said += pass_samplers.translate(wf)  # a sampler giving more than its latent (packs/pass_samplers.py)
        said += custom_samplers.translate(wf)  # a pack's sampler of SamplerCustomAdvanced's sockets (clss22)
        said += picture_saves.translate(wf)  # a pack's save of pictures, or of a latent decoded (packs/picture_saves.py)
        said += video_senders.translate(wf)  # an undeclared node given a video, no output node: the output (heldout122)
        saves = save_shapes.said(wf)  # (said again where nothing is made for one: unmade_saves.py)
        said += shapes.translate(wf) + [line for _, line, _ in saves]  # told by their shapes (packs/shapes.py, save_shapes.py)
        said += wf.wiring_said  # an input two broadcasts reach at one priority (left unwired, as in ComfyUI)
        said += wf.unset_said  # settings an API file's nodes' packs require, not given
        b = _Builder(wf, name, registry)
        b.idle = idle
        b.out.pictures = wf.pictures
        if wf.inside:
            b.out.log.append(f"{name}: the workflow is read from the file's '{wf.inside}' (the file holds it inside "
                             "another object)")
        made = {k: v for k, v in wf.wiring.items() if frontend_made(k)}  # (the others: server nodes passing on)
        for kinds, words in ((made, "the links ComfyUI's frontend makes of them when it queues the workflow"), (
                {k: v for k, v in wf.wiring.items() if k not in made}, "the input each passes on, as ComfyUI runs it")):
            if kinds:  # what they stand for is in the links (information, the Log only)
                b.out.log.append(f"{name}: read as {words}: "
                                 + ", ".join(f"{k} x{v}" if v > 1 else k for k, v in sorted(kinds.items())))
        for line in said:
            b.out.log.append(f"{name}: {line}")
        if said:
            b.note("\n".join(said))
        conv = b.build()
        conv.log += [f"{name}: {line}" for line in picture_header.said(wf.nodes, wf.files_sized)]
        conv.log += [f"{name}: {line}" for line in loaded_clip.said(wf)]
        conv.log += [f"{name}: {line}" for line in animated_stills.said(conv, wf)]  # an animated file as a still
        unmade_saves.correct(conv, name, saves)
        held_translations.correct(conv, name, said, b)  # a held task's node's translation sentences, as of it
        unmade_saves.correct(conv, name, wf.url_told)  # a web address's loader nothing made reads (heldout34 04)
        file_ids.say_file_ids(conv, read, wf.nodes)
        return conv
    except RecursionError:  # every walk is bounded; this is the last word if one is not
        raise WorkflowError(f"'{name}': its nodes are chained too deeply to convert") from None

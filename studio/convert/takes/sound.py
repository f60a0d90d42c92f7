"""Sound through to the save (issue 99, item 4): a ComfyUI save that muxes a file's sound beside the frames it
writes (VideoHelperSuite's Video Combine 'audio' from its Load Video's audio or a Load Audio; core CreateVideo's
'audio' before SaveVideo, a clip's sound taken apart by GetVideoComponents) keeps it: Studio's Load Audio, or
the Load Video's 'audio' output, wired into the Save Video's 'audio'. A sound made otherwise (a generator's own,
decoded by a family's audio VAE) is the family's (api.Generator.sound); a sound Studio cannot wire is said.

Functions on a builder ``b`` of mapping.convert; plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..tracing.walks import find_loader
from ..reading.workflow import LOADER_NODES, CNode
from ..reading.audio_split import part_words
from ..families import registry as families
from ..tracing.roles import role
from ..finishing.save_animated import holds_no_sound
from .sound_carriers import carried_from

MUXERS = ("CreateVideo",)  # nodes that put a sound beside the frames before a save (ComfyUI's VIDEO)
CARRIERS = MUXERS + ("SaveVideo",)  # nodes a clip's sound passes through as it is (a save gives its video on)



def sound_port(wf, save: CNode) -> tuple[CNode, str] | None:
    """(the node, its input) that gives ``save`` its sound: its own 'audio' (Video Combine), else the 'audio' of the
    CreateVideo feeding it (SaveVideo); None when the save writes no sound of the workflow's."""
    if "audio" in save.links:
        return save, "audio"
    src = wf.source(save, "video")
    if src is not None and src.cls in MUXERS and "audio" in src.links:
        return src, "audio"
    return None


def hears(b: Any, sv: str) -> bool:
    """Studio's save ``sv`` writes sound (a Save Video; not a Save Image Sequence)."""
    return b.g.nodes[sv].type_id == "io.save_video"


def file_sound(wf: Any, save: CNode) -> CNode | None:
    """The Load Video / Load Audio whose sound ``save`` muxes (a clip's sound taken apart by GetVideoComponents,
    a Load Audio's file; through the steps on its way), None where the save writes a sound a node makes (a
    family's audio decoder) or none."""
    port = sound_port(wf, save)
    found = sound_loader(wf, port[0], port[1], set()) if port is not None else None
    return found[0] if found is not None else None


def sound_loader(wf: Any, node: CNode, name: str, used: set) -> tuple[CNode, int, list[CNode]] | None:
    """The Load Audio / Load Video whose sound reaches ``node``'s ``name`` (find_loader); None where the way ends at
    a picture's loader: a sound a model makes from it (LTX-2's audio decoded from a sampler whose reference picture
    is a Load Image: yameprogrammer's ltx23I2VWorkflow_v20 wired that picture into Save Video's sound)."""
    got: set = set()
    found = find_loader(wf, node, name, got)
    if found is None or LOADER_NODES[found[0].cls][1] not in ("audio", "video"):
        return None
    used |= got
    return found


def own_sound_replaced(b: Any, save: CNode, gen: str, said: list[str]) -> bool:
    """True (said) where ComfyUI's ``save`` writes a file's sound beside the frames while Studio's generator ``gen``
    makes a sound of its own ('sound: generated', or a generator with no such choice): LTX-2.3 sampling a video
    latent alone, its clip's sound muxed by CreateVideo, writes that clip's sound, not one the model makes; the
    file's sound is wired into the Save Video (remux) in place of the generator's (found by the thirty-eighth
    held-out set: the generator's own sound went into the save, unsaid)."""
    loader = file_sound(b.wf, save)
    if loader is None or holds_no_sound(b.wf, save):  # an animated picture: no sound written (save_animated)
        return False
    if str(b.g.nodes[gen].params.get("sound", "generated")) != "generated":  # a track the generator keeps or is
        return _another_file(b, save, gen, loader, said)  # made to ('input', 'drive', 'voice'): its 'audio' is it
    kind = "sound of the video" if LOADER_NODES[loader.cls][1] == "video" else "sound"
    said.append(f"'{save.title or save.shown_cls}' (#{save.id}) writes the {kind} '{b.file_of(loader)}' "
                f"({loader.shown_cls}, #{loader.id}) beside the frames, not a sound the model makes: Save Video "
                f"writes that file's sound, and the sound {b.g.nodes[gen].label} makes is not written")
    return True


def _another_file(b: Any, save: CNode, gen: str, loader: CNode, said: list[str]) -> bool:
    """True (said) where the file whose sound ``save`` muxes is not the one Studio's generator ``gen`` keeps or is
    driven by (its 'audio' traced back to a Load Audio / Load Video): that file's sound is written, as ComfyUI does
    (heldout82 06: the save writes the full mix, the take is driven by the isolated vocals of another file; Save Video
    wrote the vocals, unsaid). The same file, or one not traced: the generator's 'audio', as before."""
    link, seen = b.g.input_link(gen, "audio"), set()
    while link is not None and link.src not in seen and b.g.nodes[link.src].type_id not in ("io.load_audio",
                                                                                            "io.load_video"):
        seen.add(link.src)
        link = next((x for x in b.g.links if x.dst == link.src and x.dst_port in ("audio", "video")), None)
    if link is None or str(b.g.nodes[link.src].params.get("path", "")) in ("", b.file_of(loader)):
        return False
    said.append(f"'{save.title or save.shown_cls}' (#{save.id}) writes the sound '{b.file_of(loader)}' "
                f"({loader.shown_cls}, #{loader.id}) beside the frames, not the file the generator's 'audio' is made "
                f"from ('{b.g.nodes[link.src].params.get('path')}'): Save Video writes that file's sound")
    return True


def remux(b: Any, save: CNode, sv: str, said: list[str]) -> None:
    """The file's sound ``save`` writes, wired into Studio's Save Video ``sv`` (whose 'audio' is not wired yet);
    said where it is made by nodes Studio does not convert."""
    if not hears(b, sv) or b.g.input_link(sv, "audio") is not None:
        return  # the generator's own sound, or a voice the family hears (Generator.sound, heard)
    if holds_no_sound(b.wf, save):  # an animated picture (GIF, WEBP, PNG): its sound not made, said not written
        return  # (finishing.save_animated; a WEBM's is wired, its Opus)
    port = sound_port(b.wf, save)
    if port is None:
        return
    node, name = port
    joined = b.joined_sound(node, name)  # sounds joined on the way (mapping.audio_joins): made with Studio's nodes
    if joined is not None:
        b.g.connect(*joined[0], sv, "audio")
        b.used.add(node.id)
        said.append(joined[1])
        return
    found = sound_loader(b.wf, node, name, b.used)
    if found is None:  # a sound the workflow makes with nodes Studio does not convert (a family's is wired above)
        maker = b.wf.source(node, name)
        if maker is not None and role(b.wf, maker) == "decoder":  # the generator's own: kept on its clip, or said
            decoded(b, save, sv, maker, said)
        elif maker is not None:
            gen = _generator(b, sv)  # a take carrying its model's soundtrack: Save Video writes that one
            kept = gen is not None and keeps_sound(b, gen[0])
            said.append(f"the sound '{save.title or save.shown_cls}' (#{save.id}) writes is made by ComfyUI's "
                        f"'{maker.title or maker.shown_cls}' ({maker.shown_cls}, #{maker.id}), which Studio does not "
                        "convert: its Save Video writes " + (
                            f"the soundtrack Studio's '{b.g.nodes[gen[0]].spec.title}' makes with the video in its "
                            "place" if kept else "the video without it"))
        return
    window = b.cut_sound(node, name)  # windows alone on the file's way (a trim, a crop, a loudness step):
    if window is not None:  # made with Studio's Audio Trim / Audio Loudness (heldout117 01: a TTS voice cut to 3 s
        b.g.connect(*window[0], sv, "audio")  # by TrimAudioDuration, its length wired from a primitive, was written
        b.used.add(node.id)  # whole, "without ComfyUI's TrimAudioDuration on its way")
        said.append(window[1])
        return
    loader, slot, via = found
    kind = LOADER_NODES[loader.cls][1]
    src = b.studio_loader(loader, 3 if kind == "video" else slot)  # a clip's sound: Load Video's 'audio'
    b.g.connect(*src, sv, "audio")
    b.used.add(node.id)
    what = f"{'sound of the video' if kind == 'video' else 'sound'} '{b.file_of(loader)}'"
    steps = [n for n in via if n.cls not in CARRIERS and n.id != node.id]
    said.append(f"the {what} ({loader.shown_cls}, #{loader.id}){part_words(loader, slot)} is written with the video, as "
                f"'{save.title or save.shown_cls}' (#{save.id}) muxes it: Save Video's 'audio'"
                + (f", without ComfyUI's {', '.join(sorted({n.shown_cls for n in steps}))} on its way" if steps else ""))


def _generator(b: Any, sv: str) -> tuple[str, Any] | None:
    """(the Studio generator whose take Save Video ``sv`` writes, its family's hooks) where the take reaches the save
    as it is made (no node between them but nodes whose clip carries its source's sound, as their types declare:
    sound_carriers; rtx10's Scale for an upscale Studio lacks, heldout81 05's frame interpolation raising its rate,
    heldout111 04's Upscale and Resize); None otherwise."""
    link = b.g.input_link(sv, "video")
    while link is not None and link.src in b.g.nodes and (port := carried_from(b.g.nodes[link.src])) is not None:
        link = b.g.input_link(link.src, port)
    if link is None or link.src not in b.g.nodes:
        return None
    return link.src, families.generator(b.g.nodes[link.src].type_id)


def keeps_sound(b: Any, gen: str) -> bool:
    """Studio's generator ``gen`` gives a clip carrying the sound its model makes (Save Video writes it): its own
    hooks say so (Generator.keeps_sound: MiniMax H3 Reference to Video), or its model's family declares it of this
    generic generator (the 'keeps_sound' hook: MiniMax H3's Text / Image to Video). Told by declarations, never by
    a family's name here."""
    node = b.g.nodes.get(gen)
    if node is None:
        return False
    hooks = families.generator(node.type_id)
    if hooks is not None and hooks.keeps_sound:
        return True
    fam = b.gen_family.get(gen, b.family_now)  # (being made: the pipeline's now)
    return node.type_id in (families.family_hook(fam, "keeps_sound") or ())


def decoded(b: Any, save: CNode, sv: str, maker: CNode, said: list[str]) -> None:
    """A sound decoded from a sampler's latent (ComfyUI's VAEDecodeAudio on the soundtrack a joint video and sound
    model makes) that ``save`` writes: read where Studio's generator keeps the sound it makes on its clip (Save Video
    writes it), else passed over in words (the generator gives the video alone). Left as it was where its sampler
    is not what Studio read."""
    made = b.wf.source(maker, next((k for k in maker.links if k in ("samples", "latent")), ""))
    if made is None or made.id not in b.used:
        return
    gen = _generator(b, sv)
    what = f"'{maker.title or maker.shown_cls}' ({maker.shown_cls}, #{maker.id})"
    whose = f"the sound {what} decodes from '{made.title or made.shown_cls}' (#{made.id})'s latent" if \
        not maker.said_as else f"{maker.said_as}'s own sound"  # (a decoder made for a pack node: the node's own)
    if gen is not None and keeps_sound(b, gen[0]):
        b.used.add(maker.id)
        said.append(f"{whose} for '{save.title or save.shown_cls}' (#{save.id}) is the soundtrack Studio's "
                    f"'{b.g.nodes[gen[0]].spec.title}' makes with the video: its clip carries it, Save Video writes it")
        return
    if gen is not None and gen[1] is not None and gen[1].sound:
        return  # (its 'audio' wired into the Save Video above)
    port = sound_port(b.wf, save)
    into = f"'{port[0].title or port[0].shown_cls}' (#{port[0].id})'s '{port[1]}'" if port else "the save"
    lead = f"{maker.said_as}'s own sound, for {into}" if maker.said_as else \
        f"{what} decodes the sound '{made.title or made.shown_cls}' (#{made.id}) makes with the video, for {into}"
    b.over[maker.id] = (f"{lead}: Studio's generator gives the video alone, so the Save Video made for "
                        f"'{save.title or save.shown_cls}' (#{save.id}) writes it without that sound")

"""The converter's ledger (issue 71): what a ComfyUI output is made from is carried into Studio's graph or
said, never dropped in silence. For each output converted: every file (an image, a clip, a sound, a
mask, tracks drawn by hand) that reaches it is wired into Studio's graph or named in a sentence of the
pipeline's note and the Log, with the ComfyUI node it passes through that Studio does not convert (its
role told by its types, tracing.roles); every further sampler pass that makes part of it (another segment,
a loop) is said; a size, length or prompt the workflow's nodes give that could not be read is said,
not left as Studio's default in silence. And before a generator is made: where the first sampler's
conditioning or latent holds a file Studio cannot wire and no input of the task is wired, the task is
another than the workflow's (text to video for an image to video): the output is held with its
sentence instead (mapping.intent._hold), never made as another task.

Plain data and stdlib: the builder (mapping.convert._Builder) is asked for what it made."""
from __future__ import annotations

import re
from typing import Any

from ..families import registry as families
from ..reading.workflow import LOADER_NODES, CNode, Workflow
from ..tracing.reference_inputs import is_reference_picture
from ..tracing.walks import NUMBERS, upstream
from ..tracing.roles import MEDIA, SAMPLER_TYPES, carries, consumers, in_type, kind_words, out_types, prompted, role
from ..tracing.stills import batch_latent
from ..tracing.tasks import LATENT_NAMES, V2V, Task, tasks
from ..reading.pass_any import any_through, passes_on
from .graph_loops import loops_said
from .unread_entry import unread_entry
from . import dropped_entry, given_files, held_besides

COUNTS = ("INT", "FLOAT", "BOOLEAN")  # numbers a file's node gives the way (its rate, its count): never its picture
SIZE_ONLY = ("GetImageSize",)  # a file read for its size alone: nothing of it reaches the video
KEPT_ASIDE = ("PreviewImage", "SaveImage", "PreviewAny", "MaskPreview")
CARRIED = {"IMAGE", "VIDEO", "AUDIO", "MASK", "LATENT", ""}  # what a file gives a node (not a text, a size)
ENCODED = frozenset({"CONDITIONING"})  # what a text encoder gives: never the video itself
# a picture's, clip's or sound's file name inside a setting's text (a timeline editor's JSON): its
# extension found first (after a character a name may hold), then the name back to the nearest quote, space or URL
# separator, at most MAX_NAME characters: a pattern reading the name forwards backtracks over a long text without
# spaces, quadratic in its length; a Python loop walking back character by character is too slow on megabytes
STOPS = " \t\r\n\"'<>|*?=&,;[]{}"
_STOP_CLASS = re.escape(STOPS)
MEDIA_EXT = re.compile(r"\.(?<=[^" + _STOP_CLASS + r"]\.)(png|jpe?g|webp|bmp|tiff?|gif|mp4|mov|webm|mkv|avi|m4v|wav|"
                       r"mp3|flac|ogg|m4a)(?![\w.])", re.IGNORECASE)
NAME_BACK = re.compile(r"[^" + _STOP_CLASS + r"]*")  # matched on the text before an extension, read backwards
MAX_NAME = 255  # characters of a file name before its extension
MAX_NAMED = 1_000  # file names taken from one node's settings
MAX_EXTENSIONS = 100_000  # extensions read in one setting (a hostile one: millions, each a name read back)
MEDIA_KIND = {**{e: "image" for e in ("png", "jpg", "jpeg", "webp", "bmp", "tif", "tiff", "gif")},
              **{e: "video" for e in ("mp4", "mov", "webm", "mkv", "avi", "m4v")},
              **{e: "sound" for e in ("wav", "mp3", "flac", "ogg", "m4a")}}


def _names_in(text: str, found: dict[str, None]) -> None:
    """The file names in ``text`` added to ``found`` (up to MAX_NAMED): the whole text read, in time linear in its
    length (each extension found by the pattern, each name read back at most MAX_NAME characters). Every extension
    the pattern finds gives a name (it follows a character a name may hold), so a setting naming files is never
    taken for one naming none, however long the text before its names (a 250,000-character thumbnail); past
    MAX_EXTENSIONS names (the same few over and over in a hostile text) the reading ends, the node said by then."""
    for count, m in enumerate(MEDIA_EXT.finditer(text)):
        start = m.start()
        back = text[max(0, start - MAX_NAME):start][::-1]
        found.setdefault(text[start - NAME_BACK.match(back).end():m.end()])
        if len(found) >= MAX_NAMED or count >= MAX_EXTENSIONS:
            return


def named_files(n: CNode) -> list[str]:
    """The picture, clip and sound files a node's settings name (in their text, a timeline's JSON included), once
    each, in order: a node pack's node that brings them in itself. Each setting is read to its end."""
    found: dict[str, None] = {}
    for v in n.settings().values():
        if isinstance(v, str) and len(found) < MAX_NAMED:
            _names_in(v, found)
    return list(found)


def files_brought(n: CNode) -> list[str]:
    """The files a node wired into the graph names among its settings (a timeline editor's), not a loader: the
    files it brings in itself."""
    return named_files(n) if n.links and n.cls not in LOADER_NODES else []


def _consumers(wf: Workflow) -> dict[str, list[CNode]]:
    return {k: [m for m, _ in v] for k, v in consumers(wf).items()}


def _carrying(wf: Workflow) -> dict[str, list[CNode]]:
    """Each node's consumers through an input that is no number (COUNTS): a count, a rate or a weight a node gives
    the way carries none of its file (heldout112 01: AudioToFFTs gives EmptyLatentImage only its batch_size, the
    frame count, and a prompt schedule its weights; the sound was said to be what the sampler is given)."""
    return {k: list({m.id: m for m, at in v if in_type(m, at) not in COUNTS}.values()) for k, v in consumers(wf).items()}


def media_sources(wf: Workflow, nodes: list[CNode]) -> list[CNode]:
    """The nodes among ``nodes`` that bring a file (or something drawn by hand) into the workflow: ComfyUI's
    and VideoHelperSuite's loaders, and any node whose types say it gives a picture, a sound or a mask
    from nothing wired (a pack's loader, a track editor)."""
    found = []
    for n in nodes:
        if not n.enabled:
            continue
        if n.cls in LOADER_NODES or (not any(src for src in n.links.values()) and role(wf, n) == "media loader"
                                     and any(isinstance(v, str) and v.strip() for v in n.settings().values())):
            found.append(n)
        elif files_brought(n) and role(wf, n) not in ("media loader", "prompt", "loader") and not _encodes_text(wf, n):
            found.append(n)  # a node wired to others that brings files in through its settings (a timeline editor)
    return found


def _encodes_text(wf: Workflow, n: CNode) -> bool:
    """``n`` encodes its text for a model, by its types: a text encoder in (CLIP), conditioning alone out. A file's
    name in that text is a word of the prompt ('From the example.png stick-figure girl ...': heldout42 02, said to be
    an image lost on the way), never a file the node brings in."""
    outs = out_types(wf, n)
    return bool(outs) and outs <= ENCODED and any(in_type(n, k) == "CLIP" for k in n.links)


def words(b: Any, n: CNode) -> str:
    """'image 'cat.png' (LoadImage, #3)'."""
    files = files_brought(n)
    if files:  # a pack's node naming its files among its settings (a timeline editor's)
        kinds = sorted({MEDIA_KIND.get(f.rsplit(".", 1)[-1].lower(), "file") for f in files})
        more = f" and {len(files) - 1} more" if len(files) > 1 else ""
        return f"{' and '.join(kinds)} '{files[0][:80]}'{more} ({n.shown_cls}, #{n.id})"
    kind = LOADER_NODES[n.cls][1] if n.cls in LOADER_NODES else (carries(n) or next(
        (MEDIA[t] for t in n.out_types if t in MEDIA), "input"))
    name = b.file_of(n) if n.cls in LOADER_NODES else next(
        (v for v in n.settings().values() if isinstance(v, str) and _FILE_LIKE.fullmatch(v.strip())), "")
    # (a text naming a file or a path, never another setting shown as one: a timeline's JSON, heldout18 15)
    shown = f" '{name[:80]}'" if name else ""
    return f"{kind}{shown} ({n.shown_cls}, #{n.id})"


def _walk(starts: list[CNode], within: set[str], cons: dict[str, list[CNode]], skip: frozenset = frozenset()):
    """(feeding node, node) for each node ``starts`` feed inside ``within`` (never one of ``skip``), nearest first,
    each once: a caller that stops early stops the walk."""
    seen, todo = {n.id for n in starts} | skip, list(starts)
    while todo:
        n = todo.pop(0)
        for m in cons.get(n.id, []):
            if m.id in seen or m.id not in within:
                continue
            seen.add(m.id)
            yield n, m
            todo.append(m)


def _downstream(src: CNode, within: set[str], cons: dict[str, list[CNode]]):
    """The nodes ``src`` feeds inside ``within``, nearest first (each once)."""
    return (m for _, m in _walk([src], within, cons))


def _via(wf: Workflow, src: CNode, within: set[str], used: set[str], cons: dict[str, list[CNode]],
         known: dict | None = None) -> CNode | None:
    """The first node on ``src``'s way into ``within`` that Studio did not convert (else the first on its way);
    ``known``: what earlier calls with the same ``within`` and ``used`` found (each node's answer worked out once)."""
    near = _nearest(src, within, cons, frozenset(), lambda n, m: m.id not in used, {} if known is None else known)
    if near is not None:
        return near[1]
    return next((m for m in cons.get(src.id, []) if m.id in within), None)


_PENDING = (-1, None)  # a node whose answer is being worked out (met again: a circle, no answer through it)


def _nearest(src: CNode, within: set[str], cons: dict[str, list[CNode]], skip: frozenset, stop: Any,
             known: dict) -> tuple[int, CNode] | None:
    """(steps, node) of the nearest node ``src`` feeds inside ``within`` (never one of ``skip``) at which ``stop(feeding
    node, node)`` holds, the walk going on through the others; None where there is none. Each node's answer is
    worked out once, in ``known`` (shared by calls with the same ``within``, ``skip`` and ``stop``): a walk from
    every file of thousands into one long chain stays linear in the workflow's size (issue 112 item 7), where a walk
    each was quadratic. Ties: the node fed first."""
    if src.id in known:
        return None if known[src.id] is _PENDING else known[src.id]
    known[src.id] = _PENDING
    stack = [(src, iter(cons.get(src.id, [])))]
    while stack:
        n, it = stack[-1]
        for m in it:
            if m.id not in skip and m.id in within and m.id not in known and not stop(n, m):
                known[m.id] = _PENDING
                stack.append((m, iter(cons.get(m.id, []))))
                break
        else:
            stack.pop()
            found = None
            for m in cons.get(n.id, []):
                if m.id in skip or m.id not in within:
                    continue
                if stop(n, m):
                    here = (1, m)
                else:
                    later = known.get(m.id)
                    here = None if later is None or later is _PENDING else (later[0] + 1, later[1])
                if here is not None and (found is None or here[0] < found[0]):
                    found = here
            known[n.id] = found
    return known[src.id]


def _conditioning(wf: Workflow, src: CNode, within: set[str], cons: dict[str, list[CNode]]) -> CNode | None:
    """The first node on ``src``'s way into the sampler that is conditioning or makes the latent, by its types (what
    the file becomes there), preferring a node pack's: the node to name where what it gives is lost."""
    declared = families.declared()  # a node a family reads (its frame-rate conditioning) is not where it is lost
    down = list(_downstream(src, within, cons))
    way = {src.id} | {m.id for m in down}
    found = [m for m in down if role(wf, m) in ("conditioning", "latent step", "latent maker")
             and m.cls not in SAMPLER_TYPES and _given_media(m, way)]
    unread = [m for m in found if m.cls not in declared]
    return next((m for m in found if carries(m)), (unread or found or [None])[0])


def _given_media(m: CNode, way: set[str]) -> bool:
    """Whether ``m`` takes from the file's way (``way``: the file and the nodes it feeds) something other than a number
    (a picture, a clip, a sound, a latent, or what its types do not tell): a latent maker given only the clip's size
    and length (heldout113 03: EmptyMiniMaxH3LatentAV sized by the clip it restores) is not what gives the sampler
    the clip."""
    return any(src in way and in_type(m, k) not in NUMBERS for k, (src, _) in m.links.items())


def _reaches(src: CNode, cons: dict[str, list[CNode]], within: set[str], memo: dict[str, bool]) -> bool:
    """What ``src`` gives reaches the end of ``within`` (the sampler, the save) other than as a size: a way through
    ``within`` not passing a size reader (a picture resized, then only measured by GetImageSize, gives the take its
    size alone). ``memo``: each node's answer, kept for the other sources of the same ``within`` (linear)."""
    return any(_gets_there(m, cons, within, memo) for m in cons.get(src.id, []) if m.id in within)


def _gets_there(start: CNode, cons: dict[str, list[CNode]], within: set[str], memo: dict[str, bool]) -> bool:
    """Whether ``start`` is on a way to the end of ``within`` with no size reader on it (memoised, iterative)."""
    stack = [(start, False)]
    while stack:
        n, done = stack.pop()
        if n.id in memo and not done:
            continue
        on = [x for x in cons.get(n.id, []) if x.id in within]
        if n.cls in SIZE_ONLY:
            memo[n.id] = False
        elif not on:  # the end of the way
            memo[n.id] = True
        elif done:
            memo[n.id] = any(memo.get(x.id, False) for x in on)
        else:
            memo[n.id] = False  # (while it is looked at: a loop reaches nothing through itself)
            stack.append((n, True))
            stack += [(x, False) for x in on if x.id not in memo]
    return memo[start.id]


def _beside(s: CNode, save: CNode, key: frozenset, cons: dict[str, list[CNode]], within: set[str]) -> bool:
    """Sampler ``s``'s take reaches ``save`` without passing the converted samplers ``key`` (a segment joined to
    theirs; not a pass making one of their inputs, as a depth estimator's sampler does)."""
    seen, todo = {s.id}, [s]
    while todo:
        n = todo.pop()
        for m in cons.get(n.id, []):
            ins = [k for k, (src, _) in m.links.items() if src == n.id]
            if ins and all(is_reference_picture(m, k) or in_type(m, k) in NUMBERS or in_type(m, k) in ENCODED
                           for k in ins):
                continue  # a colour match's reference, a number: no part of the take (heldout18); a conditioning
                # (a still a guide is made of: heldout51 05's SD1.5 keyframes reached the save only through
                # LTXVCropGuides' positive and negative, and were said to be segments to join)
            if m.id == save.id:
                return True
            if m.id in seen or m.id in key or m.id not in within:
                continue
            seen.add(m.id)
            todo.append(m)
    return False


_FILE_LIKE = re.compile(r"(?![\d.]+$)[^\n{}\[\]\"]*?(\.[A-Za-z0-9]{1,5}|[/\\\\][^\n{}\[\]\"]*)")  # 'clip.mp4', 'C:\\in\\'
_ID_SAID = re.compile(r"#([^#\s),]+)[),]")  # a node named in a sentence: '(LoadImage, #3)', '#3, ...'
_WORDS = re.compile(r"[^\s\"'<>|*?=&,;()\[\]{}]+")  # a name said without quotes, up to a separator


class _Said:
    """What the sentences said so far name, indexed once (issue 112 item 7: a workflow of thousands of files was
    read against every sentence for each file, quadratic): the nodes named ('#3)' or '#3,'), the texts between
    quotes and the words, each with its path's tail; a sentence added later is indexed when it is added."""

    def __init__(self, texts: list[str]) -> None:
        self.ids: set[str] = set()
        self.names: set[str] = set()
        self.odd: list[str] = []  # the texts of names holding a quote themselves, searched whole (rare)
        for t in texts:
            self.add(t)

    def add(self, text: str) -> None:
        self.ids.update(_ID_SAID.findall(text))
        for part in text.split("'") + _WORDS.findall(text):
            self.names.add(part)
            self.names.add(part.replace("\\", "/").rsplit("/", 1)[-1])
        if "'" in text:
            self.odd.append(text)

    def names_node(self, b: Any, n: CNode) -> bool:
        if n.id in self.ids:
            return True
        name = b.file_of(n) if n.cls in LOADER_NODES else ""
        if not name:
            return False
        return name in self.names or ("'" in name and any(name in t for t in self.odd))


def _said(b: Any, said: list[str]) -> _Said:
    """The index of what has been said of the output so far (its lines, the refusals, the Log and the notes)."""
    return _Said(said + list(b.refused) + list(b.out.log) + list(b.first_notes) + [x["text"] for x in b.notes])


def uncarried(b: Any, first: CNode, inputs: dict, said: list[str]) -> list[CNode]:
    """The files that reach the first sampler (through its conditioning or its latent) and are neither wired
    into the generator's inputs nor read already."""
    wf = b.wf
    within = {n.id for n in upstream(wf, first)}
    cons = _carrying(wf)  # (not through a number a node gives the way: heldout112 01, a sound's frame count)
    wired = {v[0].id for v in inputs.values()} | set(b.loaded)
    told = _said(b, said)
    memo: dict[str, bool] = {k: False for k, v in consumers(wf).items() if (on := [(m, at) for m, at in v if m.id in
                             within]) and all(in_type(m, at) in COUNTS for m, at in on)}  # (a node giving the way
    # only numbers - GetVideoComponents' rate of a clip into LTXVConditioning's frame_rate - gives it no picture)
    return [n for n in media_sources(wf, [n for n in wf.nodes.values() if n.id in within]) if n.id not in wired
            and _reaches(n, cons, within, memo) and not told.names_node(b, n)]


def maker_between(b: Any, save: CNode, key: frozenset) -> CNode | None:
    """A node between the output's samplers and ``save`` that makes the video itself from what they make (a paid
    service's image-to-video node prompted on its own): the samplers then make its still, not the video."""
    wf, cons = b.wf, _consumers(b.wf)
    within = {n.id for n in upstream(wf, save)}
    starts = [wf.nodes[k] for k in key if k in wf.nodes]
    feeding = {n.id for s in starts for n in upstream(wf, s)}  # what the samplers themselves are made with (a prompt
    # relay patching the second pass's model from the first's latent: heldout38 03), never a maker after them
    found = [m for _, m in _walk(starts, within, cons, frozenset({save.id}))
             if m.id not in feeding
             and m.enabled and prompted(m) and role(wf, m) != "prompt" and out_types(wf, m) != {"AUDIO"}  # (a sound's)
             and not (out_types(wf, m) and out_types(wf, m) <= ENCODED)  # (an image editor's text encoder: heldout26 03)
             and any_through(wf, m, 0) is None]  # (a display passing on what it is given, the text it shows saved)
    # the one that gives the video (an image editor on the way only changes the still), else the nearest the output
    return next((m for m in found if "VIDEO" in out_types(wf, m)), found[-1] if found else None)


def _own_inputs(wf: Workflow, first: CNode) -> set[str]:
    """The ids up the first sampler's inputs (its own too), not those of another pass above it (a sampler's)."""
    within, todo = {first.id}, [first]
    while todo:
        n = todo.pop()
        for src, _ in n.links.values():
            if src in wf.nodes and src not in within and wf.nodes[src].cls not in SAMPLER_TYPES:
                within.add(src)
                todo.append(wf.nodes[src])
    return within


def blocked(b: Any, first: CNode) -> list[tuple[CNode, CNode]]:
    """(file, node) where a file reaches the first sampler through a conditioning or latent node Studio does not
    read (an IC-LoRA guide, a pack's image-to-video conditioning): what it gives the sampler is lost, so the
    generator would make another task."""
    wf, cons = b.wf, _consumers(b.wf)
    within = _own_inputs(wf, first)
    declared = families.declared() | set(tasks())
    types: dict[str, dict] = {}  # a node -> what each node feeding it gives it (its links read once, not once a file)

    def stops(n: CNode, m: CNode) -> bool:
        if m.id not in types:
            types[m.id] = {}
            for k, (src, _) in m.links.items():
                types[m.id].setdefault(src, set()).add(in_type(m, k))
        return (m.id not in b.used and m.cls not in declared and m.enabled and bool(types[m.id].get(n.id, set()) & CARRIED)
                and role(wf, m) in ("conditioning", "latent step", "latent maker") and not passes_on(wf, m, n))
    out, known = [], {}
    for f in media_sources(wf, [n for n in wf.nodes.values() if n.id in within]):
        near = _nearest(f, within, cons, frozenset({first.id}), stops, known)
        if near is not None:
            out.append((f, near[1]))
    return out


def not_run() -> set[str]:
    """The models named by a mapping that runs none of them (catalog/comfy_not_read.py: Cosmos, Mochi...)."""
    return {title for m in families.mappings() if m.tasks and not m.generators and not any(
        t.generator for t in m.tasks.values()) for _, title in m.files}


def _one_picture(wf: Workflow, first: CNode, fam: str) -> bool:
    """Whether sampler ``first`` makes one picture: a still family's model (FLUX.2 klein's edit of a frame, UrbanMan's)
    on an empty latent of a batch of one (tracing/stills.batch_latent). A still family's sampler given the encoded
    frames of a clip, or whose picture a step animates after it, is said with the video it is a pass of (blob8's)."""
    port = next((k for k in LATENT_NAMES if k in first.links), None)
    latent = wf.source(first, port) if port else None
    return bool(families.family_hook(fam, "still")) and latent is not None and batch_latent(latent) and \
        wf.value(latent, "batch_size") == 1


def held_task(b: Any, first: CNode, lost: list[CNode], fam: str, inputs: dict | None = None) -> Task:
    """The task a workflow makes from files Studio cannot wire, in words, for the sentence said first; ``inputs``: the
    generator's inputs read besides them (held_besides: named, and the take made without those files not said to be
    made from the prompt alone)."""
    wf, cons = b.wf, _consumers(b.wf)
    within = _own_inputs(wf, first)  # (not through another pass above it: heldout37 09 named the ControlNet of an
    ids = {n.id for n in lost}  # SDXL pass making the start picture as what gives the Wan sampler its input)
    pairs = [(f, m) for f, m in blocked(b, first) if f.id in ids]
    vias, given = list({m.id: m for f, m in pairs}.values()), [f for f, _ in pairs]
    for n in lost:
        if files_brought(n):  # the node that brings its files in itself
            vias.append(n)
            given.append(n)
            continue
        v = _via(wf, n, within, set(), cons)
        c = (_conditioning(wf, n, within, cons) or v) if v is not None else None
        if c is not None and not vias:
            vias.append(c)
        if c is not None and any(x.shown_cls == c.shown_cls for x in vias):  # (a node of a kind named: heldout109
            given.append(n)  # 08's second folder loader into another LTXVAddGuide went unnamed)
    vias = list({v.id: v for v in vias}.values())
    given = list({f.id: f for f in given}.values()) or lost  # the files those nodes are given (heldout91 03: not the
    # picture a tagger reads into the prompt beside two ControlNets given folders' frames)
    names = ", ".join(f"{v.shown_cls} ({kind_words(wf, v)})" for v in vias[:4]) or "nodes it does not read"
    names += given_files.named(given, lost, lambda f: words(b, f), min(len(vias), 4))
    what = " and ".join(sorted({words(b, n).split(" ", 1)[0] for n in given}))  # the same words in any process
    made = "picture" if _one_picture(wf, first, fam) else "video"
    if fam in not_run():  # a model whose family Studio does not have (yet): said as such
        return Task(f"a {made} from {what} given to the sampler by {names}", None, family=fam,
                    cannot=f"run {fam}: no family of Studio's reads its files or its nodes")
    beside = held_besides.words(b, inputs)
    alone = f"made without {'it' if len(vias) == 1 else 'them'}" if beside else "made from the prompt alone"
    return Task(f"a {made} from {what} given to the sampler by {names}" + (f", beside {beside}" if beside else ""),
                None, family=fam, cannot=f"wire what {'that node gives' if len(vias) == 1 else 'those nodes give'} "
                                         f"into a generator of that task ({alone}, it would be another {made})")


def check(b: Any, save: CNode, key: frozenset, up: list[CNode], params: dict, said: list[str]) -> None:
    """The ledger of one converted output: a sentence in ``said`` for each file, sampler pass, size, length
    or prompt of the workflow's that Studio's graph does not carry."""
    wf, cons = b.wf, _consumers(b.wf)
    within, told, known, memo, keyed, walked, lets = {n.id for n in up}, _said(b, said), {}, {}, {}, {}, {}
    for n in media_sources(wf, up):
        if n.id in b.loaded or n.id in b.patch_made or not _reaches(n, cons, within, memo) or told.names_node(b, n):
            continue  # (a picture a patch said not applied alone is made with: its own sentence, patch_inputs)
        dropped = dropped_entry.dropped_entry(wf, n, within, cons, save, keyed, walked)
        if dropped is not None:  # (only into inputs its nodes' types do not declare: dropped in ComfyUI too)
            said.append(dropped_entry.said(words(b, n), *dropped))
            told.add(said[-1])
            continue
        entry = unread_entry(wf, n, within, b.used, cons, lets)
        if entry is not None:  # (let go at a node read as another type, on an input that type does not take)
            m, k = entry
            said.append(f"the {words(b, n)} reaches this output through {m.named()}'s '{k}', which Studio's "
                        f"reading of that node as {m.cls} does not take: the video is made without it")
            told.add(said[-1])
            continue
        v = _via(wf, n, within, b.used, cons, known)
        through = (f" through ComfyUI's '{v.title or v.shown_cls}' ({v.shown_cls}, #{v.id}: "
                   f"{kind_words(wf, v)})") if v is not None else ""
        said.append(f"the {words(b, n)} reaches this output{through}, which Studio does not convert: the video is "
                    "made without it")
        told.add(said[-1])
    loops_said(wf, up, key, said)  # a loop of the graph's (takes/graph_loops.py): its take one pass of it, said
    made = set().union(*b.made) if b.made else set()
    others = [n for n in up if n.enabled and n.id not in key and n.id not in made and role(wf, n) == "sampler"
              and _beside(n, save, key, cons, within)]
    if others:
        names = ", ".join(f"'{n.title or n.shown_cls}' (#{n.id})" for n in others[:6])
        said.append(f"{len(others)} more sampler pass{'es' if len(others) > 1 else ''} ({names}) make part of this "
                    "output (another segment, a loop or an extension joined by ComfyUI's nodes): Studio's graph makes "
                    "only the pass converted; add a generator for each and join them (Concatenate)")
    text = "\n".join(said)
    missing = [k for k in ("width", "height", "frames") if k in params and params[k] is None]
    if params.get("bucket") not in (None, "", "off", 0):  # a size the generator picks when it runs (FramePack's
        missing = [k for k in missing if k == "frames"]  # bucket, from the picture: heldout49 04), said where read
    spec = b.g.registry.get(b.task_now) if getattr(b, "task_now", None) in b.g.registry else None
    if spec is not None:  # a generator with no such setting (LTX-2 Sound: a sound alone) has nothing to miss
        missing = [k for k in missing if any(q.name == k for q in spec.params)]
    restyled = getattr(b, "task_now", None) == V2V or (  # (a family's node restyling the encoded clip at the
        getattr(b, "denoise_from", None) is not None and spec is not None  # sampler's denoise on its 'video':
        and any(i.name == "video" for i in spec.inputs))  # AnimateDiff ControlNet's, animdiff15)
    if missing and "size" not in text and "frames" not in text and restyled:  # (v2vhold8)
        said.append(f"the take's {', '.join(missing)} are those of the encoded video its sampler is given: "
                    f"{spec.title if spec is not None else 'Video to Video'}'s own (0) take the size and length of "
                    "the video it is given")
    elif missing and "size" not in text and "frames" not in text:
        said.append(f"the workflow's {', '.join(missing)} could not be read from its nodes (made when ComfyUI runs, "
                    "or not where Studio reads them): "
                    "the generator's own default stands (0: the start image's size, else the model's); set the "
                    "workflow's")
    if params.get("prompt") is None and "prompt" not in text:
        said.append("the workflow's prompt could not be read from its nodes: the generator's default prompt stands; "
                    "write the workflow's")


# -- a family's hook reading a value: through here, so a value it cannot take is said like every other ---------
MAX_RATE = 240.0  # frames a second a workflow's frame rate may say (Studio's own limit)


def _unknown(n: CNode, name: str, v: Any) -> str | None:
    """Where ``v`` is None for a setting wired from a node Studio cannot work out: that said (no value of the
    workflow's to call wrong); else None."""
    if v is None and name in n.links:
        return f"'{n.title or n.shown_cls}' (#{n.id})'s {name} is given by a node Studio cannot work out when converting"
    return None


def _named(n: CNode, name: str, v: Any) -> str:
    from ..values.shown import shown
    return f"'{n.title or n.shown_cls}' (#{n.id})'s {name} {shown(v)}"


def whole_setting(n: CNode, name: str, v: Any, said: list[str], lo: int = 0, hi: int | None = None,
                  instead: str = "") -> int | None:
    """``v``, the setting ``name`` of ``n`` a family's hook reads, when it is a whole number in [lo, hi]; else None
    and one sentence in ``said`` naming the node, the setting, the value and what is done instead (``instead``)."""
    if isinstance(v, int) and not isinstance(v, bool) and v >= lo and (hi is None or v <= hi):
        return v
    rng = f"from {lo}" + (f" to {hi:,}" if hi is not None else "")
    said.append((_unknown(n, name, v) or f"{_named(n, name, v)} is not a whole number {rng}")
                + (f": {instead}" if instead else ""))
    return None


def flag_setting(n: CNode, name: str, v: Any, said: list[str], instead: str = "") -> bool | None:
    """``v`` when it is true or false; else None and one sentence in ``said`` ('distilled: "yes"' is no switch)."""
    if isinstance(v, bool):
        return v
    said.append(f"{_named(n, name, v)} is not true or false" + (f": {instead}" if instead else ""))
    return None


def rate_setting(n: CNode, name: str, v: Any, said: list[str], instead: str = "") -> float | None:
    """``v`` as a frame rate where it is a number (one out of Studio's range is fitted, and said, where the
    generator takes it: mapping.base's fit); else None and one sentence in ``said`` (a list, a text, a switch, or
    nothing: a value wired from itself)."""
    from ..values.shown import as_float
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return as_float(v)
    said.append((_unknown(n, name, v) or f"{_named(n, name, v)} is not a frame rate (a number above 0, at most "
                 f"{MAX_RATE:g})") + (f": {instead}" if instead else ""))
    return None


def pick_said(wf: Workflow, pick: CNode | None, taken: str = "the last frames are taken") -> list[str]:
    """What a node picking frames of a take (takes/extend.FRAME_PICKS) gives that is no frame index or count, said:
    ImageFromBatch's batch_index "last" or -10^12 had become the last frame without a word. ``taken``: what Studio
    takes instead (the last frames; frame 0 where the take's length is not known: segments._continue)."""
    from .extend import SPLITS, pick_of
    said: list[str] = []
    if pick_of(pick) is None:
        return said
    at, count = pick_of(pick)
    lo = -1  # -1: the last (the workflows...
    whole_setting(pick, at, wf.value(pick, at), said, lo, None, taken if pick.cls not in SPLITS
                  else "where it splits is not known")
    if count and (count in pick.widgets or count in pick.links):
        whole_setting(pick, count, wf.value(pick, count), said, 1, None, "the frames to the take's end are taken")
    return said

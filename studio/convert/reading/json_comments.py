"""Comments a hand-edited workflow file holds: JSON has none, and ComfyUI does not load such a file, but a user
commenting out a value ('// "hyvid\\\\hunyuan_video_vae_bf16_repack.safetensors"', heldout73 05: a fork's FramePack
example) still means the rest. The comments outside strings ('//' to the line's end, '/* ... */') are blanked
(their line breaks kept, so a later error names the same line), and where the text then reads as JSON the file is
read so, said. Plain stdlib."""
from __future__ import annotations


def blanked(text: str) -> tuple[str, list[tuple[int, str]]]:
    """``text`` with its comments outside strings blanked, and each comment's (line, kind: '//' or '/* */')."""
    out, found = [], []
    i, n, line, in_str = 0, len(text), 1, False
    while i < n:
        c = text[i]
        if in_str:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if c == '"':
                in_str = False
            elif c == "\n":
                line += 1
            i += 1
            continue
        if c == '"':
            in_str = True
        elif c == "/" and text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            found.append((line, "//"))
            out.append(" " * (end - i))
            i = end
            continue
        elif c == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            found.append((line, "/* */"))
            chunk = text[i:end]
            out.append("".join(ch if ch == "\n" else " " for ch in chunk))
            line += chunk.count("\n")
            i = end
            continue
        elif c == "\n":
            line += 1
        out.append(c)
        i += 1
    return "".join(out), found


def sentence(name: str, found: list[tuple[int, str]]) -> str:
    """What is said of a file read without its comments."""
    lines = ", ".join(str(ln) for ln, _ in found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
    kinds = " and ".join(dict.fromkeys(f"'{k}'" for _, k in found))
    return (f"'{name}' is not valid JSON: it holds {len(found)} {kinds} comment{'s' if len(found) > 1 else ''} "
            f"(line{'s' if len(found) > 1 else ''} {lines}), which JSON does not allow and ComfyUI does not load: "
            f"read without {'them' if len(found) > 1 else 'it'}, as if deleted")

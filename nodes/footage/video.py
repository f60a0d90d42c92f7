"""Video out in the codecs studios exchange: ProRes 422 HQ / 4444 with alpha, FFV1 lossless,
H.265 and H.264, 8 or 10 bits, with colour tags."""
from __future__ import annotations

from studio.core.fileformat import graph_to_json
from studio.core.params import Bool, Choice, Int, Path
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.media import FILE_TAGS, write_video
from studio.engine.video_formats import CODECS

MASTER_FILTER = "Video (*.mov *.mkv *.mp4 *.avi)"


class SaveVideoMaster(Node):
    """Render a clip as a master or delivery file: ProRes 422 HQ or 4444 (with the alpha input)
    in .mov, FFV1 lossless in .mkv/.avi, H.265 or H.264 in .mp4/.mov/.mkv. The colour matrix and
    range are used for the conversion and written as the file's tags. 10 bits keeps float
    precision (ProRes is always 10-bit; FFV1 at 10 bits stores 16-bit RGB)."""
    id = "footage.save_video_master"
    title = "Save Video (ProRes/FFV1/H.265)"
    category = "Output"
    timing = CLIP
    is_output = True
    streams_input = "video"  # writes frames in order: a long clip comes in as it is made
    inputs = (In("video", "Video"), In("audio", "Audio", optional=True, help="sound; default: the clip's own"),
              In("alpha", "Mask", optional=True, help="alpha channel (ProRes 4444 and FFV1 only)"))
    outputs = (Out("video", "Video"),)
    params = (Path("path", "master.mov", mode="save", filters=MASTER_FILTER, help="where to write"),
              Choice("codec", "prores_422", choices=tuple(CODECS),
                     help="; ".join(f"{k}: {c.title} ({'/'.join(c.exts)})" for k, c in CODECS.items())),
              Choice("bits", "10", choices=("8", "10"), help="bits per component (H.264/H.265/FFV1)"),
              Choice("matrix", "bt709", choices=("bt709", "bt601"), help="RGB to YUV matrix, and its tag"),
              Choice("range", "limited", choices=("limited", "full"), help="video (limited) or full range, and its tag"),
              Int("crf", 18, min=0, max=51, help="H.264/H.265 quality: lower is better"),
              Bool("embed_graph", True, help="store the graph in the file's metadata"))

    @classmethod
    def preflight(cls, params, base_dir):
        """The container must hold the codec (FFV1 in the default master.mov does not)."""
        from studio.core.errors import MediaError
        from studio.engine.video_formats import check_container
        try:
            check_container(CODECS[params["codec"]], params["path"])
        except MediaError as e:
            return [str(e)]
        return []

    def run(self, ctx, video, audio=None, alpha=None):
        p = ctx.params
        spec = CODECS[p.codec]
        if alpha is not None and spec.pix_fmt_alpha is None:
            raise ValueError(f"{spec.title} has no alpha channel: choose prores_4444 or ffv1, or unplug the alpha")
        if p.bits == "8" and spec.always_deep:
            ctx.info(f"{spec.title} is always 10-bit")
        rng = ctx.frames_to_render(video.n_frames)
        graph = ctx.options.get("graph")
        gj = graph_to_json(graph, indent=None) if (p.embed_graph and graph is not None) else None
        producer = video.producer[1] if video.producer else ""
        from studio.engine.previews import output_path
        path, _marks = output_path(ctx, p.path)  # a preview upstream: name.preview.mov, said
        n = write_video(path, video, rng, audio=audio if audio is not None else video.audio, graph_json=gj,
                        crf=p.crf, preset="medium", producer=producer, codec=p.codec, alpha=alpha,
                        matrix=p.matrix, color_range=p.range, bits=int(p.bits),
                        on_chunk=lambda done, total: ctx.progress(done, total, frame=rng.start + done - 1),
                        check=ctx.check_cancelled, tags=ctx.options.get(FILE_TAGS))
        ctx.info(f"wrote {n} frames as {spec.title}, {p.matrix.upper()} {p.range} range")
        return video

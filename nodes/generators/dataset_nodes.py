"""The dataset nodes: a folder of captioned clips, and synthetic shapes or scenes (dataset.py makes
the data; scenes.py draws the scenes)."""
from __future__ import annotations

from studio.core.params import Choice, Float, Int, Path, Seed, String
from studio.core.spec import SOURCE, Node, Out

from .dataset import default_holdout, folder_dataset, parse_holdout, synthetic_dataset
from .scenes import scenes_dataset

# -- nodes ----------------------------------------------------------------------------------------
class DatasetFolder(Node):
    """A folder of captioned clips (a sidecar .txt per clip, or a CSV with file and caption
    columns), resized and cropped, retimed to a fixed length and fps, loaded lazily, split into
    train and validation."""
    id = "gen.dataset_folder"
    title = "Dataset: Folder"
    category = "Generate"
    timing = SOURCE
    outputs = (Out("dataset", "Dataset"), Out("preview", "Video"))
    params = (Path("folder", "", mode="dir", help="folder of clips with captions"),
              Int("frames", 8, min=1, max=256, help="frames per clip"),
              Int("width", 32, min=8, max=1024), Int("height", 32, min=8, max=1024),
              Float("fps", 8.0, min=1.0, max=120.0, help="clips are retimed to this rate"),
              Choice("fit", "fill", choices=("fill", "stretch"), help="crop to fill, or stretch"),
              Float("val_fraction", 0.1, min=0.0, max=0.9, help="share of clips kept for validation"),
              Seed("seed", 0, help="the split"))

    def run(self, ctx, **_):
        p = ctx.params
        ds = folder_dataset(p.folder, p.frames, p.width, p.height, p.fps, p.fit, p.val_fraction, p.seed)
        return {"dataset": ds, "preview": ds.clip(ds.indices("train")[0])}


class DatasetSynthetic(Node):
    """Coloured shapes moving in named directions, captioned ("a red circle moving left"), with
    some colour/shape/direction combinations held out of training for testing. Mode 'scenes':
    1-3 objects per clip, each with its own colour, shape, direction and speed, some rotating or
    growing, over still gradient or textured grounds, captioned from many phrasings ("a crimson
    ball rising while a blue box slides to the left"); the test split has two-object scenes of
    held-out combinations, each with a caption in the training wording and one in held-out words."""
    id = "gen.dataset_synthetic"
    title = "Dataset: Synthetic Shapes"
    category = "Generate"
    timing = SOURCE
    outputs = (Out("dataset", "Dataset"), Out("preview", "Video"), Out("captions", "Text"))
    params = (Choice("mode", "single", choices=("single", "scenes"),
                     help="one shape per clip, or scenes of 1-3 objects with their own motions"),
              Int("count", 512, min=4, max=100_000, help="training clips"),
              Int("frames", 8, min=2, max=128), Int("width", 32, min=16, max=512),
              Int("height", 32, min=16, max=512), Float("fps", 8.0, min=1.0, max=120.0),
              Choice("background", "black", choices=("black", "grey", "gradient", "texture"),
                     help="mode 'single'; scenes draw a random gradient or texture per clip"),
              Int("holdout", 12, min=0, max=24, help="combinations held out of training (the test split)"),
              String("holdout_list", "", help="or name them: 'red triangle up, blue circle left'"),
              Float("val_fraction", 0.05, min=0.0, max=0.9),
              Choice("wording", "many", choices=("many", "plain"),
                     help="scenes: captions from many phrasings (synonyms, word orders, templates; some held out "
                          "for the test split), or the one plain template"),
              Int("test_scenes", 48, min=0, max=10_000, help="scenes: two-object test clips"),
              Seed("seed", 0))

    def run(self, ctx, **_):
        p = ctx.params
        hold = parse_holdout(p.holdout_list) if p.holdout_list.strip() else default_holdout(p.holdout)
        if p.mode == "scenes":
            ds = scenes_dataset(p.count, p.frames, p.width, p.height, p.fps, p.seed, hold, p.val_fraction,
                                p.test_scenes, wording=p.wording)
            return {"dataset": ds, "preview": ds.clip(0), "captions": "\n".join(ds.captions("train")[:20])}
        ds = synthetic_dataset(p.count, p.frames, p.width, p.height, p.fps, p.background, p.seed, hold,
                               p.val_fraction)
        return {"dataset": ds, "preview": ds.clip(0), "captions": "\n".join(ds.captions("train")[:20])}

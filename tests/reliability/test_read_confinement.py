"""Issue 76, build item 3: a graph reads only inside the folders the user gave (its own folder, the project
folder, the models folders, Studio's own, the allowed folders, those picked or typed this session). A graph
from elsewhere naming /etc/passwd, by '../..' or absolutely, is refused by validate and render before
anything runs, naming node, path and how to allow it, and never quoting a byte of the file; a FIFO inside an
allowed folder is refused without blocking; a file typed on the command line is the user's own choice.
The CLI runs in this process; the settings, project and allowed folders are this test's own."""
from __future__ import annotations

import os

import pytest

from studio import cli
from studio.core.graph import Graph

from .test_confinement import place, refused, write  # noqa: F401 - the fixture

SECRET = "SECRET-7f3a"


def reading(path_value: str) -> Graph:
    """Load Image of ``path_value`` into Save Image... a graph whose one read is the image's path."""
    g = Graph()
    load = g.add_node("io.load_image", {"path": path_value})
    hold = g.add_node("io.save_video", {"path": "out.mp4"})
    g.connect(load.id, "image", hold.id, "video")
    return g


@pytest.fixture
def secret(place):  # noqa: F811
    _g, out, _home = place
    f = out / "passwd"
    f.write_text(SECRET + "\n")
    return f


def test_a_file_outside_by_dotdot_or_absolute_is_refused_and_never_quoted(place, secret, capsys):  # noqa: F811
    g_dir, _out, _home = place
    rel = os.path.relpath(secret, g_dir)  # '../outside/passwd'
    for value in (rel, str(secret)):
        gp = write(reading(value), g_dir)
        for cmd in ("validate", "render"):
            line = refused(capsys, cmd, gp)
            assert "would read" in line and "outside the folders a graph may read" in line, line
            assert "Load Image" in line and "--allow-dir" in line and SECRET not in line
    assert not (g_dir / "out.mp4").exists()


def test_a_file_typed_on_the_command_line_is_allowed(place, secret, capsys):  # noqa: F811
    """--set names the file: the user's own choice (as a file picked in the window's dialog)."""
    g_dir, _out, _home = place
    gp = write(reading("missing.png"), g_dir)
    assert cli.main(["render", gp, "--set", f"n1.path={secret}"]) != 0
    err = capsys.readouterr().err
    assert "would read" not in err and "not an image" in err and SECRET not in err  # read, refused as no image


def test_a_fifo_inside_the_graphs_folder_is_refused_without_blocking(place, capsys):  # noqa: F811
    g_dir, _out, _home = place
    os.mkfifo(g_dir / "pipe.png")
    gp = write(reading("pipe.png"), g_dir)
    line = refused(capsys, "validate", gp)
    assert "named pipe (FIFO), not a regular file" in line and "'Load Image' (n1)" in line


def test_a_model_given_by_an_absolute_path_outside_is_refused_unless_typed(place, secret, capsys):  # noqa: F811
    """A model is looked up by name inside the models folders and the graph's folder; an absolute path elsewhere
    in a graph from elsewhere is refused like any read (Load Video Model's header is never read)."""
    g_dir, _out, _home = place
    g = Graph()
    g.add_node("video_models.load", {"model": str(secret)})
    gp = write(g, g_dir)
    line = refused(capsys, "validate", gp)
    assert "would read" in line and "'model'" in line and SECRET not in line
    assert cli.main(["render", gp, "--set", f"n1.model={secret}"]) != 0  # typed: read, then refused as no model
    err = capsys.readouterr().err
    assert "would read" not in err and SECRET not in err


def test_a_link_inside_a_folder_leading_outside_is_refused_not_read(place):  # noqa: F811
    """An image sequence's folder or a dataset folder inside an allowed folder, holding a link to a file outside
    every folder a graph may read: refused naming the entry, nothing of the file read or quoted; a link that
    stays inside (or leads into another readable folder) is read as before."""
    from studio.core.errors import StudioError
    from studio.engine.sequence import find_sequence
    from nodes.generators.dataset import folder_dataset
    g_dir, out, _home = place
    import numpy as np
    from PIL import Image
    seq = g_dir / "plate"
    seq.mkdir()
    for i in range(3):
        Image.fromarray(np.full((8, 8, 3), 10 * i, np.uint8)).save(seq / f"f.{i:04d}.png")
    secret = out / "secret.png"
    secret.write_text(SECRET)
    (seq / "f.0003.png").symlink_to(secret)
    with pytest.raises(StudioError) as e:
        find_sequence(str(seq / "f.####.png"))
    assert "f.0003.png" in str(e.value) and "links leading outside" in str(e.value) and SECRET not in str(e.value)
    (seq / "f.0003.png").unlink()
    (seq / "f.0003.png").symlink_to(seq / "f.0002.png")  # inside: read as a frame
    assert len(find_sequence(str(seq / "f.####.png")).files) == 4
    data = g_dir / "clips"
    data.mkdir()
    (data / "a.mp4").symlink_to(secret)
    with pytest.raises(StudioError, match="links leading outside.*a.mp4"):
        folder_dataset(str(data))

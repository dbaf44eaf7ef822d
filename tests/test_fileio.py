"""Writing files: atomic, never over the input itself, never in place of someone's own folder,
and every unwritable place is one line that says what to do."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from deepfake_edu.cli import main
from deepfake_edu.errors import LabError
from deepfake_edu.fileio import atomic_dir, atomic_path, refuse_overwriting, write_text_atomic


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_output_that_is_a_folder_a_file_s_child_or_unwritable_is_one_line(tmp_path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "plain").write_text("x")
    cases = {tmp_path / "folder": "is a folder", tmp_path / "plain" / "out.txt": "is a file, not a folder",
             Path("/proc/deepfake-edu/out.txt"): "choose a folder you can write"}
    for target, message in cases.items():
        with pytest.raises(LabError, match=message) as refused:
            write_text_atomic(target, "hello")
        assert "\n" not in str(refused.value)
    assert (tmp_path / "plain").read_text() == "x" and list((tmp_path / "folder").iterdir()) == []


def test_a_failed_write_leaves_the_old_file_and_no_partial_one(tmp_path):
    target = tmp_path / "kept.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["kept.txt"]


def test_refuse_overwriting_sees_through_other_spellings_of_the_same_file(tmp_path, monkeypatch):
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"original")
    (tmp_path / "link.png").symlink_to(photo)
    monkeypatch.chdir(tmp_path)
    for spelling in (photo, Path("photo.png"), Path("./photo.png"), tmp_path / "sub" / ".." / "photo.png", tmp_path / "link.png"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        with pytest.raises(LabError, match="the input itself"):
            refuse_overwriting(spelling, photo)
    assert refuse_overwriting(tmp_path / "fake.png", photo) == tmp_path / "fake.png"


def test_a_folder_of_someone_s_files_is_never_replaced(tmp_path):
    mine = tmp_path / "holiday"
    mine.mkdir()
    (mine / "beach.jpg").write_bytes(b"precious")
    with pytest.raises(LabError, match="did not write"):
        with atomic_dir(mine, marker="dataset.json") as tmp:
            (tmp / "dataset.json").write_text("{}")
    assert (mine / "beach.jpg").read_bytes() == b"precious" and sorted(p.name for p in tmp_path.iterdir()) == ["holiday"]
    for replaceable in ("empty", "lab-made"):  # an empty folder, or one the lab wrote, may be replaced
        folder = tmp_path / replaceable
        folder.mkdir()
        if replaceable == "lab-made":
            (folder / "dataset.json").write_text("{}")
        with atomic_dir(folder, marker="dataset.json") as tmp:
            (tmp / "dataset.json").write_text('{"new": true}')
        assert (folder / "dataset.json").read_text() == '{"new": true}'


def test_the_commands_refuse_to_write_over_their_input(tmp_path, tiny_swap_run, capsys):
    from deepfake_edu.data import twins
    from deepfake_edu.data.images import write_image

    photo = write_image(tmp_path / "face.png", twins.render_face(twins.make_identity(0), twins.Factors(), 256).image)
    mine = tmp_path / "my-photos"
    mine.mkdir()
    (mine / "cat.jpg").write_bytes(b"not the lab's")
    before = digest(photo)
    commands = [
        ["swap", "apply", str(photo), "--run", str(tiny_swap_run), "--to", "twin-01", "--out", str(photo)],
        ["provenance", "mark", str(photo), str(photo)],
        ["provenance", "mark", str(photo), str(tmp_path / "." / "face.png")],
        ["twins", "--identities", "1", "--per-identity", "2", "--size", "64", "--out", str(mine)],
    ]
    for command in commands:
        assert main(command) == 2, command
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and "Traceback" not in error, error
    assert digest(photo) == before
    assert sorted(p.name for p in mine.iterdir()) == ["cat.jpg"] and (mine / "cat.jpg").read_bytes() == b"not the lab's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["face.png", "my-photos"]  # nothing half-written beside them


def test_sweep_stale_removes_what_a_killed_writer_left_and_nothing_else(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    from deepfake_edu.fileio import sweep_stale

    root = tmp_path / "runs"
    (root / "swap" / "checkpoints").mkdir(parents=True)
    # A writer killed (SIGKILL) inside atomic_path and atomic_dir, as a power cut or `kill -9` would.
    script = (
        "import sys, time\n"
        "from deepfake_edu.fileio import atomic_dir, atomic_path\n"
        f"with atomic_path({str(root / 'swap' / 'checkpoints' / 'step-1.safetensors')!r}) as tmp:\n"
        "    tmp.write_bytes(b'x' * 1000)\n"
        f"    with atomic_dir({str(root / 'faces')!r}) as folder:\n"
        "        (folder / 'crop.png').write_bytes(b'face')\n"
        "        print('ready', flush=True)\n"
        "        time.sleep(60)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    writer = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    assert writer.stdout.readline().strip() == "ready"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(30)
    left = sorted(p.name for p in root.rglob(".*partial*"))
    assert len(left) == 2, left  # the killed process's temporary file and folder
    # Work in progress of a live process, and files the lab did not name, stay.
    with atomic_path(root / "swap" / "live.json") as live:
        live.write_text("{}")
        mine = root / ".notes.partial.txt"
        mine.write_text("someone's own file with an unlucky name")
        removed = sweep_stale([root, tmp_path / "missing"])
        assert sorted(p.name for p in removed) == left
        assert live.exists() and mine.exists()
    assert not list(root.rglob(f".*{writer.pid}-*")) and (root / "swap" / "live.json").exists()


def test_save_figure_writes_the_picture_atomically_and_closes_the_figure(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from deepfake_edu.fileio import save_figure

    figure, axes = plt.subplots()
    axes.plot([0, 1], [1, 0])
    path = save_figure(figure, tmp_path / "plots" / "line.png", dpi=50)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and figure.number not in plt.get_fignums()
    assert sorted(p.name for p in path.parent.iterdir()) == ["line.png"]


@pytest.mark.parametrize("kind", ["fifo", "link to /dev/null", "folder", "link loop", "300-letter name", "wrong suffix"])
def test_check_output_file_refuses_what_cannot_be_written_as_a_file(tmp_path, kind):
    import os

    from deepfake_edu.fileio import check_output_file

    target = tmp_path / "out.png"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "link to /dev/null":
        target.symlink_to("/dev/null")
    elif kind == "folder":
        target.mkdir()
    elif kind == "link loop":
        target.symlink_to(target)
    elif kind == "300-letter name":
        target = tmp_path / ("x" * 300 + ".png")
    else:
        target = tmp_path / "out.xyz"
    with pytest.raises(LabError) as refused:
        check_output_file(target, (".png", ".jpg"))
    message = str(refused.value)
    assert message.startswith("cannot write ") and "\n" not in message and len(message) < 300, message
    if kind != "wrong suffix":  # (the suffix is each writer's own business)
        with pytest.raises(LabError):
            write_text_atomic(target, "hello")  # the writer itself checks the same
    assert os.path.lexists(target) == (kind not in ("300-letter name", "wrong suffix"))
    if kind == "link to /dev/null":
        assert target.is_symlink() and os.readlink(target) == "/dev/null"  # not replaced by a file


def test_a_long_but_valid_name_is_written(tmp_path):
    """The temporary name cuts the stem short, so a 250-letter file name still fits beside it."""
    target = tmp_path / ("y" * 245 + ".txt")
    write_text_atomic(target, "hello")
    assert target.read_text() == "hello" and [p.name for p in tmp_path.iterdir()] == [target.name]


def test_refuse_overwriting_takes_link_loops_and_long_names_as_paths(tmp_path):
    loop = tmp_path / "loop.png"
    loop.symlink_to(loop)
    assert refuse_overwriting(tmp_path / "out.png", loop) == tmp_path / "out.png"
    with pytest.raises(LabError, match="the input itself"):
        refuse_overwriting(loop, loop)
    long = tmp_path / ("z" * 300 + ".png")
    assert refuse_overwriting(long, tmp_path / "photo.png") == long  # the writer says the name is too long


def test_save_figure_refuses_a_format_it_cannot_draw(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from deepfake_edu.fileio import save_figure

    figure, _ = plt.subplots()
    with pytest.raises(LabError, match="name the plot .png"):
        save_figure(figure, tmp_path / "plot.xyz")
    assert list(tmp_path.iterdir()) == [] and not plt.fignum_exists(figure.number)

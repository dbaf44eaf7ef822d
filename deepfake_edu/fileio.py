"""Writing files so that nothing half-written is ever left on disk.

Every file the lab writes goes to a temporary name in the same folder and is renamed into place
(``os.replace`` is atomic on one file system). A crash leaves the old file or the new one, plus
the temporary one: its name carries the writer's process id (``.NAME.<pid>-XXXX.partial``), so
``sweep_stale`` can remove what a killed process left without touching a live one's work.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from deepfake_edu.errors import LabError


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` if the block succeeds.

    ``suffix`` keeps the extension on the temporary name for writers that choose a format
    from it (OpenCV's imwrite and VideoWriter do).
    """
    path = check_output_file(path)
    _make_parent(path)
    suffix = path.suffix if suffix is None else suffix
    try:  # the stem is cut short in the temporary name: a long file name must still fit with .<pid>-XXXX.partial
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem[:80]}.{os.getpid()}-", suffix=f".partial{suffix[:16]}", dir=path.parent)
    except OSError as error:
        raise LabError(f"cannot write in {path.parent} ({error.strerror}): choose a folder you can write") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:  # make the bytes durable before the rename
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def check_output_file(path: str | os.PathLike, suffixes: Iterable[str] | None = None) -> Path:
    """``path`` as a file the lab may write, checked before any work: not a folder, not a pipe, a
    socket or a device (nor a link to one: renaming over it would not write to it), a name the
    system accepts, and (when given) one of ``suffixes``. A one-line LabError otherwise."""
    path = Path(path)
    if suffixes is not None and path.suffix.lower() not in tuple(suffixes):
        raise LabError(f"cannot write {path}: name it {', '.join(suffixes)}")
    try:
        status = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return path  # a new file (a parent that is a file is reported when it is made)
    except OSError as error:  # a name too long, a link loop, ...
        raise LabError(f"cannot write {_shown(path)} ({error.strerror}): choose another name") from None
    if stat.S_ISDIR(status.st_mode):
        raise LabError(f"cannot write {path}: it is a folder; name a file inside it")
    if not stat.S_ISREG(status.st_mode):
        raise LabError(f"cannot write {path}: it is not a regular file (a pipe or a device); name a new file")
    return path


def _shown(path: Path) -> str:
    """A path for a message: one that is absurdly long is cut in the middle."""
    text = str(path)
    return text if len(text) <= 160 else f"{text[:70]}...{text[-70:]}"


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def save_figure(figure, path: str | os.PathLike, **savefig) -> Path:
    """Write a matplotlib figure atomically (format from the suffix, PNG without one), then close it.

    ``savefig``: keyword arguments for ``Figure.savefig`` (``dpi``, ``bbox_inches``)."""
    import matplotlib.pyplot as plt

    path = Path(path)
    kind = path.suffix.lstrip(".").lower() or "png"
    supported = figure.canvas.get_supported_filetypes()
    if kind not in supported:
        plt.close(figure)
        raise LabError(f"cannot draw {path}: name the plot .png, .jpg, .svg or .pdf")
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format=kind, **savefig)
    plt.close(figure)
    return path


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise LabError(f"cannot write {path}: a part of its folder is a file, not a folder") from None
    except OSError as error:
        raise LabError(f"cannot write {path} ({error.strerror}): choose a folder you can write") from None


def refuse_overwriting(out: str | os.PathLike, *inputs: str | os.PathLike) -> Path:
    """``out``, unless writing it would replace one of the files it is made from.

    ``swap apply X --out X`` or ``provenance mark X X`` would otherwise put the fake in place of
    the original, which is then lost. Compares the files themselves (links and ``./`` included).
    """
    out = Path(out)
    # os.path.exists and realpath, not Path's: a name too long or a link loop is a path like any other
    # here (Path.exists and Path.resolve raise on those), and the writer says what is wrong with it
    out_exists = os.path.exists(out)
    for source in inputs:
        source = Path(source)
        if out_exists and os.path.exists(source) and os.path.samefile(out, source):
            raise LabError(f"{out} is the input itself: writing there would replace the original; choose another output name")
        if not out_exists and os.path.realpath(out) == os.path.realpath(source):
            raise LabError(f"{out} is the input itself: choose another output name")
    return out


def check_folder_output(path: str | os.PathLike, marker: str | None = None) -> Path:
    """``path`` as a folder the lab may (re)write, checked before any work starts: not a file, not
    a folder of someone's own files (it must be empty or hold ``marker``), in a writable place."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise LabError(f"cannot write the folder {path}: a file has that name; choose another")
    if path.is_dir() and any(path.iterdir()) and not (marker and (path / marker).is_file()):
        raise LabError(f"{path} holds files the lab did not write: choose a new or empty folder (nothing was deleted)")
    _make_parent(path)
    try:
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as error:
        raise LabError(f"cannot write in {path.parent} ({error.strerror}): choose a folder you can write") from None
    return path


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike, marker: str | None = None) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; it becomes ``path`` only if the block succeeds.

    An existing ``path`` is replaced (moved aside, then deleted) only after the new one is
    complete, so an interrupted run never destroys the previous result; and only if the lab wrote
    it (it holds ``marker``, e.g. "dataset.json") or it is empty: a folder of someone's own files
    is refused, never deleted.
    """
    path = check_folder_output(path, marker)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".partial", dir=path.parent))
    except OSError as error:
        raise LabError(f"cannot write in {path.parent} ({error.strerror}): choose a folder you can write") from None
    try:
        yield tmp
        old = None
        if path.exists():
            old = path.with_name(f".{path.name}.old-{os.getpid()}")
            os.replace(path, old)
        os.replace(tmp, path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


_LEFTOVER = re.compile(r"^\..+\.(?P<pid>\d+)-[^/]*\.partial[^/]*$|^\..+\.(?:old|forget)-(?P<pid2>\d+)$")
STALE_AFTER_S = 24 * 3600  # a leftover whose process id is in use again is swept once this old


def sweep_stale(roots: Iterable[str | os.PathLike]) -> list[Path]:
    """Delete what killed writers left under ``roots``: temporary files and folders of
    ``atomic_path`` / ``atomic_dir`` and the aside-folders of a replace or a ``forget``.

    A leftover goes when the process that made it is gone (or it is a day old). Only names this
    module makes are touched; nothing else is ever deleted. Returns what was removed.
    """
    removed = []
    for root in roots:
        root = Path(root)
        if not root.is_dir():
            continue
        for folder, subfolders, files in os.walk(root):
            for name in [*subfolders, *files]:
                match = _LEFTOVER.match(name)
                if match is None:
                    continue
                path = Path(folder) / name
                if _alive(int(match["pid"] or match["pid2"])) and _age_s(path) < STALE_AFTER_S:
                    continue
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
                removed.append(path)
            subfolders[:] = [d for d in subfolders if not _LEFTOVER.match(d)]
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _age_s(path: Path) -> float:
    import time

    try:
        return time.time() - path.lstat().st_mtime
    except OSError:
        return 0.0


def use_headless_backend() -> None:
    """Draw without a screen (matplotlib's Agg) unless pyplot is already loaded: a notebook has
    chosen its inline backend by then, and switching it away would hide every later plot."""
    import sys

    if "matplotlib.pyplot" not in sys.modules:
        import matplotlib

        matplotlib.use("Agg")

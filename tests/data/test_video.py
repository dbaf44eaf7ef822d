"""Video files in and out (deepfake_edu.data.video): round trips, sampling, and one-line errors
for every bad path, including a FIFO that must not hang."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest

from deepfake_edu.data.video import (
    VIDEO_SUFFIXES,
    WRITE_CODECS,
    VideoReader,
    VideoWriter,
    is_video,
    sample_frame_indices,
    sample_frames,
    video_info,
    write_video,
)
from deepfake_edu.errors import LabError

# Each frame: a flat colour that changes with the frame number (so frames can be told apart after
# lossy coding) over a fixed two-colour background.
COLOURS = np.array([[200, 40, 30], [30, 180, 60], [40, 60, 210], [220, 200, 40], [120, 120, 120]], np.uint8)


def _frames(count: int = 20, height: int = 48, width: int = 64) -> np.ndarray:
    frames = np.empty((count, height, width, 3), np.uint8)
    for index in range(count):
        frames[index] = COLOURS[index % len(COLOURS)]
    return frames


def _one_line_error(call, *args, **kwargs) -> str:
    with pytest.raises(LabError) as caught:
        call(*args, **kwargs)
    message = str(caught.value)
    assert message and "\n" not in message and len(message) < 300
    return message


def test_suffixes_are_one_list():
    assert len(set(VIDEO_SUFFIXES)) == len(VIDEO_SUFFIXES) == 9
    assert set(WRITE_CODECS) <= set(VIDEO_SUFFIXES)
    assert is_video("a/clip.MP4") and is_video("x.wmv") and not is_video("photo.png") and not is_video("mp4")


@pytest.mark.parametrize("suffix", sorted(WRITE_CODECS))
def test_round_trip_keeps_count_size_rate_and_colour(tmp_path, suffix):
    frames = _frames()
    path = write_video(tmp_path / f"clip{suffix}", frames, fps=12.5)
    assert path == tmp_path / f"clip{suffix}" and path.is_file()
    assert not list(tmp_path.glob(".*partial*"))
    with VideoReader(path) as video:
        assert video.fps == pytest.approx(12.5, abs=0.01)
        assert video.size == (64, 48) and (video.width, video.height) == (64, 48)
        assert video.count_frames() == 20
        decoded = list(video)
    assert len(decoded) == 20
    for original, back in zip(frames, decoded):
        assert back.shape == (48, 64, 3) and back.dtype == np.uint8
        # RGB order kept (a BGR mix-up would swap red and blue by ~170 levels); codec error small
        assert np.abs(back.astype(int) - original).mean() < 8


def test_streaming_writer_and_info(tmp_path):
    path = tmp_path / "stream.avi"
    with VideoWriter(path, fps=10) as writer:
        for frame in _frames(7, 32, 40):
            writer.write(frame)
        assert not path.exists()  # nothing at the final name until the block ends
    assert writer.frames_written == 7 and writer.size == (40, 32)
    info = video_info(path)
    assert (info.frames, info.width, info.height) == (7, 40, 32)
    assert info.fps == pytest.approx(10) and info.duration_s == pytest.approx(0.7)


def test_sampled_frames_keep_order_and_step(tmp_path):
    path = write_video(tmp_path / "clip.avi", _frames(20))
    got = list(VideoReader(path).sampled(every=3, max_frames=4))
    assert [index for index, _ in got] == [0, 3, 6, 9]
    for index, frame in got:
        assert np.abs(frame.astype(int) - COLOURS[index % len(COLOURS)]).mean() < 8


def test_sample_frames_spreads_indices_evenly(tmp_path):
    assert sample_frame_indices(300, 30) == [round(i * 299 / 29) for i in range(30)]
    assert sample_frame_indices(5, 30) == [0, 1, 2, 3, 4]
    assert sample_frame_indices(0, 30) == []
    path = write_video(tmp_path / "clip.avi", _frames(40))
    indices, frames, fps = sample_frames(path, 5)
    assert indices == [0, 10, 20, 29, 39] == sample_frame_indices(40, 5)
    assert fps == pytest.approx(25.0) and len(frames) == 5
    for index, frame in zip(indices, frames):  # the frames are the ones the indices name
        assert np.abs(frame.astype(int) - COLOURS[index % len(COLOURS)]).mean() < 8


def test_frames_are_counted_when_the_container_does_not_say(tmp_path):
    path = write_video(tmp_path / "clip.avi", _frames(20))
    with VideoReader(path) as video:
        video.frame_count = 0  # as a container without a count reports it
        assert video.count_frames() == 20 and video.count_frames(limit=5) == 5
        assert video.read() is not None  # counting used its own handle: this one is still at the start


def test_sampling_stops_where_decoding_ends(tmp_path, monkeypatch):
    path = write_video(tmp_path / "clip.avi", _frames(20))
    monkeypatch.setattr(VideoReader, "count_frames", lambda self, limit=None: 100)  # announces too many
    indices, frames, _ = sample_frames(path, 30)
    assert indices == [i for i in sample_frame_indices(100, 30) if i < 20] and len(frames) == len(indices)


def test_frame_at_seeks(tmp_path):
    path = write_video(tmp_path / "clip.avi", _frames(10))
    with VideoReader(path) as video:
        frame = video.frame_at(7)
        assert np.abs(frame.astype(int) - COLOURS[7 % len(COLOURS)]).mean() < 8
        assert video.frame_at(50) is None


def test_bad_sources_are_one_line_errors(tmp_path):
    folder = tmp_path / "folder.mp4"
    folder.mkdir()
    text = tmp_path / "notes.mp4"
    text.write_text("this is not a video at all\n" * 20)
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    empty = tmp_path / "empty.avi"
    empty.write_bytes(b"")
    assert "no such video" in _one_line_error(VideoReader, tmp_path / "missing.mp4")
    assert "folder" in _one_line_error(VideoReader, folder)
    assert "not a readable video" in _one_line_error(VideoReader, text)
    assert "not a video file" in _one_line_error(VideoReader, photo)
    assert "empty" in _one_line_error(VideoReader, empty)
    for call in (sample_frames, video_info):
        assert "not a readable video" in _one_line_error(call, text, *((3,) if call is sample_frames else ()))
    message = _one_line_error(VideoReader, text, name="notes.mp4")
    assert str(tmp_path) not in message  # a caller can keep its folders out of the message


def test_fifo_is_refused_promptly(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    fifo = tmp_path / "pipe.mp4"
    os.mkfifo(fifo)
    errors: list[str] = []

    def attempt():
        for call, args in ((VideoReader, ()), (sample_frames, (5,)), (video_info, ())):
            try:
                call(fifo, *args)
            except LabError as error:
                errors.append(str(error))

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "opening a FIFO blocked"  # (the daemon thread dies with the run)
    assert len(errors) == 3 and all("not a regular file" in e and "\n" not in e for e in errors)


def test_unsupported_output_suffix_is_refused_before_any_file(tmp_path):
    for name in ("clip.gif", "clip.mov", "clip"):
        assert "cannot write video" in _one_line_error(write_video, tmp_path / name, _frames(2))
        assert "cannot write video" in _one_line_error(VideoWriter, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_failed_writes_leave_nothing_behind(tmp_path):
    out = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError):
        with VideoWriter(out, fps=10) as writer:
            writer.write(_frames(1)[0])
            raise RuntimeError("the caller failed half way")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(LabError, match="no frames") as caught:
        with VideoWriter(out, fps=10):
            pass  # nothing written: no empty file is left at ``out``
    assert "\n" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(LabError, match="one size"):
        with VideoWriter(out, fps=10) as writer:
            writer.write(_frames(1, 32, 32)[0])
            writer.write(_frames(1, 48, 48)[0])
    assert list(tmp_path.iterdir()) == []
    assert "uint8" in _one_line_error(write_video, out, _frames(2).astype(np.float32))
    assert "T >= 1" in _one_line_error(write_video, out, np.zeros((0, 8, 8, 3), np.uint8))
    assert list(tmp_path.iterdir()) == []


def test_writer_that_opencv_cannot_open_is_a_one_line_error(tmp_path):
    message = _one_line_error(write_video, tmp_path / "clip.mp4", _frames(2), codec="ZZZZ")
    assert "OpenCV cannot write ZZZZ" in message
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_survives_a_failed_write(tmp_path):
    out = write_video(tmp_path / "keep.avi", _frames(3))
    before = out.read_bytes()
    with pytest.raises(LabError):
        with VideoWriter(out, fps=10) as writer:
            writer.write(_frames(1)[0])
            writer.write(np.zeros((4, 4), np.uint8))
    assert out.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["keep.avi"]


def test_sampled_frames_stream_one_at_a_time(tmp_path):
    """``iter_sampled_frames`` hands over each frame as it is decoded (``detect run`` keeps only its
    crop), in the order and at the indices ``sample_frames`` returns."""
    from deepfake_edu.data.video import iter_sampled_frames

    path = write_video(tmp_path / "clip.avi", _frames(40))
    with VideoReader(path) as video:
        stream = iter_sampled_frames(video, 5)
        first = next(stream)
        assert first[0] == 0 and first[1].shape == (48, 64, 3)
        rest = list(stream)
    assert [first[0]] + [index for index, _ in rest] == sample_frames(path, 5)[0]


def test_a_video_of_frames_too_large_is_refused_before_one_is_decoded(tmp_path, monkeypatch):
    from deepfake_edu.data import video as video_module

    path = write_video(tmp_path / "clip.avi", _frames(4))
    monkeypatch.setattr(video_module, "MAX_FRAME_PIXELS", 64 * 48 - 1)  # one pixel under this video's frames
    for call in (VideoReader, video_info, lambda p: sample_frames(p, 3)):
        message = _one_line_error(call, path)
        assert "64x48 frames, too large" in message and "8K" in message
    monkeypatch.setattr(video_module, "MAX_FRAME_PIXELS", 64 * 48)
    assert video_info(path).frames == 4

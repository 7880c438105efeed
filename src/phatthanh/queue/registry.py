"""The province's station registry: a TOML file listing one config file per station.

    clip_cache = "shared/clips"      # optional: one local clip cache for every station
    [storage]                        # optional: [storage] defaults for every station
    backend = "s3"
    bucket = "radio"
    [[stations]]
    name = "tanlap"
    config = "tanlap/phatthanh.toml"
    storage = { prefix = "tanlap/" } # optional: this station's [storage] keys

Paths are relative to the registry file. Each station keeps its own identity, base URL,
templates, lexicon, voices, feeds and manifest (its config's folder); the clip cache is
shared, so the same text in the same voice is synthesized once, whichever station asked.
A station's [storage] is the registry's, then its own file's, then its entry's keys; in a
bucket its prefix defaults to "<name>/".
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from phatthanh.config import Config, config_from_dict
from phatthanh.errors import ConfigError
from phatthanh.i18n import _

REGISTRY_NAME = "stations.toml"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class Registry:
    path: Path
    stations: dict[str, Path]  # name -> config file
    clip_cache: Path | None
    storage: dict[str, Any] = dataclasses.field(default_factory=dict)  # [storage] defaults
    station_storage: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)

    def config(self, name: str) -> Config:
        """The station's Config: its file, with the registry's storage and shared clip cache."""
        if name not in self.stations:
            known = ", ".join(sorted(self.stations)) or "none"
            raise ConfigError(
                _("{path}: no station named {name!r} (known: {known})").format(
                    path=self.path, name=name, known=known
                )
            )
        path = self.stations[name]
        raw = _read_toml(path, "config")
        own = raw.get("storage", {})
        if not isinstance(own, dict):
            raise ConfigError(_("{path}: 'storage' must be a table ([storage])").format(path=path))
        entry = self.station_storage.get(name, {})
        storage = {**self.storage, **own, **entry}
        if storage.get("backend") == "s3" and "prefix" not in storage:
            storage["prefix"] = f"{name}/"
        origin = str(path)
        if self.storage or entry:
            origin = f"{path} (with the [storage] of {self.path.name})"
        config = config_from_dict({**raw, "storage": storage}, path.resolve().parent, origin)
        if self.clip_cache is None:
            return config
        voices = dataclasses.replace(config.voices, cache_dir=str(self.clip_cache))
        return dataclasses.replace(config, voices=voices)


def _read_toml(path: Path, what: str) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ConfigError(
            _("{path}: cannot read the {what} ({strerror})").format(
                path=path, what=what, strerror=exc.strerror
            )
        ) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            _("{path}: not a valid TOML {what} ({exc})").format(path=path, what=what, exc=exc)
        ) from None


def load_registry(path: Path) -> Registry:
    """Read a registry file; ConfigError names the file and the entry to fix."""
    raw = _read_toml(path, "station registry")
    root = path.parent.resolve()
    stations: dict[str, Path] = {}
    per_station: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(raw.get("stations", [])):
        name, config = entry.get("name"), entry.get("config")
        if not isinstance(name, str) or not _NAME.match(name):
            raise ConfigError(
                _(
                    "{path}: stations[{i}] name: use lowercase letters, digits and '-', e.g. "
                    "'tanlap'"
                ).format(path=path, i=i)
            )
        if not isinstance(config, str):
            raise ConfigError(
                _("{path}: stations[{i}] ({name}) needs config = 'folder/phatthanh.toml'").format(
                    path=path, i=i, name=name
                )
            )
        if name in stations:
            raise ConfigError(
                _("{path}: station {name!r} is listed twice; keep one").format(path=path, name=name)
            )
        storage = entry.get("storage", {})
        if not isinstance(storage, dict):
            raise ConfigError(
                _(
                    "{path}: stations[{i}] ({name}) storage must be a table, e.g. storage = "
                    '{{ prefix = "tanlap/" }}'
                ).format(path=path, i=i, name=name)
            )
        stations[name] = root / config
        per_station[name] = storage
    if not stations:
        raise ConfigError(
            _("{path}: no [[stations]] listed; add one with name and config").format(path=path)
        )
    cache = raw.get("clip_cache")
    if cache is not None and not isinstance(cache, str):
        raise ConfigError(
            _("{path}: clip_cache must be a folder path, e.g. 'shared/clips'").format(path=path)
        )
    storage = raw.get("storage", {})
    if not isinstance(storage, dict):
        raise ConfigError(_("{path}: 'storage' must be a table ([storage])").format(path=path))
    return Registry(path, stations, (root / cache) if cache else None, storage, per_station)

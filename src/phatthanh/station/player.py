"""Air time at the station: play each slot's playlist when its time comes and urgent
(khẩn cấp) items as soon as they arrive, through a configurable command; log what played."""

from __future__ import annotations

import json
import logging
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from phatthanh.atomic import sha256_of
from phatthanh.i18n import _
from phatthanh.station.agent import (
    TZ,
    load_state,
    play_command,
    read_schedule,
    save_state,
    sync,
)
from phatthanh.station.fetch import Policy

log = logging.getLogger(__name__)
DEFAULT_PLAYER = "ffplay -nodisp -autoexit -loglevel error"


@dataclass(frozen=True)
class Played:
    at: str
    reason: str  # "slot 06:00" or "urgent"
    file: str
    title: str
    exit_code: int | None  # None on a dry run


def due_items(folder: Path, now: datetime) -> list[tuple[str, dict[str, object]]]:
    """(reason, item) to play now: new urgent items, then the playlist of a slot whose minute
    this is and that has not been played today."""
    plan = read_schedule(folder)
    state = load_state(folder)
    done = set(state.get("done", []))
    due: list[tuple[str, dict[str, object]]] = []
    for item in plan.get("urgent", []):
        if f"urgent {item['sha256']}" not in done:
            due.append(("urgent", item))
    slot = now.astimezone(TZ).strftime("%H:%M")
    if f"{now.astimezone(TZ):%Y-%m-%d} {slot}" not in done:
        due.extend((f"slot {slot}", item) for item in plan.get("slots", {}).get(slot, []))
    return due


def tick(folder: Path, player: str, dry_run: bool, now: datetime | None = None,
         echo: Callable[[str], None] = print) -> list[Played]:  # fmt: skip
    """Play what is due now; each file is checked again (sha256) right before it plays."""
    now = now or datetime.now(TZ)
    played: list[Played] = []
    done: set[str] = set()
    for reason, item in due_items(folder, now):
        local = now.astimezone(TZ)
        done.add(f"urgent {item['sha256']}" if reason == "urgent" else f"{local:%Y-%m-%d %H:%M}")
        path = folder / str(item["path"])
        if not path.is_file() or sha256_of(path) != item["sha256"]:
            log.warning(_("{path}: missing or changed on disk; not played").format(path=path))
            continue
        if dry_run:
            echo(f"would play ({reason}): {path}  [{item['title']}]")
            code = None
        else:
            code = subprocess.run(play_command(player, path), check=False).returncode
        record = Played(now.isoformat(timespec="seconds"), reason, path.name,
                        str(item["title"]), code)  # fmt: skip
        played.append(record)
        _log(folder, record)
    if done:
        _mark_done(folder, done, played)
    return played


def _log(folder: Path, played: Played) -> None:
    line = json.dumps(played.__dict__, ensure_ascii=False)
    with (folder / "play.log").open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def _mark_done(folder: Path, done: set[str], played: list[Played]) -> None:
    """Remember what was played (a slot once a day, an urgent item once)."""
    state = load_state(folder)
    state["done"] = sorted({*state.get("done", []), *done})[-500:]
    state["played"] = [*state.get("played", []), *(f"{p.at} {p.reason} {p.file}" for p in played)]
    state["played"] = state["played"][-100:]
    save_state(folder, state)


def run(url: str, folder: Path, player: str, dry_run: bool, every_s: float = 300.0,
        policy: Policy | None = None, ticks: int | None = None) -> None:  # fmt: skip
    """Sync every `every_s` seconds and play what is due, until stopped (or `ticks` rounds)."""
    last_sync = 0.0
    rounds = 0
    while ticks is None or rounds < ticks:
        if time.monotonic() - last_sync >= every_s or rounds == 0:
            report = sync(url, folder, policy)
            for error in report.errors:
                log.warning("%s", error)
            last_sync = time.monotonic()
        tick(folder, player, dry_run)
        rounds += 1
        if ticks is None or rounds < ticks:
            time.sleep(max(1.0, 60.0 - datetime.now(TZ).second))  # wake at each minute

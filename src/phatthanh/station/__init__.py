"""The loudspeaker station agent (`phatthanh station`): what a commune station runs to get
the district's programs onto its loudspeakers over a 3G/4G link that drops.

manifest.py reads loudspeaker.json and orders the playlists (TT 39/2020 priority classes);
fetch.py downloads with resume and verification; agent.py syncs and reports; player.py plays
each air slot through a command. docs/stations.md is the operator's guide.
"""

from phatthanh.station.agent import Status, SyncReport, status, sync
from phatthanh.station.fetch import Policy
from phatthanh.station.player import DEFAULT_PLAYER, Played, run, tick

__all__ = ["DEFAULT_PLAYER", "Played", "Policy", "Status", "SyncReport", "run", "status", "sync",
           "tick"]  # fmt: skip

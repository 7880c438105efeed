"""Turn tests/golden/pairs.txt into tests/golden/speech/<group>/NNN.in + .out files."""

from __future__ import annotations

import shutil
from pathlib import Path

HERE = Path(__file__).parent


def main() -> None:
    out = HERE / "speech"
    group = None
    counts: dict[str, int] = {}
    generated = out / ".generated"
    for folder in out.iterdir() if out.is_dir() else []:
        if (folder / ".generated").exists():
            shutil.rmtree(folder)
    for line in (HERE / "pairs.txt").read_text("utf-8").splitlines():
        if line.startswith("## "):
            group = line[3:].strip()
            continue
        if not line.strip() or line.startswith("#"):
            continue
        assert group is not None
        written, spoken = (part.strip() for part in line.split(" => "))
        counts[group] = counts.get(group, 0) + 1
        folder = out / f"rules_{group}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".generated").touch()
        n = counts[group]
        (folder / f"{n:03d}.in").write_text(written + "\n", "utf-8")
        (folder / f"{n:03d}.out").write_text(spoken + "\n", "utf-8")
    del generated
    print(sum(counts.values()), "pairs in", len(counts), "groups")


if __name__ == "__main__":
    main()

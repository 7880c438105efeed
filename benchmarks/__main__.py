"""Run every benchmark module (or the ones named on the command line)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import benchmarks


def main(argv: list[str]) -> int:
    names = sorted(
        m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")
    )
    wanted = [n if n.startswith("bench_") else f"bench_{n}" for n in argv] or names
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        print(f"unknown benchmark {unknown[0]}; available: {', '.join(names)}", file=sys.stderr)
        return 2
    for name in wanted:
        print(f"=== {name}", flush=True)
        started = time.monotonic()
        importlib.import_module(f"benchmarks.{name}").main()
        print(f"=== {name} done in {time.monotonic() - started:.1f} s\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

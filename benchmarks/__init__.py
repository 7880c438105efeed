"""On-demand benchmarks: `make bench` or `python -m benchmarks [NAME...]`.

Each `bench_*.py` module exposes `main() -> None`, measures its own baseline in the same
run, and prints ratios against it with the bound the issue names.
"""

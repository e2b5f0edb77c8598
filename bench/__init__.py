"""Benchmarks: `make bench` runs every bench/bench_*.py and writes bench/RESULTS.md.

Each benchmark measures a figure beside its reference in the same run on the same machine,
so the ratio means something even though absolute timings vary between machines.
"""

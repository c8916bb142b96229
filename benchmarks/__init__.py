"""Benchmarks run by `make bench*`: each prints its measurements beside its baselines in one run
and writes them as JSON where BENCH_JSON names a file."""

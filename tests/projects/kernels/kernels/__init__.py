"""Test kernels for autocy's differential tests (pure vs compiled on the same inputs)."""

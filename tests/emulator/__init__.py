"""Tests of the loopback Discord emulator and the harness built on it."""

"""Reliability and security tests: crashes, concurrency, hostile input, bad files, clock."""

"""What tests and benchmarks share: the loopback robot and its fake clock."""

"""purchasing context."""

"""Living with a deployed stage: what it exposes and how it is doing (read-only AWS calls)."""

"""One adapter per event source: AWS event in, handler calls, the reply AWS expects out."""

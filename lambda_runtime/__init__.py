"""The Lambda shim: one entry for every function, adapting each AWS event to the step's handler."""

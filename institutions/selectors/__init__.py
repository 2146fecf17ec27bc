"""Reads of the institutions app: ``organisations`` (the directory, profiles, members, designations,
regions and classifications) and ``audit`` (who may read which history, and the events themselves)."""

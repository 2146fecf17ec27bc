"""Pages of the institutions app: ``organisations`` (directory, profile, members, designations,
the network) and ``audit`` (the audit log and object histories)."""

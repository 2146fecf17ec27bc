"""Page routes of the institutions app: ``organisations`` at /institutions/ and ``audit`` at /audit/."""

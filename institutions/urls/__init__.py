"""Page routes of the institutions app: ``organisations`` at /institutions/, ``audit`` at /audit/ and the
site's ``home`` page at /."""

"""Page routes of the institutions app: ``organisations`` at /institutions/, ``audit`` at /audit/, the
site's ``home`` page at / and the signed-in user's ``todo`` page at /todo/."""

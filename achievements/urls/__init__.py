"""Page routes of the achievements app, one module per sub-domain, each mounted by ``config.urls``
under its own prefix and namespace."""

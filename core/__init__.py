"""What every domain app shares and that knows no domain (layer 0): Chinese text, uploads, form and API
helpers, the one ``require`` permission helper, the actions an actor may take, UI and money template tags."""

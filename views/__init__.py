"""The app's pages, one module per page; app.py routes between them. Pages only call analyzer and render."""

"""The translation-alignment workbench: the Flask app, CLI, storage and importers."""

__version__ = "0.1.0"

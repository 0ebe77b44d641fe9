"""The web views, one blueprint per area."""

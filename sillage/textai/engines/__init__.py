"""Text analytics engines. See `base.py` for the one interface every engine implements."""

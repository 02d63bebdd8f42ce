"""The demo data itself, by subject; ``demo.loader`` writes it."""

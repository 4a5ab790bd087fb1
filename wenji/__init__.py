"""wenji (文集): a static site generator for archives of Chinese speeches and reports."""

__version__ = "0.1.0"

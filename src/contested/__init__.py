"""contested: review conflict timelines where sources disagree."""

__version__ = "0.1.0"

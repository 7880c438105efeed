"""phatthanh: Vietnamese district news articles -> radio program, MP3 and podcast feed."""

__version__ = "0.1.0"

"""Stage 2: Vietnamese speech text. Rules and data per ../shared/specs/vietnamese-speech.md."""

from phatthanh.clean.normalizer import Normalizer, Spoken
from phatthanh.clean.unicode import cleanup_unicode

__all__ = ["Normalizer", "Spoken", "cleanup_unicode"]

"""Errors raised by phatthanh.

Library code raises a subclass of PhatthanhError whose message says what failed and what
to do about it, in one line. Only the CLI catches these, prints the message and picks the
exit code.
"""

from __future__ import annotations


class PhatthanhError(Exception):
    """Base of every error phatthanh reports to a user."""

    exit_code = 1


class ConfigError(PhatthanhError):
    """The config file or a command-line option is wrong."""

    exit_code = 2


class ArticleError(PhatthanhError):
    """An input article cannot be read or has nothing to read aloud."""

    exit_code = 3


class FetchError(ArticleError):
    """A URL or portal feed could not be fetched."""


class SpeechTextError(PhatthanhError):
    """Text could not be turned into speakable Vietnamese."""


class VoiceError(PhatthanhError):
    """A text-to-speech engine failed or is unavailable."""

    exit_code = 4


class EngineUnavailable(VoiceError):
    """An engine cannot be used right now (not installed, unreachable, refused)."""


class AudioError(PhatthanhError):
    """Assembling, mastering or encoding audio failed."""

    exit_code = 5


class FFmpegError(AudioError):
    """ffmpeg ran and failed; the message is its last stderr line."""


class PublishError(PhatthanhError):
    """Writing tags, the feed, transcripts or the manifest failed."""

    exit_code = 6

"""Moved to `phatthanh.settings.articles` (the settings are a leaf package now); kept so
imports of the old path go on working."""

from phatthanh.settings.articles import ArticleSettings

__all__ = ["ArticleSettings"]

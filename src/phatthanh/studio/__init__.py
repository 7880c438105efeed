"""`phatthanh studio`: a local web app, in Vietnamese, for the district staff who make the
program: add articles, check and fix how they will be read, order the program, build,
listen and publish, see what has gone out.

Server-rendered Jinja2 pages on Starlette; a little vanilla JS (static/studio.js) for the
build's progress stream and audio. Route handlers only wire forms to the same library
functions the CLI calls; the working lineup is `.studio/draft.toml` (studio/draft.py).
"""

from phatthanh.studio.app import make_app

__all__ = ["make_app"]

"""The admin console: server-rendered pages over the shared database (Flask, Flask-WTF, Jinja2).

    create_app(url) -> Flask     # served by `python -m bot web` through waitress

Every essential action is a plain form POST that works without JavaScript; htmx (pinned
from npm, see package.json) only makes some of them update in place.
"""
from bot.web.app import create_app

__all__ = ["create_app"]

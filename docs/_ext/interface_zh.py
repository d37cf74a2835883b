"""The interface strings furo and Sphinx's search leave in English, from the site's own catalogue.

Furo's templates translate most of their text with gettext, and ``locale/zh_CN/LC_MESSAGES/sphinx.po``
(``locale_dirs`` in conf.py) supplies what Sphinx's catalogue lacks. Two kinds of string do not go
through the templates' gettext, and this extension translates them with the same catalogue:

- what furo writes in English: the aria-labels of its toggles, the titles of its SVG icons and the
  "Toggle navigation of ..." labels of the navigation tree. Each rendered page is rewritten where
  such a string is a whole aria-label or a whole SVG ``<title>`` (``HARDCODED``);
- the strings of Sphinx's search scripts, which read ``_static/translations.js``: Sphinx copies its
  own zh_CN file there, and this extension overrides the messages the catalogue translates.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.locale import get_translator

# Written by furo (2025.12.19) without gettext: page.html, partials/icons.html, navigation.py.
HARDCODED = [
    "Toggle site navigation sidebar",
    "Toggle table of contents sidebar",
    "Toggle Light / Dark / Auto color theme",
    "Toggle navigation of %(title)s",
    "Contents",
    "Menu",
    "Expand",
    "Light mode",
    "Dark mode",
    "Auto light/dark, in light mode",
    "Auto light/dark, in dark mode",
]
JS_CATALOGUE = re.compile(r"^(Documentation\.addTranslations\()(.*)(\);?\s*)$", re.DOTALL)


def _pattern(msgid: str) -> re.Pattern[str]:
    """``msgid`` as a whole aria-label value or a whole SVG ``<title>``."""
    parts = re.split(r"%\((\w+)\)s", msgid)
    body = "".join(
        re.escape(part) if i % 2 == 0 else f'(?P<{part}>[^"<>]*)' for i, part in enumerate(parts)
    )
    return re.compile(f'(?:(?<=aria-label=")|(?<=<title>)){body}(?="|</title>)')


def translate_page(html: str, gettext: Any) -> str:
    """``html`` with every HARDCODED string that the catalogue translates replaced."""
    for msgid in HARDCODED:
        translated = gettext(msgid)
        if translated != msgid:
            html = _pattern(msgid).sub(lambda m, t=translated: t % m.groupdict(), html)
    return html


def _wrap_renderer(app: Sphinx) -> None:
    if app.builder.format != "html" or not hasattr(app.builder, "templates"):
        return
    templates = app.builder.templates
    render = templates.render
    gettext = get_translator().gettext

    def render_translated(template: str, context: dict[str, Any]) -> str:
        return translate_page(render(template, context), gettext)

    templates.render = render_translated  # type: ignore[method-assign]


def translate_js_catalogue(text: str, gettext: Any) -> str:
    """Sphinx's translations.js with the messages the site's catalogue translates replaced."""
    match = JS_CATALOGUE.match(text)
    if match is None:
        raise ValueError("translations.js is not a Documentation.addTranslations(...) call")
    catalogue = json.loads(match.group(2))
    for msgid, message in catalogue["messages"].items():
        if isinstance(message, str) and gettext(msgid) != msgid:
            catalogue["messages"][msgid] = gettext(msgid)
    body = json.dumps(catalogue, ensure_ascii=False, indent=4, sort_keys=True)
    return match.group(1) + body + match.group(3)


def _write_js_catalogue(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    path = Path(app.outdir) / "_static" / "translations.js"
    if path.is_file():  # Sphinx writes it for a language it has a catalogue of
        text = path.read_text(encoding="utf-8")
        path.write_text(translate_js_catalogue(text, get_translator().gettext), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _wrap_renderer)
    app.connect("build-finished", _write_js_catalogue)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

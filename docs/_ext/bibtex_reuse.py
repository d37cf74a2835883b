"""Reuse sphinxcontrib-bibtex's formatted citations when nothing they depend on changed.

After every read, even one that re-read a single page, sphinxcontrib-bibtex 2.x formats every
entry of every bibliography again (about 230 pybtex calls here, a second of each rebuild), because
it cannot tell whether a citation changed. This keeps the formatted citations in the pickled
environment, and when the bibliographies, the citations in the pages, the .bib files and the
options are exactly what they were in the last build, the kept ones are the ones it would compute.
Then this skips the formatting; otherwise, or when the last formatting warned (a warning must be
seen on every build until it is fixed), it formats as usual.
"""

from __future__ import annotations

import ast
import hashlib
import logging
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging as sphinx_logging
from sphinxcontrib.bibtex.domain import BibtexDomain

# Domain data: (digest of what the citations were formatted from, the citations formatted).
KEY = "explained_formatted"
_format_all = BibtexDomain.env_updated
REUSED = "bibtex_reuse: citations unchanged, formatted ones reused"
log = sphinx_logging.getLogger(__name__)


def _bibliography(value: Any) -> tuple:
    # The fields as plain data: a citation node would pickle its whole document with it.
    nodes = {key: node["ids"] for key, node in value.citation_nodes.items()}
    return (*value[:8], ast.dump(value.filter_), nodes, value.keys)


def _inputs_digest(domain: BibtexDomain) -> str:
    bibdata = domain.bibdata
    config = domain.env.config
    # In the order the formatting reads them: bibliographies by key, citations page by page (a
    # stable sort keeps each page's own order), so a parallel read and a serial one agree.
    inputs = (
        sorted(domain.env.found_docs),
        sorted((key, _bibliography(value)) for key, value in domain.bibliographies.items()),
        sorted(domain.citation_refs, key=lambda ref: ref.docname),
        bibdata.encoding,
        {str(path): file.mtime for path, file in bibdata.bibfiles.items()},
        config.bibtex_tooltips,
        config.bibtex_tooltips_style,
        config.bibtex_default_style,
    )
    # repr, not pickle: a pickle depends on which equal strings happen to be one object.
    return hashlib.sha256(repr(inputs).encode()).hexdigest()


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.warnings = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.warnings += 1


def env_updated(self: BibtexDomain) -> Any:
    digest = _inputs_digest(self)
    kept = self.data.pop(KEY, None)
    if kept is not None and kept[0] == digest:
        # Re-reading a page dropped its citations from the domain (clear_doc): restore them all.
        self.data["citations"] = list(kept[1])
        self.data[KEY] = kept
        log.verbose(REUSED)
        return []
    counter = _Count()
    logger = logging.getLogger("sphinx.sphinxcontrib.bibtex.domain")
    logger.addHandler(counter)
    try:
        result = _format_all(self)
    finally:
        logger.removeHandler(counter)
    if not counter.warnings:
        self.data[KEY] = (digest, list(self.citations))
    return result


def setup(app: Sphinx) -> dict[str, Any]:
    BibtexDomain.env_updated = env_updated  # type: ignore[method-assign]
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

"""Companion package of the Explained articles.

Each subpackage backs one section of the site: :mod:`explained.python`,
:mod:`explained.position`, :mod:`explained.multimodal` and :mod:`explained.ensembles`.
"""

__version__ = "0.1.0"

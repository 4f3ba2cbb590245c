"""pagesetter: a print-layout engine for Chinese newspaper pages.

Pipeline (one way): spec -> content -> compose -> flow -> page tree -> render -> proof.
"""

__version__ = "0.1.0"

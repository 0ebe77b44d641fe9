"""The alignment engine: segmentation, embeddings, pairwise and N-way alignment, scoring.

No I/O beyond the package's own resources; never imports ``workbench``.
"""

from alignments.beads import AlignmentError, Bead, Row

__all__ = ["AlignmentError", "Bead", "Row"]

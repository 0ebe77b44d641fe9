"""Exchange formats: TMX 1.4b written and read as streams, and checked against its DTD.

No I/O beyond the package's own resources: callers pass open binary file objects.
TBX termbases live in ``tmx.tbx``.
"""

from tmx.reader import read_tmx
from tmx.units import TmxHeader, TmxParseError, TranslationUnit, Variant
from tmx.validate import validate_tmx
from tmx.writer import pair_units, write_tmx, write_tmx_pair

__all__ = [
    "TmxHeader",
    "TmxParseError",
    "TranslationUnit",
    "Variant",
    "pair_units",
    "read_tmx",
    "validate_tmx",
    "write_tmx",
    "write_tmx_pair",
]

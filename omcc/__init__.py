"""Shared, tested logic for the book *Open Models, Closed Chips*.

Notebooks hold the narrative; this package holds what deserves a test:
data loading and validation (`datapackage`), the glue helper and key-number
registry (`numbers`), the house figure style (`figures`) and the models the
chapters use (`chips`, ...).
"""

from omcc.datapackage import DataValidationError, load, resource_names
from omcc.tables import register as _register_table_display

_register_table_display()  # tables print as tables in the PDF edition too

__all__ = ["DataValidationError", "load", "resource_names"]

"""Demo data commands (`flask demo …`), at the top of the import graph."""

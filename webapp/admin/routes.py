"""Management pages: units, targets, surveys, kiosks, users, audit log, quarantine,
flagged responses.

One blueprint (`common.bp`), one module per section; importing them here registers their
routes. Admins change things; auditors read every list; managers handle their own units'
kiosks. Routes stay thin: forms in, `services` (or the feature's own services) do the work.
"""

from webapp.admin import audit, flags, kiosks, surveys, targets, units, users
from webapp.admin.common import bp

SECTIONS = (units, targets, surveys, kiosks, users, audit, flags)

__all__ = ["SECTIONS", "bp"]

"""Known conditions a user can act on; anything else raised from a service is a bug."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of every error whose text is fit to show to the user as it is."""


class ValidationError(ServiceError, ValueError):
    """The input is not acceptable; nothing was changed."""


class NotFound(ServiceError, LookupError):
    """The named record does not exist (or was deleted)."""


class PermissionDenied(ServiceError):
    """The acting agent's role does not allow this change."""


class StorageError(ServiceError):
    """The database cannot be used (locked, damaged, or from a newer version of the app)."""

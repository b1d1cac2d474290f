"""Access: users, roles, passwords, API tokens and who may see or change which unit."""

from kostra.access.roles import Principal, Role, require_unit_access
from kostra.access.users import authenticate, create_token, create_user, user_for_token

__all__ = [
    "Principal",
    "Role",
    "authenticate",
    "create_token",
    "create_user",
    "require_unit_access",
    "user_for_token",
]

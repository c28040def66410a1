"""API: the calling user (``GET /api/v1/me``)."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user

from lms.api import api_blueprint

blp = api_blueprint("api_me", __name__, description="The account the token belongs to.")


class InstitutionRefSchema(ma.Schema):
    id = ma.fields.Int()
    code = ma.fields.Str()
    name = ma.fields.Str()


class MeSchema(ma.Schema):
    id = ma.fields.Int()
    email = ma.fields.Email()
    name = ma.fields.Str()
    language = ma.fields.Str()
    roles = ma.fields.Method("get_roles", metadata={"type": "array", "items": {"type": "string"}})
    institution = ma.fields.Nested(InstitutionRefSchema, allow_none=True)

    def get_roles(self, user) -> list[str]:  # noqa: ANN001
        return sorted(user.roles)


@blp.route("")
@blp.response(200, MeSchema)
def me():
    """The account that owns the token."""
    return current_user

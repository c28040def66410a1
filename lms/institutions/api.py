"""API: institutions (read-only for every token holder)."""

from __future__ import annotations

import marshmallow as ma

from lms.api import api_blueprint
from lms.institutions.queries import all_institutions

blp = api_blueprint("api_institutions", __name__, description="IPRCs, hospitals and other host institutions.")


class InstitutionSchema(ma.Schema):
    id = ma.fields.Int()
    code = ma.fields.Str()
    name = ma.fields.Str()
    kind = ma.fields.Str(metadata={"enum": ["iprc", "hospital", "other"]})
    city = ma.fields.Str(allow_none=True)


@blp.route("")
@blp.response(200, InstitutionSchema(many=True))
def list_institutions():
    """Every institution, IPRCs first."""
    return all_institutions()

"""The institutions every installation starts with: Rwanda Polytechnic's eight IPRCs."""

IPRCS: list[dict[str, str]] = [
    {"code": "iprc-kigali", "name": "IPRC Kigali", "city": "Kigali"},
    {"code": "iprc-huye", "name": "IPRC Huye", "city": "Huye"},
    {"code": "iprc-musanze", "name": "IPRC Musanze", "city": "Musanze"},
    {"code": "iprc-tumba", "name": "IPRC Tumba", "city": "Rulindo"},
    {"code": "iprc-karongi", "name": "IPRC Karongi", "city": "Karongi"},
    {"code": "iprc-ngoma", "name": "IPRC Ngoma", "city": "Ngoma"},
    {"code": "iprc-kitabi", "name": "IPRC Kitabi", "city": "Nyamagabe"},
    {"code": "iprc-gishari", "name": "IPRC Gishari", "city": "Rwamagana"},
]

"""Write resources/schema/zotero-schema.json from Zotero's published global schema (zotero/zotero-schema).

senref ships only what it maps through: item types with their fields (display order, base field),
creator types (primary first), Zotero's CSL maps and the en-US labels. Run it when Zotero publishes a
new schema version:  python packaging/derive_zotero_schema.py path/to/schema.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "resources" / "schema" / "zotero-schema.json"


def derive(schema: dict) -> dict:
    types = {}
    for entry in schema["itemTypes"]:
        creators = [c["creatorType"] for c in entry.get("creatorTypes", []) if c.get("primary")]
        creators += [c["creatorType"] for c in entry.get("creatorTypes", []) if not c.get("primary")]
        types[entry["itemType"]] = {
            "fields": [f["field"] for f in entry["fields"]],
            "baseFields": {f["field"]: f["baseField"] for f in entry["fields"] if "baseField" in f},
            "creatorTypes": creators,
        }
    labels = schema.get("locales", {}).get("en-US", {})
    return {
        "source": "zotero/zotero-schema schema.json",
        "version": schema["version"],
        "itemTypes": types,
        "csl": schema["csl"],
        "fieldTypes": schema.get("meta", {}).get("fields", {}),
        "labels": {key: labels.get(key, {}) for key in ("itemTypes", "fields", "creatorTypes")},
    }


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else None
    if source is None or not source.is_file():
        print("usage: derive_zotero_schema.py SCHEMA.json", file=sys.stderr)
        return 2
    derived = derive(json.loads(source.read_text(encoding="utf-8")))
    OUT.write_text(json.dumps(derived, indent=1, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT.name}: schema version {derived['version']}, {len(derived['itemTypes'])} item types")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

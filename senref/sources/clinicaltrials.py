"""ClinicalTrials.gov (API v2): a trial registry record, by its NCT id, as a Zotero report.

`GET /studies/NCT…` answers a study with a `protocolSection` of modules: identification (ids, titles),
status (dates, overall status, why stopped), sponsors, description, conditions, design, interventions,
officials and references (PMIDs of the papers the record cites or that report its results). The trial
becomes a `report` of type "Clinical trial registration" (as Zotero's own ClinicalTrials.gov translator
files it); the PMIDs of its result papers are kept so the library can link them to the trial.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from senref.core.model import Creator, Item
from senref.sources.base import NotFound, Source, SourceError, SourceResult, squash
from senref.sources.http import HttpError

PAGE = "https://clinicaltrials.gov/study/{}"
#: reference types that report the trial's own results (the others are background reading)
RESULT_REFERENCES = ("RESULT", "DERIVED")


def _module(study: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    protocol = study.get("protocolSection")
    module = protocol.get(name) if isinstance(protocol, Mapping) else None
    return module if isinstance(module, Mapping) else {}


def _list(module: Mapping[str, Any], name: str) -> list[Any]:
    value = module.get(name)
    return value if isinstance(value, list) else []


def _date(struct: Any) -> str:
    return str(struct.get("date") or "") if isinstance(struct, Mapping) else ""


def item_from_study(study: Mapping[str, Any]) -> Item:
    ident = _module(study, "identificationModule")
    status = _module(study, "statusModule")
    sponsor = _module(study, "sponsorCollaboratorsModule")
    description = _module(study, "descriptionModule")
    conditions = _module(study, "conditionsModule")
    design = _module(study, "designModule")
    nct = str(ident.get("nctId") or "")
    if not nct:
        raise SourceError("ClinicalTrials.gov answered a study without an NCT id")
    item = Item(item_type="report", fields={
        "title": squash(str(ident.get("officialTitle") or ident.get("briefTitle") or "")),
        "shortTitle": squash(str(ident.get("briefTitle") or "")),
        "abstractNote": squash(str(description.get("briefSummary") or "")),
        "reportType": "Clinical trial registration",
        "reportNumber": nct,
        "institution": "ClinicalTrials.gov",
        "date": _date(status.get("studyFirstPostDateStruct")) or _date(status.get("startDateStruct")),
        "url": PAGE.format(nct),
        "libraryCatalog": "ClinicalTrials.gov",
    })
    item.fields = {k: v for k, v in item.fields.items() if v}
    if item.fields.get("shortTitle") == item.fields.get("title"):
        item.fields.pop("shortTitle")
    lead = (sponsor.get("leadSponsor") or {}).get("name") if isinstance(sponsor.get("leadSponsor"), Mapping) else ""
    if lead:
        item.creators.append(Creator("author", name=str(lead)))
    item.set_identifier("nct", nct)
    trial: dict[str, Any] = {
        "status": str(status.get("overallStatus") or ""),
        "why_stopped": str(status.get("whyStopped") or ""),
        "study_type": str(design.get("studyType") or ""),
        "phases": [str(p) for p in _list(design, "phases")],
        "conditions": [str(c) for c in _list(conditions, "conditions")],
        "interventions": [str(i.get("name")) for i in _list(_module(study, "armsInterventionsModule"), "interventions")
                          if isinstance(i, Mapping) and i.get("name")],
        "result_pmids": [], "reference_pmids": [],
        "has_results": bool(study.get("hasResults")),
        "updated": _date(status.get("lastUpdatePostDateStruct")),
    }
    for ref in _list(_module(study, "referencesModule"), "references"):
        if isinstance(ref, Mapping) and str(ref.get("pmid") or "").isdigit():
            which = "result_pmids" if ref.get("type") in RESULT_REFERENCES else "reference_pmids"
            trial[which].append(str(ref["pmid"]))
    item.extras["trial"] = {k: v for k, v in trial.items() if v not in ("", [], False)}
    lines = [f"Trial status: {trial['status']}"] if trial["status"] else []
    if trial["why_stopped"]:
        lines.append(f"Why stopped: {trial['why_stopped']}")
    if lines:
        item.fields["extra"] = "\n".join(lines)
    for keyword in _list(conditions, "keywords"):
        if isinstance(keyword, str) and keyword.strip():
            item.add_tag(keyword.strip())
    return item


class ClinicalTrialsSource(Source):
    """NCT ids: the trial's registry record."""

    name = "clinicaltrials"
    schemes = ("nct",)
    priority = 15

    def fetch(self, identifiers: dict[str, str]) -> SourceResult:
        nct = identifiers["nct"]
        try:
            data = self.client.get(f"{self.settings.url('clinicaltrials')}/studies/{nct}").json()
        except HttpError as exc:
            if exc.status == 404:
                raise NotFound("ClinicalTrials.gov has no such trial") from exc
            raise SourceError(f"ClinicalTrials.gov lookup failed: {exc.reason}") from exc
        except ValueError as exc:
            raise SourceError("ClinicalTrials.gov answered with something that is not JSON") from exc
        if not isinstance(data, Mapping):
            raise SourceError("ClinicalTrials.gov answered without a study")
        return SourceResult(self.name, item_from_study(data), [], self.priority)

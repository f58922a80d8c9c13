"""The topic vocabulary: loading the bundled TOML files and the user's `topics.toml`, merging and validating them."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from senref.paths import Paths
from senref.topics.concepts import (
    ENTITY_KINDS,
    Concept,
    Entity,
    Rule,
    check_concepts,
    find_cycle,
    parse_concepts,
    parse_entities,
    parse_rules,
)

#: Name of the user's vocabulary file in the senref config folder.
USER_FILE = "topics.toml"
#: Where a term can be found, with the weight it gets by default (title counts more than full text).
DEFAULT_FIELD_WEIGHTS: dict[str, float] = {"title": 3.0, "keywords": 2.0, "mesh": 2.0, "abstract": 1.0, "fulltext": 0.4}
#: Default weight of each kind of term; `weights` in a topic overrides single terms.
KIND_WEIGHTS: dict[str, float] = {"term": 3.0, "marker": 1.0, "generic": 1.0}
_LIST_KEYS = ("terms", "markers", "generic", "exclude", "mesh", "case_sensitive", "patterns", "requires", "near", "unless")
_SCALAR_KEYS = ("description", "threshold", "imply_parent")
_TOPIC_KEYS = frozenset({"name", "weights", "replace", "disabled", "rules", *_LIST_KEYS, *_SCALAR_KEYS})
_SETTINGS_KEYS = frozenset({"threshold", "proximity", "far_factor", "repeat_bonus", "min_markers", "field_weights"})


class VocabularyError(Exception):
    """A vocabulary that cannot be used (its problems are listed in the message)."""


@dataclass(frozen=True)
class Problem:
    """One finding of the validator: `level` is "error" (the file is not used) or "warning"."""

    level: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message}"


@dataclass
class Topic:
    """One topic: a hierarchical name ("TIS/Radiation-induced") and the words that are evidence for it."""

    name: str
    description: str = ""
    terms: list[str] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)
    generic: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    mesh: list[str] = field(default_factory=list)
    case_sensitive: list[str] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)
    near: list[str] = field(default_factory=list)
    #: concepts that, found anywhere in a record, say it is about something else (plant biology)
    unless: list[str] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    threshold: float | None = None
    imply_parent: bool = True
    #: combinations of concepts that are evidence for the topic (senref.topics.concepts.Rule)
    rules: list[Rule] = field(default_factory=list)

    @property
    def parent(self) -> str | None:
        """The parent topic's name (`None` for a top-level topic).

        >>> Topic("Senotherapeutics/Senolytics").parent
        'Senotherapeutics'
        """
        return self.name.rsplit("/", 1)[0] if "/" in self.name else None

    @property
    def top(self) -> str:
        return self.name.split("/", 1)[0]

    def weighted_terms(self) -> Iterable[tuple[str, str, float]]:
        """(term, kind, weight) for every term, marker and generic word."""
        for kind, items in (("term", self.terms), ("marker", self.markers), ("generic", self.generic)):
            for term in items:
                yield term, kind, float(self.weights.get(term, KIND_WEIGHTS[kind]))


@dataclass
class Settings:
    threshold: float = 3.0
    #: Characters between a marker and a term of a `near` topic for the marker to count fully.
    proximity: int = 250
    far_factor: float = 0.5
    repeat_bonus: float = 0.5
    #: Occurrences needed when a topic has markers but no specific term (one word, even in a title, is not enough).
    min_markers: int = 2
    field_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_FIELD_WEIGHTS))


@dataclass
class Vocabulary:
    topics: list[Topic]
    settings: Settings
    #: Files the vocabulary was read from, in order (built-in first).
    sources: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    concepts: dict[str, Concept] = field(default_factory=dict)
    entities: list[Entity] = field(default_factory=list)

    def by_name(self) -> dict[str, Topic]:
        return {t.name: t for t in self.topics}

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]


# -- reading ---------------------------------------------------------------------------------------
def builtin_documents() -> list[tuple[str, dict[str, Any]]]:
    """The bundled vocabulary files (resources/topics/*.toml), parsed, in name order."""
    folder = resources.files("senref.resources") / "topics"
    docs = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml") and entry.is_file():
            docs.append((f"built-in {entry.name}", tomllib.loads(entry.read_text(encoding="utf-8"))))
    return docs


def user_file(paths: Paths) -> Path:
    return paths.config / USER_FILE


def load_vocabulary(paths: Paths | None = None, *, user_path: Path | None = None,
                    include_user: bool = True) -> Vocabulary:
    """The built-in vocabulary extended by the user's file (if any); problems are in `.problems`.

    Parse errors in the user file are reported as problems rather than raised, so that the caller
    decides whether to fall back to the built-in vocabulary.
    """
    docs = builtin_documents()
    problems: list[Problem] = []
    if include_user:
        if user_path is None and paths is not None:
            user_path = user_file(paths)
        if user_path is not None and user_path.is_file():
            try:
                docs.append((str(user_path), tomllib.loads(user_path.read_text(encoding="utf-8"))))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                problems.append(Problem("error", str(user_path), f"not valid TOML: {exc}"))
    return build_vocabulary(docs, problems)


def build_vocabulary(docs: Iterable[tuple[str, Mapping[str, Any]]], problems: list[Problem] | None = None) -> Vocabulary:
    """Merge parsed documents in order (later ones extend or override earlier ones) and validate."""
    problems = list(problems or [])
    topics: dict[str, Topic] = {}
    concepts: dict[str, Concept] = {}
    entities: dict[tuple[str, str], Entity] = {}
    settings = Settings()
    sources = []
    for source, doc in docs:
        sources.append(source)
        settings = _merge_settings(settings, doc.get("settings"), source, problems)
        _merge_concepts(concepts, entities, doc, source, problems)
        unknown = set(doc) - {"settings", "topics", "concepts", "entities"}
        if unknown:
            problems.append(Problem("error", source, f"unknown top-level key(s): {', '.join(sorted(unknown))}"))
        raw_topics = doc.get("topics", [])
        if not isinstance(raw_topics, list):
            problems.append(Problem("error", source, "'topics' must be an array of tables ([[topics]])"))
            continue
        seen: set[str] = set()
        for index, raw in enumerate(raw_topics):
            where = f"{source}: topics[{index}]"
            topic = _parse_topic(raw, where, problems)
            if topic is None:
                continue
            if topic.name in seen:
                problems.append(Problem("error", where, f"topic {topic.name!r} is defined twice in this file"))
                continue
            seen.add(topic.name)
            assert isinstance(raw, dict)
            if raw.get("disabled"):
                topics.pop(topic.name, None)
            elif topic.name in topics and not raw.get("replace"):
                _extend(topics[topic.name], topic, raw)
            else:
                topics[topic.name] = topic
    vocabulary = Vocabulary(list(topics.values()), settings, sources, problems, concepts, list(entities.values()))
    vocabulary.problems.extend(validate(vocabulary))
    return vocabulary


def _merge_concepts(concepts: dict[str, Concept], entities: dict[tuple[str, str], Entity], doc: Mapping[str, Any],
                    source: str, problems: list[Problem]) -> None:
    """A later file's concept or entity of a known name adds its words to it (as topics extend)."""
    errors: list[tuple[str, str]] = []
    for concept in parse_concepts(doc.get("concepts"), source, errors):
        known = concepts.get(concept.name)
        if known is None:
            concepts[concept.name] = concept
        else:
            for key in ("terms", "case_sensitive", "include", "exclude"):
                getattr(known, key).extend(v for v in getattr(concept, key) if v not in getattr(known, key))
            known.context = concept.context
    for entity in parse_entities(doc.get("entities"), source, errors):
        found = entities.get((entity.kind, entity.name))
        if found is None:
            entities[(entity.kind, entity.name)] = entity
        else:
            for key in ("terms", "case_sensitive", "classes", "exclude"):
                getattr(found, key).extend(v for v in getattr(entity, key) if v not in getattr(found, key))
    problems.extend(Problem("error", where, message) for where, message in errors)


def _merge_settings(current: Settings, raw: Any, source: str, problems: list[Problem]) -> Settings:
    if raw is None:
        return current
    if not isinstance(raw, dict):
        problems.append(Problem("error", source, "[settings] must be a table"))
        return current
    for key in sorted(set(raw) - _SETTINGS_KEYS):
        problems.append(Problem("error", f"{source}: settings", f"unknown key {key!r}"))
    merged = replace(current, field_weights=dict(current.field_weights))
    for key in ("threshold", "far_factor", "repeat_bonus"):
        if key in raw:
            value = raw[key]
            if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
                setattr(merged, key, float(value))
            else:
                problems.append(Problem("error", f"{source}: settings", f"{key} must be a number >= 0"))
    for key in ("proximity", "min_markers"):
        if key in raw:
            value = raw[key]
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                setattr(merged, key, value)
            else:
                problems.append(Problem("error", f"{source}: settings", f"{key} must be a whole number > 0"))
    fw = raw.get("field_weights")
    if fw is not None:
        if not isinstance(fw, dict):
            problems.append(Problem("error", f"{source}: settings", "field_weights must be a table"))
        else:
            for name, value in fw.items():
                if name not in DEFAULT_FIELD_WEIGHTS:
                    problems.append(Problem("error", f"{source}: settings.field_weights",
                                            f"unknown field {name!r} (known: {', '.join(DEFAULT_FIELD_WEIGHTS)})"))
                elif not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                    problems.append(Problem("error", f"{source}: settings.field_weights", f"{name} must be a number >= 0"))
                else:
                    merged.field_weights[name] = float(value)
    return merged


def _parse_topic(raw: Any, where: str, problems: list[Problem]) -> Topic | None:
    if not isinstance(raw, dict):
        problems.append(Problem("error", where, "a topic must be a table"))
        return None
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(Problem("error", where, "a topic needs a non-empty 'name'"))
        return None
    where = f"{where} ({name})"
    if name != name.strip() or any(not part.strip() or part != part.strip() for part in name.split("/")):
        problems.append(Problem("error", where, "name parts must be non-empty without surrounding spaces"))
        return None
    for key in sorted(set(raw) - _TOPIC_KEYS):
        problems.append(Problem("error", where, f"unknown key {key!r}"))
    topic = Topic(name=name)
    for key in _LIST_KEYS:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            problems.append(Problem("error", where, f"{key!r} must be a list of non-empty strings"))
            continue
        setattr(topic, key, [v.strip() for v in value])
    weights = raw.get("weights", {})
    if not isinstance(weights, dict):
        problems.append(Problem("error", where, "'weights' must be a table of term = number"))
    else:
        for term, value in weights.items():
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
                topic.weights[term] = float(value)
            else:
                problems.append(Problem("error", where, f"weight of {term!r} must be a number > 0"))
    if "description" in raw:
        if isinstance(raw["description"], str):
            topic.description = raw["description"]
        else:
            problems.append(Problem("error", where, "'description' must be a string"))
    if "threshold" in raw:
        value = raw["threshold"]
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            topic.threshold = float(value)
        else:
            problems.append(Problem("error", where, "'threshold' must be a number > 0"))
    if "imply_parent" in raw:
        if isinstance(raw["imply_parent"], bool):
            topic.imply_parent = raw["imply_parent"]
        else:
            problems.append(Problem("error", where, "'imply_parent' must be true or false"))
    for flag in ("replace", "disabled"):
        if flag in raw and not isinstance(raw[flag], bool):
            problems.append(Problem("error", where, f"{flag!r} must be true or false"))
    errors: list[tuple[str, str]] = []
    topic.rules = parse_rules(raw.get("rules"), where, errors)
    problems.extend(Problem("error", here, message) for here, message in errors)
    return topic


def _extend(base: Topic, extra: Topic, raw: Mapping[str, Any]) -> None:
    """A user entry for an existing topic appends to its lists and replaces the scalars it gives."""
    for key in _LIST_KEYS:
        merged = list(getattr(base, key))
        merged.extend(v for v in getattr(extra, key) if v not in merged)
        setattr(base, key, merged)
    base.weights.update(extra.weights)
    base.rules.extend(r for r in extra.rules if r not in base.rules)
    for key in _SCALAR_KEYS:
        if key in raw:
            setattr(base, key, getattr(extra, key))


# -- validation ------------------------------------------------------------------------------------
def validate(vocabulary: Vocabulary) -> list[Problem]:
    """Problems that make the merged vocabulary unusable (errors) or suspicious (warnings)."""
    from senref.topics.matching import term_atoms  # the compiler decides what a usable term is

    problems: list[Problem] = []
    topics = vocabulary.by_name()
    children: dict[str, list[str]] = {}
    for topic in vocabulary.topics:
        if topic.parent is not None:
            children.setdefault(topic.parent, []).append(topic.name)
    for topic in vocabulary.topics:
        where = f"topic {topic.name!r}"
        if topic.top in ENTITY_KINDS.values():
            problems.append(Problem("error", where, f"{topic.top!r} names entity tags (genes, drugs, trials), not topics"))
        if topic.parent is not None and topic.parent not in topics:
            problems.append(Problem("error", where, f"parent topic {topic.parent!r} is not defined"))
        for key in ("requires", "near"):
            for other in getattr(topic, key):
                if other not in topics:
                    problems.append(Problem("error", where, f"{key} names unknown topic {other!r}"))
                elif other == topic.name:
                    problems.append(Problem("error", where, f"{key} names the topic itself"))
        listed = {*topic.terms, *topic.markers, *topic.generic, *topic.exclude}
        for term in sorted(listed):
            if not term_atoms(term):
                problems.append(Problem("error", where, f"term {term!r} has no letters or digits to match"))
        for term in topic.weights:
            if term not in {*topic.terms, *topic.markers, *topic.generic}:
                problems.append(Problem("error", where, f"weight given for {term!r}, which is not one of its terms"))
        for term in topic.case_sensitive:
            if term not in listed:
                problems.append(Problem("error", where, f"case_sensitive names {term!r}, which is not one of its terms"))
        for pattern in topic.patterns:
            try:
                compiled = re.compile(pattern, re.IGNORECASE)
            except re.error as exc:
                problems.append(Problem("error", where, f"pattern {pattern!r} is not a valid regular expression: {exc}"))
                continue
            if compiled.match(""):
                problems.append(Problem("error", where, f"pattern {pattern!r} matches empty text"))
        kinds: dict[str, str] = {}
        for term, kind, _ in topic.weighted_terms():
            if term in kinds and kinds[term] != kind:
                problems.append(Problem("warning", where, f"{term!r} is listed both as {kinds[term]} and as {kind}"))
            kinds.setdefault(term, kind)
        for name in topic.unless:
            if name not in vocabulary.concepts:
                problems.append(Problem("error", where, f"unless names unknown concept {name!r}"))
        for rule in topic.rules:
            for name in (*rule.all, *rule.also, *rule.none):
                if name not in vocabulary.concepts:
                    problems.append(Problem("error", where, f"rule {rule.label!r} names unknown concept {name!r}"))
            for name in rule.satisfies:
                if name not in topic.requires:
                    problems.append(Problem("error", where,
                                            f"rule {rule.label!r} satisfies {name!r}, which the topic does not require"))
        if not (topic.terms or topic.markers or topic.mesh or topic.patterns or topic.rules or children.get(topic.name)):
            problems.append(Problem("warning", where, "has no terms, markers, MeSH headings or child topics: never tagged"))
        if topic.generic and not (topic.terms or topic.markers or topic.patterns or children.get(topic.name)):
            problems.append(Problem("warning", where, "has only generic words: never tagged (they are not evidence alone)"))
    problems.extend(Problem(level, where, message) for level, where, message
                    in check_concepts(vocabulary.concepts, vocabulary.entities, term_atoms))
    cycle = find_cycle({t.name: list(t.requires) for t in vocabulary.topics})
    if cycle:
        problems.append(Problem("error", "topics", "requirements form a cycle: " + " -> ".join(cycle)))
    return problems

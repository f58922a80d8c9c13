"""Concepts, entities and rules of the topic vocabulary: what the words mean, beyond one phrase per topic.

A *concept* is one idea with its synonyms and spelling variants ("radiation therapy": irradiated,
radiotherapy, ionizing radiation, X-rays, Gy...). An *entity* is a named gene, protein, drug or trial
found in the text; it becomes its own tag ("Gene/CDKN2A", "Drug/navitoclax") and may stand for concepts
too (navitoclax is a senolytic). A topic's *rules* combine concepts within one sentence or the whole
record ("radiation therapy" + "senescence" in one sentence: radiation-induced senescence), and every
tag a rule sets names the rule and the words that fired it.

These are data in `resources/topics/*.toml` (tables `[[concepts]]`, `[[entities]]` and a topic's
`rules = [...]`); this module reads and checks them, `senref.topics.rules` applies them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Entity kind -> the first part of its tag's name ("Gene/TP53"), so the tag selector nests them.
ENTITY_KINDS: dict[str, str] = {"gene": "Gene", "drug": "Drug", "trial": "Trial"}
#: Where a rule looks for its concepts together.
SCOPES = ("sentence", "record")
#: Fields a rule can be limited to.
RULE_FIELDS = ("title", "keywords", "mesh", "abstract", "fulltext")

def is_entity_tag(name: str) -> bool:
    """Whether *name* is an entity tag's ("Gene/TP53", "Drug/navitoclax", "Trial/NCT01234567").

    >>> is_entity_tag("Gene/CDKN2A"), is_entity_tag("TIS/Radiation-induced"), is_entity_tag("Gene")
    (True, False, False)
    """
    head, _, rest = name.partition("/")
    return bool(rest) and head in _ENTITY_HEADS


_ENTITY_HEADS = frozenset(ENTITY_KINDS.values())
_CONCEPT_KEYS = frozenset({"name", "terms", "case_sensitive", "include", "exclude", "source", "context"})
_ENTITY_KEYS = frozenset({"kind", "name", "terms", "case_sensitive", "classes", "exclude", "source"})
_RULE_KEYS = frozenset({"name", "all", "also", "none", "within", "span", "fields", "min_count", "weight", "satisfies"})


@dataclass
class Concept:
    name: str
    terms: list[str] = field(default_factory=list)
    case_sensitive: list[str] = field(default_factory=list)
    #: other concepts this one stands for as well ("anticancer therapy" includes "chemotherapy")
    include: list[str] = field(default_factory=list)
    #: phrases whose words are not this concept ("UV radiation" is no radiotherapy)
    exclude: list[str] = field(default_factory=list)
    #: where the synonyms come from, with the licence ("MeSH D011878 entry terms, public domain")
    source: str = ""
    #: common words ("after", "cancer") that only complete a rule: looked for only in a record where a
    #: rule needing them could hold, so that most records never pay for them
    context: bool = False


@dataclass
class Entity:
    kind: str
    name: str
    terms: list[str] = field(default_factory=list)
    case_sensitive: list[str] = field(default_factory=list)
    #: concepts the entity stands for ("senolytic drug")
    classes: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    source: str = ""

    @property
    def tag(self) -> str:
        """The entity's tag name.

        >>> Entity("gene", "CDKN2A").tag
        'Gene/CDKN2A'
        """
        return f"{ENTITY_KINDS[self.kind]}/{self.name}"

    def aliases(self) -> list[str]:
        return [self.name, *(t for t in self.terms if t != self.name)]


@dataclass(frozen=True)
class Rule:
    """Concepts that, found together, are evidence for a topic."""

    all: tuple[str, ...]
    within: str = "sentence"
    #: in a sentence: the concepts' words lie within this many characters ("eliminate … senescent cells"
    #: is a relation; the two words at either end of a long sentence are not); 0: anywhere in it
    span: int = 0
    #: concepts needed anywhere in the record as well ("senescence" for a marker named in a title)
    also: tuple[str, ...] = ()
    #: concepts that stop the rule when found in the same scope ("normal tissue" for a tumour strategy)
    none: tuple[str, ...] = ()
    #: only these fields count (None: all of them)
    fields: tuple[str, ...] | None = None
    #: occurrences of the concepts needed in the scope (two mentions make a marker a subject)
    min_count: int = 1
    #: evidence weight before the field weight; None: the topic's threshold (enough alone)
    weight: float | None = None
    #: required topics the rule establishes for its own topic (the concepts say it: "senescence")
    satisfies: tuple[str, ...] = ()
    name: str = ""

    @property
    def label(self) -> str:
        """What the evidence calls the rule.

        >>> Rule(("radiation therapy", "senescence")).label
        'radiation therapy + senescence in one sentence'
        """
        if self.name:
            return self.name
        where = {"sentence": "in one sentence", "record": "in the record"}[self.within]
        if self.span:
            where = f"within {self.span} characters"
        words = " + ".join(self.all)
        if self.fields:
            where += " (" + ", ".join(self.fields) + ")"
        if self.min_count > 1:
            words += f", {self.min_count}×"
        if self.also:
            where += ", with " + ", ".join(self.also) + " in the record"
        if self.none:
            where += ", without " + ", ".join(self.none)
        return f"{words} {where}"


def parse_concepts(raw: Any, where: str, errors: list[tuple[str, str]]) -> list[Concept]:
    out: list[Concept] = []
    for index, entry in enumerate(_tables(raw, where, "concepts", errors)):
        here = f"{where}: concepts[{index}]"
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            errors.append((here, "a concept needs a non-empty 'name'"))
            continue
        here = f"{here} ({name})"
        _unknown(entry, _CONCEPT_KEYS, here, errors)
        concept = Concept(name.strip())
        for key in ("terms", "case_sensitive", "include", "exclude"):
            setattr(concept, key, _strings(entry, key, here, errors))
        concept.source = _string(entry, "source", here, errors)
        context = entry.get("context", False)
        if not isinstance(context, bool):
            errors.append((here, "'context' must be true or false"))
        concept.context = context is True
        out.append(concept)
    return out


def parse_entities(raw: Any, where: str, errors: list[tuple[str, str]]) -> list[Entity]:
    out: list[Entity] = []
    for index, entry in enumerate(_tables(raw, where, "entities", errors)):
        here = f"{where}: entities[{index}]"
        name, kind = entry.get("name"), entry.get("kind")
        if not isinstance(name, str) or not name.strip() or "/" in name:
            errors.append((here, "an entity needs a non-empty 'name' without '/'"))
            continue
        here = f"{here} ({name})"
        if kind not in ENTITY_KINDS or kind == "trial":
            errors.append((here, "'kind' must be \"gene\" or \"drug\" (trials are found by their NCT number)"))
            continue
        _unknown(entry, _ENTITY_KEYS, here, errors)
        entity = Entity(str(kind), name.strip())
        for key in ("terms", "case_sensitive", "classes", "exclude"):
            setattr(entity, key, _strings(entry, key, here, errors))
        entity.source = _string(entry, "source", here, errors)
        out.append(entity)
    return out


def parse_rules(raw: Any, where: str, errors: list[tuple[str, str]]) -> list[Rule]:
    out: list[Rule] = []
    for index, entry in enumerate(_tables(raw, where, "rules", errors)):
        here = f"{where}: rules[{index}]"
        _unknown(entry, _RULE_KEYS, here, errors)
        concepts = _strings(entry, "all", here, errors)
        if not concepts:
            errors.append((here, "a rule needs 'all', the concepts it combines"))
            continue
        within = entry.get("within", "sentence")
        if within not in SCOPES:
            errors.append((here, f"'within' must be one of {', '.join(SCOPES)}"))
            continue
        fields = _strings(entry, "fields", here, errors) if "fields" in entry else None
        for name in fields or ():
            if name not in RULE_FIELDS:
                errors.append((here, f"unknown field {name!r} (known: {', '.join(RULE_FIELDS)})"))
        span = entry.get("span", 0)
        if not isinstance(span, int) or isinstance(span, bool) or span < 0 or (span and within != "sentence"):
            errors.append((here, "'span' must be a whole number of characters >= 0, for a rule within a sentence"))
            span = 0
        count = entry.get("min_count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            errors.append((here, "'min_count' must be a whole number >= 1"))
            count = 1
        weight = entry.get("weight")
        if weight is not None and (not isinstance(weight, int | float) or isinstance(weight, bool) or weight <= 0):
            errors.append((here, "'weight' must be a number > 0"))
            weight = None
        out.append(Rule(tuple(concepts), str(within), span, tuple(_strings(entry, "also", here, errors)),
                        tuple(_strings(entry, "none", here, errors)),
                        tuple(fields) if fields is not None else None, count,
                        float(weight) if weight is not None else None,
                        tuple(_strings(entry, "satisfies", here, errors)), _string(entry, "name", here, errors)))
    return out


def _tables(raw: Any, where: str, key: str, errors: list[tuple[str, str]]) -> list[Mapping[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(x, dict) for x in raw):
        errors.append((where, f"{key!r} must be an array of tables"))
        return []
    return raw


def _unknown(entry: Mapping[str, Any], known: frozenset[str], where: str, errors: list[tuple[str, str]]) -> None:
    for key in sorted(set(entry) - known):
        errors.append((where, f"unknown key {key!r}"))


def _strings(entry: Mapping[str, Any], key: str, where: str, errors: list[tuple[str, str]]) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        errors.append((where, f"{key!r} must be a list of non-empty strings"))
        return []
    return [v.strip() for v in value]


def _string(entry: Mapping[str, Any], key: str, where: str, errors: list[tuple[str, str]]) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        errors.append((where, f"{key!r} must be a string"))
        return ""
    return value


def check_concepts(concepts: Mapping[str, Concept], entities: list[Entity],
                   atoms: Callable[[str], list[str]]) -> list[tuple[str, str, str]]:
    """(level, where, message) for concepts and entities that cannot work as written."""
    found: list[tuple[str, str, str]] = []

    def words(where: str, terms: list[str], case_sensitive: list[str], exclude: list[str]) -> None:
        for term in [*terms, *exclude]:
            if not atoms(term):
                found.append(("error", where, f"term {term!r} has no letters or digits to match"))
        for term in case_sensitive:
            if term not in terms:
                found.append(("error", where, f"case_sensitive names {term!r}, which is not one of its terms"))

    for concept in concepts.values():
        where = f"concept {concept.name!r}"
        words(where, concept.terms, concept.case_sensitive, concept.exclude)
        for name in concept.include:
            if name not in concepts:
                found.append(("error", where, f"includes unknown concept {name!r}"))
        if not concept.terms and not concept.include and not any(concept.name in e.classes for e in entities):
            found.append(("warning", where, "has no terms, included concepts or entities: never found"))
    cycle = find_cycle({name: list(c.include) for name, c in concepts.items()})
    if cycle:
        found.append(("error", "concepts", "includes form a cycle: " + " -> ".join(cycle)))
    for entity in entities:
        where = f"entity {entity.tag!r}"
        words(where, entity.aliases(), entity.case_sensitive, entity.exclude)
        for name in entity.classes:
            if name not in concepts:
                found.append(("error", where, f"class {name!r} is not a concept"))
    return found


def find_cycle(graph: Mapping[str, list[str]]) -> list[str]:
    """A chain of edges in *graph* that comes back to its start ([] when there is none).

    >>> find_cycle({"a": ["b"], "b": ["a"]}), find_cycle({"a": ["b"], "b": []})
    (['a', 'b', 'a'], [])
    """
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> list[str]:
        state[name] = 1
        stack.append(name)
        for other in graph[name]:
            if other not in graph or other == name:
                continue
            if state.get(other) == 1:
                return [*stack[stack.index(other):], other]
            if other not in state and (cycle := visit(other)):
                return cycle
        stack.pop()
        state[name] = 2
        return []

    for name in graph:
        if name not in state and (cycle := visit(name)):
            return cycle
    return []


def expand_includes(concepts: Mapping[str, Concept]) -> dict[str, frozenset[str]]:
    """Concept -> the concepts it stands for: itself, and (transitively) every concept that includes it.

    Finding "irradiation" (radiation therapy) is also finding "anticancer therapy" when that includes it.

    >>> c = {"a": Concept("a", ["x"]), "b": Concept("b", include=["a"]), "c": Concept("c", include=["b"])}
    >>> sorted(expand_includes(c)["a"])
    ['a', 'b', 'c']
    """
    parents: dict[str, set[str]] = {name: set() for name in concepts}
    for concept in concepts.values():
        for name in concept.include:
            if name in parents:
                parents[name].add(concept.name)
    out: dict[str, frozenset[str]] = {}
    for name in concepts:
        seen = {name}
        todo = [name]
        while todo:
            for parent in parents[todo.pop()]:
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        out[name] = frozenset(seen)
    return out

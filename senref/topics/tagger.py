"""The automatic topic tagger: weighs vocabulary terms found in a record and sets automatic topic tags.

Qt-free and fast: every term of the vocabulary is compiled into one regular expression
(senref.topics.matching), so a record costs one regex pass per field plus a little arithmetic on
the few terms found. The session gives the library `get_tagger(paths)` (deferred) to tag every saved record.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from senref.core.model import AUTOMATIC, Item
from senref.core.tag_sources import MESH, tag_sources
from senref.paths import Paths
from senref.topics.deferred import DeferredTagger
from senref.topics.evidence_sources import name_sources
from senref.topics.matching import SpanMapper, TermScanner, case_key, lower_same_length, normalize_text
from senref.topics.rules import ConceptIndex, RecordConcepts
from senref.topics.vocabulary import Topic, Vocabulary, VocabularyError, load_vocabulary, user_file

log = logging.getLogger(__name__)

#: Fields a record offers the tagger, in the order evidence is listed.
FIELDS = ("title", "keywords", "mesh", "abstract", "fulltext")
#: Short fields describe the whole record: a marker there is "near" context found anywhere.
_WHOLE_RECORD_FIELDS = frozenset({"title", "keywords", "mesh"})
#: Kinds of evidence that are about the topic itself, wherever they stand.
_SPECIFIC = frozenset({"term", "mesh", "pattern"})
#: Evidence = {topic or entity tag: [{"field": ..., "term": ..., "weight": ..., "rule": ...}, ...]}
Evidence = dict[str, list[dict[str, Any]]]
#: What the evidence calls the rule behind each kind of occurrence (a concept rule names itself).
RULES = {"term": "specific term", "marker": "supporting word", "generic": "generic word, counted with other evidence",
         "mesh": "MeSH heading", "pattern": "pattern"}


@dataclass(frozen=True)
class _Entry:
    """What one compiled term means for one topic."""

    topic: int
    kind: str  # term | marker | generic | exclude | mesh | pattern | rule
    weight: float
    case: str | None  # letters and digits as written, for case-sensitive acronyms
    #: Evidence for required topics inside this term ("radiation-induced senescence" contains
    #: "senescence", which the longer match consumes), counted with it.
    contains: tuple[_Entry, ...] = ()


@dataclass
class _Occurrence:
    field: str
    text: str
    count: int
    near: bool
    kind: str
    weight: float
    rule: str = ""


class Tagger:
    """Topic evidence for records, from one compiled vocabulary (thread-safe: no state after init)."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        if vocabulary.errors:
            raise VocabularyError("; ".join(str(p) for p in vocabulary.errors))
        self.vocabulary = vocabulary
        self.settings = vocabulary.settings
        self.topics: list[Topic] = list(vocabulary.topics)
        self.names = [t.name for t in self.topics]
        self._index = {name: i for i, name in enumerate(self.names)}
        self.thresholds = [t.threshold if t.threshold is not None else self.settings.threshold for t in self.topics]
        self._parent = [self._index.get(t.parent) if t.parent and t.imply_parent else None for t in self.topics]
        self._requires = [frozenset(self._index[r] for r in t.requires) for t in self.topics]
        # A `near` topic stands for itself and its descendants (a TIS child's terms are TIS context too).
        self._near = [self._with_descendants(t.near) for t in self.topics]
        terms: list[str] = []
        for topic in self.topics:
            terms.extend(term for term, _, _ in topic.weighted_terms())
            terms.extend(topic.exclude)
        topic_terms = len(terms)
        self.concepts = ConceptIndex(vocabulary)
        terms.extend(self.concepts.terms())
        patterns = [(i, p) for i, t in enumerate(self.topics) for p in t.patterns]
        self.scanner = TermScanner(terms, [p for _, p in patterns])
        self.concepts.bind(self.scanner)
        self._rules = [(i, rule) for i, t in enumerate(self.topics) for rule in t.rules]
        self._compiled = [self.concepts.compile(rule) for _, rule in self._rules]
        weights = self.settings.field_weights
        self._field_weight = lambda name: weights.get(name, 0.0)
        self._rule_entries = [_Entry(i, "rule", rule.weight if rule.weight is not None else self.thresholds[i], None)
                              for i, rule in self._rules]
        self._unless_topics = [i for i, t in enumerate(self.topics) if t.unless]
        self._rule_vouches = [frozenset(self._index[r] for r in rule.satisfies) for _, rule in self._rules]
        # Entries built once: a frozen dataclass costs a microsecond each, and records find thousands.
        self._pattern_entry = [_Entry(i, "pattern", 3.0, None) for i, _ in patterns]
        self._requirement_scanners: dict[str, tuple[TermScanner, Topic]] = {}
        self._entries: list[list[_Entry]] = [[] for _ in self.scanner.term_of_id]
        self._display: list[str] = list(self.scanner.term_of_id)
        for index, topic in enumerate(self.topics):
            case_sensitive = set(topic.case_sensitive)
            weighted = [(term, kind, weight) for term, kind, weight in topic.weighted_terms()]
            weighted.extend((term, "exclude", 0.0) for term in topic.exclude)
            for term, kind, weight in weighted:
                term_id = self.scanner.id_of(term)
                if term_id is None:
                    continue
                entries = self._entries[term_id]
                if any(e.topic == index for e in entries):
                    continue  # the same term twice in one topic (validator warns): first listing wins
                contains = self._contained(term, topic, kind) if kind != "exclude" else ()
                entries.append(_Entry(index, kind, weight, case_key(term) if term in case_sensitive else None, contains))
        self._inherit_topic_entries(terms[:topic_terms])
        self._mesh: dict[str, list[_Entry]] = {}
        for index, topic in enumerate(self.topics):
            for heading in topic.mesh:
                self._mesh.setdefault(heading.casefold(), []).append(_Entry(index, "mesh", self.thresholds[index], None))

    def _contained(self, term: str, topic: Topic, kind: str) -> tuple[_Entry, ...]:
        """Terms of *topic*'s required topics found inside *term* itself.

        Inside a specific term the required topic is established outright ("radiation-induced
        senescence" is about senescence); inside a marker the inner word counts as it would alone.
        """
        found = []
        for required in topic.requires:
            scanner = self._requirement_scanners.get(required)
            if scanner is None:
                target = self.topics[self._index[required]]
                scanner = self._requirement_scanners[required] = (
                    TermScanner([t for t, _, _ in target.weighted_terms()]), target)
            sub, target = scanner
            lowered = lower_same_length(normalize_text(term))
            for term_id, _, _ in sub.scan(lowered):
                inner = sub.term_of_id[term_id]
                for candidate, inner_kind, weight in target.weighted_terms():
                    if candidate == inner:
                        required_index = self._index[required]
                        if kind == "term":
                            threshold = target.threshold if target.threshold is not None else self.settings.threshold
                            found.append(_Entry(required_index, "term", max(weight, threshold), None))
                        else:
                            found.append(_Entry(required_index, inner_kind, weight, None))
                        break
        return tuple(found)

    def _inherit_topic_entries(self, topic_terms: list[str]) -> None:
        """A concept's or entity's word that holds a topic's term ("ionizing radiation exposure") counts for it.

        One scanner takes every word, longest first, so such a word would otherwise hide the topic's.
        """
        topic_ids = {self.scanner.id_of(t) for t in topic_terms}
        orphans = [i for i in range(len(self._entries)) if i not in topic_ids]
        if not orphans:
            return
        sub = TermScanner(topic_terms)
        for term_id in orphans:
            lowered = lower_same_length(normalize_text(self.scanner.term_of_id[term_id]))
            for sub_id, _, _ in sub.scan(lowered):
                inner = self.scanner.id_of(sub.term_of_id[sub_id])
                if inner is None:
                    continue
                known = {e.topic for e in self._entries[term_id]}
                self._entries[term_id].extend(e for e in self._entries[inner]
                                              if e.case is None and e.topic not in known and e.kind != "exclude")

    def _with_descendants(self, names: Iterable[str]) -> frozenset[int]:
        wanted = set(names)
        return frozenset(i for i, name in enumerate(self.names)
                         if name in wanted or any(name.startswith(w + "/") for w in wanted))

    def __reduce__(self) -> tuple[type[Tagger], tuple[Vocabulary]]:
        # To a worker process it travels as its vocabulary: compiled there (its scanners and lambdas
        # are not worth pickling).
        return (Tagger, (self.vocabulary,))

    # -- public API --------------------------------------------------------------------------------
    def suggest(self, text_fields: Mapping[str, str | Iterable[str]]) -> Evidence:
        """Topics supported by the given texts, with their evidence (pure: changes nothing).

        *text_fields* maps "title", "abstract", "keywords", "mesh" and "fulltext" to text (keywords
        and MeSH headings may be lists of strings).
        """
        return self._evaluate(text_fields, rejected=frozenset())

    def apply(self, item: Item, fulltext: str | None = None) -> list[str]:
        """Update *item*'s automatic topic tags and `extras["topicEvidence"]`; returns the topics added.

        Manual tags are never touched; a topic in `extras["rejectedTopics"]` is never (re-)added and
        does not imply its parent; automatic tags of topics no longer supported are removed.
        """
        rejected = frozenset(str(r) for r in item.extras.get("rejectedTopics") or [])
        fields = self.item_fields(item, fulltext)
        evidence = self._evaluate(fields, rejected)
        name_sources(evidence, item, fields)
        previous = item.extras.get("topicEvidence")
        ours = set(self.names) | (set(previous) if isinstance(previous, dict) else set())
        item.tags = [t for t in item.tags if t.type != AUTOMATIC or t.tag not in ours or t.tag in evidence]
        present = {t.tag for t in item.tags}
        added = []
        for topic in evidence:
            if topic not in present:
                item.add_tag(topic, AUTOMATIC)
                added.append(topic)
        if evidence:
            item.extras["topicEvidence"] = evidence
        else:
            item.extras.pop("topicEvidence", None)
        return added

    def item_fields(self, item: Item, fulltext: str | None = None) -> dict[str, str | list[str]]:
        """The texts of an item the tagger reads; its own topic tags are output, never input."""
        names = set(self.names)
        previous = item.extras.get("topicEvidence")
        if isinstance(previous, dict):
            names.update(previous)
        sources = tag_sources(item)
        # Manual tags and the keywords a source named (HAL, PubMed's KeywordList, Crossref) are
        # keywords; MeSH headings are matched as headings too. An automatic tag of unknown origin
        # (saved before origins were kept) was a PubMed heading or keyword: read it as before.
        fields: dict[str, str | list[str]] = {
            "title": item.fields.get("title", ""),
            "abstract": item.fields.get("abstractNote", ""),
            "keywords": [t.tag for t in item.tags if t.tag not in names
                         and (t.type != AUTOMATIC or sources.get(t.tag, MESH) != MESH)],
            "mesh": [t.tag for t in item.tags if t.type == AUTOMATIC and t.tag not in names
                     and sources.get(t.tag, MESH) == MESH],
        }
        if fulltext:
            fields["fulltext"] = fulltext
        return fields

    # -- scoring ---------------------------------------------------------------------------------
    def _evaluate(self, text_fields: Mapping[str, str | Iterable[str]], rejected: frozenset[str]) -> Evidence:
        settings = self.settings
        occurrences: dict[int, dict[tuple[str, str], _Occurrence]] = {}
        positions: dict[str, dict[int, list[int]]] = {}
        # (term id or -1, entry, field, text as written, starts of its occurrences in that field)
        pending: list[tuple[int, _Entry, str, str, list[int]]] = []
        record = RecordConcepts(self.concepts)
        for name in FIELDS:
            raw = text_fields.get(name)
            if not raw:
                continue
            text = raw if isinstance(raw, str) else " ; ".join(str(x) for x in raw)
            if name == "mesh" and not isinstance(raw, str):
                for heading in raw:
                    for mesh_entry in self._mesh.get(str(heading).strip().casefold(), ()):
                        pending.append((-1, mesh_entry, name, str(heading), [-1]))
            norm = normalize_text(text)
            where = positions.setdefault(name, {})
            # Group occurrences by term first: the per-term work below then runs once per distinct term.
            grouped: dict[int, list[tuple[int, int]]] = {}
            for term_id, start, end in self.scanner.scan(lower_same_length(norm)):
                spans = grouped.get(term_id)
                if spans is None:
                    grouped[term_id] = [(start, end)]
                else:
                    spans.append((start, end))
            mapper = SpanMapper(text)
            record.add_field(name, norm, grouped, mapper)
            for term_id, spans in grouped.items():
                for entry in self._entries[term_id]:
                    if entry.kind == "exclude":
                        continue  # the words are consumed: they count for no topic
                    if entry.case is not None:
                        kept = [(a, b) for a, b in spans if case_key(norm[a:b]).startswith(entry.case)]
                    else:
                        kept = spans
                    if not kept:
                        continue
                    starts = [a for a, _ in kept]
                    shown = mapper.original(*kept[0])
                    pending.append((term_id, entry, name, shown, starts))
                    if entry.kind != "generic":  # a generic word is no context for other topics either
                        where.setdefault(entry.topic, []).extend(starts)
                    for inner in entry.contains:
                        if inner.kind != "generic":
                            where.setdefault(inner.topic, []).extend(starts)
                        pending.append((term_id, inner, name, shown, starts))
            for pattern_index, start, end in self.scanner.scan_patterns(norm):
                pattern_entry = self._pattern_entry[pattern_index]
                where.setdefault(pattern_entry.topic, []).append(start)
                pending.append((-1, pattern_entry, name, norm[start:end], [start]))
        vouched: dict[int, set[int]] = {}
        for number, (topic, rule) in enumerate(self._rules if record.mask else ()):
            fired = record.fire(self._compiled[number], self._field_weight)
            if fired is None:
                continue
            bucket = occurrences.setdefault(topic, {})
            bucket[(f"rule {number}", fired.field)] = _Occurrence(fired.field, fired.shown, 1, True, "rule",
                                                                 self._rule_entries[number].weight, rule.label)
            vouched.setdefault(topic, set()).update(self._rule_vouches[number])
        entities = record.entity_evidence(rejected)
        if not pending and not occurrences:
            return entities
        anywhere = {i for field_positions in positions.values() for i in field_positions}
        title = positions.get("title", {})
        near_targets = self._near
        for term_id, entry, name, shown, starts in pending:
            # The common case inline (a term, or a topic without context): the call cost more than the test.
            near = (entry.kind in _SPECIFIC or not near_targets[entry.topic]
                    or self._is_near(entry, name, starts, here=positions.get(name, {}), title=title,
                                     anywhere=anywhere, proximity=settings.proximity))
            key = (self._display[term_id] if term_id >= 0 else shown.lower(), name)
            bucket = occurrences.setdefault(entry.topic, {})
            found = bucket.get(key)
            if found is None:
                bucket[key] = _Occurrence(name, shown, len(starts), near, entry.kind, entry.weight)
            else:
                found.count += len(starts)
                found.near = found.near or near
        scores: dict[int, float] = {}
        details: dict[int, list[dict[str, Any]]] = {}
        for index, bucket in occurrences.items():
            total = 0.0
            specific = False
            seen = 0
            non_generic = False
            rows: list[dict[str, Any]] = []
            threshold = self.thresholds[index]
            for occ in bucket.values():
                if occ.kind == "mesh":
                    value = occ.weight
                elif occ.kind == "rule":
                    value = occ.weight * settings.field_weights.get(occ.field, 0.0)
                else:
                    repeat = 1.0 + settings.repeat_bonus * min(occ.count - 1, 2)
                    value = occ.weight * settings.field_weights.get(occ.field, 0.0) * repeat
                    if not occ.near:
                        value *= settings.far_factor
                if value <= 0:
                    continue
                total += value
                seen += occ.count
                # A term, a MeSH heading, a pattern, or a rule or marker that weighs a whole threshold
                # on its own is specific.
                specific = specific or occ.kind in _SPECIFIC or (
                    occ.kind in ("marker", "rule") and occ.weight >= threshold - 1e-9)
                non_generic = non_generic or occ.kind != "generic"
                rows.append({"field": occ.field, "term": occ.text, "weight": round(value, 2),
                             "rule": occ.rule or RULES[occ.kind]})
            # Generic words alone are never evidence, and markers need more than one sighting.
            if specific or (non_generic and seen >= settings.min_markers):
                scores[index] = total
                rows.sort(key=lambda r: -r["weight"])
                details[index] = rows
        for index in self._unless_topics:
            if any(record.found(c) for c in self.topics[index].unless):
                scores.pop(index, None)  # the record is about something else: no evidence counts
                for vouches in vouched.values():
                    vouches.discard(index)  # nor can a rule establish the topic
        supported = self._supported(scores, vouched)
        topics = self._with_parents(supported, scores, details, rejected)
        return {**topics, **entities} if entities else topics

    def _is_near(self, entry: _Entry, name: str, starts: list[int], *, here: Mapping[int, list[int]],
                 title: Mapping[int, list[int]], anywhere: set[int], proximity: int) -> bool:
        targets = self._near[entry.topic]
        if entry.kind in _SPECIFIC or not targets:
            return True
        if name in _WHOLE_RECORD_FIELDS:
            return not targets.isdisjoint(anywhere)
        if not targets.isdisjoint(title):
            return True  # a title sets the context of the whole abstract
        for target in targets:
            for position in here.get(target, ()):
                for start in starts:
                    if abs(position - start) <= proximity:
                        return True
        return False

    def _supported(self, scores: Mapping[int, float], vouched: Mapping[int, set[int]]) -> set[int]:
        """Topics over their threshold whose requirements hold, to a fixpoint.

        A requirement holds when the required topic is supported itself or through a supported
        descendant (TIS/Radiation-induced satisfies "requires TIS"). Rejections do not matter here:
        they are about the tag, not about what the record is about. A rule that fired for a topic may
        establish some of its requirements itself (*vouched*): its concepts say so.
        """
        candidates = [i for i, score in scores.items() if score >= self.thresholds[i] - 1e-9]
        supported: set[int] = set()
        closure: set[int] = set()
        # The order topics join `supported` is kept: it orders the implied rows of the evidence.
        changed = True
        while changed:
            changed = False
            for index in candidates:
                if index in supported or not self._requires[index] <= closure | vouched.get(index, set()):
                    continue
                supported.add(index)
                node: int | None = index
                while node is not None and node not in closure:
                    closure.add(node)
                    node = self._parent[node]
                changed = True
        return supported

    def _with_parents(self, supported: set[int], scores: Mapping[int, float], details: Mapping[int, list[dict[str, Any]]],
                      rejected: frozenset[str]) -> Evidence:
        final: dict[int, list[dict[str, Any]]] = {}
        for index in supported:
            if self.names[index] in rejected:
                continue
            final.setdefault(index, []).extend(details.get(index, []))
            child, parent = index, self._parent[index]
            while parent is not None and self.names[parent] not in rejected:
                implied = {"field": "implied", "term": self.names[child], "weight": round(scores.get(child, 0.0), 2),
                           "rule": "implied by a subtopic"}
                rows = final.get(parent)
                if rows is None:
                    rows = final[parent] = list(details.get(parent, [])) if parent not in supported else []
                rows.append(implied)
                child, parent = parent, self._parent[parent]
        return {self.names[i]: final[i] for i in sorted(final)}


_cache: dict[tuple[str, int | None], Tagger] = {}
_cache_lock = threading.Lock()


def get_tagger(paths: Paths | None = None) -> Tagger:
    """The tagger for the built-in vocabulary plus, given *paths*, the user's `topics.toml` (rebuilt when it changes).

    Without *paths* only the built-in vocabulary is used: the folders are passed in, never looked up
    here. A user file with errors is ignored (with a logged warning) rather than breaking every save;
    `senref topics check` shows its problems.
    """
    path = user_file(paths) if paths is not None else None
    try:
        stamp: int | None = path.stat().st_mtime_ns if path is not None else None
    except OSError:
        stamp = None
    key = (str(path or ""), stamp)
    with _cache_lock:
        tagger = _cache.get(key)
        if tagger is None:
            vocabulary = load_vocabulary(paths, include_user=paths is not None)
            if vocabulary.errors:
                log.warning("topic vocabulary %s has errors, using the built-in one: %s", path,
                            "; ".join(str(p) for p in vocabulary.errors))
                vocabulary = load_vocabulary(include_user=False)
            tagger = Tagger(vocabulary)
            _cache.clear()
            _cache[key] = tagger
        return tagger


def topic_names(tagger: object | None) -> frozenset[str]:
    """The topic tags' names (what the tag selector tells apart from source keywords).

    The library's own tagger when it has one, else the built-in vocabulary (a library opened without
    autotagging still carries topic tags from earlier saves).
    """
    if isinstance(tagger, DeferredTagger):
        tagger = tagger.tagger
    if isinstance(tagger, Tagger):
        return frozenset(tagger.names)
    return frozenset(get_tagger().names)

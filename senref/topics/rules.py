"""Concepts and entities found in a record, and the topic rules they fire (see senref.topics.concepts).

The tagger scans each field once with one regex over every word of the vocabulary; this module is told
which concepts and entities each matched word stands for (worked out once, when the tagger is built)
and then, per record, places the concepts in sentences and checks each rule.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from senref.topics.concepts import Entity, Rule, expand_includes
from senref.topics.matching import SpanMapper, TermScanner, case_key, lower_same_length, normalize_text
from senref.topics.vocabulary import Vocabulary

#: A sentence ends at . ! ? ; followed by space and a capital, a digit or an opening bracket.
_SENTENCE_END = re.compile(r"[.!?;](?=\s+[A-Z0-9(\[])")
_ABBREVIATIONS = (" et al", " e.g", " i.e", " vs", " Fig", " cf", " approx")
_NCT = re.compile(r"(?<![\w/])NCT\d{8}(?!\w)", re.IGNORECASE)
#: A span no sentence reaches: "anywhere in the sentence".
_ANY_SPAN = 1 << 30
#: Fields an entity is read from, and the weight of one mention there (an entity needs a total of 1).
ENTITY_FIELD_WEIGHTS = {"title": 1.0, "keywords": 1.0, "mesh": 1.0, "abstract": 1.0, "fulltext": 0.4}
#: What an entity's evidence calls its rule, by kind.
ENTITY_RULES = {"gene": "gene or protein name", "drug": "drug name", "trial": "ClinicalTrials.gov registry number"}


#: One occurrence of a concept: (field, sentence number, start, end). Tuples: records hold hundreds.
Hit = tuple[str, int, int, int]
_FIELD: Final = 0
_SENTENCE: Final = 1
_START: Final = 2
_END: Final = 3


@dataclass(frozen=True)
class Fired:
    """A rule that held in a record: where, and the words it combined."""

    rule: Rule
    field: str
    shown: str


@dataclass(frozen=True)
class CompiledRule:
    """A rule with its concepts as ids, checked against a record's hits."""

    rule: Rule
    all: tuple[int, ...]
    all_mask: int
    also_mask: int
    none_mask: int
    fields: frozenset[str] | None
    #: the concepts it needs that the main scan finds, and whether it needs common words too
    primary_mask: int
    needs_context: bool


class ConceptIndex:
    """What each scanner term stands for: concept ids and entity ids (with a case key when case matters)."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.concept_names = sorted(vocabulary.concepts)
        self.concept_id = {name: i for i, name in enumerate(self.concept_names)}
        self.entities: list[Entity] = list(vocabulary.entities)
        self._up = expand_includes(vocabulary.concepts)
        self._concept_terms: list[tuple[str, int, bool]] = []  # (term, concept id, case-sensitive)
        self._context_terms: list[tuple[str, int, bool]] = []
        excluded: set[str] = set()
        context_excluded: set[str] = set()
        for name, concept in vocabulary.concepts.items():
            cased = set(concept.case_sensitive)
            listed = self._context_terms if concept.context else self._concept_terms
            listed.extend((t, self.concept_id[name], t in cased) for t in concept.terms)
            (context_excluded if concept.context else excluded).update(concept.exclude)
        self.context_ids = frozenset(self.concept_id[n] for n, c in vocabulary.concepts.items() if c.context)
        self._entity_terms: list[tuple[str, int, bool]] = []
        for index, entity in enumerate(self.entities):
            cased = set(entity.case_sensitive)
            self._entity_terms.extend((t, index, t in cased) for t in entity.aliases())
            excluded.update(entity.exclude)
        for topic in vocabulary.topics:
            excluded.update(topic.exclude)
        self.excluded = excluded
        # Common words are read by a scanner of their own, run only when a rule needs them.
        self.context_scanner = TermScanner([t for t, _, _ in self._context_terms] + sorted(context_excluded))
        self.context_of: list[tuple[tuple[int, str | None], ...]] = []
        self._context_excluded = context_excluded
        #: per scanner term id: ((concept id, case key or None), ...) and ((entity index, case key or None), ...)
        self.concepts_of: list[tuple[tuple[int, str | None], ...]] = []
        self.entities_of: list[tuple[tuple[int, str | None], ...]] = []
        #: concept id -> the ids it stands for (itself and every concept including it)
        self.expansion = [tuple(sorted(self.concept_id[n] for n in self._up[name])) for name in self.concept_names]
        self.entity_concepts = [tuple(sorted({t for c in e.classes if c in self.concept_id
                                              for t in self.expansion[self.concept_id[c]]}))
                                for e in self.entities]
        #: concept id -> the bits of every concept it stands for; entity -> the bits of its classes
        self.bits = [sum(1 << t for t in targets) for targets in self.expansion]
        self.entity_bits = [sum(1 << t for t in targets) for targets in self.entity_concepts]

    def terms(self) -> list[str]:
        """Every word the scanner must know for concepts and entities (exclusions included: they consume)."""
        return [*(t for t, _, _ in self._concept_terms), *(t for t, _, _ in self._entity_terms), *sorted(self.excluded)]

    def bind(self, scanner: TermScanner) -> None:
        """Work out, for each term of *scanner* (and of the context scanner), what it stands for."""
        excluded_ids = {scanner.id_of(t) for t in self.excluded}
        for listed, attribute in ((self._concept_terms, "concepts_of"), (self._entity_terms, "entities_of")):
            sub = TermScanner([t for t, _, _ in listed])
            meaning = _meanings(listed, sub)
            setattr(self, attribute, [self._inside(term, term_id in excluded_ids, sub, meaning)
                                      for term_id, term in enumerate(scanner.term_of_id)])
        context = self.context_scanner
        meaning = _meanings(self._context_terms, context)
        excluded_context = {context.id_of(t) for t in self._context_excluded}
        self.context_of = [self._inside(term, term_id in excluded_context, context, meaning)
                           for term_id, term in enumerate(context.term_of_id)]

    @staticmethod
    def _inside(term: str, excluded: bool, sub: TermScanner,
                meaning: Mapping[int, list[tuple[int, bool, str]]]) -> tuple[tuple[int, str | None], ...]:
        """The (target, case key) pairs whose words make up *term* or lie inside it.

        A phrase listed as an exclusion stands for nothing ("UV radiation", "leaf senescence"). A
        case-sensitive word counts inside a longer term only when it is the whole term ("IR" is checked
        against the text as written; "ir" inside a word is no evidence of anything).
        """
        if excluded:
            return ()
        lowered = lower_same_length(normalize_text(term))
        out: dict[int, str | None] = {}
        for sub_id, start, end in sub.scan(lowered):
            whole = start == 0 and end == len(lowered)
            for target, cased, word in meaning.get(sub_id, ()):
                if cased and not whole:
                    continue
                key = case_key(word) if cased else None
                if target not in out:
                    out[target] = key
                elif key is None:
                    out[target] = None  # an uncased synonym with the same letters: case does not matter
        return tuple(out.items())

    def compile(self, rule: Rule) -> CompiledRule:
        ids = self.concept_id
        needed = (*rule.all, *rule.also)

        def mask(names: tuple[str, ...]) -> int:
            return sum({1 << ids[n] for n in names})

        return CompiledRule(rule, tuple(ids[c] for c in rule.all), mask(rule.all), mask(rule.also), mask(rule.none),
                            frozenset(rule.fields) if rule.fields else None,
                            mask(tuple(c for c in needed if ids[c] not in self.context_ids)),
                            any(ids[c] in self.context_ids for c in (*needed, *rule.none)))


class RecordConcepts:
    """Concept hits and entity mentions of one record, gathered field by field as the tagger scans.

    Each hit records the concepts its word stands for as a bit mask, and each sentence the union of its
    hits' masks: a rule is first checked with one AND per sentence, and its words are looked up only
    where it holds.
    """

    def __init__(self, index: ConceptIndex) -> None:
        self.index = index
        #: every concept found anywhere, as bits
        self.mask = 0
        #: (field, sentence) -> concepts found in that sentence
        self.sentences: dict[tuple[str, int], int] = {}
        #: field -> hits (field, sentence, start, end) with their concept bits, in the order found
        self.hits: dict[str, list[tuple[Hit, int]]] = {}
        #: (field, sentence) -> its hits with their bits
        self.in_sentence: dict[tuple[str, int], list[tuple[Hit, int]]] = {}
        self._places: list[tuple[str, int]] | None = None
        self._by_weight: list[str] | None = None
        self._ranked: dict[int, list[Hit]] = {}
        self._lists: dict[tuple[tuple[str, int], int], list[Hit]] = {}
        self.mappers: dict[str, SpanMapper] = {}
        self._texts: dict[str, str] = {}
        self._bounds: dict[str, list[int]] = {}
        self._context_read = False
        #: entity index -> {field: (count, shown)}
        self.entities: dict[int, dict[str, tuple[int, str]]] = {}
        #: NCT number -> {field: (count, shown)}
        self.trials: dict[str, dict[str, tuple[int, str]]] = {}

    def add_field(self, name: str, norm: str, grouped: Mapping[int, list[tuple[int, int]]], mapper: SpanMapper) -> None:
        index = self.index
        self.mappers[name] = mapper
        self._texts[name] = norm
        self._add_hits(name, norm, grouped, concepts_of=index.concepts_of, entities_of=index.entities_of)
        if "NCT" in norm or "nct" in norm:
            for match in _NCT.finditer(norm):
                number = match.group(0).upper()
                per_field = self.trials.setdefault(number, {})
                count, shown = per_field.get(name, (0, number))
                per_field[name] = (count + 1, shown)

    def read_context(self) -> None:
        """Look for the common words of context concepts in every field read (once per record)."""
        if self._context_read:
            return
        self._context_read = True
        index = self.index
        none: list[tuple[tuple[int, str | None], ...]] = [()] * len(index.context_of)
        for name, norm in self._texts.items():
            grouped: dict[int, list[tuple[int, int]]] = {}
            for term_id, start, end in index.context_scanner.scan(lower_same_length(norm)):
                grouped.setdefault(term_id, []).append((start, end))
            self._add_hits(name, norm, grouped, concepts_of=index.context_of, entities_of=none)

    def _add_hits(self, name: str, norm: str, grouped: Mapping[int, list[tuple[int, int]]], *,
                  concepts_of: list[tuple[tuple[int, str | None], ...]],
                  entities_of: list[tuple[tuple[int, str | None], ...]]) -> None:
        index = self.index
        bits_of, entity_bits = index.bits, index.entity_bits
        mapper = self.mappers[name]
        sentences = self.sentences
        field_hits = self.hits.setdefault(name, [])
        bounds = self._bounds.get(name)
        mask = self.mask
        for term_id, spans in grouped.items():
            concepts, entities = concepts_of[term_id], entities_of[term_id]
            if not concepts and not entities:
                continue
            for start, end in spans:
                bits = 0
                for entity, case in entities:
                    if case is not None and not case_key(norm[start:end]).startswith(case):
                        continue
                    per_field = self.entities.setdefault(entity, {})
                    count, shown = per_field.get(name) or (0, mapper.original(start, end))
                    per_field[name] = (count + 1, shown)
                    bits |= entity_bits[entity]
                for concept, case in concepts:
                    if case is None or case_key(norm[start:end]).startswith(case):
                        bits |= bits_of[concept]
                if not bits:
                    continue
                if bounds is None:
                    bounds = self._bounds[name] = _sentence_ends(norm) if name != "title" else []
                sentence = bisect_right(bounds, start) if bounds else 0
                hit = ((name, sentence, start, end), bits)
                field_hits.append(hit)
                place = (name, sentence)
                known = sentences.get(place)
                if known is None:
                    sentences[place] = bits
                    self.in_sentence[place] = [hit]
                else:
                    sentences[place] = known | bits
                    self.in_sentence[place].append(hit)
                mask |= bits
        self.mask = mask
        self._places = self._by_weight = None
        self._ranked.clear()
        self._lists.clear()

    def found(self, concept: str) -> bool:
        concept_id = self.index.concept_id.get(concept)
        return concept_id is not None and bool(self.mask >> concept_id & 1)

    # -- rules -----------------------------------------------------------------------------------
    def fire(self, compiled: CompiledRule, field_weight: Callable[[str], float]) -> Fired | None:
        """Where the rule holds in this record (its strongest place), or None."""
        if compiled.primary_mask & ~self.mask:
            return None
        if compiled.needs_context:
            self.read_context()
        needed = compiled.all_mask | compiled.also_mask
        if needed & ~self.mask:
            return None
        rule = compiled.rule
        allowed = compiled.fields
        if rule.within == "record":
            return self._fire_in_record(compiled, field_weight)
        if self._places is None:
            # Strongest place first (title, keywords, abstract...; earlier sentences first): the first
            # sentence where the rule holds is the one its evidence names.
            self._places = sorted(self.sentences, key=lambda place: (-field_weight(place[0]), place[1]))
        sentences = self.sentences
        for place in self._places:
            mask = sentences[place]
            if mask & compiled.all_mask != compiled.all_mask or mask & compiled.none_mask:
                continue
            if allowed is not None and place[0] not in allowed:
                continue
            lists = [self._in_place(place, c) for c in compiled.all]
            if sum(map(len, lists)) < rule.min_count:
                continue
            picked = _within(lists, rule.span or _ANY_SPAN)
            if picked is not None:
                return Fired(rule, place[0], self._shown(picked))
        return None

    def _fire_in_record(self, compiled: CompiledRule, field_weight: Callable[[str], float]) -> Fired | None:
        allowed = compiled.fields
        if compiled.none_mask:
            present = self.mask if allowed is None else self._fields_mask(allowed)
            if present & compiled.none_mask:
                return None
        if self._by_weight is None:
            self._by_weight = sorted(self.hits, key=lambda f: -field_weight(f))
        lists = []
        for concept in compiled.all:
            ranked = self._ranked.get(concept)
            if ranked is None:  # the strongest field's words first
                ranked = self._ranked[concept] = [h for f in self._by_weight for h, bits in self.hits[f]
                                                  if bits >> concept & 1]
            found = ranked if allowed is None else [h for h in ranked if h[_FIELD] in allowed]
            if not found:
                return None
            lists.append(found)
        if sum(map(len, lists)) < compiled.rule.min_count:
            return None
        chosen = _distinct(lists)
        if chosen is None:
            return None
        weakest = min(chosen, key=lambda h: field_weight(h[_FIELD]))
        return Fired(compiled.rule, weakest[_FIELD], self._shown(chosen))

    def _in_place(self, place: tuple[str, int], concept: int) -> list[Hit]:
        """The hits of *concept* in the sentence *place* (rules share concepts: computed once)."""
        key = (place, concept)
        found = self._lists.get(key)
        if found is None:
            found = self._lists[key] = [h for h, bits in self.in_sentence[place] if bits >> concept & 1]
        return found

    def _fields_mask(self, fields: frozenset[str]) -> int:
        mask = 0
        for (field, _), bits in self.sentences.items():
            if field in fields:
                mask |= bits
        return mask

    def _shown(self, hits: list[Hit]) -> str:
        """The words a rule combined, in text order: "irradiated … senescent"."""
        words: list[str] = []
        for hit in sorted(hits, key=lambda h: (h[_FIELD] != "title", h[_START])):
            word = self.mappers[hit[_FIELD]].original(hit[_START], hit[_END])
            if word not in words:
                words.append(word)
        return " … ".join(words)

    # -- entities --------------------------------------------------------------------------------
    def entity_evidence(self, rejected: frozenset[str]) -> dict[str, list[dict[str, object]]]:
        """Entity tags with their evidence rows: the mentions, per field, and the rule that names them."""
        out: dict[str, list[dict[str, object]]] = {}
        named: list[tuple[str, str, dict[str, tuple[int, str]]]] = []
        for entity_index, per_field in self.entities.items():
            entity = self.index.entities[entity_index]
            rule = f"{ENTITY_RULES[entity.kind]} ({entity.source})" if entity.source else ENTITY_RULES[entity.kind]
            named.append((entity.tag, rule, per_field))
        named.extend((f"Trial/{number}", ENTITY_RULES["trial"], per_field) for number, per_field in self.trials.items())
        for tag, rule, per_field in named:
            if tag in rejected:
                continue
            total = sum(ENTITY_FIELD_WEIGHTS.get(f, 0.0) * count for f, (count, _) in per_field.items())
            if total < 1.0 - 1e-9:
                continue
            rows: list[dict[str, object]] = [
                {"field": f, "term": shown, "weight": round(ENTITY_FIELD_WEIGHTS.get(f, 0.0) * count, 2), "rule": rule}
                for f, (count, shown) in per_field.items()]
            rows.sort(key=lambda r: -float(str(r["weight"])))
            out[tag] = rows
        return dict(sorted(out.items()))


def _meanings(listed: list[tuple[str, int, bool]], scanner: TermScanner) -> dict[int, list[tuple[int, bool, str]]]:
    """Scanner term id -> (target, case-sensitive, word as listed) for each listed word."""
    meaning: dict[int, list[tuple[int, bool, str]]] = {}
    for word, target, cased in listed:
        term_id = scanner.id_of(word)
        if term_id is not None:
            meaning.setdefault(term_id, []).append((target, cased, word))
    return meaning


def _sentence_ends(text: str) -> list[int]:
    """Where each sentence of *text* ends ("et al. 2", "e.g. X" and "Fig. 2" do not end one)."""
    ends = []
    for match in _SENTENCE_END.finditer(text):
        head = text[max(0, match.start() - 8):match.start()]
        if not head.endswith(_ABBREVIATIONS):
            ends.append(match.end())
    return ends


def _within(found: list[list[Hit]], span: int) -> list[Hit] | None:
    """One hit of each concept, each a different word, all starting within *span* characters, or None."""
    if span >= _ANY_SPAN:
        return _distinct(found)
    starts = sorted({hit[_START] for hits in found for hit in hits})
    for start in starts:
        window = [[h for h in hits if start <= h[_START] <= start + span] for hits in found]
        if all(window):
            picked = _distinct(window)
            if picked is not None:
                return picked
    return None


def _distinct(candidates: list[list[Hit]]) -> list[Hit] | None:
    """One hit from each list, no word used twice, taking each list's first choice where it can.

    One word can stand for two concepts ("imaging" is a probe and a way of detecting); a rule that
    combines two concepts needs two words.
    """
    firsts = [found[0] for found in candidates]
    if len({(h[_FIELD], h[_START]) for h in firsts}) == len(firsts):
        return firsts  # the common case: each concept's first word is a different word
    picked: list[Hit] = []
    used: set[tuple[str, int]] = set()

    def pick(position: int) -> bool:
        if position == len(candidates):
            return True
        for hit in candidates[position]:
            place = (hit[_FIELD], hit[_START])
            if place in used:
                continue
            used.add(place)
            picked.append(hit)
            if pick(position + 1):
                return True
            picked.pop()
            used.discard(place)
        return False

    return list(picked) if pick(0) else None

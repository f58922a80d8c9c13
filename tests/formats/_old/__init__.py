"""A frozen copy of the BibTeX reading path as it was before the issue-15 speed work (tokenizer, LaTeX
decoding, rich titles, case rules, names, entry mapping), kept ONLY as the oracle for
tests/formats/test_parse_equivalence.py: the fast code must give exactly what this gave. Never import it
from senref, and never "fix" it: a behaviour change goes into senref and into the oracle's expectations.
"""

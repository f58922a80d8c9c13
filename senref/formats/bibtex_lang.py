"""Zotero's `language` (a code such as `en-US`, `fr`, `ger`, or a name such as `French`) <-> babel's `langid` names.

`langid` must be a language babel/polyglossia knows (`american`, `french`, `ngerman`), so biblatex can switch
hyphenation per entry. Reading back gives each babel name one code (`american` -> `en-US`, `french` -> `fr-FR`);
a value that is no known language is written as it is, as Better BibTeX does.
"""

from __future__ import annotations

#: babel name -> the language code it reads back as (first), then other codes and names that mean it
_BABEL: dict[str, tuple[str, ...]] = {
    "american": ("en-US", "us", "usenglish", "american english"),
    "british": ("en-GB", "ukenglish", "british english"),
    "english": ("en", "eng", "english"),
    "australian": ("en-AU",), "canadian": ("en-CA",), "newzealand": ("en-NZ",),
    "french": ("fr-FR", "fr", "fre", "fra", "french", "français", "francais"),
    "canadien": ("fr-CA",), "swissfrench": ("fr-CH",),
    "ngerman": ("de-DE", "ger", "deu"), "german": ("de", "german", "deutsch"),
    "naustrian": ("de-AT",), "nswissgerman": ("de-CH",),
    "spanish": ("es", "es-ES", "spa", "spanish", "español", "espanol", "castellano"),
    "mexican": ("es-MX",),
    "italian": ("it", "it-IT", "ita", "italian", "italiano"),
    "portuguese": ("pt-PT", "pt", "por", "portuguese", "português", "portugues"),
    "brazilian": ("pt-BR", "brazilian portuguese"),
    "dutch": ("nl", "nl-NL", "dut", "nld", "dutch", "nederlands"), "flemish": ("nl-BE",),
    "swedish": ("sv", "sv-SE", "swe", "swedish", "svenska"),
    "danish": ("da", "da-DK", "dan", "danish", "dansk"),
    "norsk": ("nb", "no", "nb-NO", "nor", "nob", "norwegian", "bokmål"),
    "nynorsk": ("nn", "nn-NO", "nno"),
    "finnish": ("fi", "fi-FI", "fin", "finnish", "suomi"),
    "icelandic": ("is", "isl", "ice", "icelandic"),
    "polish": ("pl", "pl-PL", "pol", "polish", "polski"),
    "czech": ("cs", "cs-CZ", "cze", "ces", "czech", "čeština"),
    "slovak": ("sk", "slo", "slk", "slovak"), "slovene": ("sl", "slv", "slovenian", "slovene"),
    "croatian": ("hr", "hrv", "croatian"), "serbian": ("sr", "srp", "serbian"),
    "bulgarian": ("bg", "bul", "bulgarian"), "magyar": ("hu", "hun", "hungarian", "magyar"),
    "romanian": ("ro", "rum", "ron", "romanian"), "russian": ("ru", "rus", "russian", "русский"),
    "ukrainian": ("uk", "ukr", "ukrainian"), "greek": ("el", "gre", "ell", "greek"),
    "turkish": ("tr", "tur", "turkish", "türkçe"), "catalan": ("ca", "cat", "catalan", "català"),
    "basque": ("eu", "baq", "eus", "basque"), "galician": ("gl", "glg", "galician"),
    "estonian": ("et", "est", "estonian"), "latvian": ("lv", "lav", "latvian"),
    "lithuanian": ("lt", "lit", "lithuanian"), "irish": ("ga", "gle", "irish"), "welsh": ("cy", "wel", "cym", "welsh"),
    "latin": ("la", "lat", "latin"), "hebrew": ("he", "heb", "hebrew"), "arabic": ("ar", "ara", "arabic"),
    "persian": ("fa", "per", "fas", "persian", "farsi"), "hindi": ("hi", "hin", "hindi"),
    "chinese": ("zh", "chi", "zho", "chinese", "中文"), "japanese": ("ja", "jpn", "japanese", "日本語"),
    "korean": ("ko", "kor", "korean"), "indonesian": ("id", "ind", "indonesian"), "malay": ("ms", "may", "msa", "malay"),
    "vietnamese": ("vi", "vie", "vietnamese"), "thai": ("th", "tha", "thai"),
}
_TO_BABEL: dict[str, str] = {}
for _babel, _names in _BABEL.items():
    _TO_BABEL.setdefault(_babel, _babel)
    for _name in _names:
        _TO_BABEL.setdefault(_name.lower(), _babel)


def babel_name(language: str) -> str:
    """babel's name for a Zotero language value; the value itself when it is no language we know."""
    key = language.strip().lower().replace("_", "-")
    if not key:
        return ""
    found = _TO_BABEL.get(key) or _TO_BABEL.get(key.split("-")[0])
    return found or language.strip()


def zotero_language(langid: str) -> str:
    """The Zotero language code a `langid` value reads back as (`american` -> `en-US`)."""
    names = _BABEL.get(langid.strip().lower())
    return names[0] if names else langid.strip()

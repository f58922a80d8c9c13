"""The LaTeX <-> Unicode tables shared by the decoder and the encoder.

Every command the encoder writes is one the LaTeX kernel defines for pdflatex with T1 fonts and utf8 input
(textcomp's TS1 symbols are part of the kernel since 2020), so a document needs no package to typeset it;
`tests/formats/test_latex_pdflatex.py` compiles a sample of every entry.
"""

from __future__ import annotations

#: accent command -> combining character
ACCENTS: dict[str, str] = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "d": "\u0323", "b": "\u0331", "t": "\u0361", "textcommabelow": "\u0326",
}
#: combining accent -> the character LaTeX prints for that accent over an empty group (`\~{}` is a tilde)
SPACING_ACCENTS: dict[str, str] = {
    "\u0303": "~", "\u0302": "^", "\u0301": "\u00b4", "\u0300": "`", "\u0308": "\u00a8", "\u0304": "\u00af",
    "\u0307": "\u02d9", "\u0306": "\u02d8", "\u030c": "\u02c7", "\u030b": "\u02dd", "\u0327": "\u00b8",
    "\u0328": "\u02db", "\u030a": "\u02da",
}

#: lower-case Greek letter names in alphabet order, with the Unicode letter each stands for
GREEK_LOWER: dict[str, str] = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ", "eta": "η",
    "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "omicron": "ο",
    "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "chi": "χ", "psi": "ψ",
    "omega": "ω",
}
#: capitals that have their own math command (the others look like Latin letters)
GREEK_UPPER_COMMANDS = frozenset({"Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi",
                                  "Psi", "Omega"})

#: argument-less commands -> text (decoding)
SYMBOLS: dict[str, str] = {
    "ss": "ß", "SS": "SS", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
    "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "dj": "đ", "DJ": "Đ", "th": "þ", "TH": "Þ",
    "ng": "ŋ", "NG": "Ŋ", "ij": "ĳ", "IJ": "Ĳ",
    "textendash": "–", "textemdash": "—", "textquoteleft": "‘", "textquoteright": "’",
    "textquotedblleft": "“", "textquotedblright": "”", "quotedblbase": "„", "quotesinglbase": "‚",
    "guillemotleft": "«", "guillemotright": "»", "guilsinglleft": "‹", "guilsinglright": "›",
    "textquotedbl": '"', "textquotesingle": "'", "textexclamdown": "¡", "textquestiondown": "¿",
    "dag": "†", "ddag": "‡", "textdagger": "†", "textdaggerdbl": "‡", "S": "§", "P": "¶", "textsection": "§",
    "textparagraph": "¶", "copyright": "©", "textcopyright": "©", "textregistered": "®",
    "texttrademark": "™", "pounds": "£", "textsterling": "£", "euro": "€", "texteuro": "€", "textyen": "¥",
    "textcent": "¢", "textcurrency": "¤", "textbrokenbar": "¦", "textordfeminine": "ª",
    "textordmasculine": "º", "textasciimacron": "¯", "textasciiacute": "´", "textasciidieresis": "¨",
    "textdegree": "°", "textcelsius": "℃", "textperthousand": "‰", "textpertenthousand": "‱",
    "textonehalf": "½", "textonequarter": "¼", "textthreequarters": "¾", "textfractionsolidus": "⁄",
    "textonesuperior": "¹", "texttwosuperior": "²", "textthreesuperior": "³", "textnumero": "№",
    "textohm": "Ω", "textmho": "℧", "textestimated": "℮", "textreferencemark": "※", "textinterrobang": "‽",
    "textmusicalnote": "♪", "textbigcircle": "◯", "textopenbullet": "◦", "textdiscount": "⁒",
    "ldots": "…", "dots": "…", "textellipsis": "…", "textbackslash": "\\",
    "textasciitilde": "~", "textasciicircum": "^", "textbar": "|", "textless": "<", "textgreater": ">",
    "textunderscore": "_", "textbraceleft": "{", "textbraceright": "}", "textbullet": "•",
    "textperiodcentered": "·", "textvisiblespace": "␣", "LaTeX": "LaTeX", "TeX": "TeX",
    "textmu": "µ", "micro": "µ", "textpm": "±", "texttimes": "×", "textdiv": "÷", "textlnot": "¬",
    "textminus": "−", "textrightarrow": "→", "textleftarrow": "←", "textuparrow": "↑", "textdownarrow": "↓",
    "textsurd": "√", "textlangle": "〈", "textrangle": "〉",
    # math mode symbols
    "pm": "±", "mp": "∓", "times": "×", "div": "÷", "cdot": "⋅", "ast": "∗", "star": "⋆", "circ": "∘",
    "bullet": "∙", "leq": "≤", "geq": "≥", "le": "≤", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈",
    "equiv": "≡", "sim": "∼", "simeq": "≃", "cong": "≅", "propto": "∝", "ll": "≪", "gg": "≫",
    "infty": "∞", "partial": "∂", "nabla": "∇", "surd": "√", "sum": "∑", "prod": "∏", "int": "∫",
    "oint": "∮", "in": "∈", "notin": "∉", "ni": "∋", "subset": "⊂", "supset": "⊃", "subseteq": "⊆",
    "supseteq": "⊇", "cup": "∪", "cap": "∩", "emptyset": "∅", "forall": "∀", "exists": "∃", "neg": "¬",
    "lnot": "¬", "wedge": "∧", "land": "∧", "vee": "∨", "lor": "∨", "oplus": "⊕", "ominus": "⊖",
    "otimes": "⊗", "odot": "⊙", "perp": "⊥", "parallel": "∥", "mid": "∣", "angle": "∠", "ell": "ℓ",
    "hbar": "ℏ", "Re": "ℜ", "Im": "ℑ", "aleph": "ℵ", "wp": "℘", "prime": "′", "langle": "⟨", "rangle": "⟩",
    "rightarrow": "→", "to": "→", "leftarrow": "←", "gets": "←", "leftrightarrow": "↔", "Rightarrow": "⇒",
    "Leftarrow": "⇐", "Leftrightarrow": "⇔", "uparrow": "↑", "downarrow": "↓", "mapsto": "↦",
    "longrightarrow": "⟶", "deg": "°", "degree": "°", "lbrace": "{", "rbrace": "}", "vert": "|",
    "backslash": "\\", "dagger": "†", "ddagger": "‡", "triangle": "△", "Box": "□", "diamond": "⋄",
    "cdots": "⋯", "vdots": "⋮", "ddots": "⋱", "colon": ":",
    # spacing
    "quad": "\u2003", "qquad": "\u2003\u2003", "enskip": "\u2002", "enspace": "\u2002", "thinspace": "\u2009",
    "nobreakspace": "\u00a0", "space": " ", "nobreakdash": "",
}
for _name, _char in GREEK_LOWER.items():
    SYMBOLS.setdefault(_name, _char)
    SYMBOLS[_name.capitalize()] = _char.upper()
    SYMBOLS.setdefault("text" + _name, _char)  # textgreek's \textbeta; the kernel's \textmu stays µ (micro)
    SYMBOLS.setdefault("text" + _name.capitalize(), _char.upper())
# `\epsilon` and `\phi` stay ε and φ (what bibliographic data means by them), not Unicode's ϵ and ϕ
SYMBOLS.update({"varepsilon": "ε", "vartheta": "ϑ", "varphi": "φ", "varsigma": "ς", "varpi": "ϖ", "varrho": "ϱ"})

#: one-character control symbols (`\&`, `\,` ...) -> text
ESCAPES: dict[str, str] = {
    "&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ", ",": "\u2009",
    ";": "\u2004", ":": "\u205f", ">": "\u205f", "!": "", "/": "", "-": "\u00ad", "@": "", "|": "‖",
    "\n": " ", "\t": " ",
}
SUPERSCRIPTS = dict(zip("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", strict=True))
SUBSCRIPTS = dict(zip("0123456789+-=()aeoxhklmnpst", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜ", strict=True))

# -- encoding ---------------------------------------------------------------------------------------------
#: characters with a LaTeX text command of their own (no decomposition gives them)
TEXT_COMMANDS: dict[str, str] = {
    "ø": r"\o", "Ø": r"\O", "ł": r"\l", "Ł": r"\L", "ß": r"\ss", "ẞ": r"\SS", "æ": r"\ae", "Æ": r"\AE",
    "œ": r"\oe", "Œ": r"\OE", "å": r"\aa", "Å": r"\AA", "þ": r"\th", "Þ": r"\TH", "ð": r"\dh", "Ð": r"\DH",
    "đ": r"\dj", "Đ": r"\DJ", "ŋ": r"\ng", "Ŋ": r"\NG", "ı": r"\i", "ȷ": r"\j", "ĳ": r"\ij", "Ĳ": r"\IJ",
    "‚": r"\quotesinglbase", "„": r"\quotedblbase", "«": r"\guillemotleft", "»": r"\guillemotright",
    "‹": r"\guilsinglleft", "›": r"\guilsinglright", "¡": r"\textexclamdown", "¿": r"\textquestiondown",
    "†": r"\dag", "‡": r"\ddag", "§": r"\S", "¶": r"\P", "©": r"\textcopyright", "®": r"\textregistered",
    "™": r"\texttrademark", "£": r"\pounds", "€": r"\texteuro", "¥": r"\textyen", "¢": r"\textcent",
    "¤": r"\textcurrency", "¦": r"\textbrokenbar", "ª": r"\textordfeminine", "º": r"\textordmasculine",
    "¯": r"\textasciimacron", "´": r"\textasciiacute", "¨": r"\textasciidieresis", "°": r"\textdegree",
    "℃": r"\textcelsius", "‰": r"\textperthousand", "‱": r"\textpertenthousand", "½": r"\textonehalf",
    "¼": r"\textonequarter", "¾": r"\textthreequarters", "⁄": r"\textfractionsolidus", "№": r"\textnumero",
    "℧": r"\textmho", "℮": r"\textestimated", "※": r"\textreferencemark", "‽": r"\textinterrobang",
    "♪": r"\textmusicalnote", "◯": r"\textbigcircle", "◦": r"\textopenbullet", "⁒": r"\textdiscount",
    "…": r"\ldots", "•": r"\textbullet", "·": r"\textperiodcentered", "µ": r"\textmu", "␣": r"\textvisiblespace",
    "〈": r"\textlangle", "〉": r"\textrangle", "\\": r"\textbackslash", "~": r"\textasciitilde",
    "^": r"\textasciicircum", "<": r"\textless", ">": r"\textgreater", "|": r"\textbar",
}
#: characters typed as (or with) plain ASCII in LaTeX
ASCII_FORMS: dict[str, str] = {
    "–": "--", "—": "---", "―": "---", "‒": "--", "‐": "-", "‑": "-", "“": "``", "”": "''", "‘": "`", "’": "'",
    "‛": "`", "‟": "``", "\u00a0": "~", "\u2007": "~", "\u2009": r"\,", "\u202f": r"\,", "\u200a": r"\,",
    "\u2006": r"\,", "\u2005": r"\:", "\u205f": r"\:", "\u2004": r"\;", "\u2002": r"\enskip", "\u2000": r"\enskip",
    "\u2003": r"\quad", "\u2001": r"\quad", "\u2008": r"\,", "\u00ad": r"\-", "\u200b": r"\hspace{0pt}",
    "\u2060": "{}", "\u200c": "{}", "\ufeff": "", "\u2028": " ", "\u2029": "\n\n", "\u3000": r"\quad",
    "ʼ": "'", "ˈ": "'", "\t": " ", "\r": "",
}
#: characters the encoder writes in math mode, as `\ensuremath{...}` (works in text and in math)
MATH_FORMS: dict[str, str] = {
    "±": r"\pm", "∓": r"\mp", "×": r"\times", "÷": r"\div", "⋅": r"\cdot", "∙": r"\bullet", "∗": r"\ast",
    "⋆": r"\star", "∘": r"\circ", "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "≈": r"\approx", "≡": r"\equiv",
    "∼": r"\sim", "≃": r"\simeq", "≅": r"\cong", "∝": r"\propto", "≪": r"\ll", "≫": r"\gg", "∞": r"\infty",
    "∂": r"\partial", "∇": r"\nabla", "√": r"\surd", "∑": r"\sum", "∏": r"\prod", "∫": r"\int", "∮": r"\oint",
    "∈": r"\in", "∉": r"\notin", "∋": r"\ni", "⊂": r"\subset", "⊃": r"\supset", "⊆": r"\subseteq",
    "⊇": r"\supseteq", "∪": r"\cup", "∩": r"\cap", "∅": r"\emptyset", "∀": r"\forall", "∃": r"\exists",
    "¬": r"\neg", "∧": r"\wedge", "∨": r"\vee", "⊕": r"\oplus", "⊖": r"\ominus", "⊗": r"\otimes",
    "⊙": r"\odot", "⊥": r"\perp", "∥": r"\parallel", "∣": r"\mid", "∠": r"\angle", "ℓ": r"\ell", "ℏ": r"\hbar",
    "ℜ": r"\Re", "ℑ": r"\Im", "ℵ": r"\aleph", "℘": r"\wp", "′": "'", "″": "''", "‴": "'''", "⟨": r"\langle",
    "⟩": r"\rangle", "→": r"\rightarrow", "←": r"\leftarrow", "↔": r"\leftrightarrow", "⇒": r"\Rightarrow",
    "⇐": r"\Leftarrow", "⇔": r"\Leftrightarrow", "↑": r"\uparrow", "↓": r"\downarrow", "↦": r"\mapsto",
    "⟶": r"\longrightarrow", "−": "-", "∆": r"\Delta", "△": r"\triangle", "⋄": r"\diamond", "⋯": r"\cdots",
    "⋮": r"\vdots", "⋱": r"\ddots", "‖": r"\|", "∕": "/", "∶": ":",
    "ϵ": r"\epsilon", "ϑ": r"\vartheta", "ϕ": r"\phi", "ς": r"\varsigma",
    "ϖ": r"\varpi", "ϱ": r"\varrho", "ο": "o", "Α": r"\mathrm{A}", "Β": r"\mathrm{B}", "Ε": r"\mathrm{E}",
    "Ζ": r"\mathrm{Z}", "Η": r"\mathrm{H}", "Ι": r"\mathrm{I}", "Κ": r"\mathrm{K}", "Μ": r"\mathrm{M}",
    "Ν": r"\mathrm{N}", "Ο": r"\mathrm{O}", "Ρ": r"\mathrm{P}", "Τ": r"\mathrm{T}", "Χ": r"\mathrm{X}",
}
for _name, _char in GREEK_LOWER.items():
    MATH_FORMS.setdefault(_char, "\\" + _name)
    if _name.capitalize() in GREEK_UPPER_COMMANDS:
        MATH_FORMS[_char.upper()] = "\\" + _name.capitalize()
#: the superscript and subscript characters, written `\ensuremath{^{...}}` / `\ensuremath{_{...}}`
SUPERSCRIPT_BASE = {v: k for k, v in SUPERSCRIPTS.items()}
SUBSCRIPT_BASE = {v: k for k, v in SUBSCRIPTS.items()}
#: combining marks the kernel has an accent command for (the encoder composes accented letters from them)
ACCENT_COMMANDS = {v: k for k, v in ACCENTS.items() if k != "t"}

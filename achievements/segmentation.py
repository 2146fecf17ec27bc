"""Chinese text for search and matching: jieba segmentation with the platform's domain dictionary.

The dictionary (``achievements/data/domain_dictionary.txt``, jieba's user-dictionary format) keeps
technical terms such as 石墨烯, 锂离子电池 and 工业机器人 whole. Segmented text is indexed in a
``simple``-configuration tsvector, which works under any database locale (DESIGN.md).
"""

import re
import threading
from functools import cache
from pathlib import Path

import jieba

DATA_DIR = Path(__file__).resolve().parent / "data"
DICTIONARY = DATA_DIR / "domain_dictionary.txt"
STOP_WORDS_FILE = DATA_DIR / "stop_words.txt"
# Tokens made only of punctuation or whitespace, and single Latin letters, carry no meaning.
_NOISE = re.compile(r"^[\W_]+$|^[A-Za-z]$")
_lock = threading.Lock()


@cache
def _tokenizer() -> jieba.Tokenizer:
    with _lock:
        tokenizer = jieba.Tokenizer()
        tokenizer.load_userdict(str(DICTIONARY))
        tokenizer.initialize()
        return tokenizer


@cache
def stop_words() -> frozenset[str]:
    return frozenset(
        line.strip() for line in STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines() if line.strip()
    )


def tokens(text: str, *, for_search: bool = False) -> list[str]:
    """The meaningful words of ``text``, lower-cased, without stop words or punctuation.

    ``for_search`` also yields the shorter words inside long ones (锂离子电池 → 锂离子, 电池), which
    helps a document match a short query.
    """
    if not text:
        return []
    tokenizer = _tokenizer()
    cut = tokenizer.cut_for_search(text) if for_search else tokenizer.cut(text)
    ignored = stop_words()
    words = []
    for word in cut:
        word = word.strip().lower()
        if word and word not in ignored and not _NOISE.match(word):
            words.append(word)
    return words


def segmented(text: str) -> str:
    """Text as space-separated search tokens, ready for ``to_tsvector('simple', …)``."""
    return " ".join(tokens(text, for_search=True))


def query_terms(text: str) -> list[str]:
    """The distinct terms of a search query, in order."""
    return list(dict.fromkeys(tokens(text, for_search=True)))

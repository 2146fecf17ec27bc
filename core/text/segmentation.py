"""Chinese text for search and matching: jieba segmentation with the platform's domain dictionary.

The dictionary (``core/text/data/domain_dictionary.txt``, jieba's user-dictionary format) keeps
technical terms such as 石墨烯, 锂离子电池 and 工业机器人 whole. Segmented text is indexed in a
``simple``-configuration tsvector, which works under any database locale (DESIGN.md).

Documents are indexed with every word jieba finds, the shorter words inside long ones included
(锂离子电池 → 锂离子, 离子, 电池, 锂离子电池). A query is read as the words the user meant
(``query_plan``): each with its synonyms (``data/synonyms.txt``: 锂电池 = 锂离子电池) and the shorter
words inside it, so that ranking can put documents that contain the words themselves ahead of those
that only share a part of them.
"""

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jieba

DATA_DIR = Path(__file__).resolve().parent / "data"
DICTIONARY = DATA_DIR / "domain_dictionary.txt"
STOP_WORDS_FILE = DATA_DIR / "stop_words.txt"
SYNONYMS_FILE = DATA_DIR / "synonyms.txt"
# Tokens made only of punctuation or whitespace, and single Latin letters, carry no meaning.
_NOISE = re.compile(r"^[\W_]+$|^[A-Za-z]$")
# Each text is segmented up to this many characters, whatever its length, so that indexing and matching
# one record take bounded time (jieba's work grows with the text, and the matching engine's with its
# words). A record says what it is about in its title, keywords and first paragraphs: the words of a
# summary's first 5,000 characters (its whole length, core.limits.SUMMARY_MAX_LENGTH) find it as well
# as those of a 20,000-character detail would, and a query is far shorter.
SEGMENTED_MAX_CHARACTERS = 5_000
# A search query is read up to this many distinct words: each word becomes clauses of the SQL that ranks
# every matching row, and a 5,000-character query made a statement of thousands of clauses per row.
# People search with a few words; the rest of a pasted paragraph adds nothing to what it finds.
QUERY_MAX_WORDS = 20
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
    """The meaningful words of ``text`` (its first ``SEGMENTED_MAX_CHARACTERS``), lower-cased, without
    stop words or punctuation.

    ``for_search`` also yields the shorter words inside long ones (锂离子电池 → 锂离子, 电池), which
    helps a document match a short query.
    """
    if not text:
        return []
    text = text[:SEGMENTED_MAX_CHARACTERS]
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


@cache
def synonyms() -> dict[str, tuple[str, ...]]:
    """Word → the other words of its synonym group (one group per line of ``synonyms.txt``)."""
    groups: dict[str, tuple[str, ...]] = {}
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        words = [word.lower() for word in line.split()]
        if line.startswith("#") or len(words) < 2:
            continue
        for word in words:
            groups[word] = tuple(other for other in words if other != word)
    return groups


@dataclass(frozen=True)
class QueryTerm:
    """One word of a search query as the user meant it."""

    words: tuple[str, ...]  # the word and its synonyms: a document containing one matches it fully
    parts: tuple[str, ...]  # shorter words inside it (锂电池 → 锂电, 电池): a partial match


def query_plan(text: str) -> list[QueryTerm]:
    """The distinct words of a search query (its first ``QUERY_MAX_WORDS``), in order, with their
    synonyms and parts."""
    plan = []
    for word in list(dict.fromkeys(tokens(text)))[:QUERY_MAX_WORDS]:
        words = (word, *synonyms().get(word, ()))
        parts = tuple(part for part in dict.fromkeys(tokens(word, for_search=True)) if part not in words)
        plan.append(QueryTerm(words=words, parts=parts))
    return plan


def query_terms(text: str) -> list[str]:
    """Every word a matching document may contain: the query's words, their synonyms and parts."""
    return list(dict.fromkeys(word for term in query_plan(text) for word in (*term.words, *term.parts)))


@cache
def canonical_forms() -> dict[str, str]:
    """Word → the first word of its synonym group, so that 锂电池 and 锂离子电池 count as one term."""
    forms: dict[str, str] = {}
    for line in SYNONYMS_FILE.read_text(encoding="utf-8").splitlines():
        words = [word.lower() for word in line.split()]
        if line.startswith("#") or len(words) < 2:
            continue
        for word in words:
            forms.setdefault(word, words[0])
    return forms


def match_terms(*, title: str, keywords: Iterable[str] = (), texts: Iterable[str] = ()) -> str:
    """The words the matching engine compares, space-separated and stored on each record.

    Every word jieba finds, the shorter ones inside long words included, each synonym replaced by
    the first word of its group. The title and the keywords count twice: a filer puts the subject
    there, while the longer texts also describe background and method.
    """
    forms = canonical_forms()
    emphasised = " ".join([title, *keywords])
    words = tokens(emphasised, for_search=True) * 2
    for text in texts:
        words.extend(tokens(text, for_search=True))
    return " ".join(forms.get(word, word) for word in words)

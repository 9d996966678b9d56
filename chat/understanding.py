"""What a shopper's message means, without a language model.

Two steps. Grounding finds the shop's own things in the words (chat/lexicon.py: a product
named in passing, brands, categories, colours, sizes, stores) and the shapes every shop shares
(prices, quantities, coupon codes, order numbers, points, "the second one", "cheapest"), and
writes the message again with each found thing replaced by its kind: "any nike running shoes
under $80?" reads "any BRAND CATEGORY under PRICE". Then a classifier trained on such sentences
(chat/corpus.py) says what the shopper wants. Because it learns from kinds and not from the
shop's names, it reads messages about products, brands and codes it never saw.

The classifier is a logistic regression (fitted by stochastic gradient descent) over word and
character n-grams, from scikit-learn, trained in the process on first use: about a second,
then about a millisecond a message (docs/AGENT.md has the figures).
"""

import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache

from wordfreq import zipf_frequency

from chat import corpus, lexicon
from chat.lexicon import Lexicon, words_of
from loyalty.rules import POINTS_PER_DOLLAR

# A one-word brand this common in English is taken as the word unless a category is beside it.
VERY_COMMON_ZIPF = 4.5
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "couple": 2,
    "pair": 1,
}
ORDINALS = {
    "first": 0,
    "1st": 0,
    "second": 1,
    "2nd": 1,
    "third": 2,
    "3rd": 2,
    "fourth": 3,
    "4th": 3,
    "fifth": 4,
    "5th": 4,
    "last": -1,
}
SIZE_WORDS = {
    "small": "s",
    "medium": "m",
    "large": "l",
    "extra large": "xl",
    "x large": "xl",
}
# Spellings English has two of; a shop uses one.
SPELLINGS = {"gray": "grey", "grey": "gray"}
SORTS = [
    (
        r"\b(cheapest|least expensive|lowest[- ]priced?|lowest price|most affordable|budget)\b",
        "price",
    ),
    (r"\b(most expensive|priciest|highest[- ]priced?|premium|high[- ]end|fanciest)\b", "-price"),
    (
        r"\b(best[- ]rated|top[- ]rated|highest[- ]rated|best reviewed|most popular|best)\b",
        "-rating",
    ),
    (r"\b(low to high|ascending)\b", "price"),
    (r"\b(high to low|descending)\b", "-price"),
]
AMOUNT = r"(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?k?)"
MONEY = rf"\$?\s?{AMOUNT}\s?(?:dollars|bucks|usd|\$)?"
# After a cue that also goes with quantities ("up to 5"), a number is money only when said so.
MONEY_SAID = rf"(?:\$\s?{AMOUNT}|{AMOUNT}\s?(?:dollars|bucks|usd)|([2-9]\d|\d{{3,}})\b)"
PRICE_PATTERNS = [
    (rf"\bbetween {MONEY} (?:and|to|-) {MONEY}", ("min_price", "max_price")),
    (rf"\bfrom {MONEY} to {MONEY}", ("min_price", "max_price")),
    (r"\$(\d+(?:\.\d{1,2})?)\s?-\s?\$?(\d+(?:\.\d{1,2})?)", ("min_price", "max_price")),
    (
        (
            rf"\b(?:under|below|less than|cheaper than|lower than|<)\s?{MONEY}"
            rf"|\b(?:up to|max(?:imum)?|at most|no more than|within|not more than)\s?{MONEY_SAID}"
        ),
        ("max_price",),
    ),
    (
        rf"\b(?:over|above|more than|at least|min(?:imum)?|pricier than|higher than|>)\s?{MONEY}",
        ("min_price",),
    ),
    (
        (
            rf"\$?{AMOUNT}\s?(?:dollars|bucks|usd)?\s?(?:max(?:imum)?|tops|or (?:less|under|below)"
            rf"|at most)\b"
        ),
        ("max_price",),
    ),
    (rf"\$?{AMOUNT}\s?(?:dollars|bucks|usd)?\s?(?:or more|and up|plus|minimum)\b", ("min_price",)),
    (rf"\${AMOUNT}|\b{AMOUNT}\s?(?:dollars|bucks|usd)\b", ("around",)),
]
ORDER_NUMBER = re.compile(
    r"\b([a-z]{2,5}-\d{6,8}-\d{3,8})\b|#\s?(\d{3,})\b|\border (?:number |no\.? )?(\d{4,})\b"
)
CODE_SHAPE = re.compile(r"^(?=.*[a-z])(?=.*\d)[a-z0-9]{4,20}$")
CODE_CUE = re.compile(r"(?=\b(?:code|coupon|promo|voucher|apply|use)\s+([A-Za-z0-9]{3,20})\b)")


@dataclass
class Reading:
    """A message's meaning: its intent, and every slot it fills."""

    text: str
    intent: str = ""
    confidence: float = 0.0
    runner_up: str = ""  # the classifier's second choice
    pattern: str = ""  # the message as the classifier reads it
    products: list[int] = field(default_factory=list)  # named products, best first
    brand: str = ""
    category: lexicon.Category | None = None
    color: str = ""
    size: str = ""
    min_price: float | None = None
    max_price: float | None = None
    sort: str = ""
    quantity: int | None = None
    ordinal: int | None = None
    code: str = ""
    points: int | str | None = None  # a number, or "all"
    order_number: str = ""
    city: str = ""
    unknown: list[str] = field(default_factory=list)  # words neither the shop nor the corpus know
    shop_words: list[str] = field(default_factory=list)  # shop words naming nothing on their own
    wanted: list[str] = field(default_factory=list)  # asked-for things the shop has no word for
    refers_back: bool = False  # "it", "that one", "them"
    refines: bool = False  # "instead", "what about", "only": the last search, changed
    confirmed: bool = False  # "..., yes I'm sure": a request that answers its own question
    colors: list[str] = field(default_factory=list)  # every colour said, in order
    scale: int | None = None  # "double it": 2
    numbers: list[int] = field(default_factory=list)  # every whole number said, in order

    @property
    def search_text(self) -> str:
        return " ".join([*self.shop_words, *self.unknown])


def read(text: str, *, lexicon_: Lexicon | None = None, expecting: str = "") -> Reading:
    """The meaning of ``text``. ``expecting``: what the assistant just asked for ("size",
    "color", "quantity"), so that a bare "10" or "navy" answers it."""
    found = ground(text, lexicon_ or lexicon.current(), expecting=expecting)
    found.intent, found.confidence, found.runner_up = classify(found.pattern)
    return found


# Grounding


def ground(text: str, lex: Lexicon, *, expecting: str = "") -> Reading:
    reading = Reading(text=text)
    lowered = text.lower().replace("’", "'")
    lowered = _take_confirmation(lowered, reading)
    lowered = _take_order_number(lowered, reading)
    lowered = _take_code(text, lowered, reading)
    lowered = _take_points(lowered, reading)
    lowered = re.sub(r"\b\d+\s?%|\b\d+ percent\b", " PERCENT ", lowered)
    if scale := re.search(r"\b(double|triple)\b", lowered):
        reading.scale = 2 if scale[1] == "double" else 3
    lowered = _take_prices(lowered, reading)
    for pattern, sort in SORTS:
        if re.search(pattern, lowered):
            reading.sort = reading.sort or sort
    for phrase, size in SIZE_WORDS.items():
        said = re.search(rf"(?<!too )\b{phrase}\b", lowered)
        if said and size in lex.sizes and not reading.size:
            reading.size = lex.sizes[size]
            lowered = re.sub(rf"\b{phrase}\b", " SIZE ", lowered)
    reading.refers_back = bool(re.search(r"\b(it|that|this|them|those|these|one|ones)\b", lowered))
    reading.refines = bool(
        re.search(r"\b(instead|what about|how about|only|just the|rather|now|then)\b", lowered)
    )
    tokens = _tokens(lowered)
    words = [t if t.isupper() else lex.correct(t) for t in tokens]
    pattern = _ground_words(words, lex, reading, expecting=expecting)
    reading.pattern = " ".join(pattern)
    said = {lexicon.stem(t): t for t in re.findall(r"[a-z]+", lowered)}
    reading.wanted = [said.get(w, w) for w in reading.wanted]  # as the shopper wrote them
    return reading


CONFIRMATION = re.compile(
    r"(?:,|\.|!|-|\band\b|^)\s*(?:yes|yeah|yep|sure|ok|okay)?[,!. ]*(?:please[,. ]*)?"
    r"(?:i'?m (?:sure|certain)|i am (?:sure|certain)|i confirm|confirmed?|go ahead(?: and \w+ it)?|"
    r"(?:please |just )?do it(?: now)?|proceed|right away|no need to (?:ask|confirm|check)|"
    r"(?:don'?t|do not|without) (?:ask|confirm|check)(?:ing)?(?: me)?|yes(?: please)?)"
    r"(?:[,!. ]+(?:please|now|thanks))*[,!. ]*(?=$|,|\.|!)"
)


# Said anywhere in a cancel or return request: the shopper has answered "are you sure?" already.
CONFIRMED = re.compile(
    r"\b(yes|yeah|yep|sure|certain|go ahead|confirm(ed)?|do it|please do|definitely|proceed|"
    r"right away|no need to (ask|confirm|check)|(don'?t|do not|without) (ask|confirm|check)"
    r"(ing)?)\b"
)


def _take_confirmation(text: str, reading: Reading) -> str:
    """ "..., yes I'm sure": the request confirmed as it is made (read without the words, so
    that "cancel it, yes" reads as a cancel, not a yes). A message that is only a "yes" is
    left as it is."""
    if re.search(r"\bnot (?:sure|certain)\b", text):
        return text
    rest = CONFIRMATION.sub(" ", text).strip(" ,.!")
    if len(rest.split()) < 2:  # only a "yes": an answer, not a request
        return text
    reading.confirmed = bool(CONFIRMED.search(text))
    return rest


def _tokens(text: str) -> list[str]:
    """Lower-case words, singular; kinds already put in (PRICE, CODE...) kept as they are."""
    out = []
    for token in re.findall(r"[A-Z]{3,}|[a-z0-9]+(?:[-'][a-z0-9]+)*", text):
        if token.isupper():
            out.append(token)
        else:
            out += words_of(token)
    return out


def _take_order_number(text: str, reading: Reading) -> str:
    if m := ORDER_NUMBER.search(text):
        reading.order_number = (m[1] or m[2] or m[3]).upper()
        return text[: m.start()] + (" order ORDERNO " if m[3] else " ORDERNO ") + text[m.end() :]
    return text


def _take_code(original: str, text: str, reading: Reading) -> str:
    """A coupon code: a word of letters and digits (SAVE5), or an upper-case word after "code";
    of several, the last one not refused ("not WELCOME10, GOLD20")."""
    codes = [
        word
        for word in re.findall(r"[A-Za-z0-9]+", original)
        if CODE_SHAPE.match(word.lower())
        and not re.fullmatch(r"\d+[a-z]{1,2}|[a-z]{1,2}\d+", word.lower())
    ]
    codes += [m[1] for m in CODE_CUE.finditer(original) if m[1].isupper() and len(m[1]) >= 4]
    if not codes:
        return text
    kept = [
        c
        for c in codes
        if not re.search(rf"\b(not|no|instead of|remove|drop)\s+{c}\b", original, re.IGNORECASE)
    ]
    reading.code = (kept or codes)[-1].upper()
    for code in codes:
        text = re.sub(rf"\b{code.lower()}\b", " CODE ", text)
    return text


def _take_points(text: str, reading: Reading) -> str:
    found = re.search(
        r"\b(\d[\d,]*)\s*(?:of (?:my|the|your) )?(?:reward |loyalty )?(?:points|pts|point)\b", text
    )
    if found:
        reading.points = int(found[1].replace(",", ""))
        return text[: found.start()] + " POINTS points " + text[found.end() :]
    worth = re.search(r"\$(\d+)\s*(?:worth )?(?:of|in) (?:my |reward |loyalty )*points\b", text)
    if worth:
        reading.points = int(worth[1]) * POINTS_PER_DOLLAR
        return text[: worth.start()] + " POINTS points " + text[worth.end() :]
    if re.search(r"\ball (?:of )?(?:my |the )?(?:reward |loyalty )?points\b", text):
        reading.points = "all"
    return text


def _amount(said: str) -> float:
    said = said.replace(",", "")
    return float(said[:-1]) * 1000 if said.endswith("k") else float(said)


def _take_prices(text: str, reading: Reading) -> str:
    for pattern, slots in PRICE_PATTERNS:
        m = re.search(pattern, text)
        if m is None:
            continue
        values = [_amount(v) for v in m.groups() if v]
        if slots != ("around",):
            for slot, value in zip(slots, values, strict=False):
                setattr(reading, slot, value)
        elif reading.max_price is None and reading.min_price is None:
            reading.max_price = values[0]  # "a $80 jacket": about that much at most
        if m[0][0].isdigit() or m[0][0] == "$":  # "150 max": the cue after the number
            said = "over PRICE" if slots == ("min_price",) else "under PRICE"
        else:
            said = re.sub(rf"\$?\s?{AMOUNT}\s?(?:dollars|bucks|usd|\$)?", " PRICE ", m[0])
        text = text[: m.start()] + f" {said} " + text[m.end() :]
    return text


def _ground_words(words: list[str], lex: Lexicon, reading: Reading, *, expecting: str) -> list:
    """The words with the shop's things replaced by their kinds, slots filled on the way."""
    out: list[str] = []
    i = 0
    products = _named_products(words, lex)
    product_spans = {start: end for start, end, _ in products}
    if products:
        reading.products = _best_products(products, words, lex)
    while i < len(words):
        word = words[i]
        if i in product_spans:
            out.append("PRODUCT")
            i = product_spans[i]
            continue
        matched = _match_at(words, i, lex, reading)
        if matched:
            kind, i = matched
            out.append(kind)
            continue
        if word.isupper():
            out.append(word)
        elif word in ORDINALS and _ordinal_context(words, i):
            reading.ordinal = ORDINALS[word]
            out.append("ORD")
        elif word.isdigit() or word in NUMBER_WORDS:
            out.append(_number(words, i, lex, reading, expecting=expecting))
        elif (
            word in lex.sizes
            and (
                expecting == "size"
                or _after(words, i, ("size", "in", "a", "an"))
                and len(word) <= 3
            )
            and not word.isdigit()
            and word not in ("a", "i")
            or word in ("xl", "xxl", "xs")
            and word in lex.sizes
        ):
            reading.size = lex.sizes[word]
            out.append("SIZE")
        else:
            out.append(word)
            if (
                word in lex.vocabulary_set
                and _is_content(word)
                and word not in _corpus_words()
                and zipf_frequency(word, "en") < VERY_COMMON_ZIPF
            ):
                reading.shop_words.append(word)  # a shop word that named nothing on its own
                out.pop()  # searched for, but says nothing of what the shopper wants to do
        i += 1
    pattern = []
    for n, word in enumerate(out):
        if (
            _is_content(word)
            and not word.isupper()
            and word not in lex.vocabulary_set
            and word not in _asking_words()
            and not (n >= 2 and out[n - 2] == "for" and out[n - 1] in ("my", "a", "the", "our"))
        ):
            reading.wanted.append(word)  # what the shopper asks for, in words the shop lacks
        if word.isupper() or word in _corpus_words() or not _is_content(word):
            pattern.append(word)
        else:
            pattern.append("THING")
            reading.unknown.append(word)
    return pattern


def _named_products(words: list[str], lex: Lexicon) -> list[tuple[int, int, list[int]]]:
    """(start, end, product ids) for each span of the words that is a product's own name."""
    found = []
    for start in range(len(words)):
        for end in range(min(len(words), start + 5), start, -1):
            ids = lex.products.get(tuple(words[start:end]))
            if ids:
                found.append((start, end, ids))
                break
    # A longer span wins over one inside it.
    found.sort(key=lambda f: f[0] - f[1])
    kept, taken = [], set()
    for start, end, ids in found:
        if not taken & set(range(start, end)):
            start, end = _whole_name(words, start, end, ids, lex)
            kept.append((start, end, ids))
            taken |= set(range(start, end))
    return sorted(kept)


def _whole_name(words, start: int, end: int, ids: list[int], lex: Lexicon) -> tuple[int, int]:
    """The span grown over the words around it that are also in the product's name or brand
    ("the [hydro flask trail] cloud 8 [water bottle]"), so its brand and kind are read as part
    of it."""
    name = {
        w
        for pid in ids
        for w in words_of(f"{lex.product_names.get(pid, '')} {lex.product_brand.get(pid, '')}")
    }
    while start > 0 and words[start - 1] in name:
        start -= 1
    while end < len(words) and words[end] in name:
        end += 1
    return start, end


def _best_products(spans, words: list[str], lex: Lexicon) -> list[int]:
    """The named products, those whose brand or category the message also names first."""
    said = " ".join(words)
    ranked = []
    for _, _, ids in spans:
        for pid in ids:
            score = sum(
                " ".join(words_of(name)) in said
                for name in (lex.product_brand.get(pid, ""), lex.product_category.get(pid, ""))
                if name
            )
            ranked.append((-score, pid))
    return [pid for _, pid in sorted(ranked)]


def _match_at(words, i, lex: Lexicon, reading: Reading):
    """The kind of the shop thing starting at word i, and the index after it."""
    for length in (3, 2, 1):
        span = tuple(words[i : i + length])
        if len(span) < length:
            continue
        if span in lex.brands and not (length == 1 and _not_a_brand_here(words, i)):
            reading.brand = reading.brand or lex.brands[span]
            return "BRAND", i + length
        if span in lex.categories:
            reading.category = reading.category or lex.categories[span]
            return "CATEGORY", i + length
        color = lex.colors.get(span) or (
            lex.colors.get((SPELLINGS[span[0]],)) if length == 1 and span[0] in SPELLINGS else None
        )
        if color:
            reading.color = reading.color or color
            reading.colors.append(color)
            return "COLOR", i + length
        store = lex.store_in(" ".join(span))
        if store and (length > 1 or len(span[0]) > 3):
            reading.city = reading.city or store.city
            return "CITY", i + length
    return None


def _not_a_brand_here(words, i) -> bool:
    """A one-word brand that is also a very common word ("apple", "on") is a brand only where
    a product would be: next to a category, or asked about on its own."""
    word = words[i]
    return (
        zipf_frequency(word, "en") >= VERY_COMMON_ZIPF
        and len(words) > 2
        and not any(
            tuple(words[j : j + n]) in lexicon.current().categories
            for j in (i + 1, i - 1)
            for n in (1, 2)
            if j >= 0
        )
    )


def _ordinal_context(words, i) -> bool:
    return (
        words[i] != "last"
        or _after(words, i, ("the", "my"))
        and not _before(words, i, ("order", "orders", "purchase"))
    )


def _number(words, i, lex: Lexicon, reading: Reading, *, expecting: str) -> str:
    word = words[i]
    if word == "one" and _after(words, i, ("the", "that", "this", "which", "any", "a", *ORDINALS)):
        return word  # "the first one": a pick, not a quantity
    value = int(word) if word.isdigit() else NUMBER_WORDS[word]
    reading.numbers.append(value)
    if (
        word.isdigit()
        and word in lex.sizes
        and (
            expecting == "size"
            or _after(words, i, ("size", "sz", "in"))
            or _before(words, i, ("size",))
        )
    ):
        reading.size = lex.sizes[word]
        return "SIZE"
    if word.isdigit() and len(word) > 3:
        return "NUM"
    if reading.quantity is None and value <= 99:
        reading.quantity = value
    return "NUM"


def _after(words, i, previous: tuple) -> bool:
    return i > 0 and words[i - 1] in previous


def _before(words, i, following: tuple) -> bool:
    return i + 1 < len(words) and words[i + 1] in following


FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "up",
        "down",
        "out",
        "off",
        "over",
        "under",
        "about",
        "into",
        "than",
        "then",
        "so",
        "too",
        "very",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "do",
        "does",
        "did",
        "done",
        "have",
        "has",
        "had",
        "having",
        "be",
        "is",
        "am",
        "are",
        "was",
        "were",
        "been",
        "being",
        "i",
        "me",
        "my",
        "mine",
        "you",
        "your",
        "yours",
        "we",
        "our",
        "us",
        "they",
        "them",
        "their",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "some",
        "no",
        "not",
        "nor",
        "only",
        "own",
        "same",
        "just",
        "more",
        "most",
        "other",
        "such",
        "each",
        "few",
        "both",
        "again",
        "once",
        "also",
        "please",
        "pls",
        "thanks",
        "thank",
        "ok",
        "okay",
        "yes",
        "yeah",
        "yep",
        "nope",
        "hi",
        "hello",
        "hey",
        "im",
        "id",
        "ill",
        "ive",
        "youre",
        "dont",
        "doesnt",
        "didnt",
        "cant",
        "wont",
        "isnt",
        "arent",
        "one",
        "ones",
        "get",
        "got",
        "want",
        "need",
        "like",
        "show",
        "tell",
        "give",
        "let",
        "make",
        "see",
        "look",
        "looking",
        "find",
        "something",
        "anything",
        "nothing",
        "everything",
        "stuff",
        "thing",
        "things",
        "item",
        "items",
        "product",
        "products",
        "much",
        "many",
        "lot",
        "lots",
        "really",
        "actually",
        "maybe",
        "now",
        "still",
        "well",
        "even",
        "instead",
        "rather",
    ]
)


def _is_content(word: str) -> bool:
    return word.isalpha() and len(word) > 2 and word not in FUNCTION_WORDS


_training_set: list[tuple[str, str]] | None = None


def training_set() -> list[tuple[str, str]]:
    """The corpus's sentences, their words made singular as a message's are."""
    global _training_set
    if _training_set is None:
        _training_set = [(normal(sentence), intent) for sentence, intent in corpus.sentences()]
    return _training_set


@lru_cache(maxsize=1)
def _corpus_words() -> frozenset[str]:
    return frozenset(w for sentence, _ in training_set() for w in sentence.split())


@lru_cache(maxsize=1)
def _asking_words() -> frozenset[str]:
    """The words people ask with ("do you sell", "looking for", "add"), as opposed to the things
    they ask for."""
    return frozenset(
        w
        for sentence, intent in training_set()
        if intent not in ("refuse_others", "refuse_rules")  # those name things: "phone number"
        for w in sentence.split()
        if not w.isupper()
    )


def normal(pattern: str) -> str:
    return " ".join(w if w.isupper() else lexicon.stem(w) for w in pattern.split())


# Classifying


_model = None
_training = threading.Lock()


def classifier():
    """The intent classifier, trained on the corpus on first use."""
    global _model
    if _model is None:
        with _training:
            if _model is None:
                _model = train()
    return _model


def train():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import make_pipeline, make_union

    pairs = training_set()
    features = make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=False),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, lowercase=False),
    )
    classify_ = SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=50, random_state=0)
    model = make_pipeline(features, classify_)
    model.fit([s for s, _ in pairs], [intent for _, intent in pairs])
    return model


def classify(pattern: str) -> tuple[str, float, str]:
    """The intent, how sure the classifier is of it, and its second choice."""
    model = classifier()
    probabilities = model.predict_proba([pattern])[0]
    second, best = probabilities.argsort()[-2:]
    return str(model.classes_[best]), float(probabilities[best]), str(model.classes_[second])

"""Who a mention refers to: the survivor, the perpetrator, a child, a professional, or both parents.

Much of this domain turns on the subject: "she failed to protect" blames the survivor,
"he failed to attend" is a plain record. Rules ask this module, never the text directly.
Resolution is deliberately simple and explainable: role nouns and titles, names bound to
roles in the same document ("Ms Sarah Clarke", "Liam (7)", "the father, Tom Reid"), the
possessor of relational nouns ("her partner"), and the nearest compatible mention for
pronouns, falling back to the Safe & Together default (she: the mother, he: the father).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, model_validator
from spacy.tokens import Doc, Span, Token


class Role(StrEnum):
    SURVIVOR = "survivor"
    PERPETRATOR = "perpetrator"
    CHILD = "child"
    BOTH = "both"  # the couple or both parents together
    PROFESSIONAL = "professional"
    UNKNOWN = "unknown"  # a person or thing whose role is not known
    NONE = "none"  # no subject at all (a noun phrase, an imperative)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _PartyLexicon(_Strict):
    nouns: list[str]
    titles: list[str] = []
    pronouns: list[str] = []
    phrases: list[list[str]] = []
    female: list[str] = []
    male: list[str] = []
    gender: str = ""  # "female" or "male": whom the titles, pronouns and other nouns name
    ungendered: list[str] = []  # nouns for the role whoever holds it: "victim", "suspect"

    @model_validator(mode="after")
    def _ungendered_are_nouns(self) -> _PartyLexicon:
        stray = set(self.ungendered) - set(self.nouns)
        if stray:
            raise ValueError(f"ungendered words not among the nouns: {sorted(stray)}")
        return self


class _NounLexicon(_Strict):
    nouns: list[str]


class RoleLexicon(_Strict):
    """The data in patterns/roles.yaml."""

    survivor: _PartyLexicon
    perpetrator: _PartyLexicon
    child: _PartyLexicon
    professional: _NounLexicon
    relational: list[str]
    couple: _NounLexicon
    addressee: list[str]

    def swapped(self) -> RoleLexicon:
        """The lexicon for a case whose own words show the woman using abuse against a man:
        the gendered words (mother, Mrs, she; father, Mr, he) change roles, the words for a
        role itself (victim, suspect) and the phrases keep theirs."""

        def gendered_of(party: _PartyLexicon, into: _PartyLexicon) -> _PartyLexicon:
            keep = [w for w in into.nouns if w in into.ungendered]
            nouns = keep + [w for w in party.nouns if w not in party.ungendered]
            return into.model_copy(
                update={
                    "nouns": nouns,
                    "titles": party.titles,
                    "pronouns": party.pronouns,
                    "gender": party.gender,
                }
            )

        return self.model_copy(
            update={
                "survivor": gendered_of(self.perpetrator, self.survivor),
                "perpetrator": gendered_of(self.survivor, self.perpetrator),
            }
        )


_CAUSAL_DEPS = frozenset({"nsubj", "nsubjpass"})
ADULT_AGE = 18
_SENTENCE_WINDOW = 2  # pronouns look back this many sentences for an antecedent


class RoleResolver:
    """Roles for the tokens of one document (all its paragraphs share one name table)."""

    def __init__(
        self,
        lexicon: RoleLexicon,
        known_names: Mapping[str, Role] | None = None,
        *,
        same_gender: bool = False,
    ):
        """``same_gender``: the adults of the couple share a gender (two women), so a pronoun
        may stand for either, and only names and role words tell them apart."""
        self.lex = lexicon
        self.same_gender = same_gender
        self._female_pronouns = frozenset(
            w.lower()
            for party in (lexicon.survivor, lexicon.perpetrator)
            if party.gender == "female"
            for w in party.pronouns
        )
        self._noun_roles: dict[str, Role] = {}
        for role, words in (
            (Role.CHILD, lexicon.child.nouns),
            (Role.PROFESSIONAL, lexicon.professional.nouns),
            (Role.SURVIVOR, lexicon.survivor.nouns),
            (Role.PERPETRATOR, lexicon.perpetrator.nouns),
            (Role.BOTH, lexicon.couple.nouns),
        ):
            for word in words:
                self._noun_roles[word.lower()] = role
        self._titles = {t.lower(): Role.SURVIVOR for t in lexicon.survivor.titles}
        self._titles |= {t.lower(): Role.PERPETRATOR for t in lexicon.perpetrator.titles}
        self._female = {w.lower() for w in lexicon.child.female}
        self._male = {w.lower() for w in lexicon.child.male}
        self._phrases: list[tuple[tuple[str, ...], Role]] = [
            (tuple(w.lower() for w in p), Role.SURVIVOR) for p in lexicon.survivor.phrases
        ] + [(tuple(w.lower() for w in p), Role.PERPETRATOR) for p in lexicon.perpetrator.phrases]
        self._phrases_by_last: dict[str, list[tuple[tuple[str, ...], Role]]] = {}
        for words, role in self._phrases:
            self._phrases_by_last.setdefault(words[-1], []).append((words, role))
        # known names are people as the team writes them ("Dean Walsh": perpetrator); each
        # word is bound, and the whole name fills rewrites when the text names nobody
        self.names: dict[str, Role] = {}
        self._given_people: dict[Role, list[str]] = {}
        shared: set[str] = set()
        for person, role in (known_names or {}).items():
            self._given_people.setdefault(role, []).append(person)
            for word in person.split():
                word = word.strip(".,").lower()
                if self.names.get(word, role) != role:
                    shared.add(word)  # "Walsh" for both of them: tells nobody apart
                self.names[word] = role
        for word in shared:
            del self.names[word]
        self._given = dict(self.names)  # names the team's configuration binds, authoritative
        self._given_key = tuple(sorted(self._given.items()))
        self._conflicts: set[str] = set(shared)
        self._cache_doc: Doc | None = None
        self._cache: dict[int, Role] = {}
        # how the document writes each bound person, keyed by surname: "Mr Reid", "Tom Reid"
        self._display: dict[str, tuple[Role, str]] = {}
        # every person the text binds, by role and surname (a child by first name): the
        # forms written, so that a couple sharing a surname are still two people
        self._people: dict[tuple[Role, str], list[str]] = {}
        # a child's name carries no gender, the case's own words do ("her son Noah", "Zawadi
        # packed her bag"): votes per first name, so "he" after "Noah's birth" is not Zawadi
        self._gender_votes: dict[str, list[int]] = {}

    def fingerprint(self, doc: Doc) -> tuple[object, ...]:
        """What the name table says about the words of one paragraph: the roles resolved in
        it (pronouns look back within the paragraph only) depend on nothing else, so matches
        made under the same fingerprint can be reused."""
        words = doc.user_data.get("blamecheck_words")
        if words is None:
            words = frozenset(t.lower_ for t in doc)
            doc.user_data["blamecheck_words"] = words
        return (
            tuple(sorted((w, self.names[w]) for w in words if w in self.names)),
            tuple(sorted(words & self._conflicts)),
        )

    # -- building the name table ------------------------------------------------------

    def learn(self, docs: Iterable[Doc]) -> None:
        """Bind names to roles from every document of a file before any rule runs."""
        docs = list(docs)
        for doc in docs:
            # what a paragraph says about its names does not change while its text does not:
            # kept with the parse, so an editor's unchanged paragraphs are not read again
            key = ("blamecheck_named", id(self.lex), self._given_key)
            named = doc.user_data.get(key)
            if named is None:
                named = [
                    (chunk[0].i, chunk[-1].i + 1, role)
                    for chunk in _propn_chunks(doc)
                    if (role := self._role_from_context(doc, chunk)) is not None
                ]
                doc.user_data[key] = named
            for start, end, role in named:
                chunk = list(doc[start:end])
                # a child's surname is a parent's too ("Noah Blackwood (8 months)"): only
                # the first name is the child's
                for tok in chunk[:1] if role == Role.CHILD else chunk:
                    self._bind(tok.lower_, role)
                self._remember_display(doc, chunk, role)
                words = [t for t in chunk if t.lower_ not in self._noun_roles]
                if not words:
                    continue
                key = (words[0] if role == Role.CHILD else words[-1]).lower_
                forms = self._people.setdefault((role, key), [])
                # a child by first name ("Tyler"), an adult by the fullest name written
                shown = words[:1] if role == Role.CHILD else words
                written = " ".join(t.text for t in shown)
                before = doc[chunk[0].i - 1].text if chunk[0].i > 0 else ""
                if role != Role.CHILD and len(words) == 1 and before.lower() in self._titles:
                    written = f"{before} {written}"  # "Ms Doyle", not "Doyle"
                if written not in forms:
                    forms.append(written)

        for doc in docs:
            self._inherit_surnames(doc)
            self._learn_genders(doc)

    def _learn_genders(self, doc: Doc) -> None:
        """Count, for each child's name, the gendered words that must refer to it: a
        gendered noun next to it ("son Noah", "Zawadi (daughter)") and a possessive or
        reflexive pronoun in the clause it is the subject of ("Noah reached for his cup")."""
        for token in doc:
            if token.pos_ != "PROPN" or self.names.get(token.lower_) != Role.CHILD:
                continue
            votes = self._gender_votes.setdefault(token.lower_, [0, 0])  # female, male
            near = [doc[j].lower_ for j in range(max(0, token.i - 2), token.i)]
            near += [t.lower_ for t in doc[token.i + 1 : token.i + 4]]
            votes[0] += sum(w in self._female for w in near)
            votes[1] += sum(w in self._male for w in near)
            if token.dep_ != "nsubj":
                continue
            # what the child said of themself: "Lewis said he likes it better now"
            for clause in token.head.children:
                if clause.dep_ == "ccomp":
                    for word in clause.children:
                        if word.dep_ == "nsubj" and word.lower_ in ("she", "he"):
                            votes[word.lower_ == "he"] += 1
            for word in token.head.subtree:
                if _in_clause_below(word, token.head):
                    continue
                if word.lower_ in {"her", "herself"} and word.dep_ in ("poss", "dobj", "pobj"):
                    votes[0] += word.dep_ == "poss" or word.lower_ == "herself"
                elif word.lower_ in {"his", "himself"}:
                    votes[1] += 1

    def _gender(self, name: str) -> str | None:
        """Says "f", "m" or None: the gender a child's name has by the case's own words."""
        female, male = self._gender_votes.get(name, (0, 0))
        if female > male:
            return "f"
        if male > female:
            return "m"
        return None

    def _inherit_surnames(self, doc: Doc) -> None:
        """A first name written with a surname bound to one adult takes that adult's role:
        "Marcus BAILEY (29)" once "Mr Bailey" is the perpetrator makes "Marcus" his."""
        for chunk in _propn_chunks(doc):
            after = doc[chunk[-1].i + 1] if chunk[-1].i + 1 < len(doc) else None
            if len(chunk) > 1:
                surname, first = chunk[-1], chunk[:-1]
            elif after is not None and after.is_alpha and after.is_upper and len(after) > 1:
                surname, first = after, chunk  # a police log's "Marcus BAILEY (29)"
            else:
                continue
            if any(t.lower_ in self.names or t.lower_ in self._conflicts for t in first):
                continue
            role = self.names.get(surname.lower_)
            if role in (Role.SURVIVOR, Role.PERPETRATOR):
                for tok in first:
                    self._bind(tok.lower_, role)

    def _remember_display(self, doc: Doc, chunk: list[Token], role: Role) -> None:
        title = doc[chunk[0].i - 1].text if chunk[0].i > 0 else ""
        if title.lower() in self._titles:
            shown = f"{title} {chunk[-1].text}"
        else:
            shown = " ".join(t.text for t in chunk)
        key = chunk[-1].lower_
        previous = self._display.get(key)
        # a titled form ("Mr Reid") is how reports refer to adults; prefer it once seen
        if previous is None or (title.lower() in self._titles and previous[1] != shown):
            self._display[key] = (role, shown)

    def _bind(self, name: str, role: Role) -> None:
        if name in self._conflicts or name in self._titles or name in self._noun_roles:
            return
        previous = self.names.get(name)
        if previous is None:
            self.names[name] = role
        elif previous != role:
            del self.names[name]
            self._conflicts.add(name)

    def _role_from_context(self, doc: Doc, chunk: list[Token]) -> Role | None:
        first, last = chunk[0], chunk[-1]
        # a configured name ("people" in blamecheck.toml) needs no clue in the text
        given = {self._given.get(t.lower_) for t in chunk}
        if len(given) == 1 and None not in given:
            return given.pop()
        # a title before the name: "Ms Sarah Clarke", "Mr Reid"
        if first.i > 0 and doc[first.i - 1].lower_ in self._titles:
            return self._titles[doc[first.i - 1].lower_]
        # "Liam (7)", "Liam (aged 7)", "Liam, aged 7"
        after = [t.lower_ for t in doc[last.i + 1 : last.i + 5]]
        if _looks_like_age(after):
            return Role.CHILD
        # "Sarah Clarke (mother)", "Sarah Clarke, the mother,"
        for word in after[:3]:
            if word in {"(", ",", "the", "a", "-", "–"}:
                continue
            role = self._noun_roles.get(word)
            if role in (Role.SURVIVOR, Role.PERPETRATOR, Role.CHILD):
                return role
            break
        # "'Darren' (his mum's boyfriend)": the person noun of a bracket after the name
        role = self._bracketed_role(doc, last.i + 1)
        if role is not None:
            return role
        # "mother Sarah", "the mother, Sarah Clarke", "son Liam", "Mum (Sarah)", a form's
        # "Father: Tom Blackwood", "Victim: Priya Sharma", "her ex-partner, Ryan McALLISTER"
        j = first.i - 1
        while j >= 0 and doc[j].lower_ in {",", "(", "'s", ":", "'", "‘"}:
            j -= 1
        if j >= 0 and j >= first.i - 3:
            role = self._person_noun_role(doc[j])
            if role is not None:
                return role
        # "Sarah is the mother", "Tom is the children's father"
        if last.dep_ == "nsubj":
            for child in last.head.children:
                if child.dep_ == "attr":
                    role = self._noun_roles.get(child.lower_)
                    if role in (Role.SURVIVOR, Role.PERPETRATOR, Role.CHILD):
                        return role
        return None

    def _person_noun_role(self, token: Token) -> Role | None:
        """The role a person noun gives a name written next to it: "father", "victim",
        "person causing harm", "her partner" (by its possessor); None for any other word."""
        role = self._noun_roles.get(token.lower_) or self._phrase_role(token)
        if role in (Role.SURVIVOR, Role.PERPETRATOR, Role.CHILD):
            return role
        if token.lower_ in self.lex.relational or token.lemma_.lower() in self.lex.relational:
            role = self._relational(token)
            doc = token.doc
            if role == Role.UNKNOWN and token.i >= 2 and doc[token.i - 1].text == "-":
                role = self._single_role(doc[token.i - 2])  # "her ex-partner" split by the parse
            return role if role in (Role.SURVIVOR, Role.PERPETRATOR) else None
        return None

    def _bracketed_role(self, doc: Doc, i: int) -> Role | None:
        """The role named by the person noun of a bracket starting at token ``i`` (after a
        closing quote): "(his mum's boyfriend)", "(Ms Reid's ex-partner)"."""
        if i < len(doc) and doc[i].lower_ in {"'", "’", '"'}:
            i += 1
        if i >= len(doc) or doc[i].text != "(":
            return None
        for token in doc[i + 1 : i + 7]:
            if token.text == ")":
                return None
            if token.dep_ == "poss" or doc[token.i + 1 : token.i + 2].text in ("'s", "’s"):
                continue  # "his mum's boyfriend": the boyfriend, not the mum
            role = self._person_noun_role(token)
            if role is not None:
                return role
        return None

    # -- resolving a token ------------------------------------------------------------

    def role_of(self, token: Token | None) -> Role:
        """The role of the mention headed by ``token``, combining coordinated mentions."""
        if token is None:
            return Role.NONE
        if token.doc is not self._cache_doc:  # memo per paragraph: rules ask the same tokens
            self._cache_doc = token.doc
            self._cache = {}
        cached = self._cache.get(token.i)
        if cached is None:
            cached = self._cache[token.i] = self._combined_role(token)
        return cached

    def _combined_role(self, token: Token) -> Role:
        roles = {self._single_role(token)}
        for conj in token.conjuncts:
            roles.add(self._single_role(conj))
        if len(roles) == 1:
            return roles.pop()
        if {Role.SURVIVOR, Role.PERPETRATOR} <= roles or Role.BOTH in roles:
            return Role.BOTH
        roles.discard(Role.UNKNOWN)
        return roles.pop() if len(roles) == 1 else Role.UNKNOWN

    def _single_role(self, token: Token) -> Role:
        lower = token.lower_
        if token.tag_ == "WP" and token.dep_ in _CAUSAL_DEPS and token.head.dep_ == "relcl":
            return self._single_role(token.head.head)  # "a mother who failed ..."
        if lower in self.lex.addressee:
            return Role.SURVIVOR
        if lower in self.lex.survivor.pronouns:
            return self._pronoun(token, Role.SURVIVOR)
        if lower in self.lex.perpetrator.pronouns:
            return self._pronoun(token, Role.PERPETRATOR)
        phrase_role = self._phrase_role(token)
        if phrase_role is not None:
            return phrase_role
        if lower in self.names:
            return self.names[lower]
        for child in token.children:  # "Ms Clarke": the head is the surname
            if child.dep_ == "compound" and child.lower_ in self._titles:
                return self._titles[child.lower_]
        for child in token.children:  # "Dean Walsh" when the couple share the surname
            if child.dep_ in ("compound", "flat") and child.lower_ in self.names:
                return self.names[child.lower_]
        if token.i > 0 and token.doc[token.i - 1].lower_ in self._titles:
            return self._titles[token.doc[token.i - 1].lower_]
        if lower in self.lex.relational or token.lemma_.lower() in self.lex.relational:
            return self._relational(token)
        role = self._noun_roles.get(lower) or self._noun_roles.get(token.lemma_.lower())
        if role is not None:
            if role == Role.BOTH and lower in {"adults", "carers", "caregivers"}:
                return role
            return role
        if lower == "parent" and any(c.lower_ == "both" for c in token.children):
            return Role.BOTH
        if token.pos_ == "NOUN":  # "her drinking", "his cannabis use": the possessor's
            owners = [c for c in token.children if c.dep_ == "poss"]
            owners += [g for c in token.children if c.dep_ == "compound" for g in c.children]
            for child in owners:
                if child.dep_ == "poss":
                    return self._single_role(child)
        for child in token.children:  # "Sarah Clarke (mother)" parsed as apposition
            if child.dep_ == "appos":
                appos_role = self._noun_roles.get(child.lower_)
                if appos_role is not None:
                    return appos_role
        return Role.UNKNOWN

    def _phrase_role(self, token: Token) -> Role | None:
        candidates = self._phrases_by_last.get(token.lower_)
        if not candidates:
            return None
        doc = token.doc
        for words, role in candidates:
            n = len(words)
            start = token.i - n + 1
            if start >= 0 and tuple(t.lower_ for t in doc[start : token.i + 1]) == words:
                return role
        return None

    def _relational(self, token: Token) -> Role:
        # the possessor may hang off a compound: "his ex-partner" parses as his -> ex -> partner
        owners = [c for c in token.children if c.dep_ == "poss"]
        owners += [g for c in token.children if c.dep_ == "compound" for g in c.children]
        for child in owners:
            if child.dep_ == "poss":
                owner = self._single_role(child)
                if owner == Role.SURVIVOR:
                    return Role.PERPETRATOR
                if owner == Role.PERPETRATOR:
                    return Role.SURVIVOR
        return Role.UNKNOWN

    def _pronoun(self, token: Token, default: Role) -> Role:
        """Nearest compatible mention before the pronoun, else the domain default. A subject
        pronoun does not pick up a child of unknown gender merely mentioned in an earlier
        sentence: in "... since Noah's birth shows a pattern. He has cut her off", he is not
        Noah."""
        female = token.lower_ in self._female_pronouns
        window_start = token.sent.start
        for _ in range(_SENTENCE_WINDOW):
            if window_start == 0:
                break
            window_start = token.doc[window_start - 1].sent.start
        for j in range(token.i - 1, window_start - 1, -1):
            cand = token.doc[j]
            role = self._antecedent_role(cand, female, default)
            if role is None:
                continue
            if (
                role == Role.CHILD
                and cand.pos_ == "PROPN"
                and self._gender(cand.lower_) is None
                and token.dep_ in _CAUSAL_DEPS
                and cand.sent.start != token.sent.start
                and not _in_subject(cand)
            ):
                continue  # a child only mentioned before ("since Noah's birth") is not "he"
            return role
        return default

    def _antecedent_role(self, cand: Token, female: bool, default: Role) -> Role | None:
        """The role ``cand`` gives a pronoun of the default role's gender, or None when
        it cannot be the pronoun's antecedent."""
        lower = cand.lower_
        if lower in self._female:
            return Role.CHILD if female else None
        if lower in self._male:
            return None if female else Role.CHILD
        if cand.pos_ in {"PROPN", "NOUN"} and lower in self.names:
            role = self.names[lower]
            if role == Role.CHILD and self._gender(lower) == ("m" if female else "f"):
                return None  # "he" is not Zawadi once the case writes "her" for her
            if role in (Role.CHILD, default):
                return role
            if self.same_gender and role in (Role.SURVIVOR, Role.PERPETRATOR):
                return role
            return None
        party = self.lex.survivor if default == Role.SURVIVOR else self.lex.perpetrator
        if female and (lower in party.nouns or self._titles.get(lower) == default):
            return default
        return None

    @property
    def titles(self) -> frozenset[str]:
        """Adult titles ("ms", "mr"), lower case."""
        return frozenset(self._titles) | TITLE_WORDS

    def display_of(self, token: Token, role: Role) -> str | None:
        """How the document writes the person in ``role`` whose surname or name is ``token``;
        None when that name is not bound to ``role`` alone (a surname the couple share)."""
        shown = self._display.get(token.lower_)
        if shown is None or shown[0] != role or self.names.get(token.lower_) != role:
            return None
        return shown[1]

    def untold_apart(self, docs: Iterable[Doc]) -> frozenset[str]:
        """The names two people share (parents with one surname: "Tom Hughes", "Sarah
        Hughes", or "Mr" and "Ms Hughes") that the document writes alone, with no title or
        first name that says which of them is meant ("Hughes hit her"), in lower case."""
        docs = list(docs)
        firsts: dict[str, set[str]] = {}
        for doc in docs:
            for chunk in _propn_chunks(doc):
                if len(chunk) > 1:
                    firsts.setdefault(chunk[-1].lower_, set()).add(chunk[0].lower_)
        shared = {name for name, first in firsts.items() if len(first) > 1} | self._conflicts
        alone: set[str] = set()
        for doc in docs:
            for token in doc:
                if token.lower_ not in shared or not token.is_title:
                    continue
                before = doc[token.i - 1] if token.i > 0 else None
                if before is not None and (
                    before.lower_.rstrip(".") in self.titles or before.pos_ == "PROPN"
                ):
                    continue  # "Mr Hughes", "Tom Hughes": told apart
                alone.add(token.lower_)
        return frozenset(alone)

    def mentions(self, sentence: Span) -> dict[Role, str]:
        """How one sentence itself refers to each party it names once: "Mr Reid", "the father",
        "she". A rewrite may use these words (they are the writer's); a role the sentence names
        twice in different words, or not at all, is left out, and the rewrite keeps a slot."""
        found: dict[Role, dict[str, int]] = {}
        doc = sentence.doc
        for token in sentence:
            if token.pos_ not in {"PROPN", "NOUN", "PRON"} or token.dep_ in {"compound", "flat"}:
                continue
            if token.dep_ == "poss" or token.lower_ in _NOT_MENTIONS:
                continue  # "his drinking" is about him, but "his" cannot stand as a subject
            role = self.role_of(token)
            if role not in (Role.PERPETRATOR, Role.SURVIVOR, Role.CHILD):
                continue
            if token.pos_ == "PROPN":
                start = _name_start(doc, token)
                rank = 0
            elif token.pos_ == "NOUN":
                known = token.lower_ in self._noun_roles or token.lower_ in self.lex.relational
                if token.tag_ in {"NNS", "NNPS"} or not known:
                    continue  # "the children", "her drinking": not one person's mention
                start = token.left_edge.i
                rank = 1
            else:
                rank = 2
                start = token.i
            text = doc[start : token.i + 1].text
            if token.pos_ == "PRON":
                text = NOMINATIVE.get(token.lower_, token.lower_)
            elif text[:1].isupper() and doc[start].pos_ in {"DET", "PRON"}:
                text = text[:1].lower() + text[1:]  # "The father" inside a rewrite
            found.setdefault(role, {})
            found[role][text] = min(rank, found[role].get(text, rank))
        out: dict[Role, str] = {}
        for role, texts in found.items():
            best = min(texts.values())
            top = [t for t, r in texts.items() if r == best]
            if len(top) == 1:
                out[role] = top[0]
        return out

    def people(self, role: Role) -> list[str]:
        """Everyone the text names in ``role``, once each, by the fullest form written
        ("Kerry-Ann Doyle" for "Ms Doyle" and "Kerry-Ann DOYLE"), even when two people share
        a surname (which ``named`` leaves out, since the surname alone tells nobody apart);
        when the text names nobody in that role, the names the configuration gives."""
        found = []
        for (bound, _), forms in self._people.items():
            if bound == role:
                fullest = max(forms, key=lambda f: (len(f.split()), len(f)))
                words = [w.title() if w.isupper() and len(w) > 1 else w for w in fullest.split()]
                found.append(" ".join(words))
        # "Carla" written alone is "Carla Vance" written in full elsewhere: one person
        fuller = [set(f.lower().split()) for f in found]
        found = [f for f in found if not any(set(f.lower().split()) < other for other in fuller)]
        return sorted(dict.fromkeys(found)) or sorted(self._given_people.get(role, []))

    def named(self, role: Role) -> list[str]:
        """How the document writes each person it binds to ``role`` ("Mr Reid"); when it
        names nobody in that role, the names the team's configuration gives."""
        found = sorted(
            shown
            for key, (bound, shown) in self._display.items()
            if bound == role and self.names.get(key) == role
        )
        return found or sorted(self._given_people.get(role, []))


TITLE_WORDS = frozenset({"ms", "mrs", "miss", "mr", "mx", "dr"})
# a pronoun in the object case, and the subject case of the same person
NOMINATIVE = {"her": "she", "him": "he", "them": "they", "me": "I", "us": "we", "whom": "who"}
_NOT_MENTIONS = frozenset({"his", "hers", "its", "their", "theirs", "who", "whom", "whose"})


def name_of(token: Token) -> str:
    """The name ending at ``token`` as written, with its title: "Mr Hughes", "Lee Cotton"."""
    return token.doc[_name_start(token.doc, token) : token.i + 1].text


def _name_start(doc: Doc, token: Token) -> int:
    """Where the name ending at ``token`` starts: its compounds and a title before them, never
    a date, a preposition or a possessive ("On 14 September Mr Hughes" is "Mr Hughes")."""
    start = token.i
    while start > 0:
        before = doc[start - 1]
        if before.lower_.rstrip(".") in TITLE_WORDS:
            return start - 1
        if not (before.pos_ == "PROPN" and before.is_alpha and before.is_title):
            break
        if _is_calendar_word(before):
            break
        start -= 1
    return start


# the calendar's words, for the modules that must not read a date as a name or a person
MONTHS = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september"}
    | {"october", "november", "december"}
)
MONTH_ABBREVIATIONS = frozenset(
    {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
)
DAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})


def _is_calendar_word(token: Token) -> bool:
    return token.lower_ in MONTHS or token.lower_ in DAYS


def _propn_chunks(doc: Doc) -> list[list[Token]]:
    """Runs of capitalised proper nouns: "Sarah Clarke" (a title or a month before it is not part
    of it). Kept with the parse: every learning pass over a file reads them again, an editor's
    on each edit."""
    spans = doc.user_data.get("blamecheck_propn_chunks")
    if spans is None:
        spans = [(chunk[0].i, chunk[-1].i + 1) for chunk in _find_propn_chunks(doc)]
        doc.user_data["blamecheck_propn_chunks"] = spans
    return [list(doc[start:end]) for start, end in spans]


def _find_propn_chunks(doc: Doc) -> list[list[Token]]:
    chunks: list[list[Token]] = []
    current: list[Token] = []
    for tok in doc:
        if (
            tok.pos_ == "PROPN"
            and tok.is_alpha
            and tok.is_title
            and tok.lower_ not in TITLE_WORDS
            and not _is_calendar_word(tok)  # "On 14 September Mr Hughes": not his name
        ):
            current.append(tok)
        else:
            if current:
                chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return chunks


def _in_clause_below(token: Token, verb: Token) -> bool:
    """Whether ``token`` sits in a clause of its own below ``verb`` ("that she ...")."""
    node = token
    while node.i != verb.i and node.head.i != node.i:
        if node.dep_ in ("ccomp", "advcl", "relcl", "conj", "xcomp", "acl", "parataxis"):
            return True
        node = node.head
    return False


def _in_subject(token: Token) -> bool:
    """Whether ``token`` is a clause's subject or names its owner ("Mr Blackwood's behaviour",
    "Mr Blackwood" as the compound of a subject)."""
    node = token
    for _ in range(3):
        if node.dep_ in _CAUSAL_DEPS:
            return True
        if node.dep_ not in ("poss", "compound", "case") or node.head.i == node.i:
            return False
        node = node.head
    return False


def _looks_like_age(after: list[str]) -> bool:
    if not after:
        return False
    if after[0] == "(":
        rest = [w for w in after[1:] if w not in {"aged", "age", "years", "yrs", "y", "yo"}]
        return bool(rest) and _child_age(rest[0])
    if after[0] == "," and len(after) > 2 and after[1] in {"aged", "age"}:
        return _child_age(after[2])
    return False


def _child_age(word: str) -> bool:
    """An age a child has: police logs give adults' ages too ("Shaun DOYLE (35)")."""
    return word.isdigit() and int(word) < ADULT_AGE

"""Is the patient a file names the client it is being imported into?

``patient_differences(client, patients)`` compares the patients a file names (a FHIR
Bundle's Patient entries, read into :class:`FilePatient` by the importer) with the client
and returns every difference, each naming its field, e.g. "Birth date: the file says
1984-03-02; this client's is 1985-03-02". An empty list means nothing speaks against the
match; the importer refuses anything else unless the clinician confirms (decision 0521).

The rules:

- **Family name**: equal once case, accents and separators are set aside ("Müller-Lüdenscheidt"
  is "MULLER LUDENSCHEIDT"; "O'Brien" is "OBrien"). Transliterations are not guessed
  ("Mueller" is not "Müller").
- **Given name**: tolerant. A file without a given name says nothing against the match; a
  given name matches when any of the file's given names is any of the client's given or
  preferred names (middle names, or a client who goes by the middle name), or when the
  file's first given name is the initial of the client's ("D." for Dana).
- A patient with several names (official, usual, maiden) matches when any one name matches.
- **Birth date**: at the precision the file gives it (FHIR allows "1984" and "1984-03").
- **Identifiers**: only the systems the client has (``ClientIdentity.identifiers``). The same
  system with another value is a difference; the same value is strong evidence: the file
  came from this very record, so a name that differs (names change) is a note, not a
  difference. A birth date that differs stays a difference.
- A file naming more than one distinct patient is a difference in itself: it holds more
  than one person's data, whatever each one's details are.
- A patient without a name, a birth date or a known identifier says nothing either way; the
  importer treats it like a file without a patient.

Pure Python: no Django, no FHIR library.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

FAMILY_NAME = "family_name"
GIVEN_NAME = "given_name"
BIRTH_DATE = "birth_date"
IDENTIFIER = "identifier"
PATIENTS = "patients"

LABELS = {
    FAMILY_NAME: "Family name",
    GIVEN_NAME: "Given name",
    BIRTH_DATE: "Birth date",
    IDENTIFIER: "Client reference",
    PATIENTS: "Patients",
}

# FHIR's date: a year, a year and month, or a full date (the importer has validated it).
_PARTIAL_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")


@dataclass(frozen=True)
class PersonName:
    """One of a patient's names as the file gives it (FHIR HumanName)."""

    family: str = ""
    given: tuple[str, ...] = ()
    # Only the whole name as text, when the file gives no parts.
    text: str = ""

    def __str__(self) -> str:
        if self.family or self.given:
            return " ".join([*self.given, self.family]).strip()
        return self.text.strip()


@dataclass(frozen=True)
class FilePatient:
    """What a file says about whose data it is."""

    names: tuple[PersonName, ...] = ()
    birth_date: str = ""
    identifiers: tuple[tuple[str, str], ...] = ()  # (system, value)

    def says_who(self, known_systems: frozenset[str]) -> bool:
        """Whether the file tells anything to compare (a name, a birth date, an identifier
        of a system the client has)."""
        return bool(
            any(str(n) for n in self.names)
            or self.birth_date
            or any(system in known_systems for system, _ in self.identifiers)
        )


@dataclass(frozen=True)
class ClientIdentity:
    """The client the file is being imported into."""

    family_name: str
    given_name: str
    birth_date: dt.date
    preferred_name: str = ""
    # Identifier system → this client's value (e.g. Milepost's client reference).
    identifiers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Difference:
    """One way the file's patient is not the client. ``field`` is a stable key (for the
    audit trail, which records keys, never values); ``message`` is for the clinician."""

    field: str
    message: str

    @property
    def label(self) -> str:
        return LABELS[self.field]

    def __str__(self) -> str:
        return f"{self.label}: {self.message}"


@dataclass(frozen=True)
class PatientMatch:
    """The comparison: ``differences`` stop an import; ``notes`` are shown with it."""

    differences: tuple[Difference, ...] = ()
    notes: tuple[str, ...] = ()
    identifier_matched: bool = False

    @property
    def fields(self) -> list[str]:
        """The fields that differ, each once, in the order found."""
        return list(dict.fromkeys(d.field for d in self.differences))


def name_key(text: str) -> str:
    """A name as compared: accents and case set aside, words separated by single spaces
    (hyphens, apostrophes and other punctuation dropped)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = re.split(r"[\s\-‐‑–—]+", bare)
    kept = ("".join(c for c in w if c.isalnum()) for w in words)
    return " ".join(w for w in kept if w)


def _words(text: str) -> list[str]:
    return name_key(text).split()


def _family_matches(name: PersonName, family: str) -> bool | None:
    """True or False; None when this name gives no family name to compare."""
    ours = _words(family)
    if name.family.strip():
        return _words(name.family) == ours
    if name.text.strip() and not name.given:
        # Only the whole name as text: the client's family name must end it.
        return bool(ours) and _words(name.text)[-len(ours) :] == ours
    return None


def _given_words(name: PersonName, family: str) -> list[str]:
    if name.given:
        return [w for g in name.given for w in _words(g)]
    if name.text.strip() and not name.family.strip():
        words, ours = _words(name.text), _words(family)
        return words[: -len(ours)] if ours and words[-len(ours) :] == ours else words[:-1]
    return []


def _given_matches(name: PersonName, client: ClientIdentity) -> bool | None:
    """True or False; None when this name gives no given name to compare."""
    theirs = _given_words(name, client.family_name)
    if not theirs:
        return None
    ours = _words(client.given_name) + _words(client.preferred_name)
    if set(theirs) & set(ours):
        return True
    # "D." (key "d") for Dana: an initial of the first given name.
    return len(theirs[0]) == 1 and bool(ours) and ours[0].startswith(theirs[0])


def _name_differences(patient: FilePatient, client: ClientIdentity) -> list[Difference]:
    names = [n for n in patient.names if str(n)]
    if not names:
        return []
    families = [_family_matches(n, client.family_name) for n in names]
    givens = [_given_matches(n, client) for n in names]
    # One name that agrees on everything it gives is enough (official, usual, maiden…).
    if any(f is not False and g is not False for f, g in zip(families, givens, strict=True)):
        return []
    shown = str(names[0])[:120]
    differences = []
    if all(f is False for f in families if f is not None) and False in families:
        differences.append(
            Difference(FAMILY_NAME, f"the file says {shown}; this client's is {client.family_name}")
        )
    # The given name differs in every name that gives one, or the family name matched in
    # one name and the given name in another only.
    if not differences or (all(g is False for g in givens if g is not None) and False in givens):
        ours = client.given_name
        if client.preferred_name and name_key(client.preferred_name) != name_key(ours):
            ours += f" (goes by {client.preferred_name})"
        differences.append(
            Difference(GIVEN_NAME, f"the file says {shown}; this client's is {ours}")
        )
    return differences


def _birth_date_difference(patient: FilePatient, client: ClientIdentity) -> list[Difference]:
    given = patient.birth_date.strip()
    if not given:
        return []
    ours = client.birth_date.isoformat()
    if _PARTIAL_DATE.fullmatch(given) and ours.startswith(given):
        return []
    return [Difference(BIRTH_DATE, f"the file says {given[:40]}; this client's is {ours}")]


def _identifier_check(
    patient: FilePatient, client: ClientIdentity
) -> tuple[list[Difference], bool]:
    differences = []
    matched = False
    for system, value in patient.identifiers:
        ours = client.identifiers.get(system)
        if ours is None:
            continue  # a system Milepost does not know says nothing either way
        if value == ours:
            matched = True
        else:
            differences.append(
                Difference(IDENTIFIER, f"the file says {value[:64]}; this client's is {ours}")
            )
    return differences, matched


def _distinct(patients: Sequence[FilePatient]) -> list[FilePatient]:
    """The patients once each: two entries with the same names (as compared), birth date and
    identifiers are one person listed twice."""
    seen: dict[tuple[object, ...], FilePatient] = {}
    for patient in patients:
        key = (
            frozenset(
                (name_key(n.family), tuple(_words(" ".join(n.given))), name_key(n.text))
                for n in patient.names
            ),
            patient.birth_date.strip(),
            frozenset(patient.identifiers),
        )
        seen.setdefault(key, patient)
    return list(seen.values())


def _shown(patient: FilePatient) -> str:
    named = [str(n) for n in patient.names if str(n)]
    if named:
        return named[0][:120]
    return f"born {patient.birth_date}" if patient.birth_date else "unnamed"


def compare_patient(patient: FilePatient, client: ClientIdentity) -> PatientMatch:
    """The differences between one patient of a file and the client."""
    conflicts, matched = _identifier_check(patient, client)
    names = _name_differences(patient, client)
    notes: list[str] = []
    if matched and not conflicts and names:
        # The file came from this record; the name has changed since (or is spelt
        # otherwise there): worth seeing, not worth stopping for.
        notes.extend(
            f"{d}; the file's client reference is this client's, so the import is not held"
            for d in names
        )
        names = []
    return PatientMatch(
        differences=(*conflicts, *names, *_birth_date_difference(patient, client)),
        notes=tuple(notes),
        identifier_matched=matched and not conflicts,
    )


def patient_differences(patients: Sequence[FilePatient], client: ClientIdentity) -> PatientMatch:
    """Every difference between the patients a file names and the client.

    No patient (or none that says who it is) gives an empty match: nothing to compare.
    """
    known = frozenset(client.identifiers)
    telling = _distinct([p for p in patients if p.says_who(known)])
    if not telling:
        return PatientMatch()
    differences: list[Difference] = []
    notes: list[str] = []
    if len(telling) > 1:
        differences.append(
            Difference(
                PATIENTS,
                f"the file names {len(telling)} different patients "
                f"({', '.join(_shown(p) for p in telling)}); "
                "a file for one client names one",
            )
        )
    matches = [compare_patient(patient, client) for patient in telling]
    for match in matches:
        differences.extend(match.differences)
        notes.extend(match.notes)
    return PatientMatch(
        differences=tuple(differences),
        notes=tuple(notes),
        identifier_matched=len(matches) == 1 and matches[0].identifier_matched,
    )

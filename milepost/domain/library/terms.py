"""The words library search knows: stop words and synonym groups. Data, not logic.

A clinician types what the client said ("I can't go to the supermarket"), not our
wording ("resume independent shopping"), so search widens each query word to its group.
Entries are plain words or short phrases; search stems them the same way it stems the
query and the items, so "nightmare" here also matches "nightmares".

To add a synonym, add it to the line of the group it means; a word may sit in more than
one group ("supermarket" is both shopping and agoraphobia). Keep groups tight: every
member of a group counts as a match for every other, so a loose word ("meeting", "kind")
pulls in unrelated items.
"""

from __future__ import annotations

# Words that say nothing about which item is wanted: function words, the filler of a
# client's sentence ("I feel ... and stay ..."), and the scaffolding every SMART statement
# shares ("within", "per week", "at least"). Single "down" and "low" are here on purpose:
# alone they mostly mean "cut down" or "low-risk"; the phrases "feel down" and "low mood"
# below still carry them to depression. Apostrophes are dropped before matching ("can't"
# is "cant").
_STOP_WORDS = """
a about above after again all also always am an and any are as at be been before being
below between both but by can cannot cant could did didnt do does doing don dont done down
each else even ever every few for from get gets getting go goes going got had has have
having he her here him his how i if im in into is isnt it its ive just keep least less like
lot lots low make many may me more most much must my myself need never no nor not now of off
often on once only or other our out over own per really same she should so some still stay
such than that the their them then there these they thing things this those through to too
up us very was we were what when where which while who why will with within wont would you
youre your
client clients week weeks day days month months session sessions time times
reduce increase raise lower fewer feel feeling want self
"""

# One group per line (a trailing backslash continues it), members separated by commas;
# "#" starts a comment line.
_SYNONYMS = """
# mood
depression, depressed, depressive, low mood, feel down, feeling down, feel low, feeling low, \
sad, sadness, unhappy, miserable, hopeless, hopelessness, mood, anhedonia, no motivation, \
enjoy things
rumination, ruminate, ruminating, dwell, dwelling, overthinking, brooding

# anxiety
anxiety, anxious, worry, worried, worrying, worrier, nervous, nerves, on edge, tense, tension, \
uneasy, what if
generalised, generalized, gad
panic, panic attack, panicking, panicky, heart racing, racing heart, palpitations, \
can't breathe, hyperventilating
agoraphobia, agoraphobic, leave the house, go out, going out, crowd, crowded, crowds, \
supermarket, public transport, bus, train, queue, shopping centre, shopping center
shop, shopping, supermarket, grocery, groceries, food shop
reassurance, reassure, checking, check with
uncertainty, uncertain, not knowing, what if

# social anxiety
social, socialise, socialize, friends, friend, gathering, party, parties, people, lonely, \
loneliness, isolated, meet people
shy, shyness, embarrassed, embarrassment, judged, blush, blushing
presentation, give a presentation, public speaking, speak, speech, talk in front, speak up
conversation, conversations, small talk, chat, chatting, talk to

# trauma
trauma, traumatic, traumatised, traumatized, ptsd, post traumatic, nightmare, bad dream, \
flashback, reliving, intrusive memory, assault, abuse, accident
nightmare, bad dream, night terror
flashback, reliving, dissociation, dissociate, zone out, grounding
drive, driving, car, motorway, highway, road

# sleep
sleep, asleep, bed, bedtime, insomnia, can't sleep, night, awake, tired, exhausted

# substances
drink, drinking, drinker, drunk, alcohol, alcoholic, booze, beer, wine, spirits, hangover, units
drug, drugs, cannabis, weed, cocaine, heroin, opioid, substance, substance use, stoned, \
addiction, addicted
craving, urge, tempted, temptation
relapse, lapse, slip, setback, go back
smoke, smoking, smoker, cigarette, fag, nicotine, tobacco, vape, vaping, e-cigarette, \
quit smoking, stop smoking
quit, stop, give up, quit date

# relationships
relationship, partner, couple, marriage, married, husband, wife, boyfriend, girlfriend, spouse
argument, argue, arguing, fight, fighting, conflict, shouting
anger, angry, shout, shouting, yell, yelling, temper, rage
communication, communicate, listen, listening, i statement, talk
pattern, patterns, relating, relational, same kind of relationship

# self-esteem and boundaries
boundary, boundaries, say no, saying no, assertive, assertiveness, people pleasing, \
people pleaser, pushover, turn down, refuse, decline
self esteem, low self esteem, confidence, confident, worth, self worth, worthless, \
good enough, not good enough, useless, failure
self critical, self criticism, inner critic, hate myself, critical
compassion, self compassion, kinder, kindness
guilt, guilty, selfish
self care, me time, time for myself, for myself, looking after myself

# work and daily life
work, job, office, colleague, colleagues, career, employment

# techniques
exposure, hierarchy, face my fears, facing, avoid, avoidance, avoiding
psychodynamic, unconscious, early experiences, childhood, understand why
behaviour, behavior, behavioural, behavioral
stabilisation, stabilization, grounding
desensitisation, desensitization, emdr
relaxation, relax, relaxing, calm, unwind, switch off
mindfulness, mindful, urge surfing

# instruments, however they are typed
phq 9, phq9
gad 7, gad7
pcl 5, pcl5
phq 15, phq15
audit c, auditc
core 10, core10
"""


def _groups(block: str) -> tuple[tuple[str, ...], ...]:
    return tuple(
        tuple(member.strip() for member in line.split(",") if member.strip())
        for line in block.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS.split())
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = _groups(_SYNONYMS)

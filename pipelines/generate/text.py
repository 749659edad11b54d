"""Free text whose tone follows what happened: complaints, compliments, chats, social posts.

Texts are assembled from interchangeable openers, event descriptions, consequences, demands and
closers, each with many phrasings and slots (flight, city, hours, names), then shuffled in order,
register (formal, casual, furious) and surface (typos, shouting, emoji). The event drives which
pools are used, so a model can learn tone and cause, but no single template identifies a class.
"""

from __future__ import annotations

import random

OPENERS = {
    "formal": ["Dear Sir or Madam,", "To whom it may concern,", "Dear customer service team,",
               "Hello,", "Good afternoon,", "Dear Meridian Air,"],
    "casual": ["Hi,", "Hey there,", "Hi team,", "Hello!", "", "Ok so"],
    "furious": ["I am absolutely livid.", "This is unacceptable.", "Never again.",
                "I have had it with you people.", "Where do I even start.", ""],
}
EVENTS = {
    "cancelled": ["my flight {flight} from {origin} to {dest} was cancelled {when}",
                  "you cancelled {flight} {when} with barely any notice",
                  "{flight} to {dest} simply got cancelled {when}",
                  "we were told at the gate that {flight} would not operate",
                  "the {origin}-{dest} service I booked was scrapped {when}"],
    "delayed": ["{flight} left {hours} hours late", "we sat at {origin} for {hours} hours",
                "the delay on {flight} was {minutes} minutes",
                "our departure to {dest} slipped by {hours} hours",
                "{flight} was delayed again and again, {hours}h in total"],
    "diverted": ["{flight} was diverted and we landed somewhere else entirely",
                 "instead of {dest} we ended up at another airport",
                 "the flight diverted and nobody told us what would happen next"],
    "bag_lost": ["my suitcase never arrived in {dest}", "my bag is lost, tag {tag}",
                 "after {days} days there is still no trace of my luggage",
                 "your baggage desk says my bag cannot be located"],
    "bag_delayed": ["my bag arrived {days} days after I did", "the luggage came on a later flight",
                    "I waited at the belt in {dest} but my case was not on {flight}"],
    "bag_damaged": ["my suitcase came back with a broken handle",
                    "the wheels of my case were ripped off", "my bag was torn open on arrival"],
    "ancillary": ["I paid for {extra} and never got it", "the {extra} I bought was not available",
                  "nobody honoured the {extra} on my booking"],
    "smooth": ["my flight {flight} to {dest} was perfect", "everything on {flight} went smoothly",
               "the trip from {origin} to {dest} was a pleasure",
               "we arrived in {dest} early and relaxed", "boarding at {origin} was quick"],
}
CONSEQUENCES = ["I missed a {occasion}.", "We lost a night of our holiday.",
                "I had to pay for a hotel myself.", "Nobody offered a meal voucher.",
                "My children were exhausted.", "I missed my connection in Amsterdam.",
                "The rebooking queue took {hours} hours.", "The app kept showing wrong times.",
                "Staff at the desk had no information.", "I had to buy clothes and toiletries."]
PRAISE = ["{staff} at the gate was wonderful.", "The crew on {flight} were so kind to my kids.",
          "The food was genuinely good.", "Special thanks to {staff} for the upgrade.",
          "Seat was comfortable and the wifi worked.", "Lovely crew, great service.",
          "The lounge in {origin} was excellent."]
SUGGESTIONS = ["It would help if the app showed the gate earlier.",
               "Please offer more vegetarian options on {dest} flights.",
               "Could you add more power sockets in economy?",
               "Maybe let families board first on long flights.",
               "A quiet zone on early flights would be great.",
               "Please make the loyalty points easier to redeem."]
DEMANDS = ["I expect compensation under EU261.", "Please refund the {extra}.",
           "I want my {amount} EUR back.", "Please call me back on {phone}.",
           "I demand an explanation.", "What are you going to do about it?",
           "My booking reference is {pnr}.", "Please reimburse my hotel costs."]
CLOSERS = {
    "formal": ["Kind regards,", "Yours faithfully,", "Sincerely,", "Best regards,"],
    "casual": ["Thanks", "Cheers", "thx", "Regards", ""],
    "furious": ["Disgusted.", "Do better.", "Shame on you.", "Awful airline.", ""],
}
EMOJI = {"negative": ["😡", "🤬", "👎", "😤", "🙄"], "positive": ["😊", "👍", "✈️", "🙏", "❤️"]}
OCCASIONS = ["wedding", "business meeting", "funeral", "job interview", "concert", "cruise"]
STAFF = ["Anna", "Joost", "Priya", "Marco", "Fatima", "the purser", "the gate agent", "Sven"]


def _surface(r: random.Random, text: str, register: str) -> str:
    if register == "furious" and r.random() < 0.25:
        text = text.upper()
    elif register == "casual" and r.random() < 0.3:
        text = text.lower()
    if r.random() < 0.15:  # a typo somewhere
        pos = r.randrange(1, max(2, len(text) - 1))
        text = text[:pos] + text[pos + 1] + text[pos] + text[pos + 2 :] if pos + 1 < len(
            text) else text
    return text


def compose(seed: int, kind: str, events: list[str], slots: dict[str, object],
            signature: str = "") -> str:
    """Feedback text for ``kind`` (complaint | compliment | suggestion) about ``events``."""
    r = random.Random(seed)
    register = ("furious" if kind == "complaint" and r.random() < 0.4 else
                r.choice(["formal", "casual"]))
    fill = {"occasion": r.choice(OCCASIONS), "staff": r.choice(STAFF), **slots}
    parts = [r.choice(OPENERS[register])]
    body = [r.choice(EVENTS[e]).format(**fill) for e in events] or [
        r.choice(EVENTS["smooth"]).format(**fill)]
    body = [s[0].upper() + s[1:] + r.choice([".", "!", ".", "..."]) for s in body]
    if kind == "complaint":
        body += r.sample(CONSEQUENCES, k=r.randint(0, 2))
        body += r.sample(DEMANDS, k=r.randint(1, 2))
    elif kind == "compliment":
        body += r.sample(PRAISE, k=r.randint(1, 2))
    else:
        body += r.sample(SUGGESTIONS, k=r.randint(1, 2))
    r.shuffle(body)
    parts += [s.format(**fill) for s in body]
    if r.random() < 0.3:
        tone = "negative" if kind == "complaint" else "positive"
        parts.append(r.choice(EMOJI[tone]))
    parts += [r.choice(CLOSERS[register]), signature]
    return _surface(r, " ".join(p for p in parts if p), register)


SOCIAL_NEG = ["{flight} cancelled AGAIN. thanks for nothing @MeridianAir",
              "stuck at {origin} for {hours}h, zero info from @MeridianAir",
              "@MeridianAir where is my bag?? landed in {dest} ages ago",
              "worst airline experience ever, {flight} {hours} hours late #neveragain",
              "@MeridianAir diverted and abandoned. great job"]
SOCIAL_POS = ["lovely crew on {flight} today, thanks @MeridianAir",
              "smooth ride {origin} to {dest} with @MeridianAir",
              "@MeridianAir upgrade surprise on the way to {dest}!",
              "on time and friendly, well done @MeridianAir"]
SOCIAL_NEUTRAL = ["anyone flown @MeridianAir to {dest}? worth it?",
                  "@MeridianAir what is the cabin bag limit on {flight}?",
                  "boarding {flight} now, see you {dest}"]


def social_post(seed: int, mood: str, slots: dict[str, object]) -> str:
    r = random.Random(seed)
    pool = {"negative": SOCIAL_NEG, "positive": SOCIAL_POS}.get(mood, SOCIAL_NEUTRAL)
    text = r.choice(pool).format(**slots)
    if r.random() < 0.4:
        text += " " + r.choice(EMOJI["negative" if mood == "negative" else "positive"])
    if r.random() < 0.3:
        text += r.choice([" #travel", " #avgeek", " #fail", " #airport", ""])
    return _surface(r, text, "furious" if mood == "negative" else "casual")

"""A seeded synthetic customer file for the Spark test and benchmark.

Rows: ``id,schema,name,birthDate,nationality,country``. About 3 % of the
rows carry a listed entity's name, written the ways customer records write
names (case, word order, joined or hyphenated Korean given names, a dropped
middle word, a typo); the rest are people and firms drawn from name pools
(Korean, Chinese, Russian, Arabic, Western) that mostly do not match. A few
rows are bad the ways the CLI reports: no name, a schema that is not a
screening schema (rejected), a date that does not parse or a country nobody
knows (left out of the row's query). At most 20 of each, the number
``yalu screen`` prints one by one."""

import csv
import random

COLUMNS = ["id", "schema", "name", "birthDate", "nationality", "country"]

SURNAMES = ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh",
            "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Ivanov", "Smirnov",
            "Kuznetsov", "Popov", "Sokolov", "Haddad", "Khalil", "Nasser", "Smith", "Johnson",
            "Williams", "Brown", "Garcia", "Martinez", "Muller", "Schmidt", "Rossi", "Dubois"]
GIVEN = ["Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Su-ah", "Wei", "Fang", "Jun", "Ling",
         "Xiu", "Dmitry", "Olga", "Sergei", "Anna", "Natalia", "Omar", "Layla", "Yusuf", "James",
         "Mary", "Robert", "Linda", "Carlos", "Sofia", "Hans", "Giulia", "Pierre", "Claire"]
FIRM = ["Trading", "Logistics", "Seafood", "Textile", "Shipping", "Holdings", "Industrial",
        "Garments", "Fisheries", "Construction", "Labour Services", "Import Export"]
PLACES = ["Dandong", "Shenyang", "Dalian", "Vladivostok", "Busan", "Rotterdam", "Lagos", "Dubai",
          "Hamburg", "Lyon", "Manila", "Jakarta"]
FORMS = ["Co., Ltd.", "LLC", "GmbH", "Corporation", "Company", "Ltd"]
COUNTRIES = ["kr", "cn", "ru", "us", "de", "fr", "ae", "ng", "ph", "id", "jp", "kp", "", ""]


def _perturb(rng, name):
    words = name.replace(",", " ").split()
    roll = rng.random()
    if roll < 0.25 or not words:
        return name
    if roll < 0.45:
        return " ".join(reversed(words)).title()
    if roll < 0.6 and len(words) >= 3:
        return " ".join(words[:1] + ["-".join(words[1:3]).title()] + words[3:])
    if roll < 0.75 and len(words) >= 3:
        return " ".join(words[:-1])
    if roll < 0.9:
        w = rng.randrange(len(words))
        word = words[w]
        if len(word) > 3:
            i = rng.randrange(1, len(word) - 1)
            words[w] = word[:i] + word[i + 1:]
        return " ".join(words)
    return name.lower()


#: How many rows of each kind of bad row or value :func:`rows` writes.
BAD = (("no_name", 8), ("bad_schema", 4), ("bad_date", 10), ("bad_country", 6))


def rows(n, listed, seed=2026, bad_counts=BAD):
    """``n`` customer rows; ``listed`` is a list of (schema, name, birthDate,
    nationality) of listed entities to draw look-alikes from; ``bad_counts``
    how many rows of each bad kind (drawn at random, so two may fall on the
    same row)."""
    rng = random.Random(seed)
    bad = {}
    for kind, count in bad_counts:
        for _ in range(count):
            bad[rng.randrange(n)] = kind
    out = []
    for i in range(n):
        cid = f"cust-{i + 1}"
        if listed and rng.random() < 0.03:
            schema, name, dob, nat = rng.choice(listed)
            name = _perturb(rng, name)
            dob = dob if rng.random() < 0.6 else ""
            nat = nat if rng.random() < 0.6 else ""
            row = [cid, schema, name, dob, nat, ""]
        elif rng.random() < 0.15:
            firm = f"{rng.choice(PLACES)} {rng.choice(FIRM)} {rng.choice(FORMS)}"
            row = [cid, "Company", firm, "", "", rng.choice(COUNTRIES)]
        else:
            name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
            if rng.random() < 0.3:
                name = f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}"
            dob = f"{rng.randrange(1940, 2005)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
            if rng.random() < 0.3:
                dob = dob[:4]
            row = [cid, "Person", name, dob, rng.choice(COUNTRIES), ""]
        kind = bad.get(i)
        if kind == "no_name":
            row[2] = ""
        elif kind == "bad_schema":
            row[1] = "Ownership"
        elif kind == "bad_date":
            row[1], row[3] = "Person", rng.choice(["31 Febtember 1970", "1984-13-45", "19x0"])
        elif kind == "bad_country":
            row[4] = "Atlantis"
        out.append(row)
    return out


def listed_names(index, limit=4000, seed=7):
    """(schema, name, birthDate, nationality) of up to ``limit`` persons and
    organisations of an index, drawn with a seed."""
    rng = random.Random(seed)
    ids = sorted(index.ids())
    rng.shuffle(ids)
    out = []
    for eid in ids:
        e = index.get(eid)
        props = e.get("properties", {})
        if e["schema"] not in ("Person", "Organization", "Company", "LegalEntity") or not props.get("name"):
            continue
        dob = (props.get("birthDate") or [""])[0]
        nat = (props.get("nationality") or [""])[0]
        out.append((e["schema"], props["name"][0], dob, nat))
        if len(out) >= limit:
            break
    return out


def write(path, data):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        w.writerows(data)

"""Runs the PyPI package `yente-client` against a running `yalu serve`.

Usage: python yente_client_check.py BASE_URL API_KEY

Exits non-zero (with a traceback) on the first call whose answer the client
cannot parse or whose content is wrong. Started by
crates/yalu-server/tests/python_client.rs, which serves the demo list.
"""

import sys

from yente_client import Client, Company, Person
from yente_client.exceptions import AuthenticationError, NotFoundError


def main(base_url: str, api_key: str) -> None:
    with Client(base_url=base_url, api_key=api_key, app_name="yalu-ci") as client:
        assert client.healthz().status == "ok"
        assert client.readyz().status == "ok"

        # The match call: Hangul query, romanised listing.
        hits = client.match(Person(name="김정은", birthDate="1984"), threshold=0.7)
        assert hits.top is not None, "no result"
        assert hits.top.id == "ofac-9001", hits.top.id
        assert hits.top.match and hits.top.score >= 0.7, hits.top
        assert hits.total.value == len(hits.matches), (hits.total, hits.matches)
        assert "us_ofac_sdn" in hits.top.datasets
        assert hits.limit == 5
        assert hits.top.explanations["name"].score > 0

        # Filters and the dataset path.
        hits = client.match(
            Company(name="Koryo Seafood Processing General Company"),
            datasets=["us_ofac_sdn"],
            limit=3,
        )
        assert hits.top is not None and hits.top.id == "ofac-9007", hits.top
        hits = client.match(
            Person(name="Kim Jong Un"), exclude_entities=["ofac-9001"], cutoff=0.0
        )
        assert all(r.id != "ofac-9001" for r in hits.results)

        # yente's algorithm names and nomenklatura's weights: a heavier
        # birth-year penalty (dob_year_disjoint) lowers a homonym's score;
        # a feature Yalu has no counterpart for passes (reported, not applied).
        homonym = Person(name="Kim Jong Un", birthDate="1950")
        plain = client.match(homonym, algorithm="logic-v2", cutoff=0.0)
        heavy = client.match(
            homonym,
            algorithm="logic-v2",
            cutoff=0.0,
            weights={"dob_year_disjoint": -0.6, "name_literal_match": 0.5},
        )
        p_top = next(r for r in plain.results if r.id == "ofac-9001")
        h_top = next(r for r in heavy.results if r.id == "ofac-9001")
        assert h_top.score < p_top.score, (h_top.score, p_top.score)

        # Many queries through the client's own concurrent helper.
        people = [(f"p{i}", Person(name=n)) for i, n in enumerate(["Ri Chol Nam", "Pak Kyong Thaek", "Yun Song Il"])]
        tops = {key: res.top.id for key, res in client.match_iter(people, workers=3)}
        assert tops == {"p0": "ofac-9002", "p1": "ofac-9003", "p2": "ofac-9010"}, tops

        search = client.search("Kim Jong Un", schema="Person", limit=2)
        assert search.results[0].id == "ofac-9001", search.results
        assert search.total.value >= 1 and search.limit == 2

        # One word, a prefix, a typo with fuzzy, facets over all results.
        search = client.search("Koryo")
        assert search.results[0].id == "ofac-9007", search.results
        search = client.search("Kory", facets=["datasets"])
        assert "ofac-9007" in [r.id for r in search.results], search.results
        assert search.facets["datasets"].values[0].count == search.total.value
        search = client.search("Korio Seafood", fuzzy=True)
        assert search.results and search.results[0].id == "ofac-9007", search.results
        # changed_since is sent and applied: nothing changed after 2999.
        search = client.search("Kim", changed_since="2999-01-01")
        assert search.total.value == 0, search.total

        # fetch is nested by default: the company sees who is linked to it,
        # and the person reaches the company.
        entity = client.fetch("ofac-9005")
        assert entity.schema_ == "Organization" or entity.schema_ == "Company", entity.schema_
        linked = [
            link.properties["subject"][0].id
            for link in entity.properties["unknownLinkObject"]
        ]
        assert "ofac-9004" in linked, linked
        person = client.fetch("ofac-9004")
        link = person.properties["unknownLinkSubject"][0]
        assert link.schema_ == "UnknownLink"
        assert link.properties["object"][0].id == "ofac-9005"
        flat = client.fetch("ofac-9004", nested=False)
        assert "unknownLinkSubject" not in flat.properties
        try:
            client.fetch("ofac-no-such-id")
            raise AssertionError("fetch of a missing id did not fail")
        except NotFoundError:
            pass

        datasets = client.datasets()
        names = {d.name for d in datasets.datasets}
        assert {"default", "us_ofac_sdn"} <= names, names
        algorithms = client.algorithms()
        assert algorithms.default == algorithms.algorithms[0].name

    with Client(base_url=base_url, api_key="yalu_000000000000_" + "0" * 64) as bad:
        try:
            bad.match(Person(name="Kim Jong Un"))
            raise AssertionError("a wrong key was accepted")
        except AuthenticationError as exc:
            assert exc.status_code == 401

    print("yente-client: all checks passed")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

"""Unit tests of the Python bindings (yalu._yalu): shapes, agreement with the
library's own paths (the CLI, /match's scorer), errors and their codes."""

import csv
import json
import subprocess

import pytest

import yalu
from conftest import DEMO_LIST, yalu_binary


@pytest.fixture(scope="module")
def demo():
    return yalu.Index.from_lists([str(DEMO_LIST)])


def person(*names, **props):
    properties = {"name": list(names)}
    for key, value in props.items():
        properties[key] = value if isinstance(value, list) else [value]
    return {"schema": "Person", "properties": properties}


def test_from_lists_reports_what_it_read(demo):
    assert len(demo) == 10
    (info,) = demo.lists
    assert info["dataset"] == "us_ofac_sdn"
    assert info["entities"] == 10
    assert info["skipped"] == []
    assert demo.get("ofac-9001")["schema"] == "Person"
    assert demo.get("no-such-id") is None
    assert sorted(demo.ids())[0] == "ofac-9001"


def test_match_answers_in_yente_shape_with_explanations(demo):
    answer = demo.match(person("김정은", birthDate="1984"))
    assert set(answer) == {"status", "results", "total", "query", "warnings"}
    assert answer["status"] == 200
    top = answer["results"][0]
    for key in ("id", "caption", "schema", "properties", "datasets", "score", "match",
                "explanations", "target", "referents"):
        assert key in top, key
    assert top["id"] == "ofac-9001" and top["match"] is True
    assert {"name", "birth_date"} <= set(top["explanations"])
    name = top["explanations"]["name"]
    assert {"detail", "score", "contribution"} <= set(name) and name["detail"]
    assert answer["total"] == {"value": 1, "relation": "eq"}
    # Results are best first and `match` follows the threshold.
    strict = demo.match(person("Kim Jong Un"), threshold=1.0)
    assert all(r["match"] == (r["score"] >= 1.0) for r in strict["results"])
    assert demo.match(person("Kim Jong Un"), limit=1)["results"].__len__() <= 1


def test_match_leaves_out_bad_values_with_a_warning(demo):
    answer = demo.match(person("Ri Chol Nam", birthDate="31 Febtember", nationality="Atlantis"))
    codes = sorted(w["code"] for w in answer["warnings"])
    assert codes == ["invalid_country", "invalid_date"]
    assert "birthDate" not in answer["query"]["properties"]
    assert answer["results"][0]["id"] == "ofac-9002"


def test_score_is_the_scorer_the_index_uses(demo):
    query = person("Choe Myong Hui", birthDate="1986", nationality="kp")
    via_index = {r["id"]: r["score"] for r in demo.match(query, limit=10)["results"]}
    listed = demo.get("ofac-9004")
    pair = yalu.score(query, {"schema": listed["schema"], "properties": listed["properties"]})
    assert set(pair) == {"score", "match", "explanations"}
    assert pair["score"] == pytest.approx(via_index["ofac-9004"], abs=1e-9)
    other = yalu.score(query, person("Anna Schmidt", birthDate="1950"))
    assert other["score"] < 0.5 and other["match"] is False


def test_from_entities_builds_an_index_from_ftm_dicts():
    index = yalu.Index.from_entities([
        {"id": "x-1", "schema": "Person", "properties": {"name": ["PAK Pong Ju"], "birthDate": ["1939"]},
         "datasets": ["mine"]},
        {"id": "x-2", "schema": "Company", "properties": {"name": ["Korea Ryonbong General Corporation"]}},
    ])
    assert len(index) == 2
    hits = index.match(person("Pak Pongju"))["results"]
    assert hits[0]["id"] == "x-1" and hits[0]["datasets"] == ["mine"]
    assert index.get("x-2")["datasets"] == ["opensanctions"]
    with pytest.raises(yalu.YaluError) as e:
        yalu.Index.from_entities([{"schema": "Person", "properties": {}}])
    assert e.value.code == "invalid_entity" and "entity 0" in e.value.detail


def test_screen_batch_reports_bad_rows_and_values(demo):
    out = demo.screen_batch(
        [
            {"cust": "c1", "full": "Kim Jong Un", "dob": "1984"},
            {"cust": "c2", "full": ""},
            {"cust": "c3", "full": "Ri Chol Nam", "dob": "31 Febtember"},
            {"cust": "c4", "full": {"not": "text"}},
            {"cust": "c5", "full": "Anna Schmidt", "kind": "Ownership"},
        ],
        mapping={"id": "cust", "name": "full", "birthDate": "dob", "schema": "kind"},
        first_row=11,
    )
    assert out["rows"] == 5
    assert [h["row"] for h in out["hits"]][:1] == [11]
    assert {h["query_id"] for h in out["hits"]} >= {"c1", "c3"}
    hit = out["hits"][0]
    assert list(hit) == yalu.CSV_COLUMNS
    rejected = {r["row"]: r["reason"] for r in out["rejected"]}
    assert set(rejected) == {12, 14, 15}
    # Records come from no file: a row number, no file line.
    assert all(set(r) == {"row", "reason"} for r in out["rejected"])
    assert "no name" in rejected[12]
    assert "must be a string" in rejected[14]
    assert "not a screening schema" in rejected[15]
    (left,) = out["left_out"]
    assert (left["row"], left["code"], left["column"]) == (13, "invalid_date", "dob")
    assert "line" not in left
    explained = demo.screen_batch([{"name": "Kim Jong Un"}], explain=True, threads=1)
    assert "name" in explained["hits"][0]["explanations"]


def test_screen_batch_equals_yalu_screen_on_the_same_rows(demo, tmp_path):
    exe = yalu_binary()
    rows = [
        ("c1", "Person", "KIM Jong-un", "1984-01-08", "kp"),
        ("c2", "Person", "Ri Cholnam", "1971", ""),
        ("c3", "", "Samhae Trading Corp", "", "kp"),
        ("c4", "Person", "", "1980", "kp"),
        ("c5", "Vessel", "Paektu Star", "", ""),
        ("c6", "Person", "Choe Myong-hui", "1986;1987", "North Korea"),
        ("c7", "Person", "Yun Song Il", "4 Nov 1976x", "Atlantis"),
        ("c8", "Person", "Maria Garcia", "1990", "es"),
    ]
    columns = ["id", "schema", "name", "birthDate", "nationality"]
    src = tmp_path / "customers.csv"
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(columns)
        w.writerows(rows)
    out = tmp_path / "hits.csv"
    cli = subprocess.run(
        [str(exe), "screen", "--list", str(DEMO_LIST), "--input", str(src), "--output", str(out),
         "--threshold", "0.6", "--json"],
        capture_output=True, text=True, check=True,
    )
    summary = json.loads(cli.stdout)
    with open(out, newline="", encoding="utf-8") as f:
        expected = list(csv.reader(f))
    assert expected[0] == yalu.CSV_COLUMNS
    records = [[v if v != "" else None for v in r] for r in rows]
    got = demo.screen_records(columns, records, threshold=0.6)
    as_csv = [[str(h["row"]), h["query_id"], h["query_name"], h["entity_id"], h["caption"],
               h["schema"], f"{h['score']:.4f}", "true" if h["match"] else "false",
               h["datasets"], h["lookalikes"]] for h in got["hits"]]
    assert as_csv == expected[1:]
    assert len(as_csv) >= 5
    assert len(got["rejected"]) == summary["rejected"] == 1
    assert len(got["left_out"]) == summary["values_left_out"] == 2
    for r in got["rejected"]:
        assert f"(row {r['row']}): {r['reason']}" in cli.stderr


def test_screen_records_rejects_a_row_with_another_width(demo):
    got = demo.screen_records(["id", "name"], [["a", "Kim Jong Un"], ["b"], ["c", "x", "y"]])
    assert [(r["row"], r["reason"]) for r in got["rejected"]] == [
        (2, "1 fields where the header has 2"),
        (3, "3 fields where the header has 2"),
    ]


def test_screen_csv_lines_read_in_pieces_give_the_rows_of_the_whole(demo):
    lines = [b"id,name,dob", b"a,Kim Jong Un,1984", b"", b'b,"KIM', b'Jong Un",1984',
             b"c,Caf\xe9,1970", b"d,only", b'e,"Ri, Chol",31 Febtember']
    mapping = "id=id,name=name,birthDate=dob"
    whole = demo.screen_csv_lines(lines[0], lines, mapping=mapping, origin="c.csv")
    assert whole["rows"] == 5 and whole["end"] == {"line": 9, "row": 6, "in_quoted_field": False}
    assert [(r["row"], r["line"], r["reason"]) for r in whole["rejected"]] == [
        (2, 4, yalu._yalu.SPANS_LINES),
        (3, 6, "column `name` is not valid UTF-8"),
        (4, 7, "2 fields where the header has 3"),
    ]
    assert [(v["row"], v["column"]) for v in whole["left_out"]] == [(5, "dob")]
    assert {h["row"] for h in whole["hits"]} == {1}
    # Cut anywhere (inside the quoted field too), each piece read apart at
    # the position its run gives, the rows are the same.
    for cut in range(len(lines) + 1):
        pieces = [lines[:cut], lines[cut:]]
        runs = [yalu._yalu.scan_csv_lines(p) for p in pieces]
        assert yalu._yalu.scan_csv_lines(pieces[1], runs[0]) == yalu._yalu.scan_csv_lines(lines)
        starts = yalu._yalu.csv_line_positions(runs)
        got = [demo.screen_csv_lines(lines[0], p, s, mapping=mapping) for p, s in zip(pieces, starts)]
        assert got[1]["end"] == whole["end"]
        for key in ("hits", "rejected", "left_out"):
            assert got[0][key] + got[1][key] == whole[key], (cut, key)
    with pytest.raises(yalu.YaluError) as e:
        demo.screen_csv_lines(b"id,full", [], mapping=mapping, origin="c.csv")
    assert e.value.code == "invalid_header" and e.value.detail.startswith("c.csv: ")


@pytest.mark.parametrize(
    "call, code",
    [
        (lambda ix: ix.match({"schema": "Ownership", "properties": {}}), "unknown_schema"),
        (lambda ix: ix.match({"schema": "Person", "properties": {"name": [{"a": 1}]}}),
         "invalid_property_value"),
        (lambda ix: ix.match({"properties": {}}), "invalid_request"),
        (lambda ix: ix.match({"schema": "Person", "properties": {}}, threshold=1.5), "invalid_parameter"),
        (lambda ix: ix.match({"schema": "Person", "properties": {}}, limit=0), "invalid_parameter"),
        (lambda ix: ix.screen_batch([{"name": "x"}], mapping="colour=name"), "invalid_column_map"),
        (lambda ix: ix.screen_batch([{"name": "x"}], mapping={"name": "missing"}), "invalid_header"),
        (lambda ix: ix.screen_batch([{"nom": "x"}]), "invalid_header"),
        (lambda ix: ix.screen_batch([{"name": "x"}], schema="Ownership"), "unknown_schema"),
        (lambda ix: ix.screen_batch([{"name": "x"}], threads=0), "invalid_parameter"),
        (lambda ix: yalu.Index.from_lists(["/no/such/list"]), "list_io"),
        (lambda ix: yalu.Index.from_lists([str(DEMO_LIST / "README.md")]), "list_unknown_format"),
        (lambda ix: yalu.detect("/no/such/folder"), "data_io"),
    ],
)
def test_errors_carry_stable_codes(demo, call, code):
    with pytest.raises(yalu.YaluError) as e:
        call(demo)
    assert e.value.code == code, e.value
    assert e.value.detail and str(e.value).startswith(code + ": ")


def test_diff_and_monitor_follow_yalu_monitor():
    old = yalu.Index.from_entities([
        {"id": "a", "schema": "Person", "properties": {"name": ["KIM Yong Chol"], "birthDate": ["1946"]}},
        {"id": "b", "schema": "Person", "properties": {"name": ["RI Su Yong"]}},
    ])
    new = yalu.Index.from_entities([
        {"id": "a", "schema": "Person", "properties": {"name": ["KIM Yong Chol"], "birthDate": ["1961"]}},
        {"id": "c", "schema": "Person", "properties": {"name": ["PAK Pong Ju"]}},
    ])
    d = yalu.diff(old, new)
    assert [e["id"] for e in d["added"]] == ["c"]
    assert [e["id"] for e in d["removed"]] == ["b"]
    assert d["changed"][0]["properties"][0]["property"] == "birthDate"
    out = new.monitor_records(
        old, ["id", "name", "birthDate"],
        [["q1", "Kim Yong Chol", "1946"], ["q2", "Ri Su Yong", None], ["q3", "Pak Pong Ju", None],
         ["q4", None, None]],
    )
    by = {(c["query_id"], c["entity_id"]): c for c in out["changes"]}
    assert by[("q2", "b")]["kind"] == "gone" and by[("q2", "b")]["cause"] == "delisted"
    assert by[("q3", "c")]["kind"] == "new" and by[("q3", "c")]["cause"] == "listed"
    kim = by[("q1", "a")]
    assert kim["cause"] == "entry_changed" and kim["entry_changes"][0]["property"] == "birthDate"
    assert [r["row"] for r in out["rejected"]] == [4]


def test_detect_runs_the_rules_on_a_data_folder(tmp_path):
    (tmp_path / "persons.csv").write_text(
        "person_id,full_name,birth_date,nationality\n"
        "p1,Kim Chol Su,1990-04-02,KP\n"
        "p2,김철수,1990-04-02,North Korea\n"
        "p3,,,\n", encoding="utf-8")
    (tmp_path / "organizations.csv").write_text("org_id,name\nc1,Dalian Seafood Processing\n")
    (tmp_path / "documents.csv").write_text(
        "document_id,person_id,kind,category,valid_from,valid_until\n"
        "d1,p2,visa,intern,2019-01-01,2019-01-31\n")
    (tmp_path / "placements.csv").write_text(
        "placement_id,person_id,client_org_id,start_on,end_on\nw1,p1,c1,2019-01-10,2019-06-30\n")
    out = yalu.detect(tmp_path, lists=yalu.Index.from_lists([str(DEMO_LIST)]))
    alert = next(a for a in out["alerts"] if a["rule"] == "NONWORK_VISA_EMPLOYMENT")
    assert alert["subject_ids"] == ["c1", "p1", "p2"]
    assert out["persons"] == 1
    assert [(r["file"], r["line"]) for r in out["rejected"]] == [("persons.csv", 4)]
    with pytest.raises(yalu.YaluError) as e:
        yalu.detect(tmp_path, strict=True)
    assert e.value.code == "rejected_row"


def test_match_results_carry_the_network_as_match_does(tmp_path):
    # A company not listed itself, owned by a listed person: like /match,
    # the binding names the listed owner in `linked` and explains it as the
    # `network` feature, which moves the score by nothing.
    entities = [
        {"id": "t-owner", "schema": "Person", "target": True, "datasets": ["t"],
         "properties": {"name": ["PAK Chol Su"], "nationality": ["kp"]}},
        {"id": "t-firm", "schema": "Company", "target": False, "datasets": ["t"],
         "properties": {"name": ["Haegumgang Trading Company"]}},
        {"id": "t-own", "schema": "Ownership", "target": False, "datasets": ["t"],
         "properties": {"owner": ["t-owner"], "asset": ["t-firm"]}},
    ]
    path = tmp_path / "network.ftm.json"
    path.write_text("".join(json.dumps(e) + "\n" for e in entities))
    index = yalu.Index.from_lists([str(path)])
    firm = index.match({"schema": "Company",
                        "properties": {"name": ["Haegumgang Trading"]}})["results"][0]
    assert firm["id"] == "t-firm"
    assert [(l["id"], l["relation"]) for l in firm["linked"]] == [("t-owner", "owned by")]
    network = firm["explanations"]["network"]
    assert network["score"] == 1.0 and network["contribution"] == 0.0
    assert "t-owner" in network["detail"]
    owner = index.match(person("Pak Chol Su"))["results"][0]
    assert owner["id"] == "t-owner"
    assert "network" not in owner["explanations"]
    # linked only to a company that is not listed: `linked` is left out
    assert "linked" not in owner


def test_screen_batch_lets_other_python_threads_run(demo):
    # The screening itself runs with the GIL released: a Python thread that
    # only counts keeps counting during the call. Were the GIL held for the
    # whole call, it could not run at all (a rate near 0). Rates are
    # compared with the same thread's rate just before, on the same
    # machine, so a busy machine slows both.
    import threading
    import time

    rows = [{"name": f"Kim Chol Su {i}", "birthDate": "1970"} for i in range(30000)]
    state = {"ticks": 0, "stop": False}

    def count():
        while not state["stop"]:
            state["ticks"] += 1

    counter = threading.Thread(target=count)
    counter.start()
    try:
        time.sleep(0.1)
        before = state["ticks"]
        time.sleep(0.5)
        free_rate = (state["ticks"] - before) / 0.5
        before = state["ticks"]
        start = time.perf_counter()
        out = demo.screen_batch(rows)
        elapsed = time.perf_counter() - start
        during_rate = (state["ticks"] - before) / elapsed
    finally:
        state["stop"] = True
        counter.join()
    assert out["rows"] == len(rows)
    assert during_rate > 0.1 * free_rate, (during_rate, free_rate, elapsed)

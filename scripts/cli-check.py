#!/usr/bin/env python3
"""Runs the README's `shoal query`, `shoal search` and `shoal graph` commands on the README's sample data and checks
their answers against values computed here, independently, from the source files (Python standard library only).

  scripts/cli-check.py SHOAL_BINARY

Prints one PASS/FAIL line per check and "N passed, M failed"; exits 1 on any failure.
"""
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "Examples", "data")
results = []


def check(ok, name, detail=""):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else ": " + detail), flush=True)


def run(shoal, *args, expect_status=0):
    done = subprocess.run([shoal, *args], capture_output=True, text=True, timeout=300)
    if done.returncode != expect_status:
        raise RuntimeError("%s exited %d (expected %d): %s" % (" ".join(args), done.returncode, expect_status,
                                                               done.stderr.strip()[:300]))
    return done


def run_json(shoal, *args):
    return json.loads(run(shoal, *args, "--json").stdout)


def cosine(a, b):
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(x * x for x in b))
    return 0.0 if na == 0 or nb == 0 else sum(x * y for x, y in zip(a, b)) / (na * nb)


def check_query(shoal, store, rows):
    got = run_json(shoal, "query", store, "SELECT count(*) AS n FROM dataset")
    check(got["rows"] == [[len(rows)]], "query: count(*) is the CSV's row count", str(got["rows"]))

    got = run_json(shoal, "query", store, "SELECT id, text FROM dataset WHERE id > 500 ORDER BY id LIMIT 10")
    want = [[r["id"], r["text"]] for r in sorted(rows, key=lambda r: r["id"]) if r["id"] > 500][:10]
    check(got["rows"] == want, "query: the design's example (id > 500, ordered, LIMIT 10)")

    coral = [r for r in rows if "coral" in r["text"].lower()]
    got = run_json(shoal, "query", store,
                   "SELECT count(*) AS n, avg(score) AS a FROM dataset WHERE text LIKE '%coral%'")
    n, a = got["rows"][0]
    want_a = sum(r["score"] for r in coral) / len(coral)
    check(n == len(coral) and abs(a - want_a) <= 1e-9 * abs(want_a), "query: LIKE filter with count and avg",
          "%r vs %r" % ((n, a), (len(coral), want_a)))

    got = run_json(shoal, "query", store,
                   "SELECT id % 3 AS k, count(*) AS n, max(score) AS m FROM dataset GROUP BY k ORDER BY k")
    want = []
    for k in range(3):
        group = [r for r in rows if r["id"] % 3 == k]
        want.append([k, len(group), max(r["score"] for r in group)])
    check(got["rows"] == want, "query: GROUP BY with count and max", "%r vs %r" % (got["rows"], want))

    got = run_json(shoal, "query", store, "SELECT id FROM dataset ORDER BY score DESC, id LIMIT 5 OFFSET 3")
    want = [[r["id"]] for r in sorted(rows, key=lambda r: (-r["score"], r["id"]))][3:8]
    check(got["rows"] == want, "query: ORDER BY + LIMIT + OFFSET across shards")

    done = run(shoal, "query", store, "SELECT * FROM dataset JOIN other", expect_status=2)
    check("unsupported" in done.stderr.lower(), "query: a JOIN is refused with exit 2", done.stderr.strip())
    done = run(shoal, "query", store, "SELECT id FROM dataset WHERE", expect_status=2)
    check("error" in done.stderr.lower(), "query: a syntax error exits 2", done.stderr.strip())


def check_search(shoal, store, rows):
    query = [0.5, -0.2, 0.1, 0.9, -0.7, 0.3, 0.0, 0.4]
    got = run_json(shoal, "search", store, "--vector-json", json.dumps(query), "--top-k", "5")
    ranked = sorted(rows, key=lambda r: -cosine(query, r["vector"]))
    check([h["values"]["id"] for h in got["hits"]] == [r["id"] for r in ranked[:5]],
          "search: cosine top 5 equals brute force")

    got = run_json(shoal, "search", store, "--vector-json", json.dumps(query), "--top-k", "1000", "--metric", "l2",
                   "--threshold=-1.2")
    returned = {h["values"]["id"] for h in got["hits"]}
    distance = {r["id"]: math.dist(query, r["vector"]) for r in rows}
    surely_in = {i for i, d in distance.items() if d < 1.2 - 1e-4}
    surely_out = {i for i, d in distance.items() if d > 1.2 + 1e-4}
    check(surely_in <= returned and not (returned & surely_out) and len(surely_in) > 0,
          "search: l2 threshold 1.2 returns exactly the vectors within it (%d)" % len(returned))

    for hnsw in (False, True):
        extra = ["--index-threshold", "100"] if hnsw else []
        got = run_json(shoal, "search", store, "--vector-json", json.dumps(query), "--top-k", "10", *extra)
        hits = [h["values"]["id"] for h in got["hits"]]
        truth = [r["id"] for r in ranked[:10]]
        recall = len(set(hits) & set(truth)) / 10
        check(recall >= (0.9 if hnsw else 1.0), "search: top 10 %s, recall %.1f" % ("HNSW" if hnsw else "exact",
                                                                                  recall))

    done = run(shoal, "search", store, "--vector-json", "[1, 2, 3]", "--top-k", "3", expect_status=2)
    check("dimension" in done.stderr, "search: a vector of the wrong dimension exits 2", done.stderr.strip())
    done = run(shoal, "search", store, "--vector-json", json.dumps(query), "--top-k", "0", expect_status=2)
    check("error" in done.stderr, "search: top-k 0 exits 2", done.stderr.strip())


def check_graph(shoal, store):
    with open(os.path.join(DATA, "graph-entities.jsonl")) as f:
        entities = [json.loads(line) for line in f if line.strip()]
    with open(os.path.join(DATA, "graph-relations.csv")) as f:
        relations = [(int(r["src"]), int(r["dst"])) for r in csv.DictReader(f)]
    query = [0.1, 0.1, 0.9, 0.2]
    # One seed (top-k 1 of the seeding), expanded: hop distances must be BFS distances over undirected edges.
    got = run_json(shoal, "graph", store, "--query-vector", json.dumps(query), "--max-hops", "2", "--top-k", "20",
                   "--seeds", "1")
    best = max(entities, key=lambda e: cosine(query, e["vector"]))
    hops = {int(e["id"]): e["hop"] for e in got["entities"]}
    distance = {best["id"]: 0}
    frontier = [best["id"]]
    for depth in (1, 2):
        nxt = []
        for v in frontier:
            for a, b in relations:
                for u, w in ((a, b), (b, a)):
                    if u == v and w not in distance:
                        distance[w] = depth
                        nxt.append(w)
        frontier = nxt
    check(hops == distance, "graph: hop distances from the best seed equal a BFS to 2 hops", "%r vs %r" % (hops, distance))
    done = run(shoal, "graph", store, "--query-vector", "[1, 2]", "--max-hops", "1", "--top-k", "3", expect_status=2)
    check("error" in done.stderr, "graph: a query vector of the wrong dimension exits 2", done.stderr.strip())
    done = run(shoal, "graph", store, "--query-vector", json.dumps(query), "--max-hops", "99", "--top-k", "3",
               expect_status=2)
    check("error" in done.stderr, "graph: max-hops over the cap exits 2", done.stderr.strip())


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    shoal = sys.argv[1]
    with open(os.path.join(DATA, "sample.csv")) as f:
        rows = [{"id": int(r["id"]), "text": r["text"], "score": float(r["score"]), "vector": json.loads(r["vector"])}
                for r in csv.DictReader(f)]
    with tempfile.TemporaryDirectory() as work:
        store = os.path.join(work, "store")
        graph = os.path.join(work, "graph")
        steps = [
            (check_query, lambda: run(shoal, "dataset", "pack", os.path.join(DATA, "sample.csv"), "--csv", "--schema",
                                      "id:integer,text:string,score:float,vector:float[8]", "--shard-size", "300",
                                      "--out", store), (store, rows)),
            (check_search, lambda: None, (store, rows)),
            (check_graph, lambda: (
                run(shoal, "dataset", "pack", os.path.join(DATA, "graph-entities.jsonl"), "--jsonl", "--schema",
                    "id:integer,name:string,text:string,vector:float[4]", "--shard-size", "4", "--name", "entities",
                    "--out", graph),
                run(shoal, "dataset", "pack", os.path.join(DATA, "graph-relations.csv"), "--csv", "--schema",
                    "src:integer,dst:integer,type:string", "--shard-size", "8", "--name", "relations", "--out",
                    graph)), (graph,)),
        ]
        for checker, prepare, arguments in steps:
            try:
                prepare()
                checker(shoal, *arguments)
            except Exception as error:  # noqa: BLE001 - any failure is a failed check
                check(False, checker.__name__, "%s: %s" % (type(error).__name__, error))
    failed = results.count(False)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())

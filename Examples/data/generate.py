#!/usr/bin/env python3
"""Writes sample.csv: 1,000 deterministic rows (id, text, score, an 8-dimension vector) for the README.

Run from this directory: python3 generate.py   (standard library only; the output is committed).
"""
import csv

WORDS = ["shoal", "peer", "dataset", "shard", "vector", "fish", "reef", "current", "tide", "kelp",
         "swim", "school", "coral", "drift", "harbor", "wave"]


def lcg(seed):
    state = seed
    while True:
        state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        yield state >> 11


def main():
    rng = lcg(2026)
    with open("sample.csv", "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["id", "text", "score", "vector"])
        for i in range(1000):
            words = [WORDS[next(rng) % len(WORDS)] for _ in range(3 + next(rng) % 6)]
            text = " ".join(words)
            if i % 10 == 3:
                text += ", with a comma"
            if i % 25 == 7:
                text = 'a "quoted" ' + text
            score = (next(rng) % 100001) / 1000.0
            vector = [((next(rng) % 20001) - 10000) / 10000.0 for _ in range(8)]
            writer.writerow([i, text, "%.3f" % score, "[" + ", ".join("%.4f" % x for x in vector) + "]"])


if __name__ == "__main__":
    main()

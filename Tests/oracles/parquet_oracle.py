#!/usr/bin/env python3
"""DuckDB as the peer for Lontar's Parquet reader.

usage: parquet_oracle.py OUTDIR

Writes Parquet files with DuckDB and, for each readable one, the values
DuckDB reads back from it, to OUTDIR/expected.json:

  {"files": {FILE: {"schema": [{"name", "type"}], "rows": [[cell, ...], ...]}},
   "unsupported": {FILE: "what Lontar must reject"}}

Cells are tagged by type: null, "i:<int>", "d:<repr>" (NaN, Infinity,
-Infinity spelled out), "b:true"/"b:false", "s:<text>".

The readable files cover: compression snappy and uncompressed; Parquet
format V1 (data page v1, PLAIN / PLAIN_DICTIONARY) and V2 (data page v2,
RLE_DICTIONARY, DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY); several row
groups; required and optional columns; BIGINT, INTEGER, DOUBLE, FLOAT,
BOOLEAN and VARCHAR with non-ASCII, empty and null strings. The others use
ZSTD and GZIP compression, nested columns, and a DECIMAL column.
"""
import json
import os
import sys

from value_tags import tag

import duckdb

TABLE = r"""
CREATE TABLE t AS
SELECT
  i::BIGINT AS id,
  (i % 7)::INTEGER AS small,
  ((hash(i) % 2000000000)::BIGINT - 1000000000)::INTEGER AS big,
  CASE WHEN i % 11 = 0 THEN NULL
       ELSE (hash(i * 3)::HUGEINT - 9223372036854775808)::BIGINT END AS i64,
  CASE WHEN i % 13 = 0 THEN NULL
       WHEN i % 97 = 1 THEN 'NaN'::DOUBLE
       WHEN i % 97 = 2 THEN '-0.0'::DOUBLE
       WHEN i % 97 = 3 THEN 'inf'::DOUBLE
       WHEN i % 97 = 4 THEN '-inf'::DOUBLE
       ELSE (hash(i * 5) % 1000000)::DOUBLE / 7.0 * pow(10, (i % 40) - 20) END AS d,
  ((i % 1000) / 8.0 - 60)::FLOAT AS f,
  CASE WHEN i % 5 = 0 THEN NULL ELSE hash(i) % 2 = 0 END AS b,
  CASE WHEN i % 9 = 0 THEN NULL
       WHEN i % 9 = 1 THEN ''
       ELSE ['é', 'ü中', 'plain', '😀 emoji', 'a"quote', chr(10) || 'line'][(i % 6) + 1] END AS s,
  'row ' || i || ' ' || repeat('xé', (i % 50)::INTEGER) AS text,
  CASE WHEN i % 3 = 0 THEN NULL ELSE 'maybe ' || (i % 1000) END AS sparse
FROM range(5000) r(i)
"""


def lontar_type(duck_type):
    t = str(duck_type).upper()
    if t in ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UINTEGER", "USMALLINT", "UTINYINT"):
        return "bigint"
    if t in ("DOUBLE", "FLOAT"):
        return "double"
    if t == "BOOLEAN":
        return "boolean"
    if t == "VARCHAR":
        return "string"
    return "other:" + t


def main():
    out = sys.argv[1]
    con = duckdb.connect()
    con.execute(TABLE)
    expected = {"files": {}, "unsupported": {}}
    for version in ("V1", "V2"):
        for codec in ("snappy", "uncompressed"):
            name = "t_%s_%s.parquet" % (codec, version.lower())
            path = os.path.join(out, name)
            con.execute("COPY t TO '%s' (FORMAT parquet, COMPRESSION %s, ROW_GROUP_SIZE 1024, PARQUET_VERSION %s)"
                        % (path, codec, version))
            rel = con.execute("SELECT * FROM read_parquet('%s')" % path)
            schema = [{"name": d[0], "type": lontar_type(d[1])} for d in rel.description]
            rows = [[tag(v) for v in row] for row in rel.fetchall()]
            expected["files"][name] = {"schema": schema, "rows": rows}
    for codec in ("zstd", "gzip"):
        name = "t_%s.parquet" % codec
        con.execute("COPY (SELECT id, s FROM t) TO '%s' (FORMAT parquet, COMPRESSION %s)"
                    % (os.path.join(out, name), codec))
        expected["unsupported"][name] = codec.upper()
    con.execute("COPY (SELECT id, {'a': id, 'b': s} AS info, [s, text] AS tags FROM t LIMIT 100) TO '%s' (FORMAT parquet)"
                % os.path.join(out, "nested.parquet"))
    expected["unsupported"]["nested.parquet"] = "nested"
    con.execute("COPY (SELECT id, (id / 10)::DECIMAL(10, 1) AS price FROM t LIMIT 100) TO '%s' (FORMAT parquet)"
                % os.path.join(out, "decimal.parquet"))
    expected["unsupported"]["decimal.parquet"] = "DECIMAL"
    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False)


if __name__ == "__main__":
    main()

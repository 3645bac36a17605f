#!/usr/bin/env python3
"""PySpark as the peer for Lontar's JSON Lines and CSV readers.

usage: spark_read_oracle.py OUT.json (json|csv) FILE [(json|csv) FILE ...]

Reads each FILE with Spark the way Lontar's readers are specified to match:
`spark.read.json(FILE)` (mode FAILFAST), and
`spark.read.csv(FILE, header=True, inferSchema=True, multiLine=True, escape='"')`
(RFC 4180 quoting; Spark's default escape is a backslash). Writes, per file,
the schema (column name and Lontar's name for the Spark type) and every row
with each cell tagged by its type, so the Swift test can compare exactly:
null, "i:<int>", "d:<repr>" (NaN, Infinity, -Infinity spelled out),
"b:true", "s:<text>".
"""
import json
import sys

from value_tags import tag

from pyspark.sql import SparkSession
from pyspark.sql import types as T


def lontar_type(dt):
    if isinstance(dt, (T.IntegerType, T.LongType, T.ShortType, T.ByteType)):
        return "bigint"
    if isinstance(dt, (T.DoubleType, T.FloatType)):
        return "double"
    if isinstance(dt, T.BooleanType):
        return "boolean"
    if isinstance(dt, T.StringType):
        return "string"
    return "other:" + dt.simpleString()


def main():
    out = sys.argv[1]
    jobs = list(zip(sys.argv[2::2], sys.argv[3::2]))
    spark = (SparkSession.builder.master("local[1]")
             .config("spark.ui.enabled", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    results = []
    for fmt, path in jobs:
        if fmt == "json":
            df = spark.read.option("mode", "FAILFAST").json(path)
        else:
            df = spark.read.csv(path, header=True, inferSchema=True, multiLine=True, escape='"')
        schema = [{"name": f.name, "type": lontar_type(f.dataType)} for f in df.schema.fields]
        rows = [[tag(v) for v in row] for row in df.collect()]
        results.append({"path": path, "schema": schema, "rows": rows})
    spark.stop()
    with open(out, "w", encoding="utf-8") as f:
        json.dump(results, f, ensure_ascii=False)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""PySpark (parquet-mr) as a second writer for Lontar's Parquet reader test.

usage: spark_parquet_oracle.py OUTDIR

DuckDB never writes DATA_PAGE_V2 headers; Spark does when asked for
`parquet.writer.version=v2`, and then also uses the RLE encoding for
booleans and DELTA_BYTE_ARRAY for strings. Writes OUTDIR/spark_v1.parquet
and OUTDIR/spark_v2.parquet (snappy, small row groups and pages) and the
values Spark reads back from them to OUTDIR/expected.json, in the format of
parquet_oracle.py.
"""
import glob
import json
import os
import shutil
import sys

from value_tags import tag

from pyspark.sql import SparkSession
from pyspark.sql import types as T

QUERY = """
SELECT
  id,
  CAST(id % 7 AS INT) AS small,
  CASE WHEN id % 5 = 0 THEN NULL ELSE id % 3 = 0 END AS b,
  CASE WHEN id % 9 = 0 THEN NULL ELSE concat('prefix shared ', CAST(id AS STRING), ' é') END AS text,
  CASE WHEN id % 4 = 0 THEN NULL
       ELSE element_at(array('é', 'ü中', 'plain', '', '😀'), CAST(id % 5 + 1 AS INT)) END AS s,
  CASE WHEN id % 11 = 0 THEN NULL ELSE CAST(id AS DOUBLE) / 7 END AS d,
  CAST(id AS FLOAT) / 4 AS f
FROM range(20000)
"""


def lontar_type(dt):
    if isinstance(dt, (T.IntegerType, T.LongType)):
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
    spark = (SparkSession.builder.master("local[1]")
             .config("spark.ui.enabled", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.sql(QUERY).coalesce(1)
    expected = {"files": {}, "unsupported": {}}
    for version in ("v1", "v2"):
        tmp = os.path.join(out, "spark_" + version + "_dir")
        (df.write.mode("overwrite")
           .option("compression", "snappy")
           .option("parquet.writer.version", version)
           .option("parquet.block.size", 64 * 1024)
           .option("parquet.page.size", 8 * 1024)
           .option("parquet.page.row.count.limit", 3000)
           .parquet(tmp))
        name = "spark_%s.parquet" % version
        shutil.move(glob.glob(os.path.join(tmp, "part-*.parquet"))[0], os.path.join(out, name))
        shutil.rmtree(tmp)
        back = spark.read.parquet(os.path.join(out, name))
        schema = [{"name": f.name, "type": lontar_type(f.dataType)} for f in back.schema.fields]
        rows = [[tag(v) for v in row] for row in back.collect()]
        expected["files"][name] = {"schema": schema, "rows": rows}
    spark.stop()
    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False)


if __name__ == "__main__":
    main()

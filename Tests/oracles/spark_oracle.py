#!/usr/bin/env python3
"""PySpark oracle for LontarFrame's differential test.

Usage: spark_oracle.py DIR

DIR holds `data.jsonl` (rows: id bigint, text string, label string, num bigint,
val double) and `extras.json` ({"doubles": [bit patterns as int64],
"code_points": [ints]}). One local[2] Spark session runs every query and the
results are printed to stdout as one JSON object; the Swift test computes the
same things with LontarFrame and compares them exactly.

Every double Spark returns is written as {"$double": repr(x)} (Python's
shortest round-trip form): JSON number parsers are not all correctly rounded,
and the comparison is bit for bit. NaN never occurs in the data.
"""
import json
import os
import struct
import sys


def tag_doubles(value):
    """Wraps floats so that the reader parses them from their exact text."""
    if isinstance(value, float):
        return {"$double": repr(value)}
    if isinstance(value, dict):
        return {k: tag_doubles(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [tag_doubles(v) for v in value]
    return value


def main():
    directory = sys.argv[1]
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession, functions as F
    from pyspark.ml.feature import Tokenizer, RegexTokenizer

    spark = (SparkSession.builder.master("local[2]")
             .config("spark.ui.enabled", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .getOrCreate())
    spark.sparkContext.setLogLevel("OFF")
    out = {"java_version": spark._jvm.java.lang.System.getProperty("java.version")}

    df = (spark.read.schema("id bigint, text string, label string, num bigint, val double")
          .json(os.path.join(directory, "data.jsonl")))
    df = df.cache()
    out["count"] = df.count()

    # --- Row-wise string functions, the Tokenizer and the paper's cleaning chain.
    cleaned = F.lower(F.col("text"))
    for pattern, replacement in [("@xcite", ""), ("xcite", ""), ("xmath[0-9]+", ""), ("\n", ""),
                                 ("[^a-z0-9\\s]", ""), ("\\s+", " ")]:
        cleaned = F.regexp_replace(cleaned, pattern, replacement)
    cleaned = F.trim(cleaned)
    rows = df.select(
        "id", "text", "label", "num", "val",
        F.lower("text").alias("lower"), F.upper("text").alias("upper"), F.trim("text").alias("trim"),
        F.ltrim("text").alias("ltrim"), F.rtrim("text").alias("rtrim"),
        F.length("text").alias("length"), cleaned.alias("clean"),
        F.split("text", " ").alias("split_space"), F.split("text", "[.,]", 3).alias("split_punct"),
        F.col("text").rlike("xmath[0-9]+").alias("has_xmath"),
        F.regexp_replace("text", "xmath[0-9]+", "<$0>").alias("mark_xmath"),
        F.regexp_replace("text", "(x?math)([0-9]+)", "$2-$1").alias("swap_xmath"),
        # Java steps into the middle of a surrogate pair after an empty match
        # (turning it into "?"); Lontar does not, so no astral characters here.
        F.regexp_replace(F.regexp_replace("text", "[\\x{10000}-\\x{10FFFF}]", ""), "[aeiou]*", "_").alias("empty_matches"),
        F.split("text", "\\s*[,.]\\s*|\\t").alias("split_engine"),
        F.col("text").rlike("^[A-Z]|[0-9]$").alias("rlike_engine"),
        F.concat(F.col("label"), F.lit(":"), F.col("num")).alias("concat"),
        ((F.col("num") * 3 + 1) % 7).alias("arith_int"), (F.col("num") / 4).alias("div"),
        (F.col("val") * 2 - F.col("num")).alias("arith_double"),
        F.round("val", 2).alias("round2"), F.round("val", -1).alias("round_neg"), F.round("num", -2).alias("round_int"),
        F.abs("num").alias("abs"), F.col("val").cast("string").alias("val_string"),
        F.col("num").cast("string").alias("num_string"),
        ((F.col("num") > 0) & (F.col("label") == "b")).alias("logic_and"),
        ((F.col("num") > 0) | F.col("label").isNull()).alias("logic_or"),
    )
    tok = Tokenizer(inputCol="text", outputCol="tokens")
    rows = tok.transform(rows).withColumn("size_before", F.size("tokens"))
    rows = Tokenizer(inputCol="clean", outputCol="clean_tokens").transform(rows) \
        .withColumn("size_after", F.size("clean_tokens"))
    rows = RegexTokenizer(inputCol="text", outputCol="regex_tokens").transform(rows)
    rows = RegexTokenizer(inputCol="text", outputCol="regex_tokens_min3", minTokenLength=3,
                          toLowercase=False, pattern=" ").transform(rows)
    rows = RegexTokenizer(inputCol="text", outputCol="regex_words", gaps=False,
                          pattern="[a-z]+|[0-9]+").transform(rows)
    out["rows"] = [r.asDict() for r in rows.drop("text", "label", "num", "val").orderBy("id").collect()]

    # --- Filters, sort, distinct.
    out["filter"] = [r.id for r in df.filter((F.length("text") > 20) & (F.col("label") != "a"))
                     .orderBy("id").collect()]
    out["sort"] = [r.id for r in df.orderBy(F.col("label").asc(), F.col("num").desc(), F.col("id")).collect()]
    out["sort_val"] = [r.id for r in df.orderBy(F.col("val").desc_nulls_first(), "id").collect()]
    out["distinct"] = [[r.label, r.num] for r in df.select("label", (F.col("num") % 3).alias("num"))
                       .distinct().collect()]

    # --- Statistics over a frame with the token counts.
    stats = rows.select("num", "val", "label", F.col("size_before").alias("words"),
                        F.col("size_after").alias("clean_words"), F.col("clean"))
    out["describe"] = [r.asDict() for r in stats.describe().collect()]
    out["summary"] = [r.asDict() for r in stats.summary().collect()]
    out["aggregate"] = stats.agg(F.count("num"), F.sum("num"), F.avg("num"), F.stddev("num"),
                                 F.sum("val"), F.avg("val"), F.stddev("val"), F.min("val"), F.max("val"),
                                 F.sum("words"), F.avg("words"), F.stddev("words"),
                                 F.min("clean"), F.max("clean")).collect()[0].asDict()
    grouped = stats.groupBy("label").agg(F.count(F.lit(1)).alias("n"), F.count("num").alias("count_num"),
                                         F.sum("num").alias("sum_num"), F.avg("val").alias("avg_val"),
                                         F.stddev("num").alias("stddev_num"), F.min("val").alias("min_val"),
                                         F.max("clean").alias("max_clean"), F.avg("words").alias("avg_words"))
    out["group_by"] = [r.asDict() for r in grouped.collect()]
    out["histogram"] = rows.select("size_before").rdd.map(lambda r: r[0]).histogram(7)
    out["histogram_val"] = df.select("val").rdd.map(lambda r: r[0]).filter(lambda v: v is not None).histogram(5)

    words = rows.select(F.explode("clean_tokens").alias("word")).groupBy("word").count()
    out["top_words"] = [[r.word, r["count"]] for r in words.orderBy(F.desc("count"), "word").limit(25).collect()]
    raw = rows.select(F.explode("tokens").alias("word")).groupBy("word").count()
    out["top_raw_words"] = [[r.word, r["count"]] for r in raw.orderBy(F.desc("count"), "word").limit(25).collect()]

    # --- Java Double.toString and case mapping, through Spark's cast/lower/upper.
    with open(os.path.join(directory, "extras.json")) as f:
        extras = json.load(f)
    doubles = [struct.unpack("<d", struct.pack("<q", b))[0] for b in extras["doubles"]]
    ddf = spark.createDataFrame([(i, d) for i, d in enumerate(doubles)], "i int, d double")
    out["double_strings"] = [r.s for r in ddf.orderBy("i").select(F.col("d").cast("string").alias("s")).collect()]
    cps = extras["code_points"]
    cdf = spark.createDataFrame([(i, chr(c)) for i, c in enumerate(cps)], "i int, c string")
    cased = cdf.orderBy("i").select(F.lower("c").alias("l"), F.upper("c").alias("u")).collect()
    defined = spark._jvm.java.lang.Character
    out["case"] = [[r.l, r.u, bool(defined.isDefined(c))] for r, c in zip(cased, cps)]

    spark.stop()
    json.dump(tag_doubles(out), sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # report the cause first, not a JVM stack dump
        message = str(error).strip().splitlines()
        sys.stderr.write("spark_oracle: %s: %s\n" % (type(error).__name__, "\n".join(message[:12])))
        sys.exit(1)

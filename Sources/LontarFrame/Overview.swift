// LontarFrame: columnar dataframes with Spark's semantics.
//
// Storage (Column.swift, Frame.swift): typed columns — bigint, double,
// boolean, UTF-8 string (one byte buffer + offsets), array<string> — with an
// optional validity mask for nulls. Frames are values; operations return new
// frames and share unchanged columns.
//
// Execution (Core/): work is cut into fixed chunks of rows
// (`Parallel.chunkRows`) that run on `Parallel.threadCount` threads; partial
// results are combined in chunk order, so every result is independent of the
// thread count. String kernels read the byte buffers in place; no per-row
// Swift `String` is built on hot paths.
//
// Expressions (Expression/): `ColumnExpression` is type-checked against the
// frame once (unknown columns with suggestions, type mismatches), then
// evaluated vectorised per chunk. Semantics are Spark 4's defaults (ANSI
// mode): checked bigint arithmetic, `/` in doubles, errors for division by
// zero and malformed casts, three-valued logic, NaN = NaN and largest.
//
// Text (Text/): Java's `toLowerCase`/`toUpperCase` (full Unicode mappings,
// final sigma), Java's `Double.toString`, Spark ML's `Tokenizer` (with a
// count-only fast path) and `RegexTokenizer`, and Java regex operations
// through LontarRegex.
//
// Operations (Operations/): projection, filter, sort, distinct, groupBy with
// Spark's aggregate buffers, seeded sampling, union.
//
// Statistics (Statistics/): `describe`/`summary` formatted as Spark prints
// them, PySpark-style histograms, top-N token frequencies.
//
// Every user-visible result is checked against PySpark by
// Tests/FrameTests/SparkDifferentialTests.swift (oracle: Tests/oracles/spark_oracle.py).

import Foundation
import InletTestSupport

/// Reads Parquet files with the readers everybody uses (pyarrow and DuckDB, from the venv `.ci/run`
/// prepares) and hands back what they saw as JSON.
enum ParquetReaders {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The Python with pyarrow and duckdb: `INLET_PYTHON`, else the venv `.ci/run` creates.
    static var python: String {
        if let configured = ProcessInfo.processInfo.environment["INLET_PYTHON"] { return configured }
        return FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/inlet-iceberg/venv/bin/python"
    }

    /// For each reader, the rows (as lists of JSON values, bytes as text), the schema's field ids and
    /// the first row group's statistics.
    static func read(_ path: String) async throws -> [String: Any] {
        let script = #"""
        import json, sys, datetime, duckdb, pyarrow.parquet as pq
        path = sys.argv[1]
        def plain(v):
            if isinstance(v, (bytes, bytearray)): return v.decode()
            if isinstance(v, datetime.datetime):
                if v.tzinfo is None: v = v.replace(tzinfo=datetime.timezone.utc)
                return int(v.timestamp() * 1_000_000)
            if isinstance(v, datetime.date): return (v - datetime.date(1970, 1, 1)).days
            if isinstance(v, float) and v != v: return "NaN"
            return v
        f = pq.ParquetFile(path)
        table = f.read()
        arrow_rows = [[plain(v) for v in row.values()] for row in table.to_pylist()]
        ids = [int(field.metadata[b"PARQUET:field_id"]) for field in table.schema]
        stats = []
        for i in range(f.metadata.num_columns):
            s = f.metadata.row_group(0).column(i).statistics
            stats.append(None if s is None or not s.has_min_max else [plain(s.min), plain(s.max), s.null_count])
        con = duckdb.connect()
        con.execute("SET TimeZone='UTC'")
        duck_rows = [[plain(v) for v in row] for row in con.execute("SELECT * FROM read_parquet(?)", [path]).fetchall()]
        print(json.dumps({"arrow": arrow_rows, "duckdb": duck_rows, "field_ids": ids, "stats": stats,
                          "row_groups": f.metadata.num_row_groups, "types": [str(t) for t in table.schema.types]}))
        """#
        guard let result = try await JSONSerialization.jsonObject(with: Data(try run(script, [path]).utf8)) as? [String: Any] else {
            throw Failure(description: "the readers gave no JSON object for \(path)")
        }
        return result
    }

    /// Runs a Python script with `arguments` and returns its standard output.
    static func run(_ script: String, _ arguments: [String]) async throws -> String {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Failure(description: "no Python with pyarrow and duckdb at \(python): run .ci/run once (or set INLET_PYTHON)")
        }
        let finished = try await FinishedProcess.run(python, ["-c", script] + arguments, errors: .apart)
        guard finished.status == 0 else {
            throw Failure(description: "the readers failed on \(arguments): " + finished.errors)
        }
        return finished.output
    }
}

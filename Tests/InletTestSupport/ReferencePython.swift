import Foundation
import Testing

/// The Python that holds the reference readers (pyiceberg, pyarrow, DuckDB): `INLET_PYTHON`, else
/// the venv `.ci/run` creates.
public enum ReferencePython {
    public static var path: String {
        ProcessInfo.processInfo.environment["INLET_PYTHON"]
            ?? FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/inlet-iceberg/venv/bin/python"
    }

    /// Runs it with `arguments`; records an issue with its output when it fails, and returns the
    /// output (stdout and stderr together).
    @discardableResult
    public static func run(_ arguments: [String]) async throws -> String {
        let finished = try await FinishedProcess.run(path, arguments)
        return recordingFailure(of: finished, arguments)
    }

    /// As `run`, blocking the calling thread: only for code already on a thread of its own.
    @discardableResult
    public static func runBlocking(_ arguments: [String]) throws -> String {
        recordingFailure(of: try FinishedProcess.runBlocking(path, arguments), arguments)
    }

    private static func recordingFailure(of finished: FinishedProcess, _ arguments: [String]) -> String {
        if finished.status != 0 { Issue.record("\(arguments.first ?? "python") failed:\n\(finished.output)") }
        return finished.output
    }
}

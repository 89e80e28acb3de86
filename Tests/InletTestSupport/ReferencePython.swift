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
    public static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus != 0 { Issue.record("\(arguments.first ?? "python") failed:\n\(text)") }
        return text
    }
}

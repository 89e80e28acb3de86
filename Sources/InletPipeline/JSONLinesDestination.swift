import Foundation
public import InletJSON
import InletProtocol

/// A destination for debugging: each stream as a file of JSON lines, `<directory>/<stream>.jsonl`.
/// Appends add lines; an overwrite writes a new file and renames it over the old one when the
/// stream completes; a merge rewrites the file with one line per key (last one wins). Every
/// replacement is a rename, so a reader sees the old file or the new one.
public struct JSONLinesDestination: Destination {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public var name: String { "json lines (\(directory))" }

    public func open(_ plan: StreamPlan) throws(DestinationError) -> any StreamWriter {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw DestinationError(stream: plan.descriptor.name, message: "cannot create \(directory): \(error)")
        }
        let file = directory + "/" + String(plan.descriptor.name.map { $0 == "/" || $0 == "\\" ? "_" : $0 }) + ".jsonl"
        return JSONLinesWriter(path: file, plan: plan)
    }
}

final class JSONLinesWriter: StreamWriter, @unchecked Sendable {
    private let path: String
    private let plan: StreamPlan
    private let partialPath: String
    private var heldRecords = 0

    init(path: String, plan: StreamPlan) {
        self.path = path
        self.plan = plan
        partialPath = path + ".partial-\(UUID().uuidString)"
    }

    private func failure(_ message: String) -> DestinationError {
        DestinationError(stream: plan.descriptor.name, message: message)
    }

    func write(_ records: [JSONObject], checkpoint: TableCheckpoint?) throws(DestinationError) -> WriteReport {
        let bytes = Self.lines(records)
        switch plan.writeMode {
        case .append:
            try append(bytes, to: path)
            return WriteReport(committedRecords: records.count, snapshots: 1, bytes: Int64(bytes.count))
        case .overwrite:
            try append(bytes, to: partialPath)
            heldRecords += records.count
            return WriteReport()
        case .merge:
            var rows: [[JSONValue]: JSONObject] = [:]
            var order: [[JSONValue]] = []
            let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            for line in existing.split(separator: "\n") {
                guard case .object(let record)? = try? JSONParser.parse(String(line)) else {
                    throw failure("\(path) holds a line that is not a JSON object")
                }
                upsert(record, into: &rows, order: &order)
            }
            for record in records { upsert(record, into: &rows, order: &order) }
            let merged = Self.lines(order.compactMap { rows[$0] })
            try replace(path, with: merged)
            return WriteReport(committedRecords: records.count, snapshots: 1, bytes: Int64(merged.count))
        }
    }

    func complete() throws(DestinationError) -> WriteReport {
        guard plan.writeMode == .overwrite else { return WriteReport() }
        if !FileManager.default.fileExists(atPath: partialPath) { try append([], to: partialPath) }
        guard rename(partialPath, path) == 0 else { throw failure("cannot rename \(partialPath) to \(path) (errno \(errno))") }
        defer { heldRecords = 0 }
        return WriteReport(committedRecords: heldRecords, snapshots: 1)
    }

    func abandon() {
        try? FileManager.default.removeItem(atPath: partialPath)
        heldRecords = 0
    }

    private func upsert(_ record: JSONObject, into rows: inout [[JSONValue]: JSONObject], order: inout [[JSONValue]]) {
        let key = plan.mergeKeys.map { record[$0] ?? .null }
        if rows.updateValue(record, forKey: key) == nil { order.append(key) }
    }

    private static func lines(_ records: [JSONObject]) -> [UInt8] {
        var writer = JSONWriter()
        for record in records {
            writer.write(record)
            writer.writeRaw("\n")
        }
        return writer.bytes
    }

    private func append(_ bytes: [UInt8], to file: String) throws(DestinationError) {
        if !FileManager.default.fileExists(atPath: file) { FileManager.default.createFile(atPath: file, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: file) else { throw failure("cannot open \(file)") }
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(bytes))
            try handle.synchronize()
            try handle.close()
        } catch {
            throw failure("cannot write \(file): \(error)")
        }
    }

    private func replace(_ file: String, with bytes: [UInt8]) throws(DestinationError) {
        let temporary = file + ".tmp-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)), rename(temporary, file) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw failure("cannot replace \(file)")
        }
    }
}

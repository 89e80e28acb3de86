import Foundation
public import InletFiles
public import InletJSON
import InletPipeline

/// File imports: a tenant's uploads kept under `<data-dir>/uploads/<tenant>/<fileId>/`, previewed
/// with inferred types, given a target table, and imported through the `file` connector and the
/// same pipeline as every sync.
extension IngestionService {
    public static var importableFormats: [String] { FileFormat.allCases.map(\.rawValue) }

    public var maximumUploadBytes: Int64 { configuration.maximumUploadBytes }

    /// Where a new upload's bytes go: a directory of their own, named by a fresh id. The client's
    /// file name is never part of the path (only a sanitised extension, as a hint to the format).
    public func uploadTarget(tenant: String, fileName: String) throws(ServiceError) -> (fileID: String, path: String) {
        let fileID = UUID().uuidString.lowercased()
        let directory = uploadDirectory(tenant: tenant, fileID: fileID)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ServiceError(.internal, "cannot create the upload directory: \(error)")
        }
        let suffix = (fileName as NSString).pathExtension.lowercased()
        let safeSuffix = suffix.count <= 8 && suffix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) && !suffix.isEmpty ? "." + suffix : ""
        return (fileID, directory + "/upload" + safeSuffix)
    }

    /// Removes what an upload that did not finish left.
    public func discardUpload(tenant: String, fileID: String) {
        try? FileManager.default.removeItem(atPath: uploadDirectory(tenant: tenant, fileID: fileID))
    }

    /// Records a finished upload; a file whose format cannot be told is refused (and removed).
    public func registerUpload(tenant: String, fileID: String, fileName: String, path: String, size: Int64,
                               sha256: String) throws(ServiceError) -> FileRecord {
        let format: String
        do {
            format = try DetectedFormat.detect(path: path).format.rawValue
        } catch {
            discardUpload(tenant: tenant, fileID: fileID)
            throw ServiceError(.invalid, "file: \(error.description.replacingOccurrences(of: path, with: fileName))")
        }
        let relative = String(path.dropFirst(configuration.dataDirectory.count)).drop { $0 == "/" }
        let record = FileRecord(id: fileID, tenant: tenant, fileName: fileName, fileSize: size, fileFormat: format,
                                storagePath: String(relative), sha256: sha256, status: .uploaded, createdAt: Timestamp.now())
        try store.save(record)
        return record
    }

    public func files(tenant: String) throws(ServiceError) -> [FileRecord] {
        try store.files(tenant: tenant)
    }

    public func file(tenant: String, id: String) throws(ServiceError) -> FileRecord {
        guard let file = try store.file(tenant: tenant, id: id) else { throw .notFound("file", id) }
        return file
    }

    /// The file's preview: its layout, columns with inferred (or chosen) types, first rows and row count.
    public func filePreview(tenant: String, id: String) async throws(ServiceError) -> JSONValue {
        let file = try file(tenant: tenant, id: id)
        let settings = try importSettings(file)
        let task = Task.detached { () throws(FileImportError) -> FilePreview in
            try FilePreview.make(path: settings.path, options: settings.read, nullValues: settings.nullValues, columnTypes: settings.columnTypes,
                                 dateFormats: settings.dateFormats)
        }
        do {
            return try await task.value.json(fileID: file.id, fileName: file.fileName)
        } catch {
            throw ServiceError(.invalid, "file \(file.fileName): \(Self.withoutPath("\(error)", file: file, settings: settings))")
        }
    }

    /// Sets how the file lands: `targetTableName` (required), `targetSchema`, `columnMappings`
    /// (file column → table column), `columnTypes`, `sheet`, `onBadValue`, `mode`, `nullValues`.
    /// Every name and type is checked against the file's columns.
    public func setFileSchema(tenant: String, id: String, request: JSONObject) async throws(ServiceError) -> FileRecord {
        var file = try file(tenant: tenant, id: id)
        guard file.status != .importing else { throw ServiceError(.conflict, "file \(id) is being imported") }
        let known: Set<String> = ["targetTableName", "targetSchema", "columnMappings", "columnTypes", "sheet", "onBadValue", "mode", "nullValues"]
        if let unknown = request.keys.first(where: { !known.contains($0) }) {
            throw ServiceError(.invalid, "\(unknown): not a schema setting (expected \(known.sorted().joined(separator: ", ")))")
        }
        guard let table = request["targetTableName"]?.stringValue, Self.isIdentifier(table) else {
            throw ServiceError(.invalid, "targetTableName: required, letters, digits and _ (not starting with a digit), at most 128 characters")
        }
        let schema = request["targetSchema"]?.stringValue ?? "raw"
        guard Self.isIdentifier(schema) else { throw ServiceError(.invalid, "targetSchema: letters, digits and _ (not starting with a digit)") }
        file.targetTableName = table
        file.targetSchema = schema
        file.columnMappings = try Self.strings(request["columnMappings"], member: "columnMappings")
        file.columnTypes = try Self.strings(request["columnTypes"], member: "columnTypes")
        file.sheet = request["sheet"].flatMap { $0.stringValue ?? $0.intValue.map { String($0) } }
        file.onBadValue = request["onBadValue"]?.stringValue
        if let policy = file.onBadValue, FileImportSettings.BadValuePolicy(rawValue: policy) == nil {
            throw ServiceError(.invalid, "onBadValue: expected fail or null")
        }
        file.mode = request["mode"]?.stringValue
        if let mode = file.mode, !["append", "overwrite"].contains(mode) {
            throw ServiceError(.invalid, "mode: expected append or overwrite")
        }
        if let nulls = request["nullValues"] {
            guard case .array(let items) = nulls, items.allSatisfy({ $0.stringValue != nil }) else { throw ServiceError(.invalid, "nullValues: expected a list of strings") }
            file.nullValues = items.compactMap(\.stringValue)
        }
        for (column, type) in file.columnTypes {
            do { _ = try ColumnType.choice(parsing: type) } catch { throw ServiceError(.invalid, "columnTypes.\(column): \(error.description)") }
        }
        for (_, target) in file.columnMappings where !Self.isIdentifier(target) {
            throw ServiceError(.invalid, "columnMappings: '\(target)' is not a column name (letters, digits and _)")
        }
        // The names must be the file's: read its columns as the import will.
        let settings = try importSettings(file)
        let task = Task.detached { () throws(FileImportError) -> [String] in
            try TabularFile.open(path: settings.path, options: settings.read).columnNames
        }
        let columns: [String]
        do { columns = try await task.value } catch {
            throw ServiceError(.invalid, "file \(file.fileName): \(Self.withoutPath("\(error)", file: file, settings: settings))")
        }
        for name in Set(file.columnMappings.keys).union(file.columnTypes.keys) where !columns.contains(name) {
            throw ServiceError(.invalid, "the file has no column '\(name)' (its columns: \(columns.joined(separator: ", ")))")
        }
        let targets = columns.map { file.columnMappings[$0] ?? $0 }
        if let repeated = Dictionary(grouping: targets, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw ServiceError(.invalid, "columnMappings: two columns would both be named '\(repeated)'")
        }
        try store.save(file)
        return file
    }

    /// Starts the file's import into `<targetSchema>.<targetTableName>`; it runs with the syncs'
    /// concurrency limit. 409 while one runs, 400 before a schema is set.
    public func startFileImport(tenant: String, id: String) async throws(ServiceError) -> FileRecord {
        var file = try file(tenant: tenant, id: id)
        guard file.status != .importing else { throw ServiceError(.conflict, "file \(id) is already being imported") }
        guard let table = file.targetTableName else {
            throw ServiceError(.invalid, "file \(id) has no target table yet: PUT /files/\(id)/schema first")
        }
        let settings = try importSettings(file)
        let importID = UUID().uuidString.lowercased()
        file.status = .importing
        file.importStartedAt = Timestamp.now()
        file.recordsImported = nil
        file.completedAt = nil
        file.errors = []
        try store.save(file)
        let renames: [JSONValue] = file.columnMappings.sorted { $0.key < $1.key }.filter { $0.key != $0.value }.map { source, target in
            ["stream": .string(table), "column": .string(source), "transformation_type": "rename", "new_name": .string(target)]
        }
        let connection = ConnectionRecord(
            id: "file-\(file.id)", tenant: tenant, sourceID: "file-\(file.id)", name: "import of \(file.fileName)", destinationType: "iceberg",
            syncSchedule: nil, timeZone: nil, selectedStreams: [table], syncMode: .fullRefresh, status: .active, lastSyncAt: nil,
            createdAt: file.createdAt, targetSchema: file.targetSchema ?? "raw", writeMode: file.mode ?? "append", mergeKeys: nil,
            columnTransformations: .array(renames), archiveStaging: true, addIngestionMetadata: true)
        var work = SyncWork(tenant: tenant, syncID: importID, jobID: nil, connection: connection, connector: FileSource(),
                            config: settings.config, secrets: [], configuration: configuration, keyStore: keyStore, log: { _ in })
        work.appendsAtomically = true
        work.sourceFile = settings.path
        work.commitRecords = min(configuration.commitRecords, 50_000)
        let importWork = work
        let store = self.store
        let started = file
        await runner.submit("file-" + importID) {
            var finished = started
            do {
                let progress = try await importWork.run()
                finished.status = .completed
                finished.recordsImported = progress.streams.reduce(0) { $0 + $1.committed }
            } catch let failure as SyncFailure {
                finished.status = .failed
                finished.errors = [Self.importError(failure.reason.message, file: started, settings: settings)]
            } catch {
                finished.status = .failed
                finished.errors = [Self.importError("\(error)", file: started, settings: settings)]
            }
            finished.completedAt = Timestamp.now()
            // A delete while the import ran wins: the record stays gone.
            if (try? store.file(tenant: tenant, id: started.id)) != nil { try? store.save(finished) }
        }
        return file
    }

    /// Deletes the file's record and bytes; the tables it landed stay. 409 while it is imported.
    public func deleteFile(tenant: String, id: String) throws(ServiceError) {
        let file = try file(tenant: tenant, id: id)
        guard file.status != .importing else { throw ServiceError(.conflict, "file \(id) is being imported; delete it once the import ends") }
        try store.deleteFile(tenant: tenant, id: id)
        discardUpload(tenant: tenant, fileID: id)
    }

    /// At start-up: imports a stopped service left IMPORTING failed, saying why, so none stays
    /// IMPORTING forever.
    public func failInterruptedImports() {
        guard let interrupted = try? store.files(in: [.importing]) else { return }
        for var file in interrupted {
            file.status = .failed
            file.completedAt = Timestamp.now()
            file.errors = [["message": "the service stopped during the import; nothing of it was committed unless the table says so: import again"]]
            try? store.save(file)
        }
    }

    func uploadDirectory(tenant: String, fileID: String) -> String {
        configuration.dataDirectory + "/uploads/" + Self.pathComponent(tenant) + "/" + Self.pathComponent(fileID)
    }

    /// A name made safe as one path component: anything but letters, digits, `-` and `_` escaped.
    static func pathComponent(_ name: String) -> String {
        var safe = ""
        for byte in name.utf8 {
            if (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45 || byte == 95 {
                safe.append(Character(UnicodeScalar(byte)))
            } else {
                safe += "%" + String(byte, radix: 16, uppercase: true)
            }
        }
        return safe.isEmpty ? "%" : safe
    }

    func importSettings(_ file: FileRecord) throws(ServiceError) -> FileImportSettings {
        var settings = FileImportSettings(path: configuration.dataDirectory + "/" + file.storagePath,
                                          stream: file.targetTableName ?? FileImportSettings.streamName(forPath: file.fileName))
        settings.read.format = FileFormat(name: file.fileFormat)
        settings.read.sheet = file.sheet
        settings.nullValues = Set(file.nullValues)
        settings.onBadValue = file.onBadValue.flatMap(FileImportSettings.BadValuePolicy.init(rawValue:)) ?? .fail
        for (column, type) in file.columnTypes {
            do {
                let choice = try ColumnType.choice(parsing: type)
                settings.columnTypes[column] = choice.type
                if let format = choice.dateFormat { settings.dateFormats[column] = format }
            } catch {
                throw ServiceError(.invalid, "columnTypes.\(column): \(error.description)")
            }
        }
        return settings
    }

    /// A failure as the status answer gives it: the message, and where the file has a bad value,
    /// its row, column and value.
    static func importError(_ message: String, file: FileRecord, settings: FileImportSettings) -> JSONValue {
        let text = withoutPath(message, file: file, settings: settings)
        var error: JSONObject = ["message": .string(text)]
        // "row 12, column amount: 'abc' does not fit DECIMAL(10,2)"
        if let rowRange = text.range(of: "row "), let comma = text[rowRange.upperBound...].firstIndex(of: ","),
           let row = Int(text[rowRange.upperBound..<comma]), let columnRange = text.range(of: ", column ", range: comma..<text.endIndex),
           let colon = text.range(of: ": '", range: columnRange.upperBound..<text.endIndex),
           let fit = text.range(of: "' does not fit ", options: .backwards, range: colon.upperBound..<text.endIndex) {
            error["row"] = .int(Int64(row))
            error["column"] = .string(String(text[columnRange.upperBound..<colon.lowerBound]))
            error["value"] = .string(String(text[colon.upperBound..<fit.lowerBound]))
        }
        return .object(error)
    }

    /// A message with the file's stored path replaced by the client's file name.
    static func withoutPath(_ message: String, file: FileRecord, settings: FileImportSettings) -> String {
        message.replacingOccurrences(of: settings.path, with: file.fileName)
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.count <= 128, !(first.properties.numericType != nil) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil)) }
    }

    private static func strings(_ value: JSONValue?, member: String) throws(ServiceError) -> [String: String] {
        guard let value, !value.isNull else { return [:] }
        guard case .object(let object) = value else { throw ServiceError(.invalid, "\(member): expected an object of name: value") }
        var result: [String: String] = [:]
        for (key, item) in object {
            guard let text = item.stringValue else { throw ServiceError(.invalid, "\(member).\(key): expected a string") }
            result[key] = text
        }
        return result
    }
}

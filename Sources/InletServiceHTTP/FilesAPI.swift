import Crypto
import Foundation
import Hummingbird
import HTTPTypes
import InletJSON
import InletService
import NIOCore

/// File imports' routes under `/api/v1/files`: a multipart upload streamed to disk (never held
/// whole), the preview, the target schema, the import and its status.
extension ServiceAPI {
    func fileRoutes(into router: Router<BasicRequestContext>, maximumUploadBytes: Int64) {
        router.get("/api/v1/files/formats", use: handler("/api/v1/files/formats", access: nil) { _, _, _ in
            APIExchange.json(.array(IngestionService.importableFormats.map(JSONValue.string)))
        })
        router.post("/api/v1/files/upload", use: handler("/api/v1/files/upload", access: .manage) { tenant, request, _ in
            let file = try await receiveUpload(&request, tenant: tenant, maximumBytes: maximumUploadBytes)
            return APIExchange.json(FileViews.upload(file), status: .created)
        })
        router.get("/api/v1/files", use: handler("/api/v1/files", access: .read) { tenant, _, _ in
            APIExchange.json(.array(try service.files(tenant: tenant).map(FileViews.file)))
        })
        router.get("/api/v1/files/:id", use: handler("/api/v1/files/{id}", access: .read) { tenant, _, context in
            APIExchange.json(FileViews.file(try service.file(tenant: tenant, id: try Self.id(context))))
        })
        router.get("/api/v1/files/:id/preview", use: handler("/api/v1/files/{id}/preview", access: .read) { tenant, _, context in
            APIExchange.json(try await service.filePreview(tenant: tenant, id: try Self.id(context)))
        })
        router.put("/api/v1/files/:id/schema", use: handler("/api/v1/files/{id}/schema", access: .manage) { tenant, request, context in
            let object = try await APIExchange.object(&request)
            return APIExchange.json(FileViews.file(try await service.setFileSchema(tenant: tenant, id: try Self.id(context), request: object)))
        })
        router.post("/api/v1/files/:id/import", use: handler("/api/v1/files/{id}/import", access: .manage, idempotent: true) { tenant, _, context in
            APIExchange.json(FileViews.importing(try await service.startFileImport(tenant: tenant, id: try Self.id(context))), status: .accepted)
        })
        router.get("/api/v1/files/:id/status", use: handler("/api/v1/files/{id}/status", access: .read) { tenant, _, context in
            APIExchange.json(FileViews.status(try service.file(tenant: tenant, id: try Self.id(context))))
        })
        router.delete("/api/v1/files/:id", use: handler("/api/v1/files/{id}", access: .manage) { tenant, _, context in
            try service.deleteFile(tenant: tenant, id: try Self.id(context))
            return APIExchange.empty(.noContent)
        })
    }

    /// Streams a `multipart/form-data` body's `file` part to the tenant's upload area, hashing and
    /// counting as it goes; more than `maximumBytes` is a 413 and leaves nothing behind.
    private func receiveUpload(_ request: inout Request, tenant: String, maximumBytes: Int64) async throws -> FileRecord {
        guard let contentType = request.headers[.contentType], contentType.lowercased().hasPrefix("multipart/form-data"),
              let boundary = Self.boundary(contentType) else {
            throw APIError.badRequest("the upload must be multipart/form-data with a boundary, the file in the field 'file'")
        }
        if let length = request.headers[.contentLength].flatMap({ Int64($0) }), length > maximumBytes + 64 << 10 {
            throw APIError(status: .contentTooLarge, message: "the upload is \(length) bytes; at most \(maximumBytes) are accepted")
        }
        let receiver = UploadReceiver(maximumBytes: maximumBytes)
        var parts = MultipartStream(boundary: boundary)
        var target: (fileID: String, path: String)?
        do {
            for try await buffer in request.body {
                try buffer.withUnsafeReadableBytes { bytes in
                    do {
                        try parts.feed(bytes) { event in
                            switch event {
                            case .headers(let headers):
                                try receiver.startPart(headers)
                                if receiver.isFilePart, target == nil, let fileName = receiver.fileName {
                                    target = try service.uploadTarget(tenant: tenant, fileName: fileName)
                                    try receiver.open(path: target!.path)
                                }
                            case .body(let piece): try receiver.body(piece)
                            case .partEnd: receiver.partComplete()
                            }
                        }
                    } catch let malformed as MultipartStream.Malformed {
                        throw APIError.badRequest("the multipart body is malformed: \(malformed)")
                    }
                }
            }
            guard receiver.completed, let target, let fileName = receiver.fileName else {
                throw APIError.badRequest("the multipart body has no complete part named 'file' (with a filename)")
            }
            try receiver.close()
            return try service.registerUpload(tenant: tenant, fileID: target.fileID, fileName: fileName, path: target.path,
                                              size: receiver.size, sha256: receiver.digest)
        } catch {
            try? receiver.close()
            if let target { service.discardUpload(tenant: tenant, fileID: target.fileID) }
            throw error
        }
    }

    private static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0].lowercased() == "boundary" {
                let value = parts[1].hasPrefix("\"") && parts[1].hasSuffix("\"") && parts[1].count >= 2 ? String(parts[1].dropFirst().dropLast()) : parts[1]
                return value.isEmpty || value.count > 200 ? nil : value
            }
        }
        return nil
    }
}

/// The upload's `file` part as it arrives: written to disk, counted and hashed. Other parts are
/// ignored; a second `file` part is refused.
private final class UploadReceiver: @unchecked Sendable {
    let maximumBytes: Int64
    private(set) var fileName: String?
    private(set) var size: Int64 = 0
    private(set) var completed = false
    private(set) var isFilePart = false
    private var handle: FileHandle?
    private var hasher = SHA256()

    init(maximumBytes: Int64) {
        self.maximumBytes = maximumBytes
    }

    var digest: String { hasher.finalize().map { String(format: "%02x", $0) }.joined() }

    func startPart(_ headers: [(name: String, value: String)]) throws {
        isFilePart = false
        guard let disposition = headers.first(where: { $0.name.lowercased() == "content-disposition" })?.value else { return }
        let parameters = Self.parameters(disposition)
        guard parameters["name"] == "file" else { return }
        guard !completed, fileName == nil else { throw APIError.badRequest("the body has more than one part named 'file'") }
        guard let name = parameters["filename"], !name.isEmpty else { throw APIError.badRequest("the 'file' part has no filename") }
        // The client's name is data: only its last component, without control characters.
        let base = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? name
        fileName = String(String(base.unicodeScalars.filter { $0.value >= 32 && $0.value != 127 }.map(Character.init)).prefix(255))
        isFilePart = true
    }

    func body(_ bytes: UnsafeRawBufferPointer) throws {
        guard isFilePart else { return }
        size += Int64(bytes.count)
        guard size <= maximumBytes else {
            throw APIError(status: .contentTooLarge, message: "the file is larger than the \(maximumBytes) bytes accepted")
        }
        hasher.update(bufferPointer: bytes)
        do { try handle?.write(contentsOf: Data(bytes)) } catch { throw APIError(status: .internalServerError, message: "writing the upload failed") }
    }

    func partComplete() {
        if isFilePart { completed = true }
        isFilePart = false
    }

    func open(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw APIError(status: .internalServerError, message: "cannot store the upload") }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func close() throws {
        try handle?.close()
        handle = nil
    }

    /// `form-data; name="file"; filename="a.csv"` → its parameters.
    static func parameters(_ value: String) -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(value)
        while let semicolon = rest.firstIndex(of: ";") {
            rest = rest[rest.index(after: semicolon)...].drop { $0 == " " }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var after = rest[rest.index(after: equals)...]
            var parsed = ""
            if after.first == "\"" {
                after = after.dropFirst()
                var escaped = false
                var end = after.endIndex
                for index in after.indices {
                    let character = after[index]
                    if escaped { parsed.append(character); escaped = false; continue }
                    if character == "\\" { escaped = true; continue }
                    if character == "\"" { end = index; break }
                    parsed.append(character)
                }
                rest = end < after.endIndex ? after[after.index(after: end)...] : after[after.endIndex...]
            } else {
                let end = after.firstIndex(of: ";") ?? after.endIndex
                parsed = after[..<end].trimmingCharacters(in: .whitespaces)
                rest = after[end...]
            }
            result[key] = parsed
        }
        return result
    }
}

/// The files' answers.
enum FileViews {
    static func upload(_ file: FileRecord) -> JSONValue {
        ["id": .string(file.id), "tenantId": .string(file.tenant), "fileName": .string(file.fileName), "fileSize": .int(file.fileSize),
         "fileFormat": .string(file.fileFormat), "storagePath": .string(file.storagePath), "sha256": .string(file.sha256),
         "status": .string(file.status.rawValue), "createdAt": .string(file.createdAt)]
    }

    static func file(_ file: FileRecord) -> JSONValue {
        guard case .object(var object) = upload(file) else { return .null }
        object["targetTableName"] = file.targetTableName.map(JSONValue.string) ?? .null
        object["targetSchema"] = file.targetSchema.map(JSONValue.string) ?? .null
        object["columnMappings"] = .object(JSONObject(file.columnMappings.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
        object["columnTypes"] = .object(JSONObject(file.columnTypes.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
        object["sheet"] = file.sheet.map(JSONValue.string) ?? .null
        object["onBadValue"] = .string(file.onBadValue ?? "fail")
        object["mode"] = .string(file.mode ?? "append")
        object["nullValues"] = .array(file.nullValues.map(JSONValue.string))
        return .object(object)
    }

    static func importing(_ file: FileRecord) -> JSONValue {
        ["id": .string(file.id), "fileName": .string(file.fileName), "targetTableName": file.targetTableName.map(JSONValue.string) ?? .null,
         "targetSchema": .string(file.targetSchema ?? "raw"), "status": .string(file.status.rawValue), "createdAt": .string(file.createdAt)]
    }

    static func status(_ file: FileRecord) -> JSONValue {
        var object: JSONObject = ["id": .string(file.id), "fileName": .string(file.fileName), "status": .string(file.status.rawValue),
                                  "recordsImported": file.recordsImported.map { .int(Int64($0)) } ?? .null,
                                  "completedAt": file.completedAt.map(JSONValue.string) ?? .null]
        if file.status == .failed { object["errors"] = .array(file.errors) }
        return .object(object)
    }
}

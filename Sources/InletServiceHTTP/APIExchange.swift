import Foundation
import Hummingbird
import InletJSON
import InletService

/// A failed request as the API answers it: `{timestamp, status, error, message, path}`.
struct APIError: Error {
    var status: HTTPResponse.Status
    var message: String
    var headers: HTTPFields = [:]
    /// Members added to (or replacing those of) the standard body.
    var extra: JSONObject = [:]

    static func badRequest(_ message: String) -> APIError { APIError(status: .badRequest, message: message) }

    static func unauthorized(_ message: String) -> APIError {
        APIError(status: .unauthorized, message: message, headers: [.wwwAuthenticate: #"Bearer error="invalid_token""#])
    }

    static func forbidden(_ message: String) -> APIError { APIError(status: .forbidden, message: message) }

    init(status: HTTPResponse.Status, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    init(_ error: ServiceError) {
        switch error.kind {
        case .invalid: self.init(status: .badRequest, message: error.message)
        case .notFound: self.init(status: .notFound, message: error.message)
        case .conflict: self.init(status: .conflict, message: error.message)
        case .internal: self.init(status: .internalServerError, message: "the service failed; the failure is in its log")
        }
    }

    func response(path: String) -> Response {
        var body: JSONObject = [
            "timestamp": .string(APIExchange.timestamp()), "status": .int(Int64(status.code)),
            "error": .string(status.reasonPhrase), "message": .string(message), "path": .string(path),
        ]
        for (key, value) in extra { body[key] = value }
        var response = APIExchange.json(.object(body), status: status)
        for field in headers { response.headers.append(field) }
        return response
    }
}

/// Reading requests and writing answers as the API's JSON (the project's own parser and writer).
enum APIExchange {
    /// Request bodies larger than this are refused (413).
    static let maximumBodyBytes = 1 << 20

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var writer = JSONWriter()
        writer.write(value)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }

    /// An answer kept as status and JSON text.
    static func answer(status: Int, body: String) -> Response {
        Response(status: HTTPResponse.Status(code: status), headers: body.isEmpty ? [:] : [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func empty(_ status: HTTPResponse.Status) -> Response {
        Response(status: status)
    }

    /// The request's body as a JSON object.
    static func object(_ request: inout Request) async throws(APIError) -> JSONObject {
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: maximumBodyBytes) } catch {
            throw APIError(status: .contentTooLarge, message: "the request body is larger than \(maximumBodyBytes) bytes")
        }
        let bytes = Array(buffer.readableBytesView)
        guard !bytes.isEmpty else { throw APIError.badRequest("the request needs a JSON object body") }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw APIError.badRequest("the body is not valid JSON: \(error)") }
        guard case .object(let object) = value else { throw APIError.badRequest("the body must be a JSON object") }
        return object
    }

    static func timestamp() -> String {
        Timestamp.now()
    }
}

/// Typed access to a request body's fields, with errors that name the field.
struct BodyFields {
    let object: JSONObject

    func string(_ key: String, required: Bool = false) throws(APIError) -> String? {
        switch object[key] {
        case nil, .null?:
            if required { throw APIError.badRequest("\(key): required") }
            return nil
        case .string(let text)?:
            if required && text.isEmpty { throw APIError.badRequest("\(key): must not be empty") }
            return text
        default:
            throw APIError.badRequest("\(key): must be a string")
        }
    }

    /// `.some(nil)` when the body sets the field to null, nil when it leaves it out.
    func nullableString(_ key: String) throws(APIError) -> String?? {
        guard let value = object[key] else { return nil }
        if value.isNull { return .some(nil) }
        guard case .string(let text) = value else { throw APIError.badRequest("\(key): must be a string or null") }
        return .some(text)
    }

    func nullableStrings(_ key: String) throws(APIError) -> [String]?? {
        guard let value = object[key] else { return nil }
        if value.isNull { return .some(nil) }
        guard case .array(let items) = value, items.allSatisfy({ $0.stringValue != nil }) else {
            throw APIError.badRequest("\(key): must be a list of strings or null")
        }
        return .some(items.compactMap(\.stringValue))
    }

    func bool(_ key: String) throws(APIError) -> Bool? {
        guard let value = object[key], !value.isNull else { return nil }
        guard case .bool(let flag) = value else { throw APIError.badRequest("\(key): must be true or false") }
        return flag
    }

    func object(_ key: String, required: Bool = false) throws(APIError) -> JSONObject? {
        guard let value = object[key], !value.isNull else {
            if required { throw APIError.badRequest("\(key): required") }
            return nil
        }
        guard case .object(let inner) = value else { throw APIError.badRequest("\(key): must be a JSON object") }
        return inner
    }

    /// Refuses members the endpoint does not know, so a misspelt field is not silently ignored.
    func only(_ known: Set<String>) throws(APIError) {
        if let unknown = object.keys.first(where: { !known.contains($0) }) {
            throw APIError.badRequest("\(unknown): unknown field (expected \(known.sorted().joined(separator: ", ")))")
        }
    }
}

extension ResponseBody {
    /// The whole body, for a response built in memory.
    func collectedBytes() async throws -> [UInt8] {
        let collector = BodyCollector()
        try await write(collector)
        return await collector.bytes
    }
}

/// Gathers what a response body writes.
private actor BodyCollector: ResponseBodyWriter {
    var bytes: [UInt8] = []

    func write(_ buffer: ByteBuffer) async throws {
        bytes.append(contentsOf: buffer.readableBytesView)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

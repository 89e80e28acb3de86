public import InletJSON

/// One line of the Airbyte protocol.
public struct AirbyteMessage: AirbyteProtocolValue {
    public enum Content: Sendable, Hashable {
        case record(AirbyteRecordMessage)
        case state(AirbyteStateMessage)
        case log(AirbyteLogMessage)
        case spec(ConnectorSpecification)
        case connectionStatus(AirbyteConnectionStatus)
        case catalog(AirbyteCatalog)
        case trace(AirbyteTraceMessage)
        case control(AirbyteControlMessage)
        /// A message type this version of Inlet does not model (e.g. `DESTINATION_CATALOG`), kept whole.
        case other(type: String, message: JSONObject)
    }

    public var content: Content
    /// Members of the envelope beside `type` and the payload.
    public var additionalProperties: JSONObject

    public init(_ content: Content, additionalProperties: JSONObject = [:]) {
        self.content = content
        self.additionalProperties = additionalProperties
    }

    /// The `type` member: `RECORD`, `STATE`, ….
    public var type: String {
        switch content {
        case .record: return "RECORD"
        case .state: return "STATE"
        case .log: return "LOG"
        case .spec: return "SPEC"
        case .connectionStatus: return "CONNECTION_STATUS"
        case .catalog: return "CATALOG"
        case .trace: return "TRACE"
        case .control: return "CONTROL"
        case .other(let type, _): return type
        }
    }

    /// The member holding the payload, named after the type as the protocol does.
    private static func payloadKey(for type: String) -> String? {
        switch type {
        case "RECORD": return "record"
        case "STATE": return "state"
        case "LOG": return "log"
        case "SPEC": return "spec"
        case "CONNECTION_STATUS": return "connectionStatus"
        case "CATALOG": return "catalog"
        case "TRACE": return "trace"
        case "CONTROL": return "control"
        default: return nil
        }
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        let type = try reader.string("type")
        guard let payloadKey = Self.payloadKey(for: type) else {
            content = .other(type: type, message: reader.object)
            additionalProperties = [:]
            return
        }
        let payload = try reader.value(payloadKey)
        let payloadPath = path.appending(payloadKey)
        switch type {
        case "RECORD": content = .record(try AirbyteRecordMessage(json: payload, path: payloadPath))
        case "STATE": content = .state(try AirbyteStateMessage(json: payload, path: payloadPath))
        case "LOG": content = .log(try AirbyteLogMessage(json: payload, path: payloadPath))
        case "SPEC": content = .spec(try ConnectorSpecification(json: payload, path: payloadPath))
        case "CONNECTION_STATUS": content = .connectionStatus(try AirbyteConnectionStatus(json: payload, path: payloadPath))
        case "CATALOG": content = .catalog(try AirbyteCatalog(json: payload, path: payloadPath))
        case "TRACE": content = .trace(try AirbyteTraceMessage(json: payload, path: payloadPath))
        default: content = .control(try AirbyteControlMessage(json: payload, path: payloadPath))
        }
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder(capacity: 2)
        builder.set("type", type)
        switch content {
        case .record(let record): builder.set("record", record)
        case .state(let state): builder.set("state", state)
        case .log(let log): builder.set("log", log)
        case .spec(let spec): builder.set("spec", spec)
        case .connectionStatus(let status): builder.set("connectionStatus", status)
        case .catalog(let catalog): builder.set("catalog", catalog)
        case .trace(let trace): builder.set("trace", trace)
        case .control(let control): builder.set("control", control)
        case .other(_, let message): return .object(message)
        }
        builder.merge(additionalProperties)
        return .object(builder.object)
    }

    /// Appends the message as one line of compact JSON (with its newline) to `writer`.
    public func writeLine(to writer: inout JSONWriter) {
        if case .record(let record) = content, additionalProperties.isEmpty {
            // The record path skips building an envelope object.
            writer.writeRaw("{\"type\":\"RECORD\",\"record\":")
            record.write(to: &writer)
            writer.writeRaw(UInt8(ascii: "}"))
        } else {
            writer.write(json)
        }
        writer.writeRaw(UInt8(ascii: "\n"))
    }

    /// The message as one line of compact JSON, without the newline.
    public var serialized: String {
        var writer = JSONWriter(capacity: 256)
        writeLine(to: &writer)
        return String(decoding: writer.bytes.dropLast(), as: UTF8.self)
    }
}

/// Why a line of connector output is not an Airbyte message.
public enum AirbyteMessageParsingError: Error, Sendable, Equatable, CustomStringConvertible {
    case notJSON(JSONParsingError)
    case notAMessage(AirbyteProtocolError)

    public var description: String {
        switch self {
        case .notJSON(let error): return "not JSON: \(error)"
        case .notAMessage(let error): return "not an Airbyte message: \(error)"
        }
    }
}

extension AirbyteMessage {
    /// Parses one line of connector output (without its newline).
    public static func parse(
        line: UnsafeRawBufferPointer,
        options: JSONParsingOptions = .pythonCompatible
    ) throws(AirbyteMessageParsingError) -> AirbyteMessage {
        if options == .pythonCompatible, let record = rawRecord(line) { return record }
        return try parseFully(line: line, options: options)
    }

    private static func parseFully(line: UnsafeRawBufferPointer, options: JSONParsingOptions) throws(AirbyteMessageParsingError) -> AirbyteMessage {
        let json: JSONValue
        do {
            json = try JSONParser.parse(line, options: options)
        } catch {
            throw .notJSON(error)
        }
        do {
            return try AirbyteMessage(json: json, path: .root)
        } catch {
            throw .notAMessage(error)
        }
    }

    /// A RECORD line with its data kept as the bytes it came in (one validating scan, no values
    /// built); nil for any other line, or one that needs the full parse to be read as Python reads it.
    static func rawRecord(_ line: UnsafeRawBufferPointer) -> AirbyteMessage? {
        JSONEnvelope.parse(line, keepingRaw: ["record", "data"]).flatMap(record)
    }

    /// Parses one line of connector output held in an array; a RECORD's data shares the array's
    /// storage instead of being copied.
    public static func parse(line: ArraySlice<UInt8>) throws(AirbyteMessageParsingError) -> AirbyteMessage {
        if let record = JSONEnvelope.parse(line, keepingRaw: ["record", "data"]).flatMap(record) { return record }
        let result = line.withUnsafeBytes { bytes in
            Result { () throws(AirbyteMessageParsingError) in try parseFully(line: bytes, options: .pythonCompatible) }
        }
        return try result.get()
    }

    private static func record(_ split: (envelope: JSONObject, raw: RawJSONObject)) -> AirbyteMessage? {
        let (envelope, raw) = split
        guard envelope["type"]?.stringValue == "RECORD", case .object(var record)? = envelope["record"] else { return nil }
        // The usual shape, built directly; anything more goes through the protocol reader.
        if envelope.count == 2, record.count <= 3, case .string(let stream)? = record["stream"], case .int(let emittedAt)? = record["emitted_at"] {
            let namespace = record["namespace"]
            if record.count == 2 || namespace?.stringValue != nil {
                return AirbyteMessage(.record(AirbyteRecordMessage(stream: stream, payload: LazyJSONObject(raw: raw), emittedAt: emittedAt,
                                                                   namespace: namespace?.stringValue)))
            }
        }
        record["data"] = .object([:])
        var members = envelope
        members["record"] = .object(record)
        guard var message = try? AirbyteMessage(json: .object(members), path: .root), case .record(var parsed) = message.content else {
            return nil
        }
        parsed.payload = LazyJSONObject(raw: raw)
        message.content = .record(parsed)
        return message
    }

    public static func parse(line: String) throws(AirbyteMessageParsingError) -> AirbyteMessage {
        var line = line
        let result = line.withUTF8 { buffer in
            Result { () throws(AirbyteMessageParsingError) in try parse(line: UnsafeRawBufferPointer(buffer)) }
        }
        return try result.get()
    }
}

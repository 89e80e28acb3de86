public import InletJSON

/// One record of a stream.
public struct AirbyteRecordMessage: AirbyteProtocolValue {
    public var stream: String
    /// The record's data, possibly still the bytes a source received, so that a record nobody
    /// changes is passed on without being parsed and re-serialised.
    public var payload: LazyJSONObject
    /// The record's data, parsed (on each access while `payload` is raw).
    public var data: JSONObject {
        get { payload.object }
        set { payload = LazyJSONObject(newValue) }
    }
    /// Milliseconds since the epoch, an integer as the CDK writes it.
    public var emittedAt: Int64
    public var namespace: String?
    public var meta: AirbyteRecordMessageMeta?
    public var fileReference: AirbyteRecordMessageFileReference?
    public var additionalProperties: JSONObject

    public init(
        stream: String,
        data: JSONObject,
        emittedAt: Int64,
        namespace: String? = nil,
        meta: AirbyteRecordMessageMeta? = nil,
        fileReference: AirbyteRecordMessageFileReference? = nil,
        additionalProperties: JSONObject = [:]
    ) {
        self.init(stream: stream, payload: LazyJSONObject(data), emittedAt: emittedAt, namespace: namespace,
                  meta: meta, fileReference: fileReference, additionalProperties: additionalProperties)
    }

    public init(
        stream: String,
        payload: LazyJSONObject,
        emittedAt: Int64,
        namespace: String? = nil,
        meta: AirbyteRecordMessageMeta? = nil,
        fileReference: AirbyteRecordMessageFileReference? = nil,
        additionalProperties: JSONObject = [:]
    ) {
        self.stream = stream
        self.payload = payload
        self.emittedAt = emittedAt
        self.namespace = namespace
        self.meta = meta
        self.fileReference = fileReference
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        stream = try reader.string("stream")
        payload = LazyJSONObject(try reader.object("data"))
        guard let emittedAt = try reader.optionalInt64("emitted_at") else { throw reader.missing("emitted_at") }
        self.emittedAt = emittedAt
        namespace = try reader.optionalString("namespace")
        meta = try reader.optional("meta")
        fileReference = try reader.optional("file_reference")
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder()
        builder.set("stream", stream)
        builder.set("data", payload.object)
        builder.set("emitted_at", emittedAt)
        builder.set("namespace", namespace)
        builder.set("meta", meta)
        builder.set("file_reference", fileReference)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }

    /// Writes the record straight into `writer`, without building an intermediate object.
    public func write(to writer: inout JSONWriter) {
        writer.writeRaw("{\"stream\":")
        writer.writeQuoted(stream)
        writer.writeRaw(",\"data\":")
        writer.write(payload)
        writer.writeRaw(",\"emitted_at\":")
        writer.write(emittedAt)
        if let namespace {
            writer.writeRaw(",\"namespace\":")
            writer.writeQuoted(namespace)
        }
        if let meta {
            writer.writeRaw(",\"meta\":")
            writer.write(meta.json)
        }
        if let fileReference {
            writer.writeRaw(",\"file_reference\":")
            writer.write(fileReference.json)
        }
        for (key, value) in additionalProperties {
            writer.writeRaw(UInt8(ascii: ","))
            writer.writeQuoted(key)
            writer.writeRaw(UInt8(ascii: ":"))
            writer.write(value)
        }
        writer.writeRaw(UInt8(ascii: "}"))
    }
}

/// What happened to a record on its way, e.g. a field nulled because it was too large to keep.
public struct AirbyteRecordMessageMeta: AirbyteProtocolValue {
    public var changes: [AirbyteRecordMessageMetaChange]?
    public var additionalProperties: JSONObject

    public init(changes: [AirbyteRecordMessageMetaChange]? = nil, additionalProperties: JSONObject = [:]) {
        self.changes = changes
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        changes = try reader.optionalArray("changes")
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder()
        builder.set("changes", changes)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}

public struct AirbyteRecordMessageMetaChange: AirbyteProtocolValue {
    public struct Change: AirbyteProtocolEnum {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static var nulled: Change { Change(rawValue: "NULLED") }
        public static var truncated: Change { Change(rawValue: "TRUNCATED") }
    }

    /// Why a field changed, e.g. `SOURCE_FIELD_SIZE_LIMITATION` or `DESTINATION_TYPECAST_ERROR`.
    public struct Reason: AirbyteProtocolEnum {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static var sourceRecordSizeLimitation: Reason { Reason(rawValue: "SOURCE_RECORD_SIZE_LIMITATION") }
        public static var sourceFieldSizeLimitation: Reason { Reason(rawValue: "SOURCE_FIELD_SIZE_LIMITATION") }
        public static var sourceSerializationError: Reason { Reason(rawValue: "SOURCE_SERIALIZATION_ERROR") }
        public static var sourceRetrievalError: Reason { Reason(rawValue: "SOURCE_RETRIEVAL_ERROR") }
        public static var destinationTypecastError: Reason { Reason(rawValue: "DESTINATION_TYPECAST_ERROR") }
        public static var platformSerializationError: Reason { Reason(rawValue: "PLATFORM_SERIALIZATION_ERROR") }
    }

    public var field: String
    public var change: Change
    public var reason: Reason
    public var additionalProperties: JSONObject

    public init(field: String, change: Change, reason: Reason, additionalProperties: JSONObject = [:]) {
        self.field = field
        self.change = change
        self.reason = reason
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        field = try reader.string("field")
        change = try reader.required("change")
        reason = try reader.required("reason")
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder()
        builder.set("field", field)
        builder.set("change", change)
        builder.set("reason", reason)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}

/// Where a file that travels with a record is staged.
public struct AirbyteRecordMessageFileReference: AirbyteProtocolValue {
    public var stagingFileURL: String?
    public var sourceFileRelativePath: String?
    public var fileSizeBytes: Int64?
    public var additionalProperties: JSONObject

    public init(
        stagingFileURL: String? = nil,
        sourceFileRelativePath: String? = nil,
        fileSizeBytes: Int64? = nil,
        additionalProperties: JSONObject = [:]
    ) {
        self.stagingFileURL = stagingFileURL
        self.sourceFileRelativePath = sourceFileRelativePath
        self.fileSizeBytes = fileSizeBytes
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        stagingFileURL = try reader.optionalString("staging_file_url")
        sourceFileRelativePath = try reader.optionalString("source_file_relative_path")
        fileSizeBytes = try reader.optionalInt64("file_size_bytes")
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder()
        builder.set("staging_file_url", stagingFileURL)
        builder.set("source_file_relative_path", sourceFileRelativePath)
        builder.set("file_size_bytes", fileSizeBytes)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}

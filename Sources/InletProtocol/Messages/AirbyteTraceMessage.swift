public import InletJSON

/// Out-of-band information about a sync: an error, an estimate, a stream's status, or analytics.
public struct AirbyteTraceMessage: AirbyteProtocolValue {
    public struct TraceType: AirbyteProtocolEnum {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static var error: TraceType { TraceType(rawValue: "ERROR") }
        public static var estimate: TraceType { TraceType(rawValue: "ESTIMATE") }
        public static var streamStatus: TraceType { TraceType(rawValue: "STREAM_STATUS") }
        public static var analytics: TraceType { TraceType(rawValue: "ANALYTICS") }
    }

    public var type: TraceType
    /// Milliseconds since the epoch; the protocol and the CDK use a float here.
    public var emittedAt: Double
    public var error: AirbyteErrorTraceMessage?
    public var estimate: AirbyteEstimateTraceMessage?
    public var streamStatus: AirbyteStreamStatusTraceMessage?
    public var analytics: AirbyteAnalyticsTraceMessage?
    public var additionalProperties: JSONObject

    public init(
        type: TraceType,
        emittedAt: Double,
        error: AirbyteErrorTraceMessage? = nil,
        estimate: AirbyteEstimateTraceMessage? = nil,
        streamStatus: AirbyteStreamStatusTraceMessage? = nil,
        analytics: AirbyteAnalyticsTraceMessage? = nil,
        additionalProperties: JSONObject = [:]
    ) {
        self.type = type
        self.emittedAt = emittedAt
        self.error = error
        self.estimate = estimate
        self.streamStatus = streamStatus
        self.analytics = analytics
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        type = try reader.required("type")
        emittedAt = try reader.double("emitted_at")
        error = try reader.optional("error")
        estimate = try reader.optional("estimate")
        streamStatus = try reader.optional("stream_status")
        analytics = try reader.optional("analytics")
        additionalProperties = reader.additionalProperties
        switch type {
        case .error where error == nil: throw reader.missing("error")
        case .estimate where estimate == nil: throw reader.missing("estimate")
        case .streamStatus where streamStatus == nil: throw reader.missing("stream_status")
        case .analytics where analytics == nil: throw reader.missing("analytics")
        default: break
        }
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder(capacity: 3)
        builder.set("type", type)
        builder.set("emitted_at", emittedAt)
        builder.set("error", error)
        builder.set("estimate", estimate)
        builder.set("stream_status", streamStatus)
        builder.set("analytics", analytics)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}

/// Whose fault a failure is: the user's configuration, a passing condition, or the system.
public struct FailureType: AirbyteProtocolEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var systemError: FailureType { FailureType(rawValue: "system_error") }
    public static var configError: FailureType { FailureType(rawValue: "config_error") }
    public static var transientError: FailureType { FailureType(rawValue: "transient_error") }
}

public struct AirbyteErrorTraceMessage: AirbyteProtocolValue {
    /// For the user: what went wrong and what to do.
    public var message: String
    /// For the developer: the underlying error.
    public var internalMessage: String?
    public var stackTrace: String?
    public var failureType: FailureType?
    public var streamDescriptor: StreamDescriptor?
    public var additionalProperties: JSONObject

    public init(
        message: String,
        internalMessage: String? = nil,
        stackTrace: String? = nil,
        failureType: FailureType? = nil,
        streamDescriptor: StreamDescriptor? = nil,
        additionalProperties: JSONObject = [:]
    ) {
        self.message = message
        self.internalMessage = internalMessage
        self.stackTrace = stackTrace
        self.failureType = failureType
        self.streamDescriptor = streamDescriptor
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        message = try reader.string("message")
        internalMessage = try reader.optionalString("internal_message")
        stackTrace = try reader.optionalString("stack_trace")
        failureType = try reader.optional("failure_type")
        streamDescriptor = try reader.optional("stream_descriptor")
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder(capacity: 5)
        builder.set("message", message)
        builder.set("internal_message", internalMessage)
        builder.set("stack_trace", stackTrace)
        builder.set("failure_type", failureType)
        builder.set("stream_descriptor", streamDescriptor)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}

public struct AirbyteEstimateTraceMessage: AirbyteProtocolValue {
    public struct EstimateType: AirbyteProtocolEnum {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static var stream: EstimateType { EstimateType(rawValue: "STREAM") }
        public static var sync: EstimateType { EstimateType(rawValue: "SYNC") }
    }

    public var name: String
    public var type: EstimateType
    public var namespace: String?
    public var rowEstimate: Int64?
    public var byteEstimate: Int64?
    public var additionalProperties: JSONObject

    public init(
        name: String,
        type: EstimateType,
        namespace: String? = nil,
        rowEstimate: Int64? = nil,
        byteEstimate: Int64? = nil,
        additionalProperties: JSONObject = [:]
    ) {
        self.name = name
        self.type = type
        self.namespace = namespace
        self.rowEstimate = rowEstimate
        self.byteEstimate = byteEstimate
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        name = try reader.string("name")
        type = try reader.required("type")
        namespace = try reader.optionalString("namespace")
        rowEstimate = try reader.optionalInt64("row_estimate")
        byteEstimate = try reader.optionalInt64("byte_estimate")
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder(capacity: 5)
        builder.set("name", name)
        builder.set("type", type)
        builder.set("namespace", namespace)
        builder.set("row_estimate", rowEstimate)
        builder.set("byte_estimate", byteEstimate)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}

public struct AirbyteStreamStatusTraceMessage: AirbyteProtocolValue {
    public struct Status: AirbyteProtocolEnum {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static var started: Status { Status(rawValue: "STARTED") }
        public static var running: Status { Status(rawValue: "RUNNING") }
        public static var complete: Status { Status(rawValue: "COMPLETE") }
        public static var incomplete: Status { Status(rawValue: "INCOMPLETE") }
    }

    public var streamDescriptor: StreamDescriptor
    public var status: Status
    public var reasons: [AirbyteStreamStatusReason]?
    public var additionalProperties: JSONObject

    public init(
        streamDescriptor: StreamDescriptor,
        status: Status,
        reasons: [AirbyteStreamStatusReason]? = nil,
        additionalProperties: JSONObject = [:]
    ) {
        self.streamDescriptor = streamDescriptor
        self.status = status
        self.reasons = reasons
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        streamDescriptor = try reader.required("stream_descriptor")
        status = try reader.required("status")
        reasons = try reader.optionalArray("reasons")
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder(capacity: 3)
        builder.set("stream_descriptor", streamDescriptor)
        builder.set("status", status)
        builder.set("reasons", reasons)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}

/// Why a stream is in its status, e.g. rate limited until `quotaReset` (epoch milliseconds).
public struct AirbyteStreamStatusReason: AirbyteProtocolValue {
    public struct ReasonType: AirbyteProtocolEnum {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static var rateLimited: ReasonType { ReasonType(rawValue: "RATE_LIMITED") }
    }

    public var type: ReasonType
    public var quotaReset: Int64?
    public var additionalProperties: JSONObject

    public init(type: ReasonType, quotaReset: Int64? = nil, additionalProperties: JSONObject = [:]) {
        self.type = type
        self.quotaReset = quotaReset
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        type = try reader.required("type")
        if let rateLimited = try reader.optionalObject("rate_limited") {
            var limitReader = try ProtocolObjectReader(.object(rateLimited), path: path.appending("rate_limited"))
            quotaReset = try limitReader.optionalInt64("quota_reset")
        } else {
            quotaReset = nil
        }
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder(capacity: 2)
        builder.set("type", type)
        if type == .rateLimited || quotaReset != nil {
            var limit = ProtocolObjectBuilder(capacity: 1)
            limit.set("quota_reset", quotaReset)
            builder.set("rate_limited", limit.object)
        }
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}

public struct AirbyteAnalyticsTraceMessage: AirbyteProtocolValue {
    public var type: String
    public var value: String?
    public var additionalProperties: JSONObject

    public init(type: String, value: String? = nil, additionalProperties: JSONObject = [:]) {
        self.type = type
        self.value = value
        self.additionalProperties = additionalProperties
    }

    public init(json: JSONValue, path: JSONPath) throws(AirbyteProtocolError) {
        var reader = try ProtocolObjectReader(json, path: path)
        type = try reader.string("type")
        value = try reader.optionalString("value")
        additionalProperties = reader.additionalProperties
    }

    public var json: JSONValue {
        var builder = ProtocolObjectBuilder(capacity: 2)
        builder.set("type", type)
        builder.set("value", value)
        builder.merge(additionalProperties)
        return .object(builder.object)
    }
}

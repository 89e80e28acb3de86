public import InletJSON

extension AirbyteMessage {
    public static func record(
        stream: String,
        data: JSONObject,
        namespace: String? = nil,
        emittedAt: Int64 = WallClock.integerMillisecondsSinceEpoch()
    ) -> AirbyteMessage {
        AirbyteMessage(.record(AirbyteRecordMessage(stream: stream, data: data, emittedAt: emittedAt, namespace: namespace)))
    }

    public static func record(
        stream: String,
        payload: LazyJSONObject,
        namespace: String? = nil,
        emittedAt: Int64 = WallClock.integerMillisecondsSinceEpoch()
    ) -> AirbyteMessage {
        AirbyteMessage(.record(AirbyteRecordMessage(stream: stream, payload: payload, emittedAt: emittedAt, namespace: namespace)))
    }

    public static func log(_ level: AirbyteLogMessage.Level, _ message: String, stackTrace: String? = nil) -> AirbyteMessage {
        AirbyteMessage(.log(AirbyteLogMessage(level: level, message: message, stackTrace: stackTrace)))
    }

    public static func connectionStatus(_ status: AirbyteConnectionStatus.Status, message: String? = nil) -> AirbyteMessage {
        AirbyteMessage(.connectionStatus(AirbyteConnectionStatus(status: status, message: message)))
    }

    public static func traceError(
        _ error: AirbyteErrorTraceMessage,
        emittedAt: Double = WallClock.millisecondsSinceEpoch()
    ) -> AirbyteMessage {
        AirbyteMessage(.trace(AirbyteTraceMessage(type: .error, emittedAt: emittedAt, error: error)))
    }

    public static func streamStatus(
        _ status: AirbyteStreamStatusTraceMessage.Status,
        for stream: StreamDescriptor,
        reasons: [AirbyteStreamStatusReason]? = nil,
        emittedAt: Double = WallClock.millisecondsSinceEpoch()
    ) -> AirbyteMessage {
        let payload = AirbyteStreamStatusTraceMessage(streamDescriptor: stream, status: status, reasons: reasons)
        return AirbyteMessage(.trace(AirbyteTraceMessage(type: .streamStatus, emittedAt: emittedAt, streamStatus: payload)))
    }
}

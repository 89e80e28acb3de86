public import InletJSON

/// The variables a template may read, as the CDK passes them to its interpolation.
public enum ContextVariable: String, CaseIterable, Sendable {
    case config
    case parameters
    case streamSlice = "stream_slice"
    /// Aliases of `stream_slice`, as the CDK provides them.
    case streamInterval = "stream_interval"
    case streamPartition = "stream_partition"
    case nextPageToken = "next_page_token"
    case record
    case response
    case headers
    case lastRecord = "last_record"
    case lastPageSize = "last_page_size"
    case lastPageTokenValue = "last_page_token_value"
    case creationResponse = "creation_response"
    case pollingResponse = "polling_response"
    case downloadTarget = "download_target"
    case componentsValues = "components_values"

    var slotIndex: Int {
        switch self {
        case .config: return 0
        case .parameters: return 1
        case .streamSlice: return 2
        case .streamInterval: return 3
        case .streamPartition: return 4
        case .nextPageToken: return 5
        case .record: return 6
        case .response: return 7
        case .headers: return 8
        case .lastRecord: return 9
        case .lastPageSize: return 10
        case .lastPageTokenValue: return 11
        case .creationResponse: return 12
        case .pollingResponse: return 13
        case .downloadTarget: return 14
        case .componentsValues: return 15
        }
    }

    static let slotCount = 16
}

/// What a template evaluation sees: the config, the component's `$parameters`, and whatever the
/// calling component passes (the stream slice, the record, the response, …), plus the clock.
public struct InterpolationContext: Sendable {
    private var slots: [JinjaValue?]
    private var extraVariables: [String: JinjaValue] = [:]
    public var runtime: JinjaRuntime

    public init(config: JSONObject = [:], runtime: JinjaRuntime = JinjaRuntime()) {
        slots = Array(repeating: nil, count: ContextVariable.slotCount)
        slots[ContextVariable.config.slotIndex] = .jsonObject(config)
        self.runtime = runtime
    }

    public subscript(variable: ContextVariable) -> JinjaValue? {
        get { slots[variable.slotIndex] }
        set { slots[variable.slotIndex] = newValue }
    }

    /// Sets a variable by name, for names that are not one of `ContextVariable`'s.
    public mutating func set(_ name: String, to value: JinjaValue?) {
        if let known = ContextVariable(rawValue: name) {
            self[known] = value
        } else {
            extraVariables[name] = value
        }
    }

    /// A copy with `variable` set.
    public func with(_ variable: ContextVariable, _ value: JinjaValue?) -> InterpolationContext {
        var copy = self
        copy[variable] = value
        return copy
    }

    func value(of variable: JinjaVariable) -> JinjaValue? {
        if let slot = variable.contextSlot {
            if let value = slots[slot.slotIndex] { return value }
            // `stream_interval` and `stream_partition` read the stream slice when not set themselves.
            if slot == .streamInterval || slot == .streamPartition { return slots[ContextVariable.streamSlice.slotIndex] }
            return nil
        }
        return extraVariables[variable.name]
    }

    func contains(_ name: String) -> Bool {
        value(of: JinjaVariable(name: name, contextSlot: ContextVariable(rawValue: name))) != nil
    }

    /// The names the template may use, for error messages.
    var availableNames: [String] {
        var names = ContextVariable.allCases.filter { value(of: JinjaVariable(name: $0.rawValue, contextSlot: $0)) != nil }.map(\.rawValue)
        names += extraVariables.keys.sorted()
        return names
    }
}

/// What templates read from the world: the wall clock and random UUIDs. Tests fix both.
public struct JinjaRuntime: Sendable {
    public var now: @Sendable () -> PyDateTime
    public var uuid: @Sendable () -> String

    public init(
        now: @escaping @Sendable () -> PyDateTime = { PyDateTime(utcMicroseconds: SystemClock.microsecondsSinceEpoch()) },
        uuid: @escaping @Sendable () -> String = { RandomUUID.make() }
    ) {
        self.now = now
        self.uuid = uuid
    }

    /// A runtime whose clock stands still at `instant`.
    public static func frozen(at instant: PyDateTime) -> JinjaRuntime {
        JinjaRuntime(now: { instant }, uuid: { "00000000-0000-4000-8000-000000000000" })
    }
}

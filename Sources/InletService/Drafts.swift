public import InletJSON

/// A new source, as a client describes it.
public struct SourceDraft: Sendable {
    public var name: String
    public var description: String?
    public var connectorType: String
    public var connectionConfig: JSONObject

    public init(name: String, description: String?, connectorType: String, connectionConfig: JSONObject) {
        self.name = name
        self.description = description
        self.connectorType = connectorType
        self.connectionConfig = connectionConfig
    }
}

/// Changes to a source: what is nil stays as it is.
public struct SourceUpdate: Sendable {
    public var name: String?
    public var description: String?
    /// Merged over the stored config: omitted members are kept, secrets sent back masked are kept.
    public var connectionConfig: JSONObject?

    public init(name: String?, description: String?, connectionConfig: JSONObject?) {
        self.name = name
        self.description = description
        self.connectionConfig = connectionConfig
    }
}

/// A new connection, or (with `nil` for what stays) changes to one.
public struct ConnectionDraft: Sendable {
    public var sourceID: String?
    public var name: String?
    public var destinationType: String?
    /// `.some(nil)`: no schedule.
    public var syncSchedule: String??
    public var timeZone: String??
    /// `.some(nil)`: every stream.
    public var selectedStreams: [String]??
    public var syncMode: ConnectionRecord.SyncMode?
    public var targetSchema: String?
    public var writeMode: String??
    public var mergeKeys: [String]??
    public var columnTransformations: JSONValue?
    public var archiveStaging: Bool?
    public var addIngestionMetadata: Bool?

    public init() {}
}

/// How a source reads a stream.
public struct SyncMode: AirbyteProtocolEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var fullRefresh: SyncMode { SyncMode(rawValue: "full_refresh") }
    public static var incremental: SyncMode { SyncMode(rawValue: "incremental") }
}

/// How a destination writes a stream.
public struct DestinationSyncMode: AirbyteProtocolEnum {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static var append: DestinationSyncMode { DestinationSyncMode(rawValue: "append") }
    public static var overwrite: DestinationSyncMode { DestinationSyncMode(rawValue: "overwrite") }
    public static var appendDedup: DestinationSyncMode { DestinationSyncMode(rawValue: "append_dedup") }
    public static var update: DestinationSyncMode { DestinationSyncMode(rawValue: "update") }
    public static var softDelete: DestinationSyncMode { DestinationSyncMode(rawValue: "soft_delete") }
}

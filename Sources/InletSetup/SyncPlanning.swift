public import InletPipeline
public import InletProtocol

/// Which streams a sync lands, and how: the choices `inlet sync` and the service make the same way.
public enum SyncPlanning {
    /// The discovered streams to sync, all or those `wanted`, each incremental where the stream
    /// supports it (deduplicated on its primary key when it has one), else a full refresh.
    public static func configuredStreams(discovered: [AirbyteStream], wanted: Set<String>?) throws(SetupError) -> [ConfiguredAirbyteStream] {
        if let wanted {
            let missing = wanted.subtracting(discovered.map(\.name))
            if !missing.isEmpty {
                throw SetupError("unknown streams: \(missing.sorted().joined(separator: ", "))"
                                 + " (the connector has \(discovered.map(\.name).joined(separator: ", ")))")
            }
        }
        return discovered.filter { wanted?.contains($0.name) ?? true }.map { stream in
            let incremental = stream.supportedSyncModes.contains(.incremental)
            return ConfiguredAirbyteStream(
                stream: stream, syncMode: incremental ? .incremental : .fullRefresh,
                destinationSyncMode: incremental ? (stream.sourceDefinedPrimaryKey?.isEmpty == false ? .appendDedup : .append) : .overwrite,
                cursorField: stream.defaultCursorField, primaryKey: stream.sourceDefinedPrimaryKey)
        }
    }

    /// Overwrite for a full refresh, merge for a deduplicated stream, else append.
    public static func defaultMode(for stream: ConfiguredAirbyteStream) -> WriteMode {
        switch stream.destinationSyncMode {
        case .overwrite: return .overwrite
        case .appendDedup: return .merge
        default: return stream.syncMode == .fullRefresh ? .overwrite : .append
        }
    }

    /// The ingestion metadata columns' values: the run, and the orchestrator's job when there is one.
    public struct Metadata: Sendable {
        public var runID: String
        public var dagJobID: String?

        public init(runID: String, dagJobID: String?) {
            self.runID = runID
            self.dagJobID = dagJobID
        }
    }

    /// Each stream's plan: its write mode (`writeMode`, else the default for it), merge keys
    /// (`mergeKeys`, else its primary key), cursor, and how its records are prepared.
    /// `appendsAtomically`: appends become visible in one snapshot at the end (file imports).
    public static func streams(_ configured: [ConfiguredAirbyteStream], writeMode: WriteMode?, mergeKeys: [String]?,
                               transformations: [ColumnTransformation], metadata: Metadata?,
                               keyStore: KeyStore, appendsAtomically: Bool = false) throws(SetupError) -> [SyncStream] {
        let unknownStreams = Set(transformations.map(\.stream)).subtracting(configured.map(\.stream.name))
        if !unknownStreams.isEmpty {
            throw SetupError("transformations name streams that are not synced: \(unknownStreams.sorted().joined(separator: ", "))")
        }
        return configured.map { stream in
            let mode = writeMode ?? defaultMode(for: stream)
            let preparer = RecordPreparer(
                transformations: transformations.filter { $0.stream == stream.stream.name },
                metadata: metadata.map { .init(runID: $0.runID, mode: mode, dagJobID: $0.dagJobID) },
                keyStore: keyStore)
            let keys = mergeKeys ?? (stream.primaryKey ?? stream.stream.sourceDefinedPrimaryKey ?? []).compactMap { $0.count == 1 ? $0[0] : nil }
            let cursor = (stream.cursorField ?? stream.stream.defaultCursorField)?.first
            let plan = StreamPlan(descriptor: stream.stream.descriptor, jsonSchema: preparer.schema(from: stream.stream.jsonSchema),
                                  writeMode: mode, mergeKeys: keys, cursorField: cursor, appendsAtomically: appendsAtomically)
            return SyncStream(configured: stream, plan: plan, preparer: preparer)
        }
    }
}

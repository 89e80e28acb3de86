public import InletJSON
public import InletProtocol

/// A file as a connector: one stream, its columns typed by inference (or the config's types), every
/// value checked against its column's type as it is read. `inlet import`, `inlet sync --connector
/// file` and the service's file imports all run through it and the pipeline.
public struct FileSource: Connector {
    public var name: String { "file" }

    /// Records are emitted in batches of this many.
    static let batchSize = 2048

    public init() {}

    public func spec() -> AirbyteMessageStream {
        AirbyteMessageStream([AirbyteMessage(.spec(ConnectorSpecification(connectionSpecification: FileImportSettings.specification)))])
    }

    public func check(config: JSONObject) -> AirbyteMessageStream {
        do {
            let settings = try FileImportSettings(config: config)
            let reader = try TabularFile.open(path: settings.path, options: settings.read)
            _ = try reader.nextRow()
            return AirbyteMessageStream([.connectionStatus(.succeeded)])
        } catch {
            return AirbyteMessageStream([.connectionStatus(.failed, message: "\(error)")])
        }
    }

    public func discover(config: JSONObject) -> AirbyteMessageStream {
        MessageStream(bufferCapacity: 1) { emitter in
            let settings = try Self.settings(config)
            let columns = try Self.columns(settings)
            try await emitter.emit(AirbyteMessage(.catalog(AirbyteCatalog(streams: [Self.stream(settings.stream, columns: columns)]))))
        }
    }

    public func read(config: JSONObject, catalog: ConfiguredAirbyteCatalog, state: [AirbyteStateMessage]) -> AirbyteMessageStream {
        MessageStream(bufferCapacity: 8 * Self.batchSize) { emitter in
            let settings = try Self.settings(config)
            guard catalog.streams.contains(where: { $0.stream.name == settings.stream }) else { return }
            let columns = try Self.columns(settings)
            let reader = try Self.wrap { () throws(FileImportError) in try TabularFile.open(path: settings.path, options: settings.read) }
            let plans = columns.map(ColumnPlan.init)
            let names = plans.map(\.name)
            var batch: [AirbyteMessage] = []
            batch.reserveCapacity(Self.batchSize)
            var row = 0
            var values = [JSONValue](repeating: .null, count: plans.count)
            let nullValues = settings.nullValues
            // One clock reading per batch: rows read together were emitted together.
            var emittedAt = WallClock.integerMillisecondsSinceEpoch()
            while let cells = try Self.wrap({ () throws(FileImportError) in try reader.nextRow() }) {
                row += 1
                var changes: [AirbyteRecordMessageMetaChange] = []
                for index in plans.indices {
                    let cell = index < cells.count ? cells[index] : .null
                    let converted = plans.withUnsafeBufferPointer { $0[index].value(of: cell, nullValues: nullValues) }
                    if let value = converted {
                        values[index] = value
                        continue
                    }
                    let bad = BadValue(row: row, column: plans[index].name, value: cell.text ?? "", expected: plans[index].type)
                    guard settings.onBadValue == .null else {
                        throw ConnectorError(failureType: .configError,
                                             message: "\(bad) (choose its type, or write such values as null)",
                                             streamDescriptor: StreamDescriptor(name: settings.stream))
                    }
                    values[index] = .null
                    changes.append(AirbyteRecordMessageMetaChange(field: plans[index].name, change: .nulled, reason: .sourceSerializationError))
                }
                var record = AirbyteRecordMessage(stream: settings.stream, data: JSONObject(distinctKeys: names, values: values),
                                                  emittedAt: emittedAt)
                if !changes.isEmpty { record.meta = AirbyteRecordMessageMeta(changes: changes) }
                batch.append(AirbyteMessage(.record(record)))
                if batch.count == Self.batchSize {
                    try await emitter.emit(contentsOf: batch)
                    batch.removeAll(keepingCapacity: true)
                    emittedAt = WallClock.integerMillisecondsSinceEpoch()
                }
            }
            // The read is complete: a checkpoint, so that the pipeline commits the file's rows as one
            // finished read (a rerun then reads the file whole again, as a full refresh does).
            batch.append(AirbyteMessage(.state(.stream(StreamDescriptor(name: settings.stream),
                                                       state: ["path": .string(settings.path), "rows": .int(Int64(row))]))))
            try await emitter.emit(contentsOf: batch)
        }
    }

    /// The stream a file makes: a full refresh of its columns.
    static func stream(_ name: String, columns: [InferredColumn]) -> AirbyteStream {
        let properties = JSONObject(distinctKeys: columns.map(\.name), values: columns.map { .object($0.type.jsonSchema) })
        let schema: JSONObject = ["$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "properties": .object(properties)]
        return AirbyteStream(name: name, jsonSchema: schema, supportedSyncModes: [.fullRefresh], sourceDefinedPrimaryKey: [])
    }

    private static func settings(_ config: JSONObject) throws(ConnectorError) -> FileImportSettings {
        try wrap { () throws(FileImportError) in try FileImportSettings(config: config) }
    }

    private static func columns(_ settings: FileImportSettings) throws(ConnectorError) -> [InferredColumn] {
        try wrap { () throws(FileImportError) in
            let reader = try TabularFile.open(path: settings.path, options: settings.read)
            return try FileInference.infer(reader, nullValues: settings.nullValues, columnTypes: settings.columnTypes,
                                           dateFormats: settings.dateFormats, sampleRows: FilePreview.defaultSampleRows, keepRows: 0).columns
        }
    }

    private static func wrap<Value>(_ body: () throws(FileImportError) -> Value) throws(ConnectorError) -> Value {
        do {
            return try body()
        } catch {
            throw ConnectorError.configError(error.description)
        }
    }
}

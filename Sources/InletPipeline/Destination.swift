public import InletJSON
public import InletProtocol

/// How a stream's records land in its table.
public enum WriteMode: String, Sendable, CaseIterable {
    /// Every record becomes a row.
    case append
    /// The stream's records replace the table's rows, in one snapshot once the stream has completed.
    case overwrite
    /// Upsert on the merge keys: a record replaces the row with its keys, or adds one.
    case merge
}

/// What the destination needs to know of one selected stream.
public struct StreamPlan: Sendable {
    public var descriptor: StreamDescriptor
    /// The stream's records' JSON schema after the column transformations, metadata columns included.
    public var jsonSchema: JSONObject
    public var writeMode: WriteMode
    /// Top-level columns a merge matches rows on.
    public var mergeKeys: [String]
    /// The column whose greatest value wins among records of one key within a batch (else arrival order).
    public var cursorField: String?
    /// An append whose batches are written as they come but made visible in one snapshot once the
    /// stream completes (a file import: all of it, or, when it fails, none of it).
    public var appendsAtomically: Bool

    public init(descriptor: StreamDescriptor, jsonSchema: JSONObject, writeMode: WriteMode, mergeKeys: [String] = [],
                cursorField: String? = nil, appendsAtomically: Bool = false) {
        self.descriptor = descriptor
        self.jsonSchema = jsonSchema
        self.writeMode = writeMode
        self.mergeKeys = mergeKeys
        self.cursorField = cursorField
        self.appendsAtomically = appendsAtomically
    }

    /// Whether nothing of the stream is visible before it completes (an overwrite, an atomic append).
    public var commitsOnCompletion: Bool { writeMode == .overwrite || (writeMode == .append && appendsAtomically) }
}

/// Where synced records end up: Iceberg tables, or JSON-lines files for debugging.
public protocol Destination: Sendable {
    /// Names the destination in messages, e.g. `iceberg (file:///data/warehouse)`.
    var name: String { get }
    /// Prepares the stream's table (creating it, or evolving its schema) and returns its writer.
    func open(_ plan: StreamPlan) throws(DestinationError) -> any StreamWriter
}

/// The source checkpoint that an append or merge commit covers, stored with the commit (in an
/// Iceberg snapshot's summary) so that the data and the state it covers land together: a sync
/// killed between the commit and the state store's save resumes from the table's checkpoint instead
/// of reading the batch again.
public struct TableCheckpoint: Sendable {
    public var connection: String
    /// The stream's state once this commit's records are in.
    public var state: AirbyteStateMessage
    /// The stream's checkpoint before this commit: what the state store holds until it saves `state`.
    /// A rerun that finds this in the store knows the table is ahead of it.
    public var previous: AirbyteStateMessage?

    public init(connection: String, state: AirbyteStateMessage, previous: AirbyteStateMessage?) {
        self.connection = connection
        self.state = state
        self.previous = previous
    }

    /// Whether two states are the same checkpoint (by their JSON).
    public static func same(_ lhs: AirbyteStateMessage?, _ rhs: AirbyteStateMessage?) -> Bool {
        lhs.map { JSONWriter.string(from: $0.json) } == rhs.map { JSONWriter.string(from: $0.json) }
    }
}

/// Writes one stream's records. The pipeline calls it from one task at a time.
public protocol StreamWriter: AnyObject, Sendable {
    /// Makes `records` durable in the table: append and merge commit a snapshot now, carrying
    /// `checkpoint` when given; overwrite writes them but holds its files back until `complete`.
    func write(_ records: [JSONObject], checkpoint: TableCheckpoint?) throws(DestinationError) -> WriteReport
    /// The latest checkpoint of `connection` that a commit of this table carries, if any.
    func checkpoint(connection: String) -> TableCheckpoint?
    /// The stream has ended: an overwrite replaces the table now.
    func complete() throws(DestinationError) -> WriteReport
    /// The sync failed: files held back are removed, the table stays as it was.
    func abandon()
}

extension StreamWriter {
    public func write(_ records: [JSONObject]) throws(DestinationError) -> WriteReport {
        try write(records, checkpoint: nil)
    }

    public func checkpoint(connection: String) -> TableCheckpoint? { nil }
}

/// What a write did.
public struct WriteReport: Sendable, Equatable {
    /// Records now committed (for an overwrite, only once complete).
    public var committedRecords = 0
    public var snapshots = 0
    public var bytes: Int64 = 0
    /// Values that did not fit their column and were written as null.
    public var nulledValues = 0

    public init(committedRecords: Int = 0, snapshots: Int = 0, bytes: Int64 = 0, nulledValues: Int = 0) {
        self.committedRecords = committedRecords
        self.snapshots = snapshots
        self.bytes = bytes
        self.nulledValues = nulledValues
    }

    public static func + (lhs: WriteReport, rhs: WriteReport) -> WriteReport {
        WriteReport(committedRecords: lhs.committedRecords + rhs.committedRecords, snapshots: lhs.snapshots + rhs.snapshots,
                    bytes: lhs.bytes + rhs.bytes, nulledValues: lhs.nulledValues + rhs.nulledValues)
    }
}

/// Why a destination could not write, naming the stream.
public struct DestinationError: Error, Sendable, CustomStringConvertible {
    public var stream: String
    public var message: String

    public init(stream: String, message: String) {
        self.stream = stream
        self.message = message
    }

    public var description: String { "stream \(stream): \(message)" }
}

import Dispatch
public import InletParquet
import Synchronization

extension IcebergTable {
    /// Writes batches on `workers` threads at once. Each worker turns its batches into rows with
    /// `rows` and writes them into data files of its own, so conversion and encoding use every core
    /// while rows never cross threads (handing rows from one thread to another costs more than it
    /// saves). Batches go to the workers in turn, at most two waiting per worker, which bounds memory
    /// and slows a producer that runs ahead. With a sort order, each worker sorts its rows in runs.
    public func writeDataFiles<Batch: Sendable>(
        batches: some Sequence<Batch>, workers: Int = 2, compression: ParquetCompression = .zstd,
        rows: @escaping @Sendable (Batch) throws(IcebergError) -> [[ParquetValue?]]
    ) throws(IcebergError) -> [DataFile] {
        let pool = try (0..<max(workers, 1)).map { (task) throws(IcebergError) in
            try BatchWorker(table: self, compression: compression, task: task, convert: rows)
        }
        for (position, batch) in batches.enumerated() {
            if pool.contains(where: \.hasFailed) { break }
            pool[position % pool.count].submit(batch)
        }
        var files: [DataFile] = []
        var failure: IcebergError?
        for worker in pool {
            switch worker.finish() {
            case .success(let written): files += written
            case .failure(let error): failure = failure ?? error
            }
        }
        if let failure {
            for worker in pool { worker.abandon() }
            for file in files { storage.delete(file.path) }
            throw failure
        }
        if files.isEmpty { return try writeDataFiles([], compression: compression) }
        return files
    }

    /// Appends batches written by `workers` threads (see `writeDataFiles(batches:workers:rows:)`) as
    /// one snapshot; nil when there were no rows.
    @discardableResult
    public mutating func append<Batch: Sendable>(
        batches: some Sequence<Batch>, workers: Int = 2, compression: ParquetCompression = .zstd,
        rows: @escaping @Sendable (Batch) throws(IcebergError) -> [[ParquetValue?]]
    ) throws(IcebergError) -> Int64? {
        let files = try writeDataFiles(batches: batches, workers: workers, compression: compression, rows: rows)
        guard files.contains(where: { $0.summary.rowCount > 0 }) else {
            for file in files { storage.delete(file.path) }
            return nil
        }
        return try commit(files: files, replacingAllData: false)
    }
}

/// One worker thread of a concurrent write: a serial queue and the writer state only it touches.
private final class BatchWorker<Batch: Sendable>: @unchecked Sendable {
    private let queue: DispatchQueue
    /// Made with value 0 and signalled twice: libdispatch traps when a semaphore is freed below its initial value.
    private let waitingBatches = DispatchSemaphore(value: 0)
    private let failed = Atomic<Bool>(false)
    private let convert: @Sendable (Batch) throws(IcebergError) -> [[ParquetValue?]]
    private let table: IcebergTable
    private let compression: ParquetCompression
    private let task: Int
    private let precedes: (([ParquetValue?], [ParquetValue?]) -> Bool)?

    // Touched only on `queue`.
    private var writer: PartitionedDataWriter
    private var sortedRun: [[ParquetValue?]] = []
    private var files: [DataFile] = []
    private var failure: IcebergError?

    init(table: IcebergTable, compression: ParquetCompression, task: Int,
         convert: @escaping @Sendable (Batch) throws(IcebergError) -> [[ParquetValue?]]) throws(IcebergError) {
        self.table = table
        self.compression = compression
        self.task = task
        self.convert = convert
        queue = DispatchQueue(label: "inlet.iceberg.writer-\(task)")
        waitingBatches.signal()
        waitingBatches.signal()
        writer = try PartitionedDataWriter(table: table, compression: compression, task: task)
        let order = table.metadata.defaultSortOrder
        precedes = order.fields.isEmpty ? nil : order.comparator(for: try table.metadata.currentSchema)
    }

    var hasFailed: Bool { failed.load(ordering: .relaxed) }

    func submit(_ batch: Batch) {
        waitingBatches.wait()
        queue.async { [self] in
            defer { waitingBatches.signal() }
            guard failure == nil else { return }
            do throws(IcebergError) {
                let rows = try convert(batch)
                if precedes != nil {
                    sortedRun += rows
                    if sortedRun.count >= table.sortedRunRows { try writeSortedRun() }
                } else {
                    for row in rows { try writer.write(row) }
                }
            } catch {
                failure = error
                failed.store(true, ordering: .relaxed)
            }
        }
    }

    /// Waits for the worker's batches and closes its files (none when it wrote no rows).
    func finish() -> Result<[DataFile], IcebergError> {
        queue.sync {
            if let failure { return .failure(failure) }
            do throws(IcebergError) {
                if precedes != nil {
                    if !sortedRun.isEmpty { try writeSortedRun() }
                } else {
                    files += try writer.finish(keepsEmpty: false)
                }
                return .success(files)
            } catch {
                failure = error
                return .failure(error)
            }
        }
    }

    /// Removes every file the worker wrote or began.
    func abandon() {
        queue.sync {
            writer.abandon()
            for file in files { table.storage.delete(file.path) }
            files = []
        }
    }

    private func writeSortedRun() throws(IcebergError) {
        guard let precedes else { return }
        var runWriter = try PartitionedDataWriter(table: table, compression: compression, task: task)
        do {
            for row in sortedRun.sorted(by: precedes) { try runWriter.write(row) }
            let order = table.metadata.defaultSortOrder.orderID
            files += try runWriter.finish(keepsEmpty: false).map { $0.sorted(by: order) }
        } catch {
            runWriter.abandon()
            throw error
        }
        sortedRun.removeAll(keepingCapacity: true)
    }
}

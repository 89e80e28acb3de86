import Dispatch
import Foundation
public import InletJSON
public import InletProtocol
import Synchronization

/// A connector that is a shared library with Inlet's C ABI (`connectors/include/inlet_plugin.h`):
/// loaded with dlopen, its `inlet_plugin_entry` table checked for ABI version 1, each operation run
/// on a thread of its own, its messages arriving through a callback and handed on with back-pressure
/// (the plugin's thread waits while the consumer is behind). A failing operation ends the stream with
/// the plugin's `last_error`. The library stays loaded for the life of the process.
public final class NativePluginConnector: Connector, @unchecked Sendable {
    public let name: String
    public let path: String
    private let table: UnsafeRawPointer
    static let abiVersion: UInt32 = 1

    typealias Emit = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int) -> Void
    private typealias SpecFunction = @convention(c) (Emit?, UnsafeMutableRawPointer?) -> Int32
    private typealias ConfigFunction = @convention(c) (UnsafePointer<CChar>?, Emit?, UnsafeMutableRawPointer?) -> Int32
    private typealias ReadFunction = @convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, Emit?,
                                                     UnsafeMutableRawPointer?) -> Int32
    private typealias ErrorFunction = @convention(c) () -> UnsafePointer<CChar>?

    /// Loads the library and checks its entry point and ABI version.
    public init(path: String) throws(ConnectorResolutionError) {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw .plugin(path, "cannot be loaded: \(dlerror().map { String(cString: $0) } ?? "dlopen failed")")
        }
        guard let symbol = dlsym(handle, "inlet_plugin_entry") else {
            throw .plugin(path, "does not export inlet_plugin_entry (see connectors/include/inlet_plugin.h)")
        }
        typealias Entry = @convention(c) () -> UnsafeRawPointer?
        guard let table = unsafeBitCast(symbol, to: Entry.self)() else { throw .plugin(path, "inlet_plugin_entry returned no table") }
        let version = table.load(as: UInt32.self)
        guard version == Self.abiVersion else {
            throw .plugin(path, "has plugin ABI version \(version); this Inlet speaks version \(Self.abiVersion)")
        }
        for offset in stride(from: 16, through: 48, by: 8) where table.load(fromByteOffset: offset, as: UnsafeRawPointer?.self) == nil {
            throw .plugin(path, "leaves an operation of its table empty")
        }
        self.path = path
        self.table = table
        let pluginName = table.load(fromByteOffset: 8, as: UnsafePointer<CChar>?.self).map { String(cString: $0) }
        name = "\(pluginName ?? (path as NSString).lastPathComponent) (native)"
    }

    private func function<F>(at offset: Int, as type: F.Type) -> F {
        unsafeBitCast(table.load(fromByteOffset: offset, as: UnsafeRawPointer.self), to: type)
    }

    public func spec() -> AirbyteMessageStream {
        let spec = function(at: 16, as: SpecFunction.self)
        return run { emit, context in spec(emit, context) }
    }

    public func check(config: JSONObject) -> AirbyteMessageStream {
        let check = function(at: 24, as: ConfigFunction.self)
        let text = JSONWriter.string(from: .object(config))
        return run { emit, context in text.withCString { check($0, emit, context) } }
    }

    public func discover(config: JSONObject) -> AirbyteMessageStream {
        let discover = function(at: 32, as: ConfigFunction.self)
        let text = JSONWriter.string(from: .object(config))
        return run { emit, context in text.withCString { discover($0, emit, context) } }
    }

    public func read(config: JSONObject, catalog: ConfiguredAirbyteCatalog, state: [AirbyteStateMessage]) -> AirbyteMessageStream {
        let read = function(at: 40, as: ReadFunction.self)
        let texts = (JSONWriter.string(from: .object(config)), JSONWriter.string(from: catalog.json),
                     JSONWriter.string(from: .array(state.map(\.json))))
        return run { emit, context in
            texts.0.withCString { config in texts.1.withCString { catalog in texts.2.withCString { state in read(config, catalog, state, emit, context) } } }
        }
    }

    /// Runs an operation on a thread of its own, relaying what it emits.
    private func run(_ operation: @escaping @Sendable (Emit, UnsafeMutableRawPointer) -> Int32) -> AirbyteMessageStream {
        let lastError = function(at: 48, as: ErrorFunction.self)
        let name = self.name
        return AirbyteMessageStream(bufferCapacity: 4096) { emitter in
            let sink = PluginSink()
            Thread.detachNewThread {
                let status = operation(PluginSink.emit, Unmanaged.passUnretained(sink).toOpaque())
                let message = status == 0 ? nil : lastError().map { String(cString: $0) } ?? "no error message"
                sink.finish(status: status, error: message)
            }
            do {
                for await batch in sink.batches {
                    sink.consumed()
                    try await emitter.emit(contentsOf: batch)
                }
            } catch {
                sink.cancel()
                throw error
            }
            if let failure = sink.failure {
                throw ConnectorError(failureType: .systemError, message: "The connector \(name) failed: \(failure)")
            }
        }
    }
}

/// Collects a plugin's messages on its thread and hands them over in batches, at most four ahead.
private final class PluginSink: @unchecked Sendable {
    let batches: AsyncStream<[AirbyteMessage]>
    private let continuation: AsyncStream<[AirbyteMessage]>.Continuation
    /// Made with value 0 and signalled: libdispatch traps when a semaphore is freed below its initial value.
    private let slots = DispatchSemaphore(value: 0)
    private let cancelled = Atomic<Bool>(false)
    private var pending: [AirbyteMessage] = []
    private(set) var failure: String?

    init() {
        var continuation: AsyncStream<[AirbyteMessage]>.Continuation!
        batches = AsyncStream(bufferingPolicy: .unbounded) { continuation = $0 }
        self.continuation = continuation
        for _ in 0..<4 { slots.signal() }
    }

    static let emit: NativePluginConnector.Emit = { context, text, length in
        guard let context, let text else { return }
        let sink = Unmanaged<PluginSink>.fromOpaque(context).takeUnretainedValue()
        sink.take(UnsafeRawBufferPointer(start: text, count: length))
    }

    private func take(_ line: UnsafeRawBufferPointer) {
        guard !cancelled.load(ordering: .relaxed) else { return }
        pending.append((try? AirbyteMessage.parse(line: line)) ?? .log(.info, String(decoding: line.prefix(64 << 10), as: UTF8.self)))
        if pending.count >= 1024 { flush() }
    }

    private func flush() {
        guard !pending.isEmpty else { return }
        slots.wait()
        continuation.yield(pending)
        pending = []
    }

    func finish(status: Int32, error: String?) {
        if !cancelled.load(ordering: .relaxed) { flush() }
        failure = error
        continuation.finish()
    }

    func consumed() {
        slots.signal()
    }

    /// The consumer went away: what the plugin still emits is dropped.
    func cancel() {
        cancelled.store(true, ordering: .relaxed)
        for _ in 0..<8 { slots.signal() }
    }
}

import Dispatch
import Foundation
import InletProtocol
import Synchronization

/// Reads a pipe in large chunks on a thread of its own and hands them to an async consumer, at most
/// four chunks ahead of it: the child is slowed down, not buffered without bound.
final class ChunkReader: @unchecked Sendable {
    let chunks: AsyncStream<[UInt8]>
    /// Chunks the thread may read ahead. (Made with value 0 and signalled: libdispatch traps when a
    /// semaphore is freed below the value it was made with.)
    private let slots = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)

    init(descriptor: Int32, chunkSize: Int = 1 << 20) {
        var continuation: AsyncStream<[UInt8]>.Continuation!
        chunks = AsyncStream(bufferingPolicy: .unbounded) { continuation = $0 }
        let output = continuation!
        for _ in 0..<4 { slots.signal() }
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: chunkSize)
            while true {
                slots.wait()
                if stopped.load(ordering: .relaxed) { break }
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, chunkSize) }
                if count < 0 && errno == EINTR {
                    slots.signal()
                    continue
                }
                guard count > 0 else { break }
                output.yield(Array(buffer[0..<count]))
            }
            output.finish()
        }
    }

    /// The consumer is done with a chunk.
    func consumed() {
        slots.signal()
    }

    /// The consumer stops: the thread ends at its next read or wait.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        for _ in 0..<8 { slots.signal() }
    }
}

/// Splits bytes into lines of any length (a line may span many chunks).
struct LineSplitter {
    private var pending: [UInt8] = []

    /// Calls `body` with each complete line of `chunk` (without its newline).
    mutating func feed(_ chunk: [UInt8], _ body: (UnsafeRawBufferPointer) -> Void) {
        chunk.withUnsafeBytes { bytes in
            var start = 0
            while start < bytes.count {
                guard let newline = memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start) else { break }
                let end = bytes.baseAddress!.distance(to: UnsafeRawPointer(newline))
                if pending.isEmpty {
                    body(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                } else {
                    pending.append(contentsOf: bytes[start..<end])
                    pending.withUnsafeBytes { body($0) }
                    pending.removeAll(keepingCapacity: false)
                }
                start = end + 1
            }
            if start < bytes.count { pending.append(contentsOf: bytes[start...]) }
        }
    }

    /// What is left after the last newline, if anything.
    mutating func finish(_ body: (UnsafeRawBufferPointer) -> Void) {
        guard !pending.isEmpty else { return }
        pending.withUnsafeBytes { body($0) }
        pending = []
    }
}

/// Reads the child's stderr on a thread of its own: each line becomes a LOG message, and the last
/// lines are kept for the error that reports a failed child.
final class ErrorOutputCollector: @unchecked Sendable {
    private struct State {
        var logs: [AirbyteMessage] = []
        var tail: [String] = []
    }

    private let state = Mutex(State())
    private let done = DispatchSemaphore(value: 0)
    static let tailLines = 20

    init(descriptor: Int32) {
        Thread.detachNewThread { [self] in
            var splitter = LineSplitter()
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            func take(_ line: UnsafeRawBufferPointer) {
                let text = String(decoding: line.prefix(16 << 10), as: UTF8.self)
                state.withLock { state in
                    state.logs.append(.log(.info, text))
                    state.tail.append(text)
                    if state.tail.count > Self.tailLines { state.tail.removeFirst() }
                }
            }
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                splitter.feed(Array(buffer[0..<count]), take)
            }
            splitter.finish(take)
            done.signal()
        }
    }

    /// LOG messages of the lines read so far (and not yet taken).
    func takeLogs() -> [AirbyteMessage] {
        state.withLock { state in
            defer { state.logs = [] }
            return state.logs
        }
    }

    /// Waits (two seconds at most: a grandchild may hold stderr open) for stderr to close, then
    /// returns the last lines.
    func finish() -> [String] {
        if done.wait(timeout: .now() + 2) == .success { done.signal() }
        return state.withLock { $0.tail }
    }
}

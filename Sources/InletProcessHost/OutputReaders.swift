import Dispatch
import Foundation
import InletProtocol
import Synchronization

/// Reads a child's stdout in large chunks on a thread of its own, splits it into lines and parses
/// them into messages there (so parsing runs beside the consumer), and hands the messages over a
/// chunk at a time, at most four chunks ahead of the consumer: the child is slowed down, not
/// buffered without bound. A line that is not an Airbyte message becomes a LOG, as Airbyte does.
final class MessageReader: @unchecked Sendable {
    let batches: AsyncStream<[AirbyteMessage]>
    /// Chunks the thread may read ahead. (Made with value 0 and signalled: libdispatch traps when a
    /// semaphore is freed below the value it was made with.)
    private let slots = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)

    init(descriptor: Int32, chunkSize: Int = 1 << 20) {
        var continuation: AsyncStream<[AirbyteMessage]>.Continuation!
        batches = AsyncStream(bufferingPolicy: .unbounded) { continuation = $0 }
        let output = continuation!
        for _ in 0..<4 { slots.signal() }
        Thread.detachNewThread { [self] in
            var splitter = LineSplitter()
            var batch: [AirbyteMessage] = []
            var lines: [ArraySlice<UInt8>] = []
            func take(_ line: ArraySlice<UInt8>) {
                if let message = Self.message(line) { batch.append(message) }
            }
            while true {
                slots.wait()
                if stopped.load(ordering: .relaxed) { break }
                // A fresh buffer per chunk: lines are sliced out of it, not copied.
                var count = -1
                let chunk = [UInt8](unsafeUninitializedCapacity: chunkSize) { buffer, initialized in
                    repeat { count = read(descriptor, buffer.baseAddress, chunkSize) } while count < 0 && errno == EINTR
                    initialized = max(count, 0)
                }
                guard count > 0 else { break }
                splitter.feed(chunk) { lines.append($0) }
                // One slot per batch handed over (the consumer returns one per batch it takes).
                let parts = Self.messages(lines).filter { !$0.isEmpty }
                for (index, part) in parts.enumerated() {
                    if index > 0 { slots.wait() }
                    output.yield(part)
                }
                if parts.isEmpty { slots.signal() }
                lines.removeAll(keepingCapacity: true)
            }
            splitter.finish(take)
            if !batch.isEmpty { output.yield(batch) }
            output.finish()
        }
    }

    /// The lines' messages, in order; a large chunk's lines are parsed in two halves at once, on this
    /// thread and another, so that parsing is not bound to one core.
    static func messages(_ lines: [ArraySlice<UInt8>]) -> [[AirbyteMessage]] {
        guard lines.count >= 256 else { return [lines.compactMap(message)] }
        let middle = lines.count / 2
        let halves = HalfResults()
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            let range = half == 0 ? 0..<middle : middle..<lines.count
            halves.store(lines[range].compactMap(message), at: half)
        }
        return halves.both
    }

    /// The two halves' messages, each written by one thread before `concurrentPerform` returns.
    private final class HalfResults: @unchecked Sendable {
        private var first: [AirbyteMessage] = []
        private var second: [AirbyteMessage] = []

        func store(_ messages: [AirbyteMessage], at half: Int) {
            if half == 0 { first = messages } else { second = messages }
        }

        var both: [[AirbyteMessage]] { [first, second] }
    }

    /// One line of stdout as a message; nil for a blank line.
    static func message(_ line: ArraySlice<UInt8>) -> AirbyteMessage? {
        guard line.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) else { return nil }
        do {
            return try AirbyteMessage.parse(line: line)
        } catch {
            return .log(.info, String(decoding: line.prefix(64 << 10), as: UTF8.self))
        }
    }

    /// The consumer is done with a batch.
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

    /// Calls `body` with each complete line of `chunk` (without its newline): a slice of the chunk
    /// itself, or of an array of its own for a line that began in an earlier chunk.
    mutating func feed(_ chunk: [UInt8], _ body: (ArraySlice<UInt8>) -> Void) {
        var start = 0
        while start < chunk.count {
            let newline: Int? = chunk.withUnsafeBytes { bytes in
                memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start).map { bytes.baseAddress!.distance(to: UnsafeRawPointer($0)) }
            }
            guard let end = newline else { break }
            if pending.isEmpty {
                body(chunk[start..<end])
            } else {
                pending.append(contentsOf: chunk[start..<end])
                body(pending[...])
                pending = []
            }
            start = end + 1
        }
        if start < chunk.count { pending.append(contentsOf: chunk[start...]) }
    }

    /// What is left after the last newline, if anything.
    mutating func finish(_ body: (ArraySlice<UInt8>) -> Void) {
        guard !pending.isEmpty else { return }
        body(pending[...])
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
            func take(_ line: ArraySlice<UInt8>) {
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

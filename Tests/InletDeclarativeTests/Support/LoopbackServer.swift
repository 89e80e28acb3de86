import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP server on 127.0.0.1 for tests: every request is recorded and answered by the test's
/// handler.
final class LoopbackServer: Sendable {
    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: [(String, String)]
        var body: String

        var path: String { String(uri.split(separator: "?", maxSplits: 1).first ?? "") }
        var query: [String: String] {
            guard let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return [:] }
            return Self.formDecoded(query)
        }

        /// The body as an `application/x-www-form-urlencoded` form.
        var form: [String: String] { Self.formDecoded(Substring(body)) }

        private static func formDecoded(_ text: Substring) -> [String: String] {
            var result: [String: String] = [:]
            for pair in text.split(separator: "&") {
                // Form encoding: `+` is a space (a plus sign comes as %2B).
                let parts = pair.split(separator: "=", maxSplits: 1).map {
                    let text = $0.replacingOccurrences(of: "+", with: " ")
                    return text.removingPercentEncoding ?? text
                }
                result[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            return result
        }

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    struct Response: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: String

        init(status: Int = 200, headers: [(String, String)] = [("Content-Type", "application/json")], body: String) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        static func json(_ body: String, status: Int = 200, headers: [(String, String)] = []) -> Response {
            Response(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
        }
    }

    typealias Handler = @Sendable (Request) -> Response

    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let recorded = NIOLockedValueBox<[Request]>([])
    let port: Int

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [Request] { recorded.withLockedValue { $0 } }

    /// `threads`: event loops answering requests; with more than one, a handler that waits does not
    /// hold up requests on other connections.
    init(threads: Int = 1, _ handler: @escaping Handler) async throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let recorded = self.recorded
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(RequestHandler(handler: handler, recorded: recorded))
                }
            }
        channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    func shutdown() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    private final class RequestHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let handler: Handler
        let recorded: NIOLockedValueBox<[Request]>
        private var head: HTTPRequestHead?
        private var body = ByteBuffer()

        init(handler: @escaping Handler, recorded: NIOLockedValueBox<[Request]>) {
            self.handler = handler
            self.recorded = recorded
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body.clear()
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                guard let head else { return }
                let request = Request(
                    method: head.method.rawValue, uri: head.uri,
                    headers: head.headers.map { ($0.name, $0.value) },
                    body: body.readString(length: body.readableBytes) ?? "")
                recorded.withLockedValue { $0.append(request) }
                let response = handler(request)
                var headers = HTTPHeaders(response.headers)
                headers.replaceOrAdd(name: "Content-Length", value: String(response.body.utf8.count))
                let responseHead = HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
                context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: response.body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                self.head = nil
            }
        }
    }
}

import Hummingbird
public import InletService
import Logging
import NIOCore
import UnixSignals

/// Runs the API until the process is told to stop (SIGTERM or SIGINT): then it stops taking
/// requests, cancels the running syncs (what they committed stays, with its checkpoint) and returns.
public enum ServiceServer {
    /// `onRunning` gets the port the server listens on (useful with port 0).
    public static func run(host: String, port: Int, service: IngestionService, verifier: TokenVerifier, metrics: ServiceMetrics,
                           jobTokens: JobTokens? = nil,
                           requestLog: @escaping @Sendable (String) -> Void,
                           onRunning: @escaping @Sendable (Int) -> Void) async throws {
        let router = Router()
        ServiceAPI(service: service, verifier: verifier, metrics: metrics, jobTokens: jobTokens, requestLog: requestLog).routes(into: router)
        var logger = Logger(label: "inlet.serve")
        logger.logLevel = .warning
        let application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "inlet"),
            onServerRunning: { channel in onRunning(channel.localAddress?.port ?? port) }, logger: logger)
        // The scheduler runs beside the server and stops with it. SIGTERM or SIGINT cancels the
        // running syncs at once, while the server stops taking requests and finishes the open ones.
        let stopSignals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await service.runScheduler() }
                group.addTask { await service.runWorkerWatchdog() }
                group.addTask {
                    for await _ in stopSignals {
                        await service.shutdown()
                        break
                    }
                }
                try await application.runService()
                group.cancelAll()
            }
        } catch {
            await service.shutdown()
            throw error
        }
        await service.shutdown()
    }
}

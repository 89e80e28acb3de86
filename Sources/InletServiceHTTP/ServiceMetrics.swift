import Foundation
public import InletService
import Prometheus

/// The service's Prometheus metrics, served at `GET /metrics`: requests by route, method and
/// status; syncs by how they ended; records and bytes synced; how long syncs took.
public final class ServiceMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let recordsSynced: Counter
    private let bytesSynced: Counter
    private let syncDuration: DurationHistogram

    private static func named(_ name: String, unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "inlet", metricName: name, unitName: unit, helpText: help)
    }

    private static var requests: MetricNameDescriptor { named("http_requests", unit: "total", "Requests answered, by route, method and status") }
    private static var syncs: MetricNameDescriptor { named("syncs", unit: "total", "Syncs that ended, by status") }

    public init() {
        recordsSynced = registry.makeCounter(descriptor: Self.named("records_synced", unit: "total", "Records committed by syncs"))
        bytesSynced = registry.makeCounter(descriptor: Self.named("bytes_synced", unit: "total", "Bytes of data files written by syncs"))
        syncDuration = registry.makeDurationHistogram(
            descriptor: Self.named("sync_duration", unit: "seconds", "How long syncs took, from start to end"),
            buckets: [.seconds(1), .seconds(5), .seconds(15), .seconds(60), .seconds(300), .seconds(900), .seconds(3600), .seconds(14400)])
    }

    func request(route: String, method: String, status: Int) {
        registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", String(status))]).increment()
    }

    /// Counts a sync that ended (give this to `IngestionService` as its `syncFinished`).
    public func syncFinished(_ sync: SyncRecord) {
        registry.makeCounter(descriptor: Self.syncs, labels: [("status", sync.status.rawValue)]).increment()
        recordsSynced.increment(by: sync.recordsSynced ?? 0)
        bytesSynced.increment(by: sync.bytesSynced ?? 0)
        if let milliseconds = sync.durationMs { syncDuration.record(.milliseconds(milliseconds)) }
    }

    var text: String { registry.emitToString() }
}

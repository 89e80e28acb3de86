import ArgumentParser
import Foundation
import InletService
import InletServiceHTTP
import InletSetup
import InletJSON

/// `inlet serve`: the ingestion service's REST API over this machine's runtime and pipeline.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the ingestion service: a multi-tenant REST API for sources, connections and syncs.",
        discussion: """
            Tokens are JWTs checked against --auth-config; each request names its tenant in X-Tenant-Id. \
            Tables land in each tenant's own catalog (catalog name = tenant id) under <warehouse>/<tenant-id>/.
            """
    )

    @Option(name: .long, help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "The port to listen on (0: any free port, printed at start).")
    var port = 8113

    @Option(name: .long, help: "Where the service keeps its store, keys, checkpoints, warehouse and catalog.")
    var dataDir = "inlet-data"

    @Option(name: .customLong("auth-config"), help: "A JSON file: issuer, audience and hs256_secret or jwks_file; tenant_claim, permissions_claim, leeway_seconds.")
    var authConfig: String?

    @Flag(name: .customLong("insecure-dev-auth"), help: "For local use only: make a signing secret and print a token for tenant --dev-tenant.")
    var insecureDevAuth = false

    @Option(name: .customLong("dev-tenant"), help: "The tenant of the --insecure-dev-auth token.")
    var devTenant = "dev"

    @Option(name: .long, help: "The service's store: sql:sqlite:PATH (default: <data-dir>/service.db) or sql:postgres://user@host:port/db (the password from the URL or PGPASSWORD), which several instances can share.")
    var store: String?

    @Option(name: .customLong("key-store"), help: "The key file sealing sources' secrets; default: <data-dir>/keys.json. Instances sharing a store share it too.")
    var keyStore: String?

    @Option(name: .long, help: "The warehouse root (each tenant's tables under <warehouse>/<tenant-id>/); default: <data-dir>/warehouse.")
    var warehouse: String?

    @Option(name: .long, help: "The Iceberg catalog, as for inlet sync: sql:sqlite:PATH (default <data-dir>/catalog.db) or sql:postgres://….")
    var catalog: String?

    @Option(name: .customLong("state-store"), help: "Where checkpoints are kept, as for inlet sync: sql:postgres://user@host:port/db (Airflow workers on any machine resume from it) or sql:sqlite:PATH; default: <data-dir>/state.db.")
    var stateStore: String?

    @Option(name: .customLong("max-concurrent-syncs"), help: "Syncs that run at once; others wait their turn.")
    var maxConcurrentSyncs = 2

    @Option(name: .customLong("commit-records"), help: "A sync commits once this many records are buffered.")
    var commitRecords = 100_000

    @Option(name: .customLong("max-upload-size"), help: "The largest file POST /api/v1/files/upload accepts: bytes, or with KB, MB, GB (powers of 1024; default 1GB).")
    var maxUploadSize = "1GB"

    @Option(name: .customLong("connector-types"), help: "Only these connector types (comma-separated) for sources; default: every connector this installation runs (inlet connectors list).")
    var connectorTypes: String?

    @Option(name: .customLong("datahub-url"), help: "DataHub's GMS (e.g. http://datahub-gms:8080): jobs' tables get their domain, tags and owner there; without it they go to <data-dir>/datahub/mcps.json in DataHub's file format. The token comes from $DATAHUB_GMS_TOKEN.")
    var dataHubURL: String?

    @Option(name: .customLong("public-url"), help: "The service's URL as clients and Airflow's workers reach it (default: the address it listens on).")
    var publicURL: String?

    @Option(name: .customLong("airflow-url"), help: "Apache Airflow's URL: each ingest job becomes a DAG there whose task runs inlet run-job. Needs --airflow-dags-folder.")
    var airflowURL: String?

    @Option(name: .customLong("airflow-dags-folder"), help: "Airflow's dags folder, where the service writes a DAG file per job.")
    var airflowDagsFolder: String?

    @Option(name: .customLong("airflow-config"), help: "A JSON file: api_version (3, or 2), username, password, inlet_command (inlet on the workers), service_url (the service as workers reach it), parse_wait_seconds, worker_timeout_seconds (a run whose worker is silent this long is FAILED; 300).")
    var airflowConfig: String?

    func execute(in environment: CommandEnvironment) async -> Int32 {
        do {
            try await serve(environment: environment)
            return 0
        } catch {
            environment.standardError.write(line: "inlet: serve failed: \(error)")
            return 1
        }
    }

    private func serve(environment: CommandEnvironment) async throws {
        let verifier: TokenVerifier
        if let authConfig {
            verifier = try await AuthSettings.verifier(configPath: authConfig)
        } else if insecureDevAuth {
            let development = try await AuthSettings.insecureDevelopment(tenant: devTenant)
            verifier = development.verifier
            environment.standardError.write(line: "inlet: INSECURE development auth (--insecure-dev-auth): tokens are signed with the HS256 secret \(development.secret)")
            environment.standardError.write(line: "inlet: dev token for tenant \(devTenant), valid 24 h: \(development.token)")
        } else {
            throw CLIError("--auth-config is required (issuer, audience and a key); --insecure-dev-auth runs with a throwaway secret for local use")
        }
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let storeSpec = store ?? "sql:sqlite:" + dataDir + "/service.db"
        guard storeSpec.hasPrefix("sql:sqlite:") || storeSpec.hasPrefix("sql:postgres://") || storeSpec.hasPrefix("sql:postgresql://") else {
            throw CLIError("--store \(WarehouseSetup.redacted(storeSpec)): expected sql:sqlite:PATH or sql:postgres://user@host:port/db")
        }
        var configuration = ServiceConfiguration(dataDirectory: dataDir, keyStorePath: keyStore, warehouse: warehouse, catalogSpec: catalog,
                                                 maximumConcurrentSyncs: maxConcurrentSyncs, commitRecords: commitRecords)
        if let dataHubURL {
            guard dataHubURL.hasPrefix("http://") || dataHubURL.hasPrefix("https://") else {
                throw CLIError("--datahub-url \(dataHubURL): expected an http(s) URL")
            }
            configuration.dataHub = DataHubSettings(url: dataHubURL, token: ProcessInfo.processInfo.environment["DATAHUB_GMS_TOKEN"],
                                                    filePath: dataDir + "/datahub/mcps.json")
        }
        configuration.stateStoreSpec = stateStore
        guard let uploadBytes = Self.byteCount(maxUploadSize), uploadBytes > 0 else {
            throw CLIError("--max-upload-size \(maxUploadSize): expected a size such as 1073741824, 500MB or 2GB")
        }
        configuration.maximumUploadBytes = uploadBytes
        configuration.allowedConnectorTypes = connectorTypes.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
        configuration.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        let metrics = ServiceMetrics()
        let serviceURL = ServiceURL(configuration.publicURL ?? "http://\(host):\(port)")
        let orchestrator = try airflow(serviceURL: serviceURL)
        if let seconds = orchestrator?.settings.workerTimeoutSeconds { configuration.workerTimeout = .seconds(seconds) }
        let service = try IngestionService(store: try SQLServiceStore(spec: storeSpec), configuration: configuration,
                                           resolver: environment.resolver, orchestrator: orchestrator, syncFinished: metrics.syncFinished)
        try service.recoverUnfinishedSyncs()
        await service.resumeHandOffs()
        service.failInterruptedImports()
        if let airflowURL { environment.standardError.write(line: "inlet: jobs run in Apache Airflow at \(airflowURL) (DAG files in \(airflowDagsFolder ?? ""))") }
        let output = environment.standardError
        let keyFolder = ((keyStore ?? dataDir + "/keys.json") as NSString).deletingLastPathComponent
        let jobTokens = try await JobTokens.load(path: (keyFolder.isEmpty ? "." : keyFolder) + "/job-tokens.key")
        try await ServiceServer.run(host: host, port: port, service: service, verifier: verifier, metrics: metrics, jobTokens: jobTokens,
                                    requestLog: { line in output.write(line: line) },
                                    onRunning: { [publicURL] port in
                                        if publicURL == nil { serviceURL.set("http://\(host):\(port)") }
                                        output.write(line: "inlet: serving on http://\(host):\(port)")
                                    })
    }

    /// The Airflow orchestrator the flags describe, if any.
    private func airflow(serviceURL: ServiceURL) throws -> AirflowOrchestrator? {
        guard let airflowURL else {
            if airflowDagsFolder != nil || airflowConfig != nil { throw CLIError("--airflow-dags-folder and --airflow-config need --airflow-url") }
            return nil
        }
        guard let airflowDagsFolder else { throw CLIError("--airflow-url needs --airflow-dags-folder (where the service writes the jobs' DAG files)") }
        var config: JSONValue?
        if let airflowConfig {
            do { config = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: airflowConfig)))) } catch {
                throw CLIError("--airflow-config \(airflowConfig) cannot be read as JSON: \(error)")
            }
        }
        let inlet = RunningExecutable.path
        return AirflowOrchestrator(settings: try AirflowSettings.load(url: airflowURL, dagsFolder: airflowDagsFolder, config: config,
                                                                      inletCommand: inlet, serviceURL: serviceURL))
    }
}

extension ServeCommand {
    /// `1073741824`, `500MB`, `2GB`, `64KiB`: a size in bytes (units are powers of 1024).
    static func byteCount(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let units: [(String, Int64)] = [("GIB", 1 << 30), ("MIB", 1 << 20), ("KIB", 1 << 10), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10),
                                        ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10), ("B", 1)]
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            guard let number = Int64(trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)) else { return nil }
            let (bytes, overflow) = number.multipliedReportingOverflow(by: factor)
            return overflow ? nil : bytes
        }
        return Int64(trimmed)
    }
}

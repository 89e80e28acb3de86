import Foundation
import ArgumentParser
import InletJSON

/// A command that talks to a running ingestion service.
protocol ServiceClientCommand: ParsableCommand {
    func execute(in environment: CommandEnvironment) async -> Int32
}

/// Where the service is and how the answer is printed: shared by the `inlet jobs` commands.
struct ServiceOptions: ParsableArguments {
    @Option(name: .customLong("service-url"), help: "The service's URL (default: $INLET_SERVICE_URL, else http://127.0.0.1:8113). The token comes from $INLET_TOKEN.")
    var serviceURL: String?

    @Option(name: .long, help: "The tenant (default: $INLET_TENANT, else the token's only tenant).")
    var tenant: String?

    @Flag(name: .long, help: "Print the service's JSON instead of a table.")
    var json = false

    /// Runs `work` with a client; prints its failure and answers 1.
    func run(_ name: String, in environment: CommandEnvironment,
             _ work: (ServiceClient) async throws(ServiceClient.Failure) -> Void) async -> Int32 {
        let client: ServiceClient
        do { client = try ServiceClient.fromEnvironment(serviceURL: serviceURL, tenant: tenant) } catch {
            environment.standardError.write(line: "inlet: \(name): \(error)")
            return 1
        }
        do {
            try await work(client)
            await client.close()
            return 0
        } catch {
            await client.close()
            environment.standardError.write(line: "inlet: \(name): \(error)")
            return 1
        }
    }
}

/// `inlet jobs`: the service's ingestion jobs, as a platform CLI's `jobs` commands show them.
struct JobsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List, show, trigger and delete the ingestion service's jobs.",
        subcommands: [List.self, Get.self, Trigger.self, Delete.self]
    )

    struct List: ServiceClientCommand {
        static let configuration = CommandConfiguration(abstract: "The tenant's jobs, newest first.")

        @OptionGroup var options: ServiceOptions

        @Option(name: .long, help: "Only jobs of this type (airflow.ingest, airflow.dataeng, airflow.nlp, mirror).")
        var type: String?

        @Option(name: .long, help: "Only jobs in this status (SCHEDULED, RUNNING, SUCCEEDED, FAILED, PAUSED, DELETED).")
        var status: String?

        @Option(name: .long, help: "The page (from 0) of --size jobs.")
        var page = 0

        @Option(name: .long, help: "Jobs per page (at most 100).")
        var size = 50

        func execute(in environment: CommandEnvironment) async -> Int32 {
            await options.run("jobs list", in: environment) { client throws(ServiceClient.Failure) in
                var query = "?page=\(page)&size=\(size)"
                if let type { query += "&type=\(type)" }
                if let status { query += "&status=\(status.uppercased())" }
                let answer = try await client.call("GET", "/api/jobs" + query)
                if options.json {
                    environment.standardOutput.write(line: JSONWriter.string(from: answer))
                    return
                }
                let jobs = answer["content"]?.arrayValue ?? []
                let rows = jobs.map { job in
                    [job["id"], job["job_name"], job["job_type"], job["status"], job["schedule"], job["last_run"]?["status"], job["next_run_at"]]
                        .map { JobsCommand.text($0) }
                }
                for line in JobsCommand.table(header: ["ID", "NAME", "TYPE", "STATUS", "SCHEDULE", "LAST RUN", "NEXT RUN"], rows: rows) {
                    environment.standardOutput.write(line: line)
                }
                let total = answer["totalElements"]?.intValue ?? Int64(jobs.count)
                environment.standardOutput.write(line: "\(jobs.count) of \(total) job\(total == 1 ? "" : "s")")
            }
        }
    }

    struct Get: ServiceClientCommand {
        static let configuration = CommandConfiguration(abstract: "A job: its status, last run, next run and where to watch it.")

        @OptionGroup var options: ServiceOptions

        @Argument(help: "The job's id.")
        var id: String

        func execute(in environment: CommandEnvironment) async -> Int32 {
            await options.run("jobs get", in: environment) { client throws(ServiceClient.Failure) in
                let job = try await client.call("GET", "/api/jobs/\(id)")
                if options.json {
                    environment.standardOutput.write(line: JSONWriter.string(from: job))
                    return
                }
                let lastRun = job["last_run"].flatMap { $0.isNull ? nil : $0 }
                let fields: [(String, JSONValue?)] = [
                    ("id", job["id"]), ("name", job["job_name"]), ("type", job["job_type"]), ("status", job["status"]),
                    ("source", job["source"]), ("destination", job["destination"]), ("schedule", job["schedule"]), ("time zone", job["time_zone"]),
                    ("runs in", job["runner"]), ("flow url", job["flow_url"]), ("next run", job["next_run_at"]),
                    ("last run", lastRun?["id"]), ("last run status", lastRun?["status"]), ("last run records", lastRun?["recordsSynced"]),
                    ("last run started", lastRun?["startedAt"]), ("last run failure", lastRun?["failureReason"]?["message"]),
                ]
                for (label, value) in fields {
                    environment.standardOutput.write(line: label.padding(toLength: 18, withPad: " ", startingAt: 0) + JobsCommand.text(value))
                }
            }
        }
    }

    struct Trigger: ServiceClientCommand {
        static let configuration = CommandConfiguration(abstract: "Run a job now (fails while a run is going).")

        @OptionGroup var options: ServiceOptions

        @Argument(help: "The job's id.")
        var id: String

        func execute(in environment: CommandEnvironment) async -> Int32 {
            await options.run("jobs trigger", in: environment) { client throws(ServiceClient.Failure) in
                let run = try await client.call("POST", "/api/jobs/\(id)/trigger")
                if options.json {
                    environment.standardOutput.write(line: JSONWriter.string(from: run))
                } else {
                    environment.standardOutput.write(line: "job \(id): run \(JobsCommand.text(run["id"])) \(JobsCommand.text(run["status"]))")
                }
            }
        }
    }

    struct Delete: ServiceClientCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a job: its schedule stops; its tables stay.")

        @OptionGroup var options: ServiceOptions

        @Argument(help: "The job's id.")
        var id: String

        func execute(in environment: CommandEnvironment) async -> Int32 {
            await options.run("jobs delete", in: environment) { client throws(ServiceClient.Failure) in
                try await client.call("DELETE", "/api/jobs/\(id)")
                environment.standardOutput.write(line: options.json ? #"{"deleted":"\#(id)"}"# : "job \(id) deleted")
            }
        }
    }

    /// A value as a table cell: strings bare, null and absent as `-`.
    static func text(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: "-"
        case .string(let text)?: text
        case let other?: JSONWriter.string(from: other)
        }
    }

    /// Rows as left-aligned columns under their header.
    static func table(header: [String], rows: [[String]]) -> [String] {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }
}

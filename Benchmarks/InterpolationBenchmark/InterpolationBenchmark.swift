import InletInterpolation
import InletJSON

/// Time per evaluation of parsed templates, the way a component evaluates them once per record or
/// request. `Benchmarks/interpolation.sh` runs the CDK's interpolation on the same templates.
@main
struct InterpolationBenchmark {
    static let templates = [
        "{{ record['x'] * 2 }}",
        "{{ record.get('stats', {}).get('opens') }}",
        "/repos/{{ config['owner'] }}/{{ stream_partition.id }}/issues",
        "{{ now_utc().strftime('%Y-%m-%dT%H:%M:%SZ') }}",
        "{{ response.get('meta', {}).get('next') }}",
    ]

    static func main() throws {
        let iterations = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 200_000 : 200_000
        let record: JSONObject = ["x": 21, "stats": ["opens": 10], "title": "hello"]
        var context = InterpolationContext(config: ["owner": "airbytehq", "api_key": "k"])
        context[.record] = .jsonObject(record)
        context[.streamSlice] = .jsonObject(["id": 42])
        context[.response] = .jsonObject(["meta": ["next": "abc"]])
        for template in templates {
            let interpolated = try InterpolatedString(template, parameters: ["name": "issues"])
            var sink = 0
            // Warm up, then measure.
            for _ in 0..<1000 { sink &+= try interpolated.eval(context).description.count }
            let started = ContinuousClock.now
            for _ in 0..<iterations {
                if case .int(let value) = try interpolated.eval(context) { sink &+= Int(value) } else { sink &+= 1 }
            }
            let elapsed = ContinuousClock.now - started
            let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            print("inlet \(String(format: nanoseconds / Double(iterations))) ns/eval  \(template)  (\(sink % 10))")
        }
    }

    static func String(format value: Double) -> Swift.String {
        let rounded = (value * 10).rounded() / 10
        return rounded.description
    }
}

import ArgumentParser
import InletFiles
import InletSetup
import InletJSON

/// `inlet preview`: a file's detected layout, its columns with their inferred types, and its first rows.
struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Show a file's inferred columns and first rows (csv, xlsx, xls, parquet, json, jsonl, avro).",
        discussion: "Types are inferred from the first 20,480 rows; `inlet import` then checks every value against them."
    )

    @OptionGroup var reading: FileReadingOptions

    @Option(name: .long, help: "How many rows to show.")
    var rows = 10

    @Flag(name: .long, help: "Print the preview object as JSON (as GET /api/v1/files/{id}/preview answers).")
    var json = false

    func execute(in environment: CommandEnvironment) -> Int32 {
        do {
            let settings = try reading.settings(stream: nil)
            let preview = try FilePreview.make(path: settings.path, options: settings.read, nullValues: settings.nullValues,
                                               columnTypes: settings.columnTypes, dateFormats: settings.dateFormats, previewRows: max(0, rows))
            let fileName = settings.path.split(separator: "/").last.map(String.init) ?? settings.path
            if json {
                environment.standardOutput.write(line: JSONWriter.string(from: preview.json(fileName: fileName)))
            } else {
                environment.standardOutput.write(line: Self.text(preview, fileName: fileName))
            }
            return 0
        } catch {
            environment.standardError.write(line: "inlet: preview: \(error)")
            return 1
        }
    }

    static func text(_ preview: FilePreview, fileName: String) -> String {
        var lines: [String] = []
        var layout = "\(fileName): \(preview.layout.format.rawValue)"
        if let encoding = preview.layout.encoding { layout += ", \(encoding.rawValue)" }
        if let dialect = preview.layout.dialect { layout += ", \(dialect)" }
        if let header = preview.layout.header { layout += header ? ", header row" : ", no header row" }
        if let sheet = preview.layout.sheet { layout += ", sheet '\(sheet)'" }
        layout += ", \(preview.totalRowsExact ? "" : "about ")\(preview.totalRows) rows"
        lines.append(layout)
        if let mismatch = preview.formatMismatch { lines.append("note: \(mismatch)") }
        lines.append("")
        let nameWidth = max(6, preview.columns.map(\.name.count).max() ?? 0)
        let typeWidth = max(4, preview.columns.map(\.type.description.count).max() ?? 0)
        lines.append(pad("column", nameWidth) + "  " + pad("type", typeWidth) + "  samples")
        for column in preview.columns {
            var line = pad(column.name, nameWidth) + "  " + pad(column.type.description, typeWidth) + "  "
                + column.sampleValues.prefix(3).map { clip($0, 20) }.joined(separator: ", ")
            if let format = column.dateFormat { line += "  [\(format)]" }
            lines.append(line)
            for warning in column.warnings { lines.append(String(repeating: " ", count: nameWidth + 2) + "! " + warning) }
        }
        guard !preview.previewRows.isEmpty else { return lines.joined(separator: "\n") }
        lines.append("")
        let cells = preview.previewRows.map { row in preview.columns.indices.map { index in index < row.count ? clip(row[index].text ?? "NULL", 24) : "" } }
        let widths = preview.columns.indices.map { index in max(clip(preview.columns[index].name, 24).count, cells.map { $0[index].count }.max() ?? 0) }
        lines.append(zip(preview.columns, widths).map { pad(clip($0.name, 24), $1) }.joined(separator: " | "))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-"))
        for row in cells { lines.append(zip(row, widths).map { pad($0, $1) }.joined(separator: " | ")) }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    private static func clip(_ text: String, _ width: Int) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: "⏎")
        return flat.count > width ? String(flat.prefix(width - 1)) + "…" : flat
    }
}

import Foundation

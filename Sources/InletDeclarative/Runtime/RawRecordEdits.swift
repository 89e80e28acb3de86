import InletInterpolation
import InletJSON

/// A stream's record filter and transformations in the form raw records can go through without
/// being parsed whole: templates that read only named members of `record`, fields added and removed
/// at the top level. The templates see a `record` holding just the members they read, which they
/// cannot tell from the whole record.
struct RawRecordEdits: Sendable {
    private enum Step: Sendable {
        case add(AddedField)
        case remove(key: String)
    }

    /// A class, so that walking the steps for every record copies a reference, not the templates.
    private final class AddedField: Sendable {
        let definition: AddedFieldDefinition
        let key: String
        /// The members of `record` the value and the condition read.
        let reads: [String]
        let condition: InterpolatedBoolean?

        init(_ definition: AddedFieldDefinition, reads: [String], condition: InterpolatedBoolean?) {
            self.definition = definition
            key = definition.path[0]
            self.reads = reads
            self.condition = condition
        }
    }

    private let filter: InterpolatedBoolean?
    private let filterReads: [String]
    private let steps: [Step]
    private let transformsBeforeFiltering: Bool

    /// Nil when some component needs the whole record or changes more than its top level.
    init?(selector: RecordSelector, transformations: [any ManifestComponent]) {
        switch selector.recordFilter {
        case nil:
            filter = nil
        case let recordFilter as RecordFilter:
            filter = recordFilter.condition
        default:
            return nil
        }
        guard let filterReads = Self.recordMembers(read: filter) else { return nil }
        self.filterReads = filterReads
        var steps: [Step] = []
        for transformation in transformations {
            switch transformation {
            case let add as AddFields:
                let condition = add.condition?.condition == nil ? nil : add.condition
                guard let conditionReads = Self.recordMembers(read: condition) else { return nil }
                for field in add.fields {
                    guard field.path.count == 1, let valueReads = field.value.membersRead(of: "record") else { return nil }
                    steps.append(.add(AddedField(field, reads: Array(valueReads.union(conditionReads)), condition: condition)))
                }
            case let remove as RemoveFields:
                guard remove.condition?.condition == nil else { return nil }
                for pointer in remove.fieldPointers {
                    // dpath matches pointers as globs; only plain keys are handled here.
                    guard pointer.count == 1, !Dpath.isGlob(pointer[0]) else { return nil }
                    steps.append(.remove(key: pointer[0]))
                }
            default:
                return nil
            }
        }
        self.steps = steps
        transformsBeforeFiltering = selector.transformBeforeFiltering
    }

    private static func recordMembers(read condition: InterpolatedBoolean?) -> [String]? {
        guard let template = condition?.condition else { return [] }
        return template.membersRead(of: "record").map(Array.init)
    }

    /// The record after the filter and transformations, or nil when the filter drops it. Both
    /// contexts are the page's, lent to hold `record` while a template reads it.
    func apply(to record: EditedRawJSONObject, filterContext: inout InterpolationContext,
               transformContext: inout InterpolationContext) throws(DeclarativeError) -> EditedRawJSONObject? {
        var record = record
        if transformsBeforeFiltering {
            try transform(&record, context: &transformContext)
            return try passesFilter(record, context: &filterContext) ? record : nil
        }
        guard try passesFilter(record, context: &filterContext) else { return nil }
        try transform(&record, context: &transformContext)
        return record
    }

    private func passesFilter(_ record: EditedRawJSONObject, context: inout InterpolationContext) throws(DeclarativeError) -> Bool {
        guard let filter else { return true }
        context[.record] = Self.view(of: record, members: filterReads)
        defer { context[.record] = nil }
        return try evaluate(filter, context, at: "record_filter.condition")
    }

    private func transform(_ record: inout EditedRawJSONObject, context: inout InterpolationContext) throws(DeclarativeError) {
        defer { context[.record] = nil }
        for step in steps {
            switch step {
            case .remove(let key):
                record.removeValue(forKey: key)
            case .add(let field):
                context[.record] = Self.view(of: record, members: field.reads)
                let value = try evaluate(field.definition.value, context, at: "AddFields \(field.key)",
                                         validTypes: field.definition.valueType?.pythonTypes)
                if let condition = field.condition {
                    var conditionContext = context
                    conditionContext.set("value", to: JinjaValue(value))
                    conditionContext.set("path", to: .list([.string(field.key)]))
                    guard try evaluate(condition, conditionContext, at: "AddFields.condition") else { continue }
                }
                record.set(value, forKey: field.key)
            }
        }
    }

    /// `record` as templates that read only `members` see it.
    private static func view(of record: EditedRawJSONObject, members: [String]) -> JinjaValue {
        var object = JSONObject()
        for member in members {
            if let value = record[member] { object[member] = value }
        }
        return .jsonObject(object)
    }
}

/// A Python dict built inside a template: insertion-ordered, with keys of any hashable Python type.
public struct JinjaDict: Sendable {
    public private(set) var keys: [JinjaValue] = []
    public private(set) var values: [JinjaValue] = []

    public init() {}

    public init(_ pairs: [(JinjaValue, JinjaValue)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public func index(of key: JinjaValue) -> Int? {
        keys.firstIndex { PythonSemantics.equal($0, key) }
    }

    public subscript(key: JinjaValue) -> JinjaValue? {
        get { index(of: key).map { values[$0] } }
        set {
            if let position = index(of: key) {
                if let newValue {
                    values[position] = newValue
                } else {
                    keys.remove(at: position)
                    values.remove(at: position)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    public subscript(string key: String) -> JinjaValue? {
        get { self[.string(key)] }
        set { self[.string(key)] = newValue }
    }

    public var pairs: [(JinjaValue, JinjaValue)] { Array(zip(keys, values)) }
}

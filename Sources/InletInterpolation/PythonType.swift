/// The Python types an interpolation result may be restricted to (the CDK's `valid_types`).
public enum PythonType: Sendable, Hashable {
    case string, integer, float, boolean, none, list, dict

    func matches(_ value: JinjaValue) -> Bool {
        switch (self, value) {
        case (.string, .string), (.none, .none), (.boolean, .bool), (.float, .double): return true
        // `isinstance(True, int)` is true in Python.
        case (.integer, .int), (.integer, .bigInteger), (.integer, .bool): return true
        case (.list, .list), (.list, .jsonArray): return true
        case (.dict, .dict), (.dict, .jsonObject): return true
        default: return false
        }
    }
}

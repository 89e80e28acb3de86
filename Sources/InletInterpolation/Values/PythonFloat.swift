/// Python's `repr(float)`: the shortest text that reads back as the same double, in exponent form
/// below 1e-4 and from 1e16 up. Swift's `description` follows the same rules.
enum PythonFloat {
    static func repr(_ value: Double) -> String {
        value.description
    }
}
